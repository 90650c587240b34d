"""Talking a playbook entry over with a colleague: a TALK_IT_OVER follow-up linked to the
entry (`FollowUpDesk.talk_it_over`), due the next working morning, carried through the
store, the export and the import. A fake clock; local time is UTC here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core import texts
from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.models import FollowUpKind, FollowUpState
from resilience_app.service import Service
from resilience_app.storage.codec import followup_from_dict, followup_to_dict
from tests.doubles import local_zone


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    with local_zone("UTC"):
        yield


def test_talk_it_over_is_linked_to_the_entry_and_due_the_next_working_morning(
    service: Service, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))  # a Friday afternoon
    call = service.flag("Acme").incident
    service.end_break()
    entry = service.playbook.add("Why are you dearer?", call_id=call.id)
    desk = service.followup_desk
    assert desk.talks() == {}

    talk = desk.talk_it_over(entry.id)
    assert talk.kind is FollowUpKind.TALK_IT_OVER and talk.playbook_id == entry.id
    assert talk.incident_id == call.id
    assert talk.due_at == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # Monday morning
    assert service.store.followup(talk.id) == talk  # kept before it is shown
    assert desk.talks() == {entry.id: talk}
    assert [i.followup.id for i in desk.upcoming()] == [talk.id]

    done = desk.followup_done(talk.id)
    assert desk.talks()[entry.id].state is FollowUpState.DONE and done.id == talk.id
    later = desk.talk_it_over(entry.id, in_minutes=90)
    assert later.due_at == datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    assert desk.talks()[entry.id].id == later.id  # the one planned before the one done


def test_an_entry_without_a_call_or_a_wrong_id_gets_a_sentence(service: Service) -> None:
    alone = service.playbook.add("Hm.")
    with pytest.raises(UserError, match="did not come up on a call you flagged"):
        service.followup_desk.talk_it_over(alone.id)
    with pytest.raises(UserError, match="There is no playbook entry 'nope'"):
        service.followup_desk.talk_it_over("nope")
    assert service.store.followups() == []


def test_the_link_goes_through_export_and_import_and_old_data_has_none(
    service: Service, clock: FakeClock, tmp_path: Path
) -> None:
    call = service.flag("Acme").incident
    service.end_break()
    entry = service.playbook.add("Why are you dearer?", call_id=call.id)
    talk = service.followup_desk.talk_it_over(entry.id)
    target = tmp_path / "out.json"
    service.export("json", path=target)
    [record] = json.loads(target.read_text())["incidents"]
    assert record["followups"][0]["playbook_id"] == entry.id

    other = Service(
        type(service.store)(tmp_path / "other"),
        type(service.settings)(),
        clock,
        notifier=NotifierChain(),
        save_settings=lambda values: None,
    )
    assert other.import_file(target).added == 1
    assert other.store.followup(talk.id) == talk
    assert other.followup_desk.talks() == {entry.id: talk}

    old = followup_to_dict(talk)
    del old["playbook_id"]
    assert followup_from_dict(old).playbook_id is None


def test_a_talk_planned_for_an_entry_since_merged_shows_on_the_one_kept(
    service: Service,
) -> None:
    one = service.flag("Acme").incident
    service.end_break()
    keep = service.playbook.add("Why are you dearer?")
    gone = service.playbook.add("X is cheaper.", call_id=one.id)
    talk = service.followup_desk.talk_it_over(gone.id)
    service.playbook.merge(keep.id, gone.id)
    assert service.followup_desk.talks() == {keep.id: talk}


def test_the_standard_tags_are_found_as_the_rep_reads_them(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = service.playbook.add("Why are you dearer?", tags=["price", "my own"])
    assert [e.id for e in service.playbook.entries("price")] == [entry.id]
    # As in German (the catalogs get the tags' names from the lead's next translation run).
    german = {"price": "Preis"}
    monkeypatch.setattr(texts, "playbook_tag", lambda tag: german.get(tag, tag))
    assert [e.id for e in service.playbook.entries("preis")] == [entry.id]
    assert [e.id for e in service.playbook.entries("own")] == [entry.id]
    assert service.playbook.entries("produkt") == []
