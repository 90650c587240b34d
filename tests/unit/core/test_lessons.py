"""Lessons counted together, grouped by loss reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from resilience_app.core import lessons
from resilience_app.core.models import LossReason
from tests.unit.core.incidents import call

BERLIN = ZoneInfo("Europe/Berlin")


def test_repeated_lessons_stand_out() -> None:
    t = datetime(2026, 11, 2, 9, tzinfo=UTC)
    calls = [
        call(t, reason=LossReason.MY_APPROACH, lesson="Listen more."),
        call(t + timedelta(days=1), reason=LossReason.MY_APPROACH, lesson="Prepare pricing"),
        call(t + timedelta(days=2), reason=LossReason.MY_APPROACH, lesson="listen more"),
        call(t + timedelta(days=3), reason=None, lesson="Breathe first"),
    ]
    grouped = lessons.lessons_by_reason(calls, BERLIN)
    top = grouped[LossReason.MY_APPROACH][0]
    assert (top.text, top.count, top.last) == ("listen more", 2, date(2026, 11, 4))
    assert [lesson.text for lesson in grouped[None]] == ["Breathe first"]
