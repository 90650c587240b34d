"""The month files (storage/months.py): one per month, read only
when needed, empty or newer ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resilience_app.core.models import (
    Nudge,
    NudgeKind,
    NudgeState,
)
from resilience_app.storage.store import (
    SCHEMA_VERSION,
    StorageError,
    Store,
)
from tests.files import journal_paths
from tests.unit.storage.samples import sample


def test_each_month_has_its_own_file_and_only_needed_months_are_read(data_dir: Path) -> None:
    store = Store(data_dir)
    for month in range(1, 13):
        when = datetime(2025, month, 10, 9, 0, tzinfo=UTC)
        store.save_incident(sample(f"i{month}", when))
        store.save_nudge(Nudge(f"n{month}", f"i{month}", NudgeKind.FIRST, when, NudgeState.FIRED))
    assert len(journal_paths(data_dir)) == 12
    fresh = Store(data_dir)
    latest = fresh.latest_incident()
    assert latest is not None and latest.id == "i12"
    assert sorted(fresh.months.loaded) == ["2025-12"]  # start-up reads one month, not a year
    since = fresh.incidents_since(datetime(2025, 11, 1, tzinfo=UTC))
    assert [i.id for i in since] == ["i11", "i12"]
    assert sorted(fresh.months.loaded) == ["2025-11", "2025-12"]
    assert len(fresh.incidents()) == 12
    assert [n.id for n in fresh.nudges(incident_id="i3")] == ["n3"]


@pytest.mark.parametrize("content", [b"", b"   \n"])
def test_an_empty_file_is_an_empty_month(data_dir: Path, content: bytes) -> None:
    (data_dir / "journal").mkdir(parents=True)
    (data_dir / "journal" / "2026-11.json").write_bytes(content)
    store = Store(data_dir)
    assert store.incidents() == [] and store.notices == []


def test_a_newer_schema_is_refused_untouched(data_dir: Path) -> None:
    (data_dir / "journal").mkdir(parents=True)
    path = data_dir / "journal" / "2026-11.json"
    content = json.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}})
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StorageError, match="newer version of Resilience"):
        Store(data_dir).incidents()
    assert path.read_text(encoding="utf-8") == content
