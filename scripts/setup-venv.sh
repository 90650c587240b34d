#!/usr/bin/env bash
# Creates .venv with Python >= 3.11 and installs Resilience into it (editable, with the
# test tools when asked: scripts/setup-venv.sh dev). The Debian packages it needs
# (python3-venv) come first, from scripts/system-deps.sh (make does that).
# The libraries come from the lock, requirements/app.txt (or dev.txt): exact versions, each
# file checked against its hash, so a new upstream release changes nothing here until
# `make lock` takes it on purpose.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
# shellcheck source=scripts/python.sh
. "$here/python.sh"
venv=${VENV:-.venv}
extra=${1:-}

if [ ! -x "$venv/bin/python" ]; then
  py=$(pick_python) || {
    echo "setup: Python 3.11 or newer is needed; scripts/system-deps.sh python names the package." >&2
    exit 1
  }
  missing=$(python_venv_pkg "$py")
  if [ -n "$missing" ]; then
    echo "setup: $py cannot make a virtual environment without the $missing package." >&2
    exit 1
  fi
  echo "setup: creating $venv with $py"
  "$py" -m venv "$venv"
fi

lock=$repo/requirements/app.txt
[ "$extra" = dev ] && lock=$repo/requirements/dev.txt
echo "setup: installing Resilience and its libraries into $venv (Qt is about 250 MB the first time)"
# The lock pins pip itself, so the venv's own pip (23.0.1 on Debian 12) installs it and the
# rest; --require-hashes refuses any file whose hash is not in the lock, from any index.
"$venv/bin/python" -m pip install --disable-pip-version-check --require-hashes -r "$lock"
# Then the project alone: its dependencies are in already, and --no-build-isolation builds
# it with the locked setuptools instead of fetching the newest into a build environment.
# Editable, so a change to the code needs no reinstall. setuptools says "Editable
# installation ... be careful with folders in your working directory" whenever a package
# maps a folder (resources/ ships as resilience_app.resources): information for setuptools
# developers, nothing to act on here, and alarming on a first set-up.
PYTHONWARNINGS="ignore:Editable installation" \
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
  --no-build-isolation -e "$repo"
