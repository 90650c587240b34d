"""Insights are pure functions; every expectation below is worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from resilience_app.core import insights
from resilience_app.core.models import Incident, LossReason, MyPart, Reflection, ReflectionStatus

BERLIN = ZoneInfo("Europe/Berlin")


def call(
    when: datetime,
    dial_minutes: float | None = None,
    *,
    rough: int | None = None,
    after: int | None = None,
    reason: LossReason | None = None,
    part: MyPart | None = None,
    lesson: str = "",
    saved: bool = True,
) -> Incident:
    return Incident(
        id=f"{when.isoformat()}-{dial_minutes}",
        flagged_at=when,
        rough=rough,
        dialed_at=None if dial_minutes is None else when + timedelta(minutes=dial_minutes),
        reflection=Reflection(loss_reason=reason, my_part=part, lesson=lesson, mood_after=after),
        reflection_status=ReflectionStatus.SAVED if saved else ReflectionStatus.DRAFT,
    )


def test_median_with_even_and_odd_counts_and_empty() -> None:
    assert insights.median([7.0, 1.0, 3.0]) == 3.0
    assert insights.median([4.0, 1.0, 10.0, 2.0]) == 3.0  # (2 + 4) / 2
    assert insights.median([]) is None
    assert insights.quartiles([5.0]) is None
    assert insights.quartiles([1.0, 2.0, 3.0, 4.0, 5.0]) == (2.0, 4.0)


def test_days_and_weeks_in_the_reps_zone_across_the_dst_change() -> None:
    # Europe/Berlin leaves summer time at 03:00 on Sunday 25 Oct 2026.
    late_saturday = datetime(2026, 10, 24, 21, 30, tzinfo=UTC)  # 23:30 CEST, Saturday
    late_sunday = datetime(2026, 10, 25, 22, 30, tzinfo=UTC)  # 23:30 CET, still Sunday
    monday = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # 00:30 CET Monday
    calls = [call(late_saturday), call(late_sunday), call(monday)]
    days = insights.per_day(calls, date(2026, 10, 24), date(2026, 10, 26), BERLIN)
    assert days == [(date(2026, 10, 24), 1), (date(2026, 10, 25), 1), (date(2026, 10, 26), 1)]
    weeks = insights.per_week(calls, date(2026, 10, 24), date(2026, 10, 26), BERLIN)
    assert weeks == [(date(2026, 10, 19), 2), (date(2026, 10, 26), 1)]
    assert insights.by_hour(calls, BERLIN)[23] == 2 and insights.by_hour(calls, BERLIN)[0] == 1
    assert insights.by_weekday(calls, BERLIN) == [1, 0, 0, 0, 0, 1, 1]
    # In UTC the same calls fall differently: the zone really matters.
    assert insights.by_weekday(calls, UTC) == [0, 0, 0, 0, 0, 1, 2]


def test_empty_period_has_zeros_not_gaps() -> None:
    days = insights.per_day([], date(2026, 11, 1), date(2026, 11, 3), BERLIN)
    assert days == [(date(2026, 11, d), 0) for d in (1, 2, 3)]
    summary = insights.summarize(
        [], date(2026, 11, 1), date(2026, 11, 3), datetime(2026, 11, 3, tzinfo=UTC), BERLIN
    )
    assert summary.total == 0 and summary.dial_median is None and summary.highlights == []
    assert summary.as_json()["time_to_next_dial"]["median_minutes"] is None


def test_single_incident() -> None:
    one = call(datetime(2026, 11, 2, 9, tzinfo=UTC), 12, rough=8, after=6, reason=LossReason.TIMING)
    summary = insights.summarize(
        [one], date(2026, 11, 2), date(2026, 11, 2), datetime(2026, 11, 2, 12, tzinfo=UTC), BERLIN
    )
    assert summary.total == 1 and summary.dial_median == 12 and summary.dial_within_target == 1
    [week] = summary.dial_weeks
    assert week.quartiles is None and week.week == date(2026, 11, 2)
    [mood] = summary.mood_weeks
    assert (mood.before, mood.after, mood.change) == (2, 6, 4)
    assert summary.loss_reasons[LossReason.TIMING] == 1
    assert summary.highlights == []  # one call is not a pattern


def test_time_to_dial_weekly_median_quartiles_and_target() -> None:
    monday = datetime(2026, 11, 2, 9, tzinfo=UTC)
    calls = [call(monday + timedelta(hours=h), m) for h, m in enumerate((4, 8, 12, 30))]
    calls.append(call(monday + timedelta(days=7), 5))
    calls.append(call(monday, None))  # never dialed: no time to count
    [first, second] = insights.time_to_dial_by_week(calls, BERLIN)
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
    assert insights.loss_reasons(calls)[LossReason.PRICE_OR_TERMS] == 2
    assert insights.loss_reasons(calls)[LossReason.TIMING] == 1
    assert insights.my_parts(calls)[MyPart.NOT_ME] == 1
    weekly = insights.reasons_by_week(calls, BERLIN)
    assert weekly[date(2026, 11, 2)][LossReason.PRICE_OR_TERMS] == 1
    assert weekly[date(2026, 11, 9)] == {
        **{r: 0 for r in LossReason},
        LossReason.PRICE_OR_TERMS: 1,
        LossReason.TIMING: 1,
    }


def test_repeated_lessons_stand_out() -> None:
    t = datetime(2026, 11, 2, 9, tzinfo=UTC)
    calls = [
        call(t, reason=LossReason.MY_APPROACH, lesson="Listen more."),
        call(t + timedelta(days=1), reason=LossReason.MY_APPROACH, lesson="Prepare pricing"),
        call(t + timedelta(days=2), reason=LossReason.MY_APPROACH, lesson="listen more"),
        call(t + timedelta(days=3), reason=None, lesson="Breathe first"),
    ]
    grouped = insights.lessons_by_reason(calls, BERLIN)
    top = grouped[LossReason.MY_APPROACH][0]
    assert (top.text, top.count, top.last) == ("listen more", 2, date(2026, 11, 4))
    assert [lesson.text for lesson in grouped[None]] == ["Breathe first"]


def month_of_calls(
    now: datetime, hours: list[int], dial: float, rough: int, after: int
) -> list[Incident]:
    return [
        call(
            now - timedelta(days=1 + n, hours=now.hour - hour),
            dial,
            rough=rough,
            after=after,
            reason=LossReason.PRODUCT_GAP if n % 3 else LossReason.TIMING,
            lesson="Ask about integrations early" if n < 3 else "",
        )
        for n, hour in enumerate(hours)
    ]


def test_highlights_speak_only_when_the_data_holds_them_up() -> None:
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    this_month = month_of_calls(now, [15, 16, 16, 17, 16, 9, 16, 15, 16], dial=6, rough=8, after=6)
    last_month = [call(now - timedelta(days=35 + n), 10) for n in range(6)]
    said = insights.highlights(this_month + last_month, now, UTC)
    joined = "\n".join(said)
    assert "Most of your tough calls this month (7 of 9) came between 3 pm and 5 pm." in joined
    assert "You're back on the phone 4 minutes faster than the month before." in joined
    assert "Every time this month you dialed again within 15 minutes." in joined
    assert "you feel 4.0 points better on average" in joined
    assert "“A need our product doesn't meet” was behind 6 of 9 lost calls" in joined
    assert "You wrote “Ask about integrations early” 3 times" in joined
    # Three data points say nothing at all.
    assert insights.highlights(this_month[:3], now, UTC) == []


def test_highlights_never_scold() -> None:
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    slower = [call(now - timedelta(days=1 + n), 20) for n in range(5)]
    faster_before = [call(now - timedelta(days=35 + n), 8) for n in range(5)]
    said = insights.highlights(slower + faster_before, now, UTC)
    assert said == [
        "Getting back on the phone took 12 minutes longer than the month before. "
        "Starting with an easy lead can make the next dial lighter."
    ]
