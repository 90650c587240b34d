"""Build the standalone app, dist/Resilience, with PyInstaller (packaging/resilience.spec).

    python packaging/build.py            # build, or reuse an up-to-date dist/Resilience
    python packaging/build.py --force    # rebuild from scratch (clears PyInstaller's cache)
    python packaging/build.py --distpath dist/windows --workpath build/windows/pyinstaller
                                         # elsewhere (the Windows build made under Wine)

An existing build is reused when it is newer than every file it is made from (the app's
code, resources/, the spec, pyproject.toml, the app icons) and was made by the same Python
and PyInstaller; `make test-package` relies on that to skip a rebuild. The record of the
last build is dist/.Resilience.stamp, kept next to the bundle rather than inside it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "resilience.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
NAME = "Resilience"
BUNDLE = DIST / NAME
STAMP = DIST / f".{NAME}.stamp"
# What the bundle is made of; a change to any file here means a rebuild.
INPUTS = (
    ROOT / "resilience_app",
    ROOT / "resources",
    SPEC,
    ROOT / "pyproject.toml",
    ROOT / "packaging" / "icons" / "resilience.ico",
    ROOT / "packaging" / "icons" / "resilience.icns",
)


def use_folders(dist: Path, work: Path) -> None:
    """Build into `dist` (the bundle, its stamp) with PyInstaller's work files in `work`."""
    global DIST, WORK, BUNDLE, STAMP
    DIST, WORK = dist.resolve(), work.resolve()
    BUNDLE, STAMP = DIST / NAME, DIST / f".{NAME}.stamp"


def executable(bundle: Path | None = None) -> Path:
    """The program in the bundle that the smoke test and the rep run."""
    bundle = BUNDLE if bundle is None else bundle
    if sys.platform == "win32":
        return bundle / f"{NAME}.exe"
    return bundle / "resilience"


def input_files() -> Iterator[Path]:
    for item in INPUTS:
        if item.is_file():
            yield item
        elif item.is_dir():
            for path in item.rglob("*"):
                # Bytecode caches change whenever tests run; they are not inputs.
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                    yield path


def toolchain() -> dict[str, str]:
    from PyInstaller import __version__ as pyinstaller_version

    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "pyinstaller": pyinstaller_version,
    }


def up_to_date() -> str | None:
    """Why the existing bundle can be reused, or None when it must be built."""
    if not executable().is_file() or not STAMP.is_file():
        return None
    try:
        recorded = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if recorded != toolchain():
        return None
    built = STAMP.stat().st_mtime
    newest = max((path.stat().st_mtime for path in input_files()), default=0.0)
    if newest >= built:
        return None
    return f"{BUNDLE} is newer than its sources"


def size_of(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total


def human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def build(*, clean: bool) -> int:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
    ]
    if clean:
        command.append("--clean")
    command.append(str(SPEC))
    print("build.py: " + " ".join(command), flush=True)
    STAMP.unlink(missing_ok=True)
    started = time.time()
    result = subprocess.run(command, cwd=ROOT, check=False)
    if result.returncode != 0:
        print(f"build.py: PyInstaller failed (exit {result.returncode})", file=sys.stderr)
        return result.returncode
    if not executable().is_file():
        print(f"build.py: PyInstaller did not produce {executable()}", file=sys.stderr)
        return 1
    STAMP.write_text(json.dumps(toolchain(), indent=2) + "\n", encoding="utf-8")
    # The bundle reflects the sources as they were when the build started; a file saved
    # during the build is newer than this and triggers the next build.
    os.utime(STAMP, (started, started))
    print(f"build.py: built in {time.time() - started:.0f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--force", action="store_true", help="rebuild even when the bundle is up to date"
    )
    parser.add_argument("--distpath", type=Path, default=DIST, help="where the bundle goes")
    parser.add_argument(
        "--workpath", type=Path, default=WORK, help="PyInstaller's work files (a cache)"
    )
    args = parser.parse_args(argv)
    use_folders(args.distpath, args.workpath)
    if importlib.util.find_spec("PyInstaller") is None:
        print(
            f"build.py: PyInstaller is not installed for {sys.executable}; "
            "it is locked in requirements/dev.txt: run `make package`, which installs it.",
            file=sys.stderr,
        )
        return 1
    reason = None if args.force else up_to_date()
    if reason is not None:
        print(f"build.py: reusing the existing build: {reason} (--force rebuilds)")
    else:
        code = build(clean=args.force)
        if code != 0:
            return code
    where = BUNDLE
    if sys.platform == "darwin" and (DIST / f"{NAME}.app").is_dir():
        where = DIST / f"{NAME}.app"
    print(f"build.py: {where} ({human(size_of(where))}, {platform.system()} {platform.machine()})")
    print(f"build.py: run it with {executable()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
