"""The playbook on disk: kept whole, sealed with the passphrase, one bad record set aside."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app.core.playbook import PlaybookEntry, answered, practised
from resilience_app.storage import protection
from resilience_app.storage.store import JOURNAL_DIR, Store
from tests.files import files_holding

PASS = "correct horse battery"
NOV = datetime(2026, 11, 20, 10, tzinfo=UTC)
MARKERS = ["DEARER-THAN-X", "IT-LASTS-LONGER", "FIRST-WORDING", "OTHER-WORDS", "MY-OWN-TAG"]


def full_entry(id: str = "pb1") -> PlaybookEntry:
    entry = PlaybookEntry(
        id,
        "Why are you DEARER-THAN-X?",
        NOV,
        also_said=["OTHER-WORDS for it"],
        tags=["price", "my-own-tag"],
        call_ids=["inc1", "inc2"],
    )
    entry = answered(entry, "FIRST-WORDING", NOV + timedelta(hours=5))
    entry = answered(entry, "IT-LASTS-LONGER, so it costs less.", NOV + timedelta(days=1))
    return practised(entry, True, NOV + timedelta(days=2))


def test_an_entry_reads_back_whole(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_playbook_entries([full_entry(), PlaybookEntry("pb2", "Not now.", NOV)])
    store.close()
    again = Store(data_dir)
    assert again.playbook_entry("pb1") == full_entry()
    assert [e.id for e in again.playbook_entries()] == ["pb1", "pb2"]
    assert again.playbook_entry("nope") is None


@pytest.mark.usefixtures("fast_kdf")
def test_with_a_passphrase_no_word_of_it_is_on_disk(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_playbook_entries([full_entry("before")])  # sealed when the lock is turned on
    data_key = protection.enable(store, PASS)
    store.save_playbook_entries([full_entry("after")])  # sealed as it is written
    store.close()
    assert files_holding(data_dir, [*MARKERS, MARKERS[-1].lower()]) == []
    again = Store(data_dir)
    again.unlock(data_key)
    assert again.playbook_entry("before") == full_entry("before")
    assert again.playbook_entry("after") == full_entry("after")


@pytest.mark.usefixtures("fast_kdf")
def test_locked_the_texts_are_absent_and_the_schedule_is_there(data_dir: Path) -> None:
    store = Store(data_dir)
    data_key = protection.enable(store, PASS)
    store.save_playbook_entries([full_entry()])
    store.close()
    locked = Store(data_dir)
    found = locked.playbook_entry("pb1")
    assert found is not None and found.sealed is not None
    assert found.said == "" and found.answer == "" and found.tags == []
    assert found.due_at == full_entry().due_at and found.call_ids == ["inc1", "inc2"]
    assert found.answered_at is not None  # answered or not is known while locked
    found.reminded_at = NOV  # a change while locked keeps the sealed part as it was
    locked.save_playbook_entries([found])
    locked.unlock(data_key)
    again = Store(data_dir)
    again.unlock(data_key)
    got = again.playbook_entry("pb1")
    assert got is not None and got.answer == full_entry().answer and got.reminded_at == NOV


def test_a_record_that_does_not_decode_is_set_aside_alone(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_playbook_entries([full_entry("good"), full_entry("bad")])
    store.close()
    path = data_dir / JOURNAL_DIR / "followups.json"
    data = json.loads(path.read_text())
    for doc in data["playbook"].values():
        if doc["id"] == "bad":
            doc["box"] = 99
    path.write_text(json.dumps(data))
    again = Store(data_dir)
    assert [e.id for e in again.playbook_entries()] == ["good"]


# -- export and import --------------------------------------------------------------------


def exported(store: Store) -> str:
    from resilience_app.storage.export import gather, to_json

    return to_json(gather(store), NOV + timedelta(days=3))


def test_the_playbook_goes_through_export_and_import_whole(tmp_path: Path) -> None:
    from resilience_app.storage.importer import import_into, parse_export

    source = Store(tmp_path / "a")
    merged_away = PlaybookEntry("pb0", "Too dear.", NOV, merged_into="pb1")
    source.save_playbook_entries([full_entry(), merged_away])
    text = exported(source)
    assert [e["id"] for e in json.loads(text)["playbook"]] == ["pb0", "pb1"]
    assert parse_export(text).playbook == [merged_away, full_entry()]
    target = Store(tmp_path / "b")
    result = import_into(target, text)
    assert result.playbook_added == 2 and "2 entries to your playbook" in result.message
    assert target.playbook_entries() == [merged_away, full_entry()]
    assert exported(target) == text  # a round trip
    again = import_into(target, text)  # what the journal has stays as it is
    assert again.playbook_added == 0 and "playbook" not in again.message


def test_an_export_from_before_the_playbook_still_imports(tmp_path: Path) -> None:
    from resilience_app.storage.importer import import_into

    document = json.loads(exported(Store(tmp_path / "a")))
    del document["playbook"]
    target = Store(tmp_path / "b")
    assert import_into(target, json.dumps(document)).playbook_added == 0
    assert target.playbook_entries() == []


def test_a_bad_playbook_entry_imports_nothing_and_says_which(tmp_path: Path) -> None:
    from resilience_app.storage.import_checks import ImportProblems
    from resilience_app.storage.importer import import_into

    document = json.loads(exported(Store(tmp_path / "a")))
    document["playbook"] = [{"id": "x", "created_at": "yesterday"}]
    target = Store(tmp_path / "b")
    with pytest.raises(ImportProblems) as raised:
        import_into(target, json.dumps(document))
    assert "Playbook entry #1" in raised.value.message
    assert target.playbook_entries() == []
    document["playbook"] = {"not": "a list"}
    with pytest.raises(ImportProblems) as raised:
        import_into(target, json.dumps(document))
    assert "'playbook' should be a list." in raised.value.message


def test_an_id_given_twice_imports_nothing_and_says_which(tmp_path: Path) -> None:
    """For the playbook and the positives alike (one checker for both lists)."""
    from resilience_app.storage.import_checks import ImportProblems
    from resilience_app.storage.importer import import_into

    source = Store(tmp_path / "a")
    source.save_playbook_entries([full_entry("same")])
    document = json.loads(exported(source))
    [entry] = document["playbook"]
    document["playbook"] = [entry, dict(entry, said="Said again")]
    positive = {"id": "p1", "created_at": "2026-11-20T10:00:00+00:00", "text": "A good call"}
    document["positives"] = [positive, positive]
    target = Store(tmp_path / "b")
    with pytest.raises(ImportProblems) as raised:
        import_into(target, json.dumps(document))
    message = raised.value.message
    assert "Playbook entry #2 has the id 'same', which the file gives twice." in message
    assert "Positive #2 has the id 'p1', which the file gives twice." in message
    assert target.playbook_entries() == []
