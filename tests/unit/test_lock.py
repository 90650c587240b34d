"""The lock files in requirements/ agree with pyproject.toml, and with each other.

Every install reads the lock (exact versions, hashes), not pyproject.toml's ranges, so a
range changed without `make lock` would go unnoticed until a fresh machine; this test
notices it. A pin counts where its environment markers hold: each supported Python on
each supported system is checked on its own.
"""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.locks import LOCKS, SYSTEMS, Pin, environment, pinned, read_lock

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
DEV = [Requirement(line) for line in PROJECT["optional-dependencies"]["dev"]]
LINUX_ONLY = {"pulsectl", "python-xlib", "jeepney"}
# What ruff and mypy are for: they run on Linux only, so the Windows lock leaves them out.
NOT_ON_WINDOWS = {"ruff", "mypy"}
PYTHONS = ["3.11", "3.12", "3.13"]
ENVIRONMENTS = {f"{s}-py{p}": environment(s, p) for s in SYSTEMS for p in PYTHONS}


def read_in(name: str) -> list[Requirement]:
    lines = (LOCKS / name).read_text(encoding="utf-8").splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]


DEV_LOCK = read_lock("dev.txt")
APP_LOCK = read_lock("app.txt")
WINDOWS_LOCK = read_lock("windows.txt")
BUILD = read_in("build.in")
TOOLS = read_in("tools.in")


def problems(lock: list[Pin], wanted: list[Requirement], file: str) -> list[str]:
    """What in `wanted` is not pinned exactly once, in range, wherever it applies."""
    found = []
    for label, env in ENVIRONMENTS.items():
        pins = pinned(lock, env)
        for requirement in wanted:
            if requirement.marker is not None and not requirement.marker.evaluate(env):
                continue
            name = canonicalize_name(requirement.name)
            there = pins.get(name, [])
            if len(there) != 1:
                found.append(f"{file} pins {name} {len(there)} times for {label}")
            elif not requirement.specifier.contains(there[0].version, prereleases=True):
                found.append(
                    f"{file} pins {name}=={there[0].version} for {label}, but pyproject.toml "
                    f"asks for {requirement}: run make lock"
                )
    return found


def test_dev_lock_pins_the_runtime_the_dev_extra_and_the_tools_within_their_ranges() -> None:
    assert problems(DEV_LOCK, [*RUNTIME, *DEV, *BUILD, *TOOLS], "dev.txt") == []


def test_app_lock_pins_the_runtime_and_the_build_tools_within_their_ranges() -> None:
    assert problems(APP_LOCK, [*RUNTIME, *BUILD], "app.txt") == []


def test_app_and_dev_locks_pin_the_same_version_of_what_they_share() -> None:
    differ = []
    for label, env in ENVIRONMENTS.items():
        dev, app = pinned(DEV_LOCK, env), pinned(APP_LOCK, env)
        for name, pins in app.items():
            versions = {p.version for p in pins}
            if name not in dev:
                differ.append(f"{name}: in app.txt, not dev.txt ({label})")
            elif versions != {p.version for p in dev[name]}:
                differ.append(f"{name}: app.txt {versions}, dev.txt {dev[name]} ({label})")
    assert differ == []


def test_windows_lock_pins_what_windows_needs_within_range_and_as_dev_txt_does() -> None:
    windows = environment("win32", "3.11")
    assert all(pin.applies(windows) for pin in WINDOWS_LOCK)
    wanted = [r for r in [*RUNTIME, *DEV] if canonicalize_name(r.name) not in NOT_ON_WINDOWS]
    found = []
    pins = pinned(WINDOWS_LOCK, windows)
    for requirement in wanted:
        if requirement.marker is not None and not requirement.marker.evaluate(windows):
            continue
        there = pins.get(canonicalize_name(requirement.name), [])
        if len(there) != 1 or not requirement.specifier.contains(there[0].version, True):
            found.append(f"windows.txt: {requirement} -> {[p.version for p in there]}")
    assert found == []
    dev = pinned(DEV_LOCK, windows)
    for name, [pin] in pins.items():
        if name in dev:
            assert [p.version for p in dev[name]] == [pin.version], name


def test_windows_lock_has_nothing_linux_only() -> None:
    names = {pin.name for pin in WINDOWS_LOCK}
    assert not names & LINUX_ONLY
    assert not names & NOT_ON_WINDOWS
    # Nor anything dev.txt keeps to other systems (jeepney, SecretStorage: keyring on Linux).
    windows = environment("win32", "3.11")
    elsewhere = {p.name for p in DEV_LOCK} - set(pinned(DEV_LOCK, windows))
    assert not names & elsewhere


@pytest.mark.parametrize("file", ["dev.txt", "app.txt", "windows.txt"])
def test_every_pin_carries_a_sha256_hash_and_the_header_no_local_path(file: str) -> None:
    lock = {"dev.txt": DEV_LOCK, "app.txt": APP_LOCK, "windows.txt": WINDOWS_LOCK}[file]
    assert lock
    for pin in lock:
        assert pin.hashes, f"{file}: {pin.requirement} has no hash"
        assert all(h.startswith("sha256:") and len(h) == 7 + 64 for h in pin.hashes), pin
    text = (LOCKS / file).read_text(encoding="utf-8")
    assert "#    make lock\n" in text
    assert "/tmp" not in text and str(ROOT) not in text


def test_windows_input_is_what_the_generator_makes_of_pyproject_toml() -> None:
    spec = importlib.util.spec_from_file_location(
        "windows_requirements", ROOT / "scripts" / "windows" / "requirements.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = module.HEADER + "\n" + "\n".join(module.requirements()) + "\n"
    assert (LOCKS / "windows.in").read_text(encoding="utf-8") == made, "run make lock"
