"""The passphrase lock against what a hostile pass tried with the real app process: a long
passphrase on standard input, a change while locked, "remember"
without a keyring, a crash dump."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_app_process import App, cli, status, wait_for

PASS = "correct horse battery"
MARKERS = ["LABEL-MARK", "WHAT-MARK", "POSITIVE-MARK"]
FAIL_KEYRING = "keyring.backends.fail.Keyring"


def secret_command(
    data_dir: Path, *args: str, stdin: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def protect(data_dir: Path) -> None:
    done = secret_command(data_dir, "passphrase", "set", stdin=PASS + "\n")
    assert done.returncode == 0, done.stderr


@pytest.fixture
def locked_app(data_dir: Path) -> Iterator[App]:
    """The app running on a protected journal (so locked)."""
    cli(data_dir, "positive", "add", "POSITIVE-MARK early")
    protect(data_dir)
    app = App(data_dir)
    try:
        assert status(data_dir)["locked"] is True
        yield app
    finally:
        stderr = app.stop()
    assert "Traceback" not in stderr, stderr


def test_a_passphrase_of_ten_megabytes_is_refused_before_anything_is_sent(
    locked_app: App, data_dir: Path
) -> None:
    for command in (["unlock"], ["passphrase", "change"], ["passphrase", "remove"]):
        done = secret_command(data_dir, *command, stdin="x" * 10_000_000 + "\n")
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr == (
            "resilience: A passphrase can have at most 1024 characters. Nothing was changed.\n"
        )
    assert status(data_dir)["locked"] is True  # and the app still answers


def test_passphrase_change_while_the_app_is_locked_leaves_it_locked(
    locked_app: App, data_dir: Path
) -> None:
    done = secret_command(data_dir, "passphrase", "change", stdin=f"{PASS}\nan entirely new one\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "Your passphrase is changed. Your journal is still locked: unlock it with the new "
        "passphrase.\n"
    )
    assert status(data_dir)["locked"] is True
    right = secret_command(data_dir, "unlock", stdin="an entirely new one\n")
    assert right.returncode == 0, right.stderr
    assert status(data_dir)["locked"] is False
    # Changed while unlocked, it stays unlocked (and says nothing more).
    again = secret_command(
        data_dir, "passphrase", "change", stdin="an entirely new one\na third passphrase\n"
    )
    assert again.returncode == 0 and again.stdout == "Your passphrase is changed.\n"
    assert status(data_dir)["locked"] is False


def test_remember_without_a_keyring_is_refused_with_the_reason(data_dir: Path) -> None:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND=FAIL_KEYRING)
    protect(data_dir)
    previous = os.environ.get("PYTHON_KEYRING_BACKEND")
    os.environ["PYTHON_KEYRING_BACKEND"] = FAIL_KEYRING  # for the App helper's process
    try:
        app = App(data_dir)
    finally:
        if previous is None:
            del os.environ["PYTHON_KEYRING_BACKEND"]
        else:
            os.environ["PYTHON_KEYRING_BACKEND"] = previous
    reason = (
        "Your journal's key cannot be kept on this computer: no keyring is available on this "
        "desktop."
    )
    try:
        done = secret_command(data_dir, "unlock", "--remember", stdin=PASS + "\n", env=env)
        assert done.returncode == 1, done.stdout
        assert done.stderr.startswith(f"resilience: {reason}"), done.stderr
        assert "Your journal is unlocked" not in done.stdout
        assert status(data_dir)["locked"] is True  # nothing was done
        stored = secret_command(data_dir, "config", "set", "lock.remember", "on", stdin="", env=env)
        assert stored.returncode == 1 and stored.stderr.startswith(f"resilience: {reason}")
        shown = secret_command(data_dir, "config", "get", "lock.remember", stdin="", env=env)
        assert shown.stdout.strip() in ("off", "false", "False"), shown.stdout
    finally:
        stderr = app.stop()
    assert "Traceback" not in stderr, stderr
    # The same without a running app.
    offline = secret_command(data_dir, "config", "set", "lock.remember", "on", stdin="", env=env)
    assert offline.returncode == 1 and offline.stderr.startswith(f"resilience: {reason}")


# -- crash dumps ---------------------------------------------------------------------------


def _limits(pid: int) -> dict[str, list[str]]:
    found = {}
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]:
        name, values = line[:26].strip(), line[26:].split()
        found[name] = values
    return found


def _allow_core_dumps() -> None:
    """In the child, before exec: core files of any size, as `ulimit -c unlimited` does."""
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def _core_pattern() -> str:
    return Path("/proc/sys/kernel/core_pattern").read_text().strip()


@pytest.fixture
def core_files_here() -> Iterator[None]:
    """Core files written as `core` (or `core.PID`) in the crashing process's folder."""
    if not sys.platform.startswith("linux"):
        pytest.skip("core dumps are checked through Linux's /proc")
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    if hard != resource.RLIM_INFINITY:
        # Earlier tests that opened a protected journal in this process lowered it (that is
        # the feature); root may raise it again.
        try:
            resource.setrlimit(resource.RLIMIT_CORE, (soft, resource.RLIM_INFINITY))
        except (OSError, ValueError):
            pytest.skip("the hard limit on core files is not unlimited here: no dump to look for")
    before = _core_pattern()
    if before.startswith("|") or "/" in before:
        try:
            Path("/proc/sys/kernel/core_pattern").write_text("core")
        except OSError as exc:
            pytest.skip(
                f"core dumps go to {before!r} and kernel.core_pattern cannot be changed "
                f"here ({exc.strerror}): no core file to search"
            )
    try:
        yield
    finally:
        if _core_pattern() != before:
            Path("/proc/sys/kernel/core_pattern").write_text(before)


CRASHER = r"""
import os, signal, sys, time
# A process that holds the same secrets the app does, crashing the same way: proof that
# this machine does write core files where the test looks for them.
held = [sys.argv[1], "LABEL-MARK held", "WHAT-MARK held", "POSITIVE-MARK held"]
os.kill(os.getpid(), signal.SIGSEGV)
time.sleep(10)
"""


def _cores(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name == "core" or p.name.startswith("core.")]


@pytest.mark.usefixtures("core_files_here")
def test_a_crash_of_the_app_holding_the_journal_leaves_no_core_file(
    data_dir: Path, tmp_path: Path
) -> None:
    # This machine writes core files where the test looks (else the test proves nothing).
    control = tmp_path / "control"
    control.mkdir()
    subprocess.run(
        [sys.executable, "-c", CRASHER, PASS],
        cwd=control,
        preexec_fn=_allow_core_dumps,
        timeout=60,
        check=False,
    )
    assert _cores(control), "a crash with core dumps allowed should leave a core file here"

    cli(data_dir, "positive", "add", "POSITIVE-MARK early")
    protect(data_dir)
    crash_dir = tmp_path / "cwd"
    crash_dir.mkdir()
    # Started from another folder, the code under test is found through the path.
    source = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)],
        cwd=crash_dir,
        env=env,
        preexec_fn=_allow_core_dumps,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: _answers(data_dir), timeout=30)
        limits = _limits(proc.pid)
        assert limits["Max core file size"][:2] == ["0", "0"], limits["Max core file size"]
        # What the rep wrote passes through the process: unlocked, written, read, locked.
        unlocked = secret_command(data_dir, "unlock", stdin=PASS + "\n")
        assert unlocked.returncode == 0, unlocked.stderr
        cli(data_dir, "flag", "--label", "LABEL-MARK crash")
        cli(data_dir, "note", "--what", "WHAT-MARK crash", "--positive", "POSITIVE-MARK crash")
        assert "LABEL-MARK" in cli(data_dir, "status").stdout
        cli(data_dir, "lock")
        wait_for(lambda: status(data_dir)["locked"] is True)
        proc.send_signal(signal.SIGSEGV)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        assert proc.stderr is not None
        proc.stderr.close()
    assert proc.returncode == -signal.SIGSEGV
    time.sleep(0.5)  # a core file is written as the process goes
    leaked = [
        (core.name, marker)
        for core in _cores(crash_dir)
        for marker in [*MARKERS, PASS]
        if marker.encode() in core.read_bytes()
    ]
    assert _cores(crash_dir) == [], f"core files left: {leaked or 'without the markers'}"


def _answers(data_dir: Path) -> bool:
    from resilience_app.adapters import ipc

    try:
        ipc.request_for(data_dir, "status", timeout=2)
    except ipc.AppNotRunning:
        return False
    return True
