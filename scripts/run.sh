#!/usr/bin/env bash
# Starts Resilience from the project's virtualenv. On a machine with no screen (a fresh
# server, a container) it starts a virtual desktop first (Xvfb with a tray and a
# notification server) and says so, so `make run` works everywhere.
set -euo pipefail
venv=${VENV:-.venv}
app=("$venv/bin/resilience" "$@")

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ "$(uname)" != Linux ]; then
  exec "${app[@]}"
fi

echo "run: no screen found; starting Resilience on a virtual desktop."
scripts/system-deps.sh desktop  # a no-op after make, which asked already
exec "$venv/bin/python" scripts/virtual_desktop.py -- "${app[@]}"
