"""Follow-ups: found by prefix, done, cancelled, their reminders (`service/followups.py`).

The application service on its own: a real store, a fake clock, no Qt."""

from __future__ import annotations

from datetime import timedelta

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.models import (
    FollowUpKind,
    FollowUpState,
)
from resilience_app.service import Service
from tests.unit.service.helpers import Channel


def test_follow_ups_by_prefix(service: Service, clock: FakeClock) -> None:
    with pytest.raises(UserError, match="no flagged call"):
        service.add_followup(FollowUpKind.CHECK_IN)
    service.flag("Acme")
    first = service.add_followup(FollowUpKind.CHECK_IN, in_minutes=5, note=" how is it going ")
    assert first.followup.due_at == clock.now() + timedelta(minutes=5)
    assert first.followup.note == "how is it going"
    second = service.add_followup(FollowUpKind.DEBRIEF)
    assert second.followup.due_at > first.followup.due_at
    with pytest.raises(UserError, match="Name the follow-up"):
        service.find_followup(" ")
    with pytest.raises(UserError, match="No upcoming follow-up"):
        service.find_followup("zzz")
    found = service.find_followup(first.followup.id[:6])
    snoozed = service.followup_snooze(found, 30)
    assert snoozed.due_at == clock.now() + timedelta(minutes=30)
    assert service.followup_done(found).state is FollowUpState.DONE
    with pytest.raises(UserError, match="already done"):
        service.followup_cancel(found)
    assert [i.followup.id for i in service.upcoming()] == [second.followup.id]


def test_a_reminder_is_sent_once_when_due(
    service: Service, clock: FakeClock, desktop: Channel
) -> None:
    service.flag("Acme")
    service.dialed()
    service.add_followup(FollowUpKind.THANK_YOU, in_minutes=1, note="card with logo")
    clock.advance(minutes=2)
    service.tick()
    service.tick()
    [(title, body, _)] = desktop.sent
    assert title == "Follow-up: Thank-you card — Acme" and body.startswith("card with logo.")


def test_a_note_that_ends_its_own_sentence_gets_no_second_full_stop(
    service: Service, clock: FakeClock, desktop: Channel
) -> None:
    service.flag("Acme")
    service.dialed()
    service.add_followup(FollowUpKind.CHECK_IN, in_minutes=1, note="Call back about Q3?")
    clock.advance(minutes=2)
    service.tick()
    [(_title, body, _)] = desktop.sent
    assert body.startswith("Call back about Q3? ") and "?." not in body
