"""The passphrase lock against what a hostile pass tried with the real app process: a long
passphrase on standard input, a change while locked."""

from __future__ import annotations

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
