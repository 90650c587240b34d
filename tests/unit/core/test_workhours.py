"""Working hours: split shifts, night shifts, days off and the change to summer time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resilience_app.core.errors import UserError
from resilience_app.core.workhours import Schedule, normalize_days, normalize_gap
from tests.doubles import local_zone


@pytest.fixture(autouse=True)
def berlin() -> Iterator[None]:
    """Local time is Berlin's (summer time from 29 March 2026, 02:00 -> 03:00)."""
    with local_zone("Europe/Berlin"):
        yield


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


OFFICE = Schedule.from_settings("mon,tue,wed,thu,fri", "09:00", "18:00")


def test_office_hours() -> None:
    assert OFFICE.working(local("2026-11-25T09:00"))  # a Wednesday
    assert OFFICE.working(local("2026-11-25T17:59"))
    assert not OFFICE.working(local("2026-11-25T18:00"))
    assert not OFFICE.working(local("2026-11-28T11:00"))  # Saturday
    assert OFFICE.next_start(local("2026-11-25T18:30")) == local("2026-11-26T09:00")
    assert OFFICE.next_start(local("2026-11-27T20:00")) == local("2026-11-30T09:00")  # Fri->Mon
    moment = local("2026-11-25T10:15")
    assert OFFICE.next_start(moment) == moment


def test_a_split_shift_has_a_gap() -> None:
    split = Schedule.from_settings("mon,tue,wed,thu,fri", "08:00", "19:00", "12:30-14:00")
    assert split.working(local("2026-11-23T12:29"))  # Monday
    assert not split.working(local("2026-11-23T13:00"))
    assert split.next_start(local("2026-11-23T13:00")) == local("2026-11-23T14:00")


def test_a_night_shift_belongs_to_the_day_it_starts() -> None:
    night = Schedule.from_settings("mon,tue,wed,thu,fri", "22:00", "06:00")
    assert night.working(local("2026-11-27T23:30"))  # Friday night
    assert night.working(local("2026-11-28T05:59"))  # Saturday early: Friday's shift
    assert not night.working(local("2026-11-28T23:00"))  # Saturday night: off
    assert night.next_start(local("2026-11-28T07:00")) == local("2026-11-30T22:00")


def test_hours_hold_across_the_change_to_summer_time() -> None:
    early = Schedule.from_settings("sun,mon", "01:00", "05:00")
    # 29 March 2026: 02:00 becomes 03:00; the shift is three hours long that night.
    start = local("2026-03-29T01:00")
    assert early.working(start) and early.working(local("2026-03-29T04:30"))
    assert not early.working(local("2026-03-29T05:00"))
    assert local("2026-03-29T05:00") - start == timedelta(hours=3)
    assert early.next_start(local("2026-03-29T06:00")) == local("2026-03-30T01:00")


def test_no_working_day_means_no_start() -> None:
    none = Schedule(frozenset(), OFFICE.start, OFFICE.end)
    assert none.next_start(local("2026-11-25T10:00")) is None


@pytest.mark.parametrize(
    ("text", "expected"), [("Mon, Tue,wed", "mon,tue,wed"), ("friday,monday", "mon,fri"), ("", "")]
)
def test_days_are_written_one_way(text: str, expected: str) -> None:
    assert normalize_days(text) == expected


@pytest.mark.parametrize("text", ["mon,funday", "12", "lunes"])
def test_unknown_days_are_a_sentence(text: str) -> None:
    with pytest.raises(UserError, match="Working days are mon"):
        normalize_days(text)


def test_gaps() -> None:
    assert normalize_gap(" 12:30 - 13:30 ") == "12:30-13:30"
    assert normalize_gap("") == ""
    for bad in ("13:30-12:30", "noon", "25:00-26:00"):
        with pytest.raises(UserError):
            normalize_gap(bad)


@settings(max_examples=200, deadline=None)
@given(
    days=st.sets(st.integers(0, 6), min_size=1),
    start=st.integers(0, 23 * 60 + 59),
    length=st.integers(15, 16 * 60),
    at=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
)
def test_next_start_is_working_and_nothing_earlier_is(
    days: set[int], start: int, length: int, at: datetime
) -> None:
    from datetime import time

    end = (start + length) % (24 * 60)
    schedule = Schedule(frozenset(days), time(start // 60, start % 60), time(end // 60, end % 60))
    found = schedule.next_start(at)
    assert found is not None and found >= at
    assert schedule.working(found)
    # Nothing in between is working time (checked every 10 minutes).
    probe = at
    while probe + timedelta(minutes=10) < found:
        probe += timedelta(minutes=10)
        assert not schedule.working(probe)
