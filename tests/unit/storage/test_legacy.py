"""The upgrade from format 1 (storage/legacy.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from resilience_app.core.models import (
    Nudge,
    NudgeKind,
)
from resilience_app.storage.codec import incident_to_dict, nudge_to_dict
from resilience_app.storage.store import (
    Store,
)
from tests.files import journal_paths
from tests.unit.storage.samples import WHEN, sample


def test_format_1_journal_is_migrated_with_a_backup_first(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    older = sample("old", datetime(2026, 10, 3, 9, tzinfo=UTC))
    legacy = {
        "meta": {"1": {"schema": 1}},
        "incidents": {"1": incident_to_dict(older), "2": incident_to_dict(sample())},
        "nudges": {"1": nudge_to_dict(Nudge("n", "old", NudgeKind.FIRST, WHEN))},
    }
    raw = json.dumps(legacy).encode()
    (data_dir / "journal.json").write_bytes(raw)
    store = Store(data_dir)
    assert not (data_dir / "journal.json").exists()
    assert [p.name for p in journal_paths(data_dir)] == ["2026-10.json", "2026-11.json"]
    [backup] = (data_dir / "backups" / "before-upgrade").iterdir()
    assert backup.read_bytes() == raw
    assert [i.id for i in store.incidents()] == ["old", "abc"]
    assert [n.incident_id for n in store.nudges()] == ["old"]
    assert store.incident("old") == older
