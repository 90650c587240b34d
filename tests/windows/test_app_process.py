"""The app and the command line as two Windows processes: the command channel over a named
pipe (flag, status, dialed), the instance lock keeping a second app out, and the data
folder under %LOCALAPPDATA%."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from resilience_app.adapters import ipc
from resilience_app.adapters.lock import InstanceLock
from resilience_app.paths import default_data_dir, socket_path

pytestmark = pytest.mark.slow  # a Windows process starts in about a second under Wine


def cli(data_dir: Path | None, *args: str) -> subprocess.CompletedProcess[str]:
    where = [] if data_dir is None else ["--data-dir", str(data_dir)]
    return subprocess.run(
        [sys.executable, "-m", "resilience_app", *where, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


class App:
    """`resilience` started as the tray app would be (offscreen: no desktop here)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.proc = start_app(data_dir)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                ipc.request_for(data_dir, "status", timeout=2)
                return
            except ipc.AppNotRunning:
                if self.proc.poll() is not None:
                    raise AssertionError(f"app exited: {self.proc.communicate()}") from None
                time.sleep(0.1)
        raise AssertionError("the app did not open its channel within 60 s")

    def stop(self) -> str:
        # Windows has no SIGTERM: TerminateProcess, as Task Manager's "End task" on a
        # process without windows. Every acknowledged change is already on disk.
        self.proc.terminate()
        _, err = self.proc.communicate(timeout=30)
        return err


def start_app(data_dir: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def app(data_dir: Path) -> Iterator[App]:
    running = App(data_dir)
    yield running
    err = running.stop()
    assert "Traceback" not in err, err


def status(data_dir: Path) -> dict[str, Any]:
    done = cli(data_dir, "status")
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_flag_status_dialed_from_another_process_over_a_named_pipe(app: App) -> None:
    assert not socket_path(app.data_dir).startswith(("/", "\\"))  # a pipe name, not a file
    flagged = cli(app.data_dir, "flag", "--label", "Acme — São Paulo", "--rough", "7")
    assert flagged.returncode == 0, flagged.stderr
    assert status(app.data_dir)["phase"] == "break"
    dialed = cli(app.data_dir, "dialed")
    assert dialed.returncode == 0 and "Back on the phone" in dialed.stdout, dialed.stderr
    after = status(app.data_dir)
    assert after["phase"] == "calm"
    exported = cli(app.data_dir, "export", "--format", "json")
    assert exported.returncode == 0 and "Acme — São Paulo" in exported.stdout


def test_a_second_app_hands_over_to_the_first(app: App) -> None:
    second = start_app(app.data_dir)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0 and "Traceback" not in err, err
    assert out.strip()  # what the running app answered (it brought itself forward)
    assert app.proc.poll() is None  # the first one runs on, alone
    lock = InstanceLock(app.data_dir)
    assert not lock.acquire()  # msvcrt's lock on the data folder's app.lock
    assert status(app.data_dir)["phase"] == "calm"


def test_the_data_folder_cannot_be_deleted_under_the_app(app: App) -> None:
    # Linux keeps a second lock outside the data folder for this; Windows refuses to
    # delete a folder holding a file that is open.
    with pytest.raises(PermissionError):
        shutil.rmtree(app.data_dir)
    assert (app.data_dir / "app.lock").exists()
    assert status(app.data_dir)["phase"] == "calm"


def test_the_data_folder_is_under_local_app_data() -> None:
    local = Path(os.environ["LOCALAPPDATA"])
    assert default_data_dir() == local / "resilience"
    assert "Roaming" not in str(default_data_dir())  # a journal stays on this machine
    done = cli(None, "stats")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"There is no journal in {local / 'resilience'}" in done.stderr
