#!/usr/bin/env bash
# `make install` and `make uninstall`: Resilience for the current user, no root needed.
#   scripts/install.sh install     pipx if it is there, else a private virtual environment
#   scripts/install.sh uninstall   removes exactly what install added; the journal stays
# INSTALLER=venv (or pipx) picks the way by hand.
#
# The private environment lives in ~/.local/share/resilience-app (XDG_DATA_HOME), next to
# but apart from the rep's journal in ~/.local/share/resilience; `resilience` is linked
# into ~/.local/bin. Every file and folder install creates is listed in
# ~/.local/share/resilience-app/installed, and uninstall removes those and nothing else.
# The libraries are the lock's, requirements/app.txt (exact versions; in the venv way each
# file is checked against its hash too), not whatever is newest on PyPI that day.
set -euo pipefail
action=${1:-install}
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/python.sh
. "$here/scripts/python.sh"

data_home=${XDG_DATA_HOME:-$HOME/.local/share}
app_home=$data_home/resilience-app
venv=$app_home/venv
manifest=$app_home/installed
bin_dir=$HOME/.local/bin
link=$bin_dir/resilience
journal=$data_home/resilience
pretty() { echo "${1/#$HOME/\~}"; }

on_path() {
  case ":$PATH:" in *":$1:"* | *":$1/:"*) return 0 ;; esac
  return 1
}

# The one thing a fresh Debian or Ubuntu account lacks: ~/.local/bin on PATH. Their
# ~/.profile adds it at login once the folder exists.
path_advice() {
  on_path "$bin_dir" && return 0
  echo
  echo "Note: $(pretty "$bin_dir") is not on your PATH yet, so a terminal will not find"
  echo "\`resilience\` (the applications menu works already)."
  if grep -qs '\.local/bin' "$HOME/.profile" "$HOME/.bash_profile" "$HOME/.bash_login" \
    "$HOME/.zprofile" "$HOME/.bashrc" "$HOME/.zshrc"; then
    echo "Your shell adds it at login now that the folder exists: log out and back in."
  else
    echo "Add it for good with:"
    echo "  echo 'export PATH=\"\$HOME/.local/bin:\$PATH\"' >> ~/.profile"
    echo "then log out and back in."
  fi
  echo "Until then, in this terminal:"
  echo "  export PATH=\"\$HOME/.local/bin:\$PATH\""
}

# mkdir -p that records each folder it creates, outermost first.
make_dir() {
  local dir=$1 missing=()
  while [ ! -d "$dir" ]; do
    missing=("$dir" "${missing[@]}")
    dir=$(dirname "$dir")
  done
  for dir in "${missing[@]}"; do
    mkdir "$dir"
    printf '%s\n' "$dir" >>"$manifest"
  done
}

# The folders that would have to be made for DIR (DIR included), outermost first.
missing_up_to() {
  local dir=$1 missing=()
  while [ ! -e "$dir" ]; do
    missing=("$dir" "${missing[@]}")
    dir=$(dirname "$dir")
  done
  [ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
}

# Where pipx keeps its state by default, in any version (1.1: ~/.local/pipx; later ones:
# ~/.local/share/pipx, ~/.local/state/pipx for logs, ~/.cache/pipx), or PIPX_HOME. Any
# pipx command makes its folders (logs, venvs, cache, links), so which are new is noted
# before pipx first runs.
pipx_roots() {
  local home
  for home in ${PIPX_HOME:+"$PIPX_HOME"} "$HOME/.local/pipx" "$data_home/pipx"; do
    printf '%s\n' "$home" "$home/logs" "$home/venvs" "$home/shared" "$home/.trash" "$home/.cache"
  done
  printf '%s\n' "${XDG_STATE_HOME:-$HOME/.local/state}/pipx" \
    "${XDG_STATE_HOME:-$HOME/.local/state}/pipx/log" "${XDG_CACHE_HOME:-$HOME/.cache}/pipx"
}

# pipx's own folders: its home (venvs, shared pip), logs, trash, cache. Which exist depends
# on pipx's version (1.1 keeps them all in ~/.local/pipx; newer ones spread them over
# ~/.local/share, ~/.local/state and ~/.cache), so pipx names them.
pipx_state_dirs() {
  local name
  for name in PIPX_HOME PIPX_LOCAL_VENVS PIPX_SHARED_LIBS PIPX_LOG_DIR PIPX_TRASH_DIR \
    PIPX_VENV_CACHEDIR; do
    pipx environment --value "$name" 2>/dev/null || true
  done
}

# pipx takes no hashes (it asks pip for the package and its dependencies itself), so the
# lock reaches it as pins alone: app.txt without its --hash lines, a constraints file (pip
# refuses hashes there). PIP_CONSTRAINT reaches every pip that pipx runs: its shared pip,
# setuptools and wheel, and the app's dependencies; PIP_BUILD_CONSTRAINT the environment
# that builds the app (pip 25.3 and later no longer apply PIP_CONSTRAINT there; older pips
# ignore it). Every version is the lock's; only the venv way also checks each file's hash.
pipx_install() {
  local pins
  pins=$(mktemp)
  awk '/^[a-z0-9]/ { sub(/ *\\$/, ""); print }' "$here/requirements/app.txt" >"$pins"
  PIP_CONSTRAINT=$pins PIP_BUILD_CONSTRAINT=$pins pipx install --force "$here" ||
    { rm -f "$pins"; return 1; }
  rm -f "$pins"
}

pick_installer() {
  case "${INSTALLER:-}" in
    pipx | venv) echo "$INSTALLER" ;;
    "") if command -v pipx >/dev/null 2>&1; then echo pipx; else echo venv; fi ;;
    *) echo "install: INSTALLER must be pipx or venv, not '$INSTALLER'." >&2; return 1 ;;
  esac
}

install() {
  local how version bin pipx_new=() pipx_above=() root
  how=$(pick_installer)
  if [ "$how" = pipx ]; then
    while read -r root; do
      [ -n "$root" ] && [ ! -e "$root" ] || continue
      pipx_new+=("$root")
      mapfile -t -O "${#pipx_above[@]}" pipx_above < <(missing_up_to "$(dirname "$root")")
    done < <(pipx_roots)
    # Its folders for links and manual pages: removed at uninstall only if empty.
    for root in "${PIPX_BIN_DIR:-$bin_dir}" "${PIPX_MAN_DIR:-$data_home/man}/man1"; do
      mapfile -t -O "${#pipx_above[@]}" pipx_above < <(missing_up_to "$root")
    done
  fi
  if [ "$(id -u)" = 0 ]; then
    echo "install: you are root, so this installs Resilience for root alone. For every"
    echo "user of this computer, build and install the package instead: make deb."
  fi
  if [ "$how" = pipx ]; then
    "$here/scripts/system-deps.sh" run
  else
    "$here/scripts/system-deps.sh" run python
  fi
  if [ -e "$link" ] && ! [ "$(readlink "$link" 2>/dev/null)" = "$venv/bin/resilience" ] &&
    ! { [ "$how" = pipx ] && pipx list --short 2>/dev/null | grep -q '^resilience '; }; then
    echo "install: $(pretty "$link") already exists and is not this way's (installed" \
      "with pipx before? then run make uninstall first; else move it away)." >&2
    exit 1
  fi

  if [ ! -d "$app_home" ]; then
    # ~/.local/share itself may be new on a fresh account: note every folder made here.
    local made=() dir=$app_home
    while [ ! -d "$dir" ]; do
      made=("$dir" "${made[@]}")
      dir=$(dirname "$dir")
    done
    mkdir -p "$app_home"
    printf '%s\n' "${made[@]}" >>"$manifest"
  fi
  version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$here/resilience_app/__init__.py")
  if [ "$how" = pipx ]; then
    echo "Installing Resilience $version with pipx. The first time it downloads Qt (about"
    echo "250 MB): allow a few minutes on a slow connection."
    # What pipx had not made before is ours to remove at uninstall: the folders noted
    # above and any other that pipx names and lacks yet go to pipx-made (removed whole, but
    # only if no other pipx app is left by then); the folders above them and pipx's folders
    # for links and manual pages go to the manifest (removed only if empty).
    local dir
    [ ${#pipx_above[@]} -eq 0 ] || printf '%s\n' "${pipx_above[@]}" >>"$manifest"
    while read -r dir; do
      [ -z "$dir" ] || [ -e "$dir" ] || pipx_new+=("$dir")
    done < <(pipx_state_dirs)
    pipx environment --value PIPX_LOCAL_VENVS >"$app_home/pipx-venvs" 2>/dev/null || true
    pipx_install
    for dir in "${pipx_new[@]}"; do
      [ ! -e "$dir" ] || printf '%s\n' "$dir" >>"$app_home/pipx-made"
    done
    bin=$(pipx environment --value PIPX_BIN_DIR 2>/dev/null || echo "$bin_dir")/resilience
    echo pipx >"$app_home/installer"
  else
    local py
    py=$(pick_python) || {
      echo "install: Python 3.11 or newer is needed; scripts/system-deps.sh names it." >&2
      exit 1
    }
    echo "Installing Resilience $version into $(pretty "$venv") (with $py)."
    if [ ! -x "$venv/bin/python" ]; then
      "$py" -m venv "$venv"
    fi
    echo "The first time pip downloads Qt (about 250 MB), with a progress bar."
    # The lock first (its pip too, which then installs the rest), every file's hash checked;
    # then the app alone, built with the locked setuptools (no build isolation, which would
    # fetch the newest). Not editable: the installed app keeps working if this folder moves.
    "$venv/bin/python" -m pip install --disable-pip-version-check --require-hashes \
      -r "$here/requirements/app.txt"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
      --no-build-isolation "$here"
    make_dir "$bin_dir"
    ln -sfn "$venv/bin/resilience" "$link"
    printf '%s\n' "$link" >>"$manifest"
    bin=$venv/bin/resilience
    echo venv >"$app_home/installer"
  fi
  MANIFEST=$manifest "$here/scripts/desktop-integration.sh" install "$bin"
  echo "Installed: \`resilience\` ($(pretty "$link")) starts it; your journal will be in $(pretty "$journal")."
  path_advice
}

uninstall() {
  local how=""
  [ -f "$app_home/installer" ] && how=$(cat "$app_home/installer")
  if [ -z "$how" ]; then
    echo "uninstall: Resilience is not installed for $(id -un) by make install" \
      "(nothing in $(pretty "$app_home"))."
    return 0
  fi
  if [ "$how" = pipx ] && command -v pipx >/dev/null 2>&1 &&
    pipx list --short 2>/dev/null | grep -q '^resilience '; then
    pipx uninstall resilience
  fi
  # pipx's folders that install made, unless another pipx app lives there by now.
  local venvs=() dir others=""
  [ -f "$app_home/pipx-venvs" ] && mapfile -t venvs <"$app_home/pipx-venvs"
  [ "$how" = pipx ] && command -v pipx >/dev/null 2>&1 &&
    venvs+=("$(pipx environment --value PIPX_LOCAL_VENVS 2>/dev/null || true)")
  for dir in "${venvs[@]}"; do
    [ -z "$dir" ] || [ -z "$(ls -A "$dir" 2>/dev/null)" ] || others=yes
  done
  if [ -f "$app_home/pipx-made" ] && [ -z "$others" ]; then
    while read -r dir; do
      case "$dir" in /?*) rm -rf "$dir" ;; esac
    done <"$app_home/pipx-made"
  fi
  # Files first, then the folders install created, innermost first and only if empty.
  local path added=()
  mapfile -t added < <(sort -ru "$manifest" 2>/dev/null)
  for path in "${added[@]}"; do
    if [ -L "$path" ] || [ -f "$path" ]; then rm -f "$path"; fi
  done
  rm -rf "$app_home"
  for path in "${added[@]}"; do
    if [ -d "$path" ] && [ ! -L "$path" ]; then rmdir "$path" 2>/dev/null || true; fi
  done
  # The app's own start-at-login entry would start a program that is gone.
  rm -f "${XDG_CONFIG_HOME:-$HOME/.config}/autostart/org.resilience.Resilience.desktop"
  # Locks and channel sockets the app kept where no session runtime folder was (never
  # rescue files: those hold notes that could not be saved, so they stay).
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/resilience"
  rm -rf "$cache/run" "$HOME/.resilience-run"
  rmdir "$cache" 2>/dev/null || true
  rmdir "${XDG_CACHE_HOME:-$HOME/.cache}" 2>/dev/null || true
  echo "Removed Resilience, its launcher, icons and start-at-login entry."
  if [ -d "$journal" ]; then
    echo "Your journal is still in $(pretty "$journal"); delete that folder to remove it for good."
  fi
}

case "$action" in
  install) install ;;
  uninstall) uninstall ;;
  *) echo "usage: $0 install | uninstall" >&2; exit 2 ;;
esac
