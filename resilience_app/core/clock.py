"""Time as a parameter: core code asks a clock, tests hand it a fake one."""

from __future__ import annotations

import sys
import time as _time
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

# The wall clock and elapsed time may part by this much before it counts as a jump (clock
# drift, a time sync slewing a few milliseconds a second, is far less).
JUMP_SLACK = timedelta(seconds=2)


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
    """The wall-clock time as an aware UTC datetime, and the time elapsed on a clock that
    is never stepped (for how long something has lasted, whatever the wall clock did)."""

    def now(self) -> datetime: ...

    def elapsed(self) -> float:
        """Seconds since some fixed start, counting time asleep, never stepped."""
        ...


def _elapsed_source() -> Callable[[], float]:
    """The system clock for elapsed time: one that is never stepped and that counts the
    time the machine was suspended, so that a sleep of the laptop looks like time passing
    (nudges that fell due during it come on wake), not like the wall clock jumping.
    Linux: CLOCK_BOOTTIME (CLOCK_MONOTONIC, behind time.monotonic(), stops in suspend).
    macOS: CLOCK_MONOTONIC, which there counts sleep (mach_absolute_time does not).
    Windows: time.monotonic() is GetTickCount64 on the Python 3.11 the app ships with,
    which counts sleep."""
    boottime = getattr(_time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return lambda: _time.clock_gettime(boottime)
    if sys.platform == "darwin" and hasattr(_time, "CLOCK_MONOTONIC"):
        monotonic = _time.CLOCK_MONOTONIC
        return lambda: _time.clock_gettime(monotonic)
    return _time.monotonic


class SystemClock:
    """The real wall clock, and the machine's elapsed time."""

    def __init__(self) -> None:
        self._elapsed = _elapsed_source()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def elapsed(self) -> float:
        return self._elapsed()


class FakeClock:
    """A clock that moves only when told to; used by tests and demos. `advance` and `set`
    are time passing (awake or asleep: both clocks move); `step` is the wall clock being
    put right (a time sync, a zone fix): only the wall time moves."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
        self._elapsed = 1000.0

    def now(self) -> datetime:
        return self._now

    def elapsed(self) -> float:
        return self._elapsed

    def advance(self, seconds: float = 0.0, *, minutes: float = 0.0) -> datetime:
        moved = timedelta(seconds=seconds, minutes=minutes)
        self._now += moved
        self._elapsed += moved.total_seconds()
        return self._now

    def set(self, when: datetime) -> None:
        self._elapsed += (when - self._now).total_seconds()
        self._now = when

    def step(self, seconds: float = 0.0, *, minutes: float = 0.0, hours: float = 0.0) -> datetime:
        """The wall clock jumps (either way); no time passes."""
        self._now += timedelta(seconds=seconds, minutes=minutes, hours=hours)
        return self._now


class ClockWatch:
    """Notices the wall clock being stepped (a time sync, a zone fix, the rep setting it):
    the wall time that elapsed time says it should be, since the last step noticed, no
    longer matches. A sleep of the machine is no step: elapsed time counts it too."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._wall = clock.now()
        self._elapsed = clock.elapsed()

    def jump(self) -> timedelta:
        """How far the wall clock was stepped since the last jump noticed (forward is
        positive); zero while the two agree within JUMP_SLACK. Drift below the slack is
        not forgotten: it adds up until it counts, so nothing planned is ever off by more."""
        wall, elapsed = self._clock.now(), self._clock.elapsed()
        moved = wall - (self._wall + timedelta(seconds=elapsed - self._elapsed))
        if abs(moved) <= JUMP_SLACK:
            return timedelta(0)
        self._wall, self._elapsed = wall, elapsed
        return moved
