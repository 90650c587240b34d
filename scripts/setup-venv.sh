#!/usr/bin/env bash
# Creates .venv with Python >= 3.11 and installs Resilience into it (editable, with the
# test tools when asked: scripts/setup-venv.sh dev).
set -euo pipefail
venv=${VENV:-.venv}
extra=${1:-}

pick_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x "$venv/bin/python" ]; then
  py=$(pick_python) || {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
      py=$(pick_python) || { echo "setup: Python 3.11 or newer is needed." >&2; exit 1; }
    else
      echo "setup: Python 3.11 or newer is needed (install python3 and python3-venv)." >&2; exit 1
    fi
  }
  if ! "$py" -m venv "$venv" 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      rm -rf "$venv"; "$py" -m venv "$venv"
    else
      echo "setup: '$py -m venv' failed; install the python3-venv package." >&2; exit 1
    fi
  fi
fi

spec="."
[ "$extra" = dev ] && spec=".[dev]"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec"
