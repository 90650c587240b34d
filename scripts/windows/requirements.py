"""The input of the Windows lock: what the Windows test environment needs, one a line.

    python scripts/windows/requirements.py > requirements/windows.in

`make lock` (scripts/lock.sh) runs it and resolves its output with uv into
requirements/windows.txt (exact versions and hashes for Windows CPython 3.11), which
scripts/windows/setup.sh installs; nothing installs from this output directly.

Read from pyproject.toml (the app's dependencies and its dev extra), with environment
markers evaluated for Windows, so a Linux-only dependency stays out. Lint tools stay out
too (ruff and mypy run on Linux). The Windows-only dependencies of what we use are named
by hand: colorama (pytest), tzdata (tzlocal, zoneinfo), and PyInstaller's pefile and
pywin32-ctypes (the Windows bundle is built in the same environment). uv, resolving for
Windows, would find them anyway; naming them keeps them in the lock if an upstream drops
its marker.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
LINUX_ONLY_TOOLS = {"ruff", "mypy"}
WINDOWS_ONLY = ["colorama", "tzdata"]
PACKAGING = ["pyinstaller>=6.10", "pefile>=2022.5.30", "pywin32-ctypes>=0.2.1"]
WINDOWS = {
    "os_name": "nt",
    "sys_platform": "win32",
    "platform_system": "Windows",
    "platform_machine": "AMD64",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "python_version": "3.11",
    "python_full_version": "3.11.9",
}


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    environment = {**default_environment(), **WINDOWS, "extra": ""}
    wanted = []
    for line in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        requirement = Requirement(line)
        if requirement.name.lower() in LINUX_ONLY_TOOLS:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        requirement.marker = None
        wanted.append(str(requirement))
    return wanted + WINDOWS_ONLY + PACKAGING


HEADER = """\
# The Windows test environment's requirements: made by scripts/windows/requirements.py from
# pyproject.toml (make lock runs it; do not edit). make lock resolves them, constrained by
# requirements/dev.txt, into requirements/windows.txt, which scripts/windows/setup.sh installs."""


if __name__ == "__main__":
    print(HEADER)
    print("\n".join(requirements()))
