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
        assert len(runner._scheduler.get_jobs()) == 2
        runner.plan(None)
        assert runner.heartbeat_seconds is None and runner._scheduler.get_jobs() == []
    finally:
        runner.shutdown()


def test_prepared_ahead_it_waits_with_no_jobs_and_the_first_plan_imports_nothing(
    qtbot: QtBot,
) -> None:
    import sys

    woke: list[bool] = []
    runner = WakeupRunner(lambda: woke.append(True))
    try:
        runner.prepare()
        assert runner._scheduler.running and runner._scheduler.get_jobs() == []
        assert runner.heartbeat_seconds is None  # idle: no heartbeat before anything is planned
        loaded = set(sys.modules)
        runner.plan(datetime.now(UTC) + timedelta(milliseconds=50))
        assert set(sys.modules) - loaded == set()
        qtbot.waitUntil(lambda: bool(woke), timeout=3000)
    finally:
        runner.shutdown()
