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
