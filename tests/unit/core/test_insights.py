"""A period's figures gathered by `summarize`; every expectation is worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from resilience_app.core import insights, trends
from resilience_app.core.models import LossReason
from tests.unit.core.incidents import call

BERLIN = ZoneInfo("Europe/Berlin")


def test_empty_period_has_zeros_not_gaps() -> None:
    days = trends.per_day([], date(2026, 11, 1), date(2026, 11, 3), BERLIN)
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
