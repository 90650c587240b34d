"""The weekly look back: once a week, at the day and time the rep chose, open Insights.

Off by default. It is a gentle habit, not a nudge: if the app was closed at that moment,
the week's look back is simply skipped (the next one comes a week later).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from resilience_app.core.clock import Clock
from resilience_app.core.events import Event
from resilience_app.core.settings import Settings

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def next_lookback(now: datetime, day: str, at: str, tz: tzinfo | None = None) -> datetime:
    """The first moment strictly after `now` that falls on `day` at local time `at`."""
    local_now = now.astimezone(tz) if tz is not None else now.astimezone()
    hour, minute = (int(part) for part in at.split(":"))
    ahead = (DAYS.index(day) - local_now.weekday()) % 7
    for extra in (0, 7):
        date = local_now.date() + timedelta(days=ahead + extra)
        naive = datetime.combine(date, time(hour, minute))
        # Attach the zone for that date (not today's offset), so DST weeks land right.
        candidate = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
        if candidate > now:
            return candidate
    raise AssertionError("unreachable: a week later is always in the future")


class WeeklyLookBack:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.due: Event[[]] = Event()
        self.changed: Event[[]] = Event()
        self._next: datetime | None = None
        self.replan()
        settings.changed.connect(self._setting_changed)

    def _setting_changed(self, key: str, value: object) -> None:
        if key.startswith("lookback."):
            self.replan()
            self.changed.emit()

    def replan(self) -> None:
        if not self.settings.get("lookback.enabled"):
            self._next = None
            return
        self._next = next_lookback(
            self.clock.now(), self.settings.get("lookback.day"), self.settings.get("lookback.time")
        )

    def next_wakeup(self) -> datetime | None:
        return self._next

    def tick(self) -> bool:
        if self._next is None or self.clock.now() < self._next:
            return False
        self.replan()  # the following week, counted from now
        self.due.emit()
        self.changed.emit()
        return True
