"""A wall-clock time on a day, as a moment, on the days the clock jumps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from resilience_app.core.clock import local_moment, start_of_local_day
from resilience_app.core.workhours import Schedule
from tests.doubles import local_zone


def test_a_time_the_clock_skips_is_after_the_jump_never_before() -> None:
    with local_zone("America/New_York"):  # 8 March 2026: 02:00 EST -> 03:00 EDT
        moment = local_moment(date(2026, 3, 8), time(2, 30))
        assert moment.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT
        assert local_moment(date(2026, 3, 8), time(1, 30)).utcoffset() == timedelta(hours=-5)
        assert local_moment(date(2026, 3, 8), time(3, 30)).utcoffset() == timedelta(hours=-4)


def test_a_time_the_clock_shows_twice_is_the_first() -> None:
    with local_zone("America/New_York"):  # 1 November 2026: 02:00 EDT -> 01:00 EST
        moment = local_moment(date(2026, 11, 1), time(1, 30))
        assert moment.utcoffset() == timedelta(hours=-4)


def test_a_midnight_the_clock_skips_starts_the_day_at_the_jump() -> None:
    with local_zone("America/Santiago"):  # 6 September 2026: 00:00 -> 01:00
        start = local_moment(date(2026, 9, 6))
        assert start.astimezone().date() == date(2026, 9, 6)  # not 23:00 the day before
        assert start_of_local_day(datetime(2026, 9, 6, 15, tzinfo=UTC)) == start


def test_a_shift_starting_in_the_skipped_hour_does_not_start_an_hour_early() -> None:
    with local_zone("America/New_York"):
        shift = Schedule(days=frozenset({6}), start=time(2, 30), end=time(8, 0))
        early = datetime(2026, 3, 8, 6, 45, tzinfo=UTC)  # 01:45 EST, before the jump
        assert not shift.working(early)
        assert shift.next_start(early) >= datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
