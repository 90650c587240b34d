"""`Context`: what every room of the service shares, handed in once.

The journal's store, the settings, the clock, the notifier, and the core's engines (the
recovery loop, the follow-up book, the weekly look back, the call tracker) are one of
each for the whole app; so are the few events every room may raise (the schedule moved,
the record changed). Each room keeps its own state and its own events; this holds only
what they have in common.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from resilience_app.core.calls import CallTracker
from resilience_app.core.clock import Clock, ClockWatch
from resilience_app.core.events import Event
from resilience_app.core.followups import FollowUps
from resilience_app.core.lookback import WeeklyLookBack
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.settings import Settings
from resilience_app.service.ports import Notifier
from resilience_app.storage.store import Store

log = logging.getLogger(__name__)


class Context:
    """The shared parts of the service, and the events that are nobody's in particular."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        clock: Clock,
        *,
        notifier: Notifier,
        running: bool,
        rng: random.Random | None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.notifier = notifier
        self.running = running
        self.rng = rng or random.Random()
        # Stored times are wall-clock times (they survive a restart and a sleep); what the
        # running app waits for follows elapsed time: a step of the wall clock moves it.
        self.clock_watch = ClockWatch(clock)
        self.loop = RecoveryLoop(store, settings, clock)
        self.followups = FollowUps(store, clock)
        self.lookback = WeeklyLookBack(settings, clock)
        self.calls = CallTracker(clock)

        # -- what happened, raised by several rooms (the windows listen) ------------------
        self.schedule_changed: Event[[]] = Event()  # next_wakeup() may have moved
        self.journal_changed: Event[[]] = Event()  # anything in the record
        self.notes_changed: Event[[]] = Event()  # notes waiting to be written
        self.followups_changed: Event[[]] = Event()
        self.window_requested: Event[[str, str]] = Event()  # window, tab
        # Within the service: something the rep wrote changed (a break's positives follow),
        # and the wall clock was stepped by this much (what is planned moves with it).
        self.record_moved: Event[[]] = Event()
        self.clock_stepped: Event[[timedelta]] = Event()

    def tell(self, message: str) -> None:
        """A sentence the rep must see (storage trouble, a damaged file set aside)."""
        self.notifier.send("Resilience", message, urgent=True)

    def record_changed(self) -> None:
        """Something the rep wrote changed: the journal and a break's positive follow."""
        self.record_moved.emit()
        self.journal_changed.emit()

    def request_window(self, window: str = "", tab: str = "") -> None:
        """Bring a window forward (`resilience journal`, a second start of the app)."""
        self.window_requested.emit(window, tab)

    def follow_clock(self) -> None:
        """If the wall clock was stepped since the last look (a time sync, a wrong zone put
        right), move what the running app waits for by as much, so that each wait keeps
        what is left of it in elapsed time: the break, the nudges, a call being timed, the
        note reminder, a save to retry, the idle lock. A sleep of the laptop is no step
        (elapsed time counts it), so what fell due while it slept still comes on wake.
        Looked at on every wake-up and before each use case that reads the time. Pauses,
        follow-ups and the look back are times of day the rep chose: they stay put."""
        jump = self.clock_watch.jump()
        if not jump:
            return
        log.info(
            "the wall clock was stepped by %+.0f s; moving what is planned", jump.total_seconds()
        )
        self.clock_stepped.emit(jump)
        self.schedule_changed.emit()
