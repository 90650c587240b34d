#!/usr/bin/env bash
# Installs (or removes) the launcher, the AppStream metainfo and the icons for the current
# user, following the XDG base directories. The rep's data is never touched.
#   scripts/desktop-integration.sh install BIN   # BIN: the resilience command to launch
#   scripts/desktop-integration.sh remove
# With MANIFEST=FILE, install appends every file and folder it creates to FILE, one a line,
# so that scripts/install.sh can later remove exactly those.
set -euo pipefail
action=${1:?install or remove}
here=$(cd "$(dirname "$0")/.." && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
id=org.resilience.Resilience
apps=$data_home/applications
meta=$data_home/metainfo
icons=$data_home/icons/hicolor

note() {
  if [ -n "${MANIFEST:-}" ]; then printf '%s\n' "$1" >>"$MANIFEST"; fi
}

# mkdir -p that notes each folder it creates, outermost first.
make_dir() {
  local dir=$1 missing=()
  while [ ! -d "$dir" ]; do
    missing=("$dir" "${missing[@]}")
    dir=$(dirname "$dir")
  done
  for dir in "${missing[@]}"; do
    mkdir "$dir"
    note "$dir"
  done
}

put() { # put SOURCE TARGET: a copy readable by everyone, like any launcher or icon
  make_dir "$(dirname "$2")"
  install -m 0644 "$1" "$2"
  note "$2"
}

case "$action" in
  install)
    bin=${2:?the path of the resilience command}
    # The launcher runs this very installation, wherever it lives. (No cache updates:
    # desktops watch these folders, and a cache would be one more file left behind.)
    launcher=$(mktemp)
    trap 'rm -f "$launcher"' EXIT
    sed -e "s|^Exec=resilience|Exec=$bin|" -e "s|^TryExec=resilience|TryExec=$bin|" \
      "$here/packaging/linux/$id.desktop" >"$launcher"
    put "$launcher" "$apps/$id.desktop"
    put "$here/packaging/linux/$id.metainfo.xml" "$meta/$id.metainfo.xml"
    while IFS= read -r icon; do
      put "$here/packaging/icons/hicolor/$icon" "$icons/$icon"
    done < <(cd "$here/packaging/icons/hicolor" && find . -name "$id.*" | sed 's|^\./||' | sort)
    echo "Resilience is in your applications menu ($apps/$id.desktop)."
    ;;
  remove)
    rm -f "$apps/$id.desktop" "$meta/$id.metainfo.xml"
    find "$icons" -name "$id.*" -delete 2>/dev/null || true
    rm -f "${XDG_CONFIG_HOME:-$HOME/.config}/autostart/$id.desktop"
    echo "Removed the launcher, icons and start-at-login entry. Your journal is still in place."
    ;;
  *) echo "usage: $0 install BIN | remove" >&2; exit 2 ;;
esac
