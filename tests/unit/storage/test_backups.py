"""The daily backups (storage/backups.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from resilience_app.storage.store import (
    BACKUPS_KEPT,
    Store,
)
from tests.unit.storage.samples import days, sample


def test_daily_backups_keep_seven_per_month(data_dir: Path) -> None:
    today, next_day = days(date(2026, 11, 1))
    store = Store(data_dir, today=today)
    for n in range(10):
        store.save_incident(sample(f"i{n}"))
        store.save_incident(sample(f"i{n}", label=f"edit {n}"))  # same day: no second backup
        next_day()
    backups = sorted((data_dir / "backups" / "2026-11").glob("*.json"))
    assert len(backups) == BACKUPS_KEPT
    assert backups[-1].name == "2026-11-10.json"
    # A backup is the file as it was before that day's first change.
    content = json.loads(backups[-1].read_text(encoding="utf-8"))
    assert len(content["incidents"]) == 9
