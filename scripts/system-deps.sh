#!/usr/bin/env bash
# Installs the Debian packages Resilience needs, when they are missing.
#   scripts/system-deps.sh run   - what the app needs to show its windows (Qt's xcb libs)
#   scripts/system-deps.sh test  - plus the virtual desktop for the tests: Xvfb, a tray
#                                  (trayer), a notification server (dunst), xdotool, ImageMagick
# As root with apt-get it installs them; otherwise it names the command to run.
set -euo pipefail
what=${1:-run}

run_pkgs=(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
  libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core libnotify-bin)
test_pkgs=(xvfb xauth trayer dunst dbus dbus-x11 xdotool imagemagick x11-utils x11-xserver-utils
  desktop-file-utils appstream libglib2.0-bin python3-gi)

pkgs=("${run_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian-like system; make sure Qt 6's xcb libraries are installed." >&2
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The package lists on a fresh machine may be empty or stale.
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
