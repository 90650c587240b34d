"""Damaged month files (storage/damaged_files.py): set aside, restored from a backup, or said."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from resilience_app.storage.store import (
    StorageError,
    Store,
)
from tests.files import journal_paths
from tests.unit.storage.samples import WHEN, days, sample


def test_a_damaged_month_is_set_aside_and_the_last_backup_restored(data_dir: Path) -> None:
    today, next_day = days(date(2026, 11, 24))
    store = Store(data_dir, today=today)
    store.save_incident(sample("kept"))
    next_day()
    store.save_incident(sample("lost-with-the-damage", WHEN + timedelta(hours=1)))
    [path] = journal_paths(data_dir)
    path.write_text('{"incidents": {"1": {"id": ', encoding="utf-8")  # torn, unparseable

    reopened = Store(data_dir, today=today)
    assert [i.id for i in reopened.incidents()] == ["kept"]
    aside = [p for p in path.parent.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8").startswith('{"incidents"')
    [notice] = reopened.notices
    assert "restored from the backup of 2026-11-25" in notice and str(aside[0]) in notice


def test_a_damaged_month_without_backup_starts_empty_and_says_so(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_incident(sample())
    [path] = journal_paths(data_dir)
    path.write_bytes(b"\x00\x00garbage")
    reopened = Store(data_dir)
    assert reopened.incidents() == []
    assert "no backup could be read" in reopened.notices[0]


def test_readonly_store_reports_damage_without_moving_the_file(data_dir: Path) -> None:
    Store(data_dir).save_incident(sample())
    [path] = journal_paths(data_dir)
    path.write_text("{oops", encoding="utf-8")
    with pytest.raises(StorageError, match="damaged"):
        Store(data_dir, readonly=True).incidents()
    assert path.read_text(encoding="utf-8") == "{oops"
