"""The journal on disk: round trips, atomic replacement, private files, damaged files."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resilience_app.core.models import (
    Incident,
    LossReason,
    MyPart,
    Nudge,
    NudgeKind,
    NudgeState,
    Reflection,
    ReflectionStatus,
)
from resilience_app.storage import files
from resilience_app.storage.store import JOURNAL_FILE, SCHEMA_VERSION, StorageError, Store

WHEN = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def sample() -> Incident:
    return Incident(
        id="abc",
        flagged_at=WHEN,
        label="Acme — “big” deal",
        rough=8,
        break_started_at=WHEN,
        reflection=Reflection(
            what_happened="Pricing question I couldn't answer",
            my_part=MyPart.COULDNT_ANSWER,
            loss_reason=LossReason.PRICE_OR_TERMS,
            lesson="Keep the price sheet open",
            positives=["Stayed polite", "Booked a debrief"],
            mood_after=6,
        ),
        reflection_status=ReflectionStatus.SAVED,
        reflection_saved_at=WHEN,
    )


def test_incident_and_nudge_round_trip_through_the_file(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_incident(sample())
    store.save_nudge(Nudge("n1", "abc", NudgeKind.FIRST, WHEN, NudgeState.FIRED, WHEN))
    store.close()
    again = Store(data_dir)
    assert again.incident("abc") == sample()
    assert again.nudges(state=NudgeState.FIRED)[0].kind is NudgeKind.FIRST
    raw = json.loads((data_dir / JOURNAL_FILE).read_text(encoding="utf-8"))
    assert raw["meta"]["1"]["schema"] == SCHEMA_VERSION


def test_update_replaces_not_duplicates(store: Store) -> None:
    incident = sample()
    store.save_incident(incident)
    incident.label = "Changed"
    store.save_incident(incident)
    assert [i.label for i in store.incidents()] == ["Changed"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_files_are_private_whatever_the_umask(data_dir: Path) -> None:
    old = os.umask(0o022)
    try:
        store = Store(data_dir)
        store.save_incident(sample())
    finally:
        os.umask(old)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / JOURNAL_FILE).stat().st_mode) == 0o600


def test_a_write_that_fails_leaves_the_old_file_and_no_temp_files(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(data_dir)
    store.save_incident(sample())
    before = (data_dir / JOURNAL_FILE).read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    second = sample()
    second.id = "def"
    with pytest.raises(OSError, match="No space"):
        store.save_incident(second)
    assert (data_dir / JOURNAL_FILE).read_bytes() == before
    assert [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")] == []
    # The change is kept in memory and written on the next successful flush.
    assert store.dirty and store.incident("def") is not None
    monkeypatch.undo()
    store.flush()
    assert not store.dirty
    assert Store(data_dir).incident("def") is not None


def test_a_damaged_file_is_set_aside_and_the_rep_is_told(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / JOURNAL_FILE).write_text('{"incidents": {"1": {"id": ', encoding="utf-8")
    store = Store(data_dir)
    assert store.incidents() == []
    aside = [p for p in data_dir.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8").startswith('{"incidents"')
    assert len(store.notices) == 1 and str(aside[0]) in store.notices[0]


def test_an_empty_file_is_an_empty_journal(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / JOURNAL_FILE).write_bytes(b"")
    assert Store(data_dir).incidents() == []


def test_a_newer_schema_is_refused_untouched(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    content = json.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}})
    (data_dir / JOURNAL_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(StorageError, match="newer version of Resilience"):
        Store(data_dir)
    assert (data_dir / JOURNAL_FILE).read_text(encoding="utf-8") == content


def test_readonly_store_never_writes(data_dir: Path) -> None:
    reader = Store(data_dir, readonly=True)
    assert reader.incidents() == []
    assert not data_dir.exists()
