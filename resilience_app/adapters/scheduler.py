"""Wake-ups for the loop, run by APScheduler; TinyDB stays the source of truth.

The loop says when it next has work (`next_wakeup()`); this runner asks APScheduler to
call back at that wall-clock time and then hands control to the GUI thread, where the
loop's `tick()` decides what is due. Design choices, each for a known pitfall:

- BackgroundScheduler, not QtScheduler: under PySide6 QtScheduler keeps the None that
  `QTimer.singleShot` returns and can never stop its timers.
- `misfire_grace_time=None`: the default (1 s) silently drops a job that runs late, which
  is exactly what happens after a laptop wakes up.
- Jobs run on APScheduler's worker thread, so they only emit a Qt signal; the slot runs in
  the GUI thread (queued connection).
- Its thread waits on monotonic time, which stands still while the machine sleeps, so
  while anything is planned a heartbeat wakes the app every 30 s; a due time that passed
  during sleep is then noticed within 30 s of waking. With nothing planned there is no
  job and no heartbeat at all and the process sleeps.
- The heartbeat is a Qt timer, which counts elapsed time, not an APScheduler interval
  job: those are planned in wall time, so a clock stepped back 2 h (a time sync) would
  silence them for 2 h. Each wake lets the service notice a step of the wall clock and
  move its plan (`Service.follow_clock`); the new plan re-arms the date job here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30.0
# A follow-up weeks away does not need a 30 s heartbeat; a few minutes late after a
# sleep is fine for it, and the process stays quiet.
FAR_HEARTBEAT_SECONDS = 300.0
NEAR = timedelta(hours=1)
_WAKE_JOB = "wake"


def _load_apscheduler() -> None:
    """Import what _ensure_scheduler and plan() use (the triggers are looked up by name,
    the executor's thread pool is loaded by concurrent.futures on first use)."""
    import concurrent.futures.thread

    import apscheduler.executors.pool
    import apscheduler.schedulers.background
    import apscheduler.triggers.date
    import apscheduler.triggers.interval

    del apscheduler, concurrent


class WakeupRunner(QObject):
    """Calls `on_wake` in the GUI thread at the planned time (and on heartbeats)."""

    _woke = Signal()

    def __init__(
        self,
        on_wake: Callable[[], None],
        *,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_wake = on_wake
        self._heartbeat_seconds = heartbeat_seconds
        self._scheduler: Any = None  # created on first use: the tray starts without it
        self.planned: datetime | None = None
        self.heartbeat_seconds: float | None = None  # the current heartbeat, if any
        self._heartbeat = QTimer(self)
        self._heartbeat.timeout.connect(self._wake_in_gui_thread)
        self._woke.connect(self._wake_in_gui_thread)

    def plan(self, when: datetime | None) -> None:
        """Wake at `when` (wall clock); None clears every job."""
        self.planned = when
        if when is None:
            if self._scheduler is not None:
                self._scheduler.remove_all_jobs()
            self._heartbeat.stop()
            self.heartbeat_seconds = None
            return
        scheduler = self._ensure_scheduler()
        scheduler.add_job(
            self._woke.emit, "date", run_date=when, id=_WAKE_JOB, replace_existing=True
        )
        near = when - datetime.now(UTC) < NEAR
        interval = (
            self._heartbeat_seconds if near else max(self._heartbeat_seconds, FAR_HEARTBEAT_SECONDS)
        )
        if self.heartbeat_seconds != interval:
            self._heartbeat.start(round(interval * 1000))
            self.heartbeat_seconds = interval

    def prepare(self) -> threading.Thread:
        """Load APScheduler ahead of the first plan: about 100 ms of imports, paid in a
        thread of its own while the app is idle, instead of inside the rep's first flag or
        as a stall of the GUI thread. A plan() meanwhile simply waits for the import to end.
        Creates no scheduler (nothing runs, nothing wakes); returns the loading thread."""
        loading = threading.Thread(target=_load_apscheduler, name="load-apscheduler")
        loading.start()
        return loading

    def shutdown(self) -> None:
        self._heartbeat.stop()
        self.heartbeat_seconds = None
        if self._scheduler is not None:
            # Wait for a job mid-emit: a signal fired into half-destroyed Qt objects at exit
            # crashes the interpreter.
            self._scheduler.shutdown(wait=True)
            self._scheduler = None

    def _ensure_scheduler(self) -> Any:
        if self._scheduler is None:
            from apscheduler.schedulers.background import BackgroundScheduler

            logging.getLogger("apscheduler").setLevel(logging.WARNING)
            self._scheduler = BackgroundScheduler(
                timezone=UTC,
                daemon=True,
                job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            )
            self._scheduler.start()
        return self._scheduler

    def _wake_in_gui_thread(self) -> None:
        self._on_wake()
