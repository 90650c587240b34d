"""Import against hostile files: refused with sentences, never a traceback, never poison."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from resilience_app.storage.importer import ImportProblems, import_into, parse_export
from resilience_app.storage.store import Store

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def document(**incident: Any) -> str:
    record = {"id": "a", "flagged_at": "2026-11-24T15:00:00+00:00", **incident}
    return json.dumps({"app": "resilience", "schema": 2, "incidents": [record]})


def refused(text: str) -> str:
    """Refused by the import the app runs (the file read a piece at a time, into a real
    journal, which stays empty), with the same sentence as reading the file whole."""
    import tempfile
    from pathlib import Path

    with pytest.raises(ImportProblems) as whole:
        parse_export(text, NOW)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "data")
        with pytest.raises(ImportProblems) as streamed:
            import_into(store, text, NOW)
        assert store.incidents() == [] and store.positives() == []
    message = str(streamed.value)
    assert message == str(whole.value)
    assert message.startswith("Nothing was imported.") and len(message) < 2000
    return message


def test_nesting_a_hundred_thousand_deep() -> None:
    assert "nested far too deeply" in refused("[" * 100_000 + "]" * 100_000)


def test_a_lone_surrogate_in_a_label() -> None:
    assert "'label' should be text of at most 200" in refused(document(label="\ud800"))


def test_a_label_of_megabytes_is_named_briefly() -> None:
    message = refused(document(label="x" * 5_000_000))
    assert "'label' should be text of at most 200 characters" in message and "..." in message


def test_a_call_from_the_future_would_keep_the_app_on_a_break() -> None:
    later = (NOW + timedelta(days=400)).isoformat()
    assert "was flagged in the future" in refused(document(flagged_at=later))


def test_a_follow_up_at_the_end_of_time() -> None:
    message = refused(
        document(followups=[{"id": "f", "kind": "check_in", "due_at": "9999-12-31T23:59:00+00:00"}])
    )
    assert "follow-up #1: 'due_at' should be a date and time between 1970 and 2200" in message


def test_too_many_positives_or_nudges() -> None:
    assert "at most 50 texts" in refused(document(reflection={"positives": ["p"] * 51}))
    nudge = {"id": "n", "kind": "first", "due_at": "2026-11-24T15:10:00+00:00", "state": "fired"}
    assert "a list of at most 20" in refused(document(nudges=[nudge] * 21))
