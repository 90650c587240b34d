#!/usr/bin/env bash
# Installs (or removes) the launcher, the AppStream metainfo and the icons for the current
# user, following the XDG base directories. The rep's data is never touched.
#   scripts/desktop-integration.sh install BIN   # BIN: the resilience command to launch
#   scripts/desktop-integration.sh remove
set -euo pipefail
action=${1:?install or remove}
here=$(cd "$(dirname "$0")/.." && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
id=org.resilience.Resilience
apps=$data_home/applications
meta=$data_home/metainfo
icons=$data_home/icons/hicolor

case "$action" in
  install)
    bin=${2:?the path of the resilience command}
    mkdir -p "$apps" "$meta"
    # The launcher runs this very installation, wherever it lives.
    sed -e "s|^Exec=resilience|Exec=$bin|" -e "s|^TryExec=resilience|TryExec=$bin|" \
      "$here/packaging/linux/$id.desktop" > "$apps/$id.desktop"
    cp "$here/packaging/linux/$id.metainfo.xml" "$meta/"
    (cd "$here/packaging/icons/hicolor" && find . -name "$id.*" -exec install -D -m 0644 {} "$icons/{}" \;)
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$apps" || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$icons" || true
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
