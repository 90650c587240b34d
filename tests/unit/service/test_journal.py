"""The journal: search, edits, delete and undo (`service/journal.py`).

The application service on its own: a real store, a fake clock, no Qt."""

from __future__ import annotations

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.journal import IncidentFilter
from resilience_app.service import Service
from tests.unit.service.helpers import note


def test_journal_search_sees_edits_and_deletes_undo(service: Service, clock: FakeClock) -> None:
    ids = []
    for label in ("Globex", "Initech"):
        incident = service.flag(label).incident
        service.end_break()
        service.save_note(incident.id, note("stayed polite", what_happened="price sheet talk"))
        service.dialed()
        clock.advance(minutes=60)
        ids.append(incident.id)
    assert [i.label for i in service.journal_calls(IncidentFilter(text="PRICE sheet"))] == [
        "Initech",
        "Globex",
    ]
    assert [e.text for e in service.journal_positives("polite")] == ["stayed polite"] * 2
    service.save_note(ids[0], note("stayed polite", what_happened="renamed"))
    assert [i.label for i in service.journal_calls(IncidentFilter(text="price"))] == ["Initech"]
    service.delete_call(ids[1])
    assert [i.label for i in service.journal_calls(IncidentFilter())] == ["Globex"]
    service.undo_delete()
    assert len(service.journal_calls(IncidentFilter())) == 2


def test_the_call_being_waited_on_cannot_be_deleted(service: Service) -> None:
    incident = service.flag().incident
    with pytest.raises(UserError, match="I'm dialing"):
        service.delete_call(incident.id)
