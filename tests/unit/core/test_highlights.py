"""The sentences about the last month: said only where the data holds them up, never scolding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resilience_app.core import highlights
from tests.unit.core.incidents import call, month_of_calls


def test_highlights_speak_only_when_the_data_holds_them_up() -> None:
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    this_month = month_of_calls(now, [15, 16, 16, 17, 16, 9, 16, 15, 16], dial=6, rough=8, after=6)
    last_month = [call(now - timedelta(days=35 + n), 10) for n in range(6)]
    said = highlights.highlights(this_month + last_month, now, UTC)
    joined = "\n".join(said)
    assert "Most of your tough calls this month (7 of 9) came between 3 pm and 5 pm." in joined
    assert "You're back on the phone 4 minutes faster than the month before." in joined
    assert "Every time this month you dialed again within 15 minutes." in joined
    assert "you feel 4.0 points better on average" in joined
    assert "“Product gap” was behind 6 of 9 lost calls" in joined
    assert "You wrote “Ask about integrations early” 3 times" in joined
    # Three data points say nothing at all.
    assert highlights.highlights(this_month[:3], now, UTC) == []


def test_highlights_never_scold() -> None:
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    slower = [call(now - timedelta(days=1 + n), 20) for n in range(5)]
    faster_before = [call(now - timedelta(days=35 + n), 8) for n in range(5)]
    said = highlights.highlights(slower + faster_before, now, UTC)
    assert said == [
        "Getting back on the phone took 12 minutes longer than the month before. "
        "Starting with an easy lead can make the next dial lighter."
    ]
