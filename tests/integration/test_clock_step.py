"""The wall clock stepped under the real processes, with libfaketime: only the wall clock
(CLOCK_REALTIME) is faked and moved by rewriting its offset file; elapsed time (boot time,
monotonic) stays real, as when a time sync steps the clock of a real machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from resilience_app.adapters import ipc

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or not LIBFAKETIME.exists(),
        reason=f"needs libfaketime ({LIBFAKETIME}; apt-get install faketime)",
    ),
]

# libfaketime 0.9.10 with FAKETIME_DONT_FAKE_MONOTONIC makes clock_nanosleep() fail with
# EINVAL, which is what time.sleep() calls: the processes under it sleep on an event.
SLEEP_FIX = """
import threading, time
_sleep = time.sleep
def _waiting(seconds):
    try:
        _sleep(seconds)
    except OSError:
        threading.Event().wait(seconds)
time.sleep = _waiting
"""


@pytest.fixture
def faked(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """The environment for a process whose wall clock the test can step, and the file
    that holds the offset (libfaketime reads it on every call)."""
    offset = tmp_path / "faketime"
    offset.write_text("+0\n")
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SLEEP_FIX)
    env = dict(
        os.environ,
        LD_PRELOAD=str(LIBFAKETIME),
        FAKETIME_TIMESTAMP_FILE=str(offset),
        FAKETIME_NO_CACHE="1",
        FAKETIME_DONT_FAKE_MONOTONIC="1",
        PYTHONPATH=os.pathsep.join([str(shim), os.getcwd()]),
        QT_QPA_PLATFORM="offscreen",
    )
    yield env, offset


def step(offset: Path, spec: str) -> None:
    """Set the faked wall clock to real time plus `spec` ("-2h", "+0")."""
    offset.write_text(spec + "\n")


HEARTBEATS = """
import sys, time
from datetime import UTC, datetime, timedelta
from PySide6.QtCore import QCoreApplication, QTimer
from resilience_app.adapters.scheduler import WakeupRunner
app = QCoreApplication(sys.argv)
beats = []
def woke():
    beats.append(time.monotonic())
    print("beat", flush=True)
    if len(beats) == 3:
        open(sys.argv[1], "w").write("-2h\\n")  # the clock is put two hours back
runner = WakeupRunner(woke, heartbeat_seconds=0.3)
runner.plan(datetime.now(UTC) + timedelta(minutes=30))
QTimer.singleShot(6000, app.quit)
app.exec()
runner.shutdown()
print(len(beats))
"""


def test_the_heartbeat_goes_on_when_the_clock_is_stepped_back(
    faked: tuple[dict[str, str], Path],
) -> None:
    """APScheduler plans its interval jobs in wall time: stepped back 2 h, its heartbeat
    would stop for 2 h. The heartbeat counts elapsed time."""
    env, offset = faked
    done = subprocess.run(
        [sys.executable, "-c", HEARTBEATS, str(offset)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    beats = int(done.stdout.split()[-1])
    assert beats >= 8, done.stdout  # 3 before the step, then every 0.3 s for ~5 s


# -- the whole app ----------------------------------------------------------------------


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line, on the real clock (the app decides; the CLI only asks)."""
    done = subprocess.run(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, f"{args}: {done.stderr}"
    return done


def status(data_dir: Path) -> dict[str, Any]:
    return json.loads(cli(data_dir, "status").stdout)


def said(status: dict[str, Any]) -> str:
    """The whole status, for a failure message (pytest shortens a dict)."""
    return json.dumps(status, indent=1)


def wait_for(seconds_after: float, since: float) -> None:
    time.sleep(max(0.0, since + seconds_after - time.monotonic()))


def test_the_app_keeps_a_break_and_its_nudges_when_the_clock_steps_back(
    faked: tuple[dict[str, str], Path], data_dir: Path
) -> None:
    """The issue's case: a 1-minute break, the clock put 2 h back 10 s in. Status never
    goes negative, the break ends after a minute, both nudges come on elapsed time."""
    env, offset = faked
    cli(data_dir, "config", "set", "break.minutes", "1")
    cli(data_dir, "config", "set", "nudge.first_minutes", "1.25")  # 75 s
    cli(data_dir, "config", "set", "nudge.second_minutes", "1.5")  # 90 s
    # About the clock only: a sound server another test left (or one autospawned) must not
    # make a microphone in use look like a call, which would skip the nudges.
    cli(data_dir, "config", "set", "calls.detect", "off")
    app = subprocess.Popen(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                ipc.request_for(data_dir, "status", timeout=2)
                break
            except ipc.AppNotRunning:
                assert app.poll() is None, app.communicate()[1]
                assert time.monotonic() < deadline, "the app did not start within 30 s"
                time.sleep(0.1)
        cli(data_dir, "flag", "--label", "Acme, pricing")
        flagged = time.monotonic()
        wait_for(10, flagged)
        step(offset, "-2h")
        time.sleep(1)
        now = status(data_dir)
        current = now["current_incident"]
        assert now["phase"] == "break", said(now)
        assert 0 <= current["minutes_since_flag"] <= 0.5, said(now)
        left = datetime.fromisoformat(current["break_ends_at"]) - datetime.fromisoformat(now["now"])
        assert 30 <= left.total_seconds() <= 55, said(now)
        wait_for(70, flagged)  # the break has ended a few seconds ago
        now = status(data_dir)
        assert now["phase"] == "waiting", said(now)
        assert 1.0 <= now["current_incident"]["minutes_since_flag"] <= 1.4, said(now)
        kinds = [n["kind"] for n in now["pending_nudges"]]
        assert kinds == ["first", "second"], said(now)
        wait_for(100, flagged)  # both nudges are due (75 s, 90 s) and a heartbeat has come
        now = status(data_dir)
        assert now["pending_nudges"] == [], said(now)
        assert now["current_incident"]["minutes_since_flag"] >= 1.5, said(now)
    finally:
        app.terminate()
        try:
            _out, err = app.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()
            _out, err = app.communicate()
    assert "Traceback" not in err, err
