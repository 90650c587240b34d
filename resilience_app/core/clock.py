"""Time as a parameter: core code asks a clock, tests hand it a fake one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol


def local_moment(day: date, at: time = time()) -> datetime:
    """`at` on `day` by the local clock, as an aware moment. A time the clock shows twice
    (the change back to winter time) is the first of the two; a time it skips (the change
    to summer time: 02:30 in New York, midnight in Santiago) is the same time after the
    jump, never the hour before it."""
    naive = datetime.combine(day, at)
    earlier = naive.replace(fold=0).astimezone()
    later = naive.replace(fold=1).astimezone()
    shown = [m for m in (earlier, later) if m.replace(tzinfo=None) == naive]
    return min(shown) if shown else max(earlier, later)


def start_of_local_day(moment: datetime) -> datetime:
    """Midnight (or the first moment) of `moment`'s local calendar day."""
    return local_moment(moment.astimezone().date())


class Clock(Protocol):
    """Anything that tells the current wall-clock time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that moves only when told to; used by tests and demos."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 24, 14, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0.0, *, minutes: float = 0.0) -> datetime:
        self._now += timedelta(seconds=seconds, minutes=minutes)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when
