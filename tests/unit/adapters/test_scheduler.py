"""The wake-up runner: APScheduler calls back in the GUI thread at the planned time, with a
heartbeat only while something is planned (near: 30 s, far: 5 min)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from resilience_app.adapters.scheduler import FAR_HEARTBEAT_SECONDS, WakeupRunner


def test_wakes_in_the_gui_thread_at_the_planned_time(qtbot: QtBot) -> None:
    woke: list[threading.Thread] = []
    runner = WakeupRunner(lambda: woke.append(threading.current_thread()))
    try:
        runner.plan(datetime.now(UTC) + timedelta(milliseconds=50))
        assert runner.heartbeat_seconds == 30
        qtbot.waitUntil(lambda: bool(woke), timeout=3000)
        assert woke[0] is threading.main_thread()
    finally:
        runner.shutdown()


def test_far_plans_beat_slowly_and_nothing_planned_means_no_jobs(qtbot: QtBot) -> None:
    runner = WakeupRunner(lambda: None)
    try:
        runner.plan(datetime.now(UTC) + timedelta(days=20))
        assert runner.heartbeat_seconds == FAR_HEARTBEAT_SECONDS
        assert len(runner._scheduler.get_jobs()) == 1  # the beat is a Qt timer (elapsed time)
        assert runner._heartbeat.isActive()
        runner.plan(None)
        assert runner.heartbeat_seconds is None and runner._scheduler.get_jobs() == []
        assert not runner._heartbeat.isActive()
    finally:
        runner.shutdown()


PREPARED = """
import sys
from datetime import UTC, datetime, timedelta
from resilience_app.adapters.scheduler import WakeupRunner
runner = WakeupRunner(lambda: None)
assert "apscheduler" not in sys.modules
runner.prepare().join(30)
assert runner._scheduler is None  # loaded, not started: idle stays idle
loaded = set(sys.modules)
runner.plan(datetime.now(UTC) + timedelta(hours=1))
print(sorted(set(sys.modules) - loaded))
runner.shutdown()
"""


def test_prepared_ahead_nothing_runs_and_the_first_plan_imports_nothing() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", PREPARED], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_heartbeat_beats_in_the_gui_thread_while_something_is_planned(qtbot: QtBot) -> None:
    woke: list[threading.Thread] = []
    runner = WakeupRunner(lambda: woke.append(threading.current_thread()), heartbeat_seconds=0.05)
    try:
        runner.plan(datetime.now(UTC) + timedelta(minutes=30))
        qtbot.waitUntil(lambda: len(woke) >= 3, timeout=5000)
        assert set(woke) == {threading.main_thread()}
    finally:
        runner.shutdown()
