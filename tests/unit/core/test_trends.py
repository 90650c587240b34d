"""The figures: counts by day, week, hour and weekday, time back to the phone, reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from resilience_app.core import trends
from resilience_app.core.models import LossReason, MyPart
from tests.unit.core.incidents import call

BERLIN = ZoneInfo("Europe/Berlin")


def test_median_with_even_and_odd_counts_and_empty() -> None:
    assert trends.median([7.0, 1.0, 3.0]) == 3.0
    assert trends.median([4.0, 1.0, 10.0, 2.0]) == 3.0  # (2 + 4) / 2
    assert trends.median([]) is None
    assert trends.quartiles([5.0]) is None
    assert trends.quartiles([1.0, 2.0, 3.0, 4.0, 5.0]) == (2.0, 4.0)


def test_days_and_weeks_in_the_reps_zone_across_the_dst_change() -> None:
    # Europe/Berlin leaves summer time at 03:00 on Sunday 25 Oct 2026.
    late_saturday = datetime(2026, 10, 24, 21, 30, tzinfo=UTC)  # 23:30 CEST, Saturday
    late_sunday = datetime(2026, 10, 25, 22, 30, tzinfo=UTC)  # 23:30 CET, still Sunday
    monday = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # 00:30 CET Monday
    calls = [call(late_saturday), call(late_sunday), call(monday)]
    days = trends.per_day(calls, date(2026, 10, 24), date(2026, 10, 26), BERLIN)
    assert days == [(date(2026, 10, 24), 1), (date(2026, 10, 25), 1), (date(2026, 10, 26), 1)]
    weeks = trends.per_week(calls, date(2026, 10, 24), date(2026, 10, 26), BERLIN)
    assert weeks == [(date(2026, 10, 19), 2), (date(2026, 10, 26), 1)]
    assert trends.by_hour(calls, BERLIN)[23] == 2 and trends.by_hour(calls, BERLIN)[0] == 1
    assert trends.by_weekday(calls, BERLIN) == [1, 0, 0, 0, 0, 1, 1]
    # In UTC the same calls fall differently: the zone really matters.
    assert trends.by_weekday(calls, UTC) == [0, 0, 0, 0, 0, 1, 2]


def test_time_to_dial_weekly_median_quartiles_and_target() -> None:
    monday = datetime(2026, 11, 2, 9, tzinfo=UTC)
    calls = [call(monday + timedelta(hours=h), m) for h, m in enumerate((4, 8, 12, 30))]
    calls.append(call(monday + timedelta(days=7), 5))
    calls.append(call(monday, None))  # never dialed: no time to count
    [first, second] = trends.time_to_dial_by_week(calls, BERLIN)
    assert first.count == 4 and first.median_minutes == 10  # (8 + 12) / 2
    assert first.quartiles == (7.0, 16.5)
    assert first.within_target == 3
    assert (second.week, second.count, second.median_minutes) == (date(2026, 11, 9), 1, 5)


def test_reasons_parts_only_from_saved_notes_and_their_shift() -> None:
    t = datetime(2026, 11, 2, 9, tzinfo=UTC)
    calls = [
        call(t, reason=LossReason.PRICE_OR_TERMS, part=MyPart.PUSHED_TOO_HARD),
        call(t + timedelta(days=7), reason=LossReason.PRICE_OR_TERMS),
        call(t + timedelta(days=8), reason=LossReason.TIMING, part=MyPart.NOT_ME),
        call(t, reason=LossReason.TIMING, saved=False),  # a draft does not count yet
    ]
    assert trends.loss_reasons(calls)[LossReason.PRICE_OR_TERMS] == 2
    assert trends.loss_reasons(calls)[LossReason.TIMING] == 1
    assert trends.my_parts(calls)[MyPart.NOT_ME] == 1
    weekly = trends.reasons_by_week(calls, BERLIN)
    assert weekly[date(2026, 11, 2)][LossReason.PRICE_OR_TERMS] == 1
    assert weekly[date(2026, 11, 9)] == {
        **{r: 0 for r in LossReason},
        LossReason.PRICE_OR_TERMS: 1,
        LossReason.TIMING: 1,
    }
