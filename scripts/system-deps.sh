#!/usr/bin/env bash
# The Debian/Ubuntu packages Resilience needs, asked for once, in one list split by purpose.
#   scripts/system-deps.sh PURPOSE...
#     run      the app itself: Qt's xcb and Wayland libraries, fonts, notify-send, libpulse
#              (to notice calls by the microphone in use, and for Qt Multimedia to play the
#              breathing guide's sound cues)
#     python   a Python 3.11+ that can make a virtual environment (python3-venv)
#     desktop  a virtual desktop for a machine with no screen (`make run` on a server)
#     test     the tests: the virtual desktop, Weston, the accessibility bus (at-spi2-core,
#              python3-pyatspi with python3-gi to hear announcements), validators, a sound
#              server (PulseAudio: a softphone on a call; parec records the sound cues),
#              prlimit, and busctl (systemd), which `dunstctl history` calls
#     package  building and checking the packages: dpkg-shlibdeps (dpkg-dev), patchelf,
#              lintian, the interpreter's shared library (libpython3.X) for PyInstaller; pipx (the test of `make install` tries both of its ways) and
#              debootstrap (the .deb on a minimal Debian)
#     windows  the tests and the installer for Windows, run by Wine: wine64, mingw-w64 (a
#              stand-in DLL Wine lacks), fonts for Qt's offscreen platform, NSIS
# As root with apt-get it installs what is missing; as anyone else it prints the one
# command to run as root, and fails, so nothing half-works.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/python.sh
. "$here/python.sh"

run_pkgs=(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
  libxkbcommon0 libwayland-client0 libwayland-cursor0 libwayland-egl1
  libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core libnotify-bin libpulse0)
desktop_pkgs=(xvfb xauth trayer dunst dbus x11-utils xdotool)
test_pkgs=("${desktop_pkgs[@]}" dbus-x11 imagemagick x11-xserver-utils
  desktop-file-utils appstream libglib2.0-bin python3-gi
  weston at-spi2-core python3-pyatspi pulseaudio pulseaudio-utils util-linux
  poppler-utils systemd faketime
  baresip-core alsa-utils libasound2-plugins pipewire pipewire-pulse wireplumber chromium)
package_pkgs=(dpkg-dev patchelf lintian pipx debootstrap)
windows_pkgs=(wine wine64 gcc-mingw-w64-x86-64-win32 fonts-dejavu-core nsis)

declare -A label=(
  [run]="to run the app"
  [desktop]="to run it with no screen"
  [test]="to run the tests"
  [package]="to build and check packages"
  [windows]="to test and package for Windows"
)

python_pkgs() {
  local py
  if ! py=$(pick_python); then
    echo python3 python3-venv
    return
  fi
  python_venv_pkg "$py"
}

# The interpreter's shared library, for PyInstaller: the virtualenv's Python if there is
# one yet, else the one it will be made with.
package_python_pkgs() {
  local py=${VENV:-.venv}/bin/python
  [ -x "$py" ] || py=$(pick_python) || return 0
  python_shlib_pkg "$py"
}

if [ $# -eq 0 ]; then set -- run; fi
for purpose in "$@"; do
  case "$purpose" in
    run | python | desktop | test | package | windows) ;;
    *)
      echo "system-deps: unknown purpose '$purpose' (run, python, desktop, test, package or windows)" >&2
      exit 2
      ;;
  esac
done

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian-like system; make sure Python 3.11+ (with venv) and Qt 6's" \
    "xcb/Wayland libraries are installed." >&2
  exit 0
fi

installed() {
  dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null |
    awk '$2 == "installed" { print $1 }'
}

# Missing packages by purpose, each named once (under the first purpose that needs it).
declare -A seen=()
order=()
declare -A missing_for=()
all_missing=()
for purpose in "$@"; do
  case "$purpose" in
    run) wanted=("${run_pkgs[@]}") ;;
    python) read -r -a wanted <<<"$(python_pkgs)" ;;
    desktop) wanted=("${desktop_pkgs[@]}") ;;
    test) wanted=("${test_pkgs[@]}") ;;
    package) read -r -a wanted <<<"${package_pkgs[*]} $(package_python_pkgs)" ;;
    windows) wanted=("${windows_pkgs[@]}") ;;
  esac
  [ "$purpose" = python ] && purpose=run # Python is part of running the app
  [ ${#wanted[@]} -eq 0 ] && continue
  declare -A have=()
  for p in $(installed "${wanted[@]}"); do have[$p]=1; done
  for p in "${wanted[@]}"; do
    [ -n "${have[$p]:-}" ] || [ -n "${seen[$p]:-}" ] && continue
    seen[$p]=1
    [ -n "${missing_for[$purpose]:-}" ] || order+=("$purpose")
    missing_for[$purpose]="${missing_for[$purpose]:-} $p"
    all_missing+=("$p")
  done
  unset have
done
[ ${#all_missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing Debian packages:"
  for purpose in "${order[@]}"; do
    printf '  %-29s%s\n' "${label[$purpose]}:" "${missing_for[$purpose]}"
  done
  # No questions, and no debconf notes about the missing apt-utils.
  export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
  # The package lists on a fresh machine may be empty or stale.
  apt-get update -qq
  # A dot per package set up (with their dependencies, often a hundred or more): progress
  # without apt's screenfuls. Errors still reach stderr.
  apt-get install -y -q --no-install-recommends "${all_missing[@]}" |
    awk '/^Setting up / { n++; printf "." } END { printf "\nsystem-deps: set up %d packages (with what they need)\n", n }'
  exit 0
fi

# The same list, and the same choice of no recommended extras, as root gets above: both
# ways end with the same packages.
command="apt-get install --no-install-recommends ${all_missing[*]}"
{
  echo "Resilience needs Debian packages that are not installed yet:"
  for purpose in "${order[@]}"; do
    printf '  %-29s%s\n' "${label[$purpose]}:" "${missing_for[$purpose]}"
  done
  echo "Install them all with this one command, then run make again:"
  echo "  sudo $command"
  echo "or, where sudo is not set up (it asks for the root password):"
  echo "  su -c '$command'"
} >&2
exit 1
