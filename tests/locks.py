"""The lock files in requirements/ (made by uv, `make lock`), read as the tests need them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCKS = Path(__file__).resolve().parents[1] / "requirements"

SYSTEMS = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    "darwin": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
    "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
}


def environment(system: str, python: str) -> dict[str, str]:
    """Marker values for CPython `python` (3.11, or 3.11.2) on `system` (a SYSTEMS key)."""
    version = python.split(".")
    return {
        **default_environment(),
        **SYSTEMS[system],
        "platform_machine": "AMD64" if system == "win32" else "x86_64",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "python_version": ".".join(version[:2]),
        "python_full_version": ".".join([*version, "0"][:3]),
        "extra": "",
    }


@dataclass(frozen=True)
class Pin:
    requirement: Requirement
    hashes: tuple[str, ...]

    @property
    def name(self) -> str:
        return canonicalize_name(self.requirement.name)

    @property
    def version(self) -> str:
        [specifier] = self.requirement.specifier
        assert specifier.operator == "==", self.requirement
        return specifier.version

    def applies(self, env: dict[str, str]) -> bool:
        marker = self.requirement.marker
        return marker is None or marker.evaluate(env)


def read_lock(name: str) -> list[Pin]:
    """The pins of a lock file as uv writes it: `name==1.0 ; marker \\` then hash lines."""
    text = (LOCKS / name).read_text(encoding="utf-8")
    pins = []
    for line in text.replace("\\\n", " ").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        hashes = tuple(w.removeprefix("--hash=") for w in words if w.startswith("--hash="))
        spec = " ".join(w for w in words if not w.startswith("--hash="))
        pins.append(Pin(Requirement(spec), hashes))
    return pins


def pinned(lock: list[Pin], env: dict[str, str]) -> dict[str, list[Pin]]:
    """The lock's pins that hold in `env`, by package name."""
    found: dict[str, list[Pin]] = {}
    for pin in lock:
        if pin.applies(env):
            found.setdefault(pin.name, []).append(pin)
    return found
