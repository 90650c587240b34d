#!/usr/bin/env bash
# `make lock`: remakes the lock files in requirements/ from pyproject.toml and the .in files.
#   scripts/lock.sh                keep every pin; re-resolve only what the inputs changed
#   UPGRADE=1 scripts/lock.sh      take the newest release of everything the ranges allow
#   UPGRADE="babel pytest" ...     take the newest release of those packages only
# Every install reads these files (scripts/setup-venv.sh, scripts/install.sh,
# scripts/windows/setup.sh), so nothing changes under a developer until this runs and its
# result is committed; tests/unit/test_lock.py fails when pyproject.toml and the lock
# disagree.
#
#   requirements/dev.txt      pyproject's dependencies + the dev extra + build.in + tools.in
#   requirements/app.txt      pyproject's dependencies + build.in, constrained by dev.txt
#   requirements/windows.txt  requirements/windows.in (from scripts/windows/requirements.py)
#                             for Windows CPython 3.11, constrained by dev.txt
# dev.txt and app.txt are universal: one file for Python 3.11-3.13 on Linux, macOS and
# Windows, with environment markers. uv resolves that, and the Windows wheels, from Linux.
#
# The uv that runs is the one pinned in dev.txt, from the dev virtualenv ($VENV, .venv); if
# that virtualenv lacks it (or has another version), it is installed from dev.txt, hashes
# checked. uv reads no pip configuration, so the files come from PyPI alone.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
uv=$venv/bin/uv
say() { echo "lock: $*"; }

[ -x "$venv/bin/python" ] || {
  echo "lock: no $venv/bin/python; run make setup-dev first (make lock does)." >&2
  exit 1
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The uv pin and its hash lines, as one pip requirements entry.
pinned=$(awk '/^uv==/ { keep = 1; print; next } keep && /^    --hash/ { print; next }
  keep { exit }' requirements/dev.txt)
want=$(sed -n 's/^uv==\([^ ]*\).*/\1/p' <<<"$pinned")
[ -n "$want" ] || { echo "lock: requirements/dev.txt pins no uv." >&2; exit 1; }
if [ "$("$uv" --version 2>/dev/null | cut -d' ' -f2)" != "$want" ]; then
  say "installing uv $want into $venv (from requirements/dev.txt, hashes checked)"
  printf '%s\n' "$pinned" >"$scratch/uv.txt"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
    --no-deps -r "$scratch/uv.txt"
fi

upgrade=()
case "${UPGRADE:-}" in
  "" | 0) ;;
  1) upgrade=(--upgrade) ;;
  *) for name in $UPGRADE; do upgrade+=(--upgrade-package "$name"); done ;;
esac

# Each file is made in a scratch folder from a copy of the current one (uv keeps the pins it
# finds in its output file), and replaces it only if it changed, so an unchanged lock keeps
# its date and make does not reinstall the virtualenvs for nothing.
common=(--quiet --generate-hashes --python-version 3.11 --custom-compile-command "make lock"
  "${upgrade[@]}")
compile() {
  local out=$1
  shift
  [ -f "$out" ] && cp "$out" "$scratch/out.txt" || rm -f "$scratch/out.txt"
  "$uv" pip compile "${common[@]}" "$@" -o "$scratch/out.txt"
  if cmp -s "$scratch/out.txt" "$out"; then
    say "$out: unchanged"
  else
    mv "$scratch/out.txt" "$out"
    say "$out: updated"
  fi
}

"$venv/bin/python" scripts/windows/requirements.py >"$scratch/windows.in"
if cmp -s "$scratch/windows.in" requirements/windows.in; then
  say "requirements/windows.in: unchanged"
else
  mv "$scratch/windows.in" requirements/windows.in
  say "requirements/windows.in: updated"
fi

compile requirements/dev.txt --universal pyproject.toml --extra dev \
  requirements/build.in requirements/tools.in
compile requirements/app.txt --universal pyproject.toml requirements/build.in \
  -c requirements/dev.txt
compile requirements/windows.txt --python-platform x86_64-pc-windows-msvc \
  requirements/windows.in -c requirements/dev.txt
