"""Time to the next dial by size: a pure function over the calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resilience_app.core import sizes
from resilience_app.core.models import Incident, LossSize
from resilience_app.core.sizes import SizeDial, time_to_dial_by_size

START = datetime(2026, 11, 2, 9, tzinfo=UTC)


def call(n: int, size: LossSize | None, minutes: float | None) -> Incident:
    flagged = START + timedelta(hours=n)
    dialed = flagged + timedelta(minutes=minutes) if minutes is not None else None
    return Incident(id=f"c{n}", flagged_at=flagged, size=size, dialed_at=dialed)


def test_per_size_the_count_and_the_median_minutes() -> None:
    calls = [
        call(0, LossSize.MAKE_OR_BREAK, 30),
        call(1, None, 5),
        call(2, LossSize.SMALL, 3),
        call(3, LossSize.SMALL, 7),
        call(4, LossSize.SMALL, 2),
        call(5, LossSize.MAKE_OR_BREAK, 20),
        call(6, None, None),  # not dialed yet: counted, not in the median
    ]
    assert time_to_dial_by_size(calls) == [
        SizeDial(LossSize.SMALL, 3, 3, 3.0),
        SizeDial(LossSize.MAKE_OR_BREAK, 2, 2, 25.0),
        SizeDial(None, 2, 1, 5.0),
    ]


def test_no_calls_no_rows_and_a_size_never_dialed_has_no_median() -> None:
    assert time_to_dial_by_size([]) == []
    assert time_to_dial_by_size([call(0, LossSize.BIG, None)]) == [
        SizeDial(LossSize.BIG, 1, 0, None)
    ]


def test_in_words_and_as_json() -> None:
    rows = time_to_dial_by_size([call(0, LossSize.BIG, 12), call(1, None, None)])
    assert sizes.in_words(rows) == "Big: 12.0 min (1 call), Not said: 1 call, no next dial yet"
    assert sizes.as_json(rows)[0] == {
        "size": "big",
        "calls": 1,
        "dialed": 1,
        "median_minutes_to_next_dial": 12.0,
    }


def test_only_big_and_make_or_break_are_big() -> None:
    assert [sizes.is_big(s) for s in [*LossSize, None]] == [False, True, True, False]
    assert [sizes.size_name(s) for s in LossSize] == ["Small", "Big", "Make-or-break"]
