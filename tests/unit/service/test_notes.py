"""Notes after a break: saved with their follow-ups, drafts, positives (`service/notes.py`).

The application service on its own: a real store, a fake clock, no Qt."""

from __future__ import annotations

from datetime import timedelta

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.models import (
    FollowUpKind,
    Reflection,
    ReflectionStatus,
)
from resilience_app.service import Service
from tests.unit.service.helpers import note


def test_a_note_and_its_follow_ups_are_saved_together(service: Service, clock: FakeClock) -> None:
    incident = service.flag("Acme").incident
    service.end_break()
    due = clock.now() + timedelta(days=2)
    saved = service.save_note(
        incident.id, note("opened well", lesson="ask first"), [(FollowUpKind.DEBRIEF, due)]
    )
    assert saved.reflection_status is ReflectionStatus.SAVED
    [item] = service.upcoming()
    assert item.followup.kind is FollowUpKind.DEBRIEF and item.followup.due_at == due
    assert item.title == "Debrief call — Acme"


def test_a_refused_note_plans_no_follow_ups(service: Service, clock: FakeClock) -> None:
    incident = service.flag().incident
    with pytest.raises(UserError, match="at least one positive"):
        service.save_note(
            incident.id, Reflection(), [(FollowUpKind.DEBRIEF, clock.now() + timedelta(days=1))]
        )
    assert service.upcoming() == []


def test_a_note_without_an_id_goes_to_the_newest_waiting_call(
    service: Service, clock: FakeClock
) -> None:
    with pytest.raises(UserError, match="No call is waiting"):
        service.save_note(None, note())
    older = service.flag("older").incident
    service.dialed()
    clock.advance(minutes=20)
    newer = service.flag("newer").incident  # still on its break
    assert service.save_note(None, note()).id == newer.id
    assert service.incident(older.id).reflection_open
    assert service.save_note(None, note()).id == older.id


def test_drafts_and_discards(service: Service) -> None:
    incident = service.flag().incident
    service.end_break()
    service.save_draft(incident.id, Reflection(lesson="price sheet" * 1000))
    stored = service.incident(incident.id)
    assert stored.reflection_status is ReflectionStatus.DRAFT
    assert len(stored.reflection.lesson) == 2000
    service.discard_note(incident.id)
    assert service.open_notes() == []


def test_positives_are_trimmed_bounded_and_never_empty(service: Service) -> None:
    with pytest.raises(UserError, match="Write the positive") as refused:
        service.add_positive("   ")
    assert refused.value.usage
    assert service.add_positive("  " + "y" * 5000).text == "y" * 2000
