"""The journal on disk as the service sees it (storage/store.py): round trips, private
files, readers. Each part has its own tests: test_months, test_writes, test_durability,
test_backups, test_damaged_files, test_legacy (their calls are in samples.py)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from resilience_app.core.models import (
    Nudge,
    NudgeKind,
    NudgeState,
)
from resilience_app.storage.journal_file import PLAIN_SCHEMA
from resilience_app.storage.store import (
    Store,
)
from tests.files import journal_paths
from tests.unit.storage.samples import WHEN, sample


def test_round_trip_through_the_files(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_incident(sample())
    store.save_nudge(Nudge("n1", "abc", NudgeKind.FIRST, WHEN, NudgeState.FIRED, WHEN))
    store.close()
    again = Store(data_dir)
    assert again.incident("abc") == sample()
    assert again.nudges(state=NudgeState.FIRED)[0].kind is NudgeKind.FIRST
    [path] = journal_paths(data_dir)
    assert path.name == "2026-11.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["meta"]["1"]["schema"] == PLAIN_SCHEMA


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_files_are_private_whatever_the_umask(data_dir: Path) -> None:
    old = os.umask(0o022)
    try:
        store = Store(data_dir)
        store.save_incident(sample())
    finally:
        os.umask(old)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    [path] = journal_paths(data_dir)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_readonly_store_never_writes(data_dir: Path) -> None:
    reader = Store(data_dir, readonly=True)
    assert reader.incidents() == []
    assert not data_dir.exists()
