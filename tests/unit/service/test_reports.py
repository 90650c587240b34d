"""Insights over a period (`service/reports.py`).

The application service on its own: a real store, a fake clock, no Qt."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.service import Service


def test_insights_spans(service: Service, clock: FakeClock) -> None:
    service.flag("Acme")
    service.dialed()
    default = service.insights()
    assert (default.last - default.first).days == 7 * 12 - 1 and default.total == 1
    everything = service.insights_days(0)
    assert everything.first == clock.now().astimezone().date() and everything.total == 1
    week = service.insights_days(7)
    assert (week.last - week.first).days == 6
    with pytest.raises(UserError, match="before its start"):
        service.insights(date(2026, 5, 2), date(2026, 5, 1))


def test_back_within_counts_with_the_reps_own_firm_nudge_time(
    service: Service, clock: FakeClock
) -> None:
    service.update_settings({"nudge.first_minutes": 20, "nudge.second_minutes": 25})
    service.flag("slow to come back")
    clock.advance(minutes=22)  # back after 22 minutes: within 25, not within 15
    service.dialed()
    found = service.insights()
    assert found.target_minutes == 25
    assert (found.dial_count, found.dial_within_target) == (1, 1)


def test_highlights_speak_of_the_whole_month_whatever_period_is_shown(
    service: Service, clock: FakeClock
) -> None:
    from resilience_app.core.insights import MIN_FOR_HOURS

    start = clock.now()
    for n in range(MIN_FOR_HOURS):
        clock.set(start - timedelta(days=n % 20, hours=0))  # the same hour of day
        service.flag(f"call {n}")
        clock.advance(minutes=5)
        service.dialed()
    clock.set(start + timedelta(minutes=30))
    today = clock.now().astimezone().date()
    whole = service.insights().highlights
    shown_earlier = service.insights(last=today - timedelta(days=10)).highlights
    assert whole and shown_earlier == whole
