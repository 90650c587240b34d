"""The journal on disk: month files, atomic replacement, backups, damage, migrations."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app import files
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
from resilience_app.storage.codec import incident_to_dict, nudge_to_dict
from resilience_app.storage.journal_file import PLAIN_SCHEMA
from resilience_app.storage.store import (
    BACKUPS_KEPT,
    SCHEMA_VERSION,
    StorageError,
    Store,
)
from tests.files import journal_paths

WHEN = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def sample(incident_id: str = "abc", when: datetime = WHEN, **changes: object) -> Incident:
    incident = Incident(
        id=incident_id,
        flagged_at=when,
        label="Acme — “big” deal",
        rough=8,
        break_started_at=when,
        reflection=Reflection(
            what_happened="Pricing question I couldn't answer",
            my_part=MyPart.COULDNT_ANSWER,
            loss_reason=LossReason.PRICE_OR_TERMS,
            lesson="Keep the price sheet open",
            positives=["Stayed polite", "Booked a debrief"],
            mood_after=6,
        ),
        reflection_status=ReflectionStatus.SAVED,
        reflection_saved_at=when,
    )
    for key, value in changes.items():
        setattr(incident, key, value)
    return incident


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


def test_a_call_and_its_nudges_reach_the_disk_in_one_write(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_incident(sample("older", WHEN - timedelta(hours=1)))  # the month exists
    [month] = store.months.load_between(WHEN, None)
    writes = month.writes
    nudges = [
        Nudge("n1", "abc", NudgeKind.FIRST, WHEN + timedelta(minutes=15)),
        Nudge("n2", "abc", NudgeKind.SECOND, WHEN + timedelta(minutes=30)),
    ]
    store.save_with_nudges(sample(), nudges)
    assert month.writes == writes + 1
    store.close()
    again = Store(data_dir)
    assert again.incident("abc") == sample()
    assert sorted(n.id for n in again.nudges(incident_id="abc")) == ["n1", "n2"]


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
    [path] = journal_paths(data_dir)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_failed_write_keeps_the_old_file_and_the_change_in_memory(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(data_dir)
    store.save_incident(sample())
    [path] = journal_paths(data_dir)
    before = path.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    refused: list[OSError] = []
    store.on_save_failed = refused.append
    store.save_incident(sample("def"))  # never raises: the caller is told another way
    assert [e.errno for e in refused] == [28] and store.last_error is refused[0]
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert store.dirty and store.incident("def") is not None
    monkeypatch.undo()
    store.flush()
    assert not store.dirty
    assert Store(data_dir).incident("def") is not None


@pytest.mark.skipif(os.name != "posix", reason="a folder's mode bits mean nothing to Windows")
def test_read_only_folder_is_reported_and_keeps_data(data_dir: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions; test_disk_faults remounts a tmpfs read-only")
    store = Store(data_dir)
    store.save_incident(sample())
    folder = journal_paths(data_dir)[0].parent
    folder.chmod(0o500)
    try:
        store.save_incident(sample("def"))
        assert isinstance(store.last_error, PermissionError) and store.dirty
        assert store.incident("def") is not None
    finally:
        folder.chmod(0o700)
    store.flush()
    assert Store(data_dir).incident("def") is not None


def days(start: date):  # type: ignore[no-untyped-def]
    current = [start]

    def today() -> date:
        return current[0]

    def advance() -> None:
        current[0] += timedelta(days=1)

    return today, advance


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


def test_readonly_store_never_writes(data_dir: Path) -> None:
    reader = Store(data_dir, readonly=True)
    assert reader.incidents() == []
    assert not data_dir.exists()


def test_readonly_store_reports_damage_without_moving_the_file(data_dir: Path) -> None:
    Store(data_dir).save_incident(sample())
    [path] = journal_paths(data_dir)
    path.write_text("{oops", encoding="utf-8")
    with pytest.raises(StorageError, match="damaged"):
        Store(data_dir, readonly=True).incidents()
    assert path.read_text(encoding="utf-8") == "{oops"


def test_add_many_writes_each_month_once_and_merges(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_incident(sample("existing"))
    batch = [sample(f"b{n}", WHEN - timedelta(days=40 * n)) for n in range(3)]
    store.add_many(batch, [Nudge("nb", "b1", NudgeKind.SECOND, WHEN)])
    again = Store(data_dir)
    assert sorted(i.id for i in again.incidents()) == ["b0", "b1", "b2", "existing"]
    assert again.nudges(incident_id="b1")[0].id == "nb"
    assert len(journal_paths(data_dir)) == 3


def test_delete_and_restore_put_everything_back(data_dir: Path) -> None:
    from resilience_app.core.models import FollowUp, FollowUpKind

    store = Store(data_dir)
    store.save_incident(sample("a"))
    store.save_incident(sample("b", WHEN + timedelta(hours=1)))
    store.save_nudge(Nudge("n1", "a", NudgeKind.FIRST, WHEN))
    store.save_followup(FollowUp("f1", "a", FollowUpKind.DEBRIEF, WHEN, WHEN))
    removed = store.delete_incident("a")
    assert removed is not None and [n.id for n in removed.nudges] == ["n1"]
    fresh = Store(data_dir)
    assert [i.id for i in fresh.incidents()] == ["b"]
    assert fresh.nudges() == [] and fresh.followups() == []
    assert fresh.incidents() == [fresh.incident("b")]
    fresh.restore(removed)
    again = Store(data_dir)
    assert again.incident("a") == sample("a")
    assert [n.id for n in again.nudges()] == ["n1"] and [f.id for f in again.followups()] == ["f1"]
    assert store.delete_incident("missing") is None
