"""The passphrase lock against what a hostile pass tried with the real app process: a long
passphrase on standard input, a change while locked, "remember"
without a keyring."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_app_process import App, cli, status

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
