"""Files in the app's folder that are not what they should be, and imports that would
overwrite or take over: the cases an adversarial review found."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.models import FollowUpKind, Incident
from resilience_app.core.settings import Settings
from resilience_app.service.build import open_service
from resilience_app.storage.settings_file import load_settings
from resilience_app.storage.store import Store
from tests.files import journal_paths

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs and links")
WHEN = datetime(2026, 11, 24, 15, tzinfo=UTC)


def one_month(data_dir: Path) -> Path:
    store = Store(data_dir)
    store.save_incident(Incident("a", WHEN, label="Acme"))
    store.save_incident(Incident("b", WHEN + timedelta(hours=1), label="Globex"))
    store.close()
    [path] = journal_paths(data_dir)
    return path


def finishes(action: object, seconds: float = 5.0) -> None:
    """`action()` returns (or raises) within `seconds`: nothing blocks the app."""
    done = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            action()  # type: ignore[operator]
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(seconds), "it hung"
    if errors and not isinstance(errors[0], UserError):
        raise errors[0]


@posix
def test_a_fifo_where_a_month_or_the_settings_should_be_never_hangs(data_dir: Path) -> None:
    path = one_month(data_dir)
    path.unlink()
    os.mkfifo(path)
    finishes(lambda: Store(data_dir).incidents())
    os.mkfifo(data_dir / "settings.json")
    finishes(lambda: load_settings(data_dir))
    assert load_settings(data_dir) == {}


@posix
def test_importing_a_device_or_a_fifo_is_a_sentence(data_dir: Path, tmp_path: Path) -> None:
    service = open_service(data_dir)
    with pytest.raises(UserError, match="not a regular file"):
        service.import_file(Path("/dev/zero"))
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    finishes(lambda: service.import_file(fifo))


def test_a_format_number_that_is_not_a_number_is_damage_not_a_wedge(data_dir: Path) -> None:
    path = one_month(data_dir)
    data = json.loads(path.read_text())
    data["meta"] = {"1": {"schema": "two"}}
    path.write_text(json.dumps(data))
    store = Store(data_dir)
    assert store.incidents() == [] or len(store.incidents()) == 2  # restored or empty
    assert any("damaged" in n for n in store.notices)
    store.save_incident(Incident("c", WHEN, label="after"))  # and the app goes on


def test_raw_bytes_that_are_not_utf8_are_set_aside_one_record(data_dir: Path) -> None:
    path = one_month(data_dir)
    path.write_bytes(path.read_bytes().replace(b"Globex", b"Glob\xed\xa0\x80x"))
    store = Store(data_dir)
    assert [i.label for i in store.incidents()] == ["Acme"]
    store.save_incident(Incident("c", WHEN, label="after"))
    assert not store.dirty


@posix
def test_a_backup_folder_that_is_a_link_is_not_followed(data_dir: Path, tmp_path: Path) -> None:
    one_month(data_dir)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o755)
    for n in range(10):
        (elsewhere / f"keep-{n}.json").write_text("{}")
    backups = data_dir / "backups"
    backups.mkdir()
    (backups / "2026-11").symlink_to(elsewhere)
    store = Store(data_dir, today=lambda: WHEN.date() + timedelta(days=1))
    store.save_incident(Incident("c", WHEN, label="a change"))
    assert not store.dirty
    assert sorted(p.name for p in elsewhere.iterdir()) == [f"keep-{n}.json" for n in range(10)]
    assert oct(elsewhere.stat().st_mode & 0o777) == "0o755"


def test_a_call_imported_from_tomorrow_is_refused_and_never_the_latest(
    data_dir: Path, tmp_path: Path
) -> None:
    clock = FakeClock(datetime.now(UTC))
    service = open_service(data_dir, clock=clock)
    mine = service.flag("mine").incident
    tomorrow = {
        "app": "resilience",
        "schema": 2,
        "incidents": [{"id": "t", "flagged_at": (clock.now() + timedelta(days=1)).isoformat()}],
    }
    file = tmp_path / "t.json"
    file.write_text(json.dumps(tomorrow))
    with pytest.raises(UserError, match="flagged in the future"):
        service.import_file(file)
    service.store.save_incident(Incident("future", clock.now() + timedelta(hours=5)))
    assert service.add_followup(FollowUpKind.DEBRIEF).followup.incident_id == mine.id
    again = open_service(data_dir, clock=clock)
    again.open_offline()
    assert again.current is not None and again.current.id == mine.id


def test_an_import_never_overwrites_a_follow_up_of_another_call(
    data_dir: Path, tmp_path: Path
) -> None:
    service = open_service(data_dir, clock=FakeClock(datetime.now(UTC)))
    service.flag("Acme")
    mine = service.add_followup(FollowUpKind.THANK_YOU, note="card with the logo").followup
    other = {
        "app": "resilience",
        "schema": 2,
        "incidents": [
            {
                "id": "new-call",
                "flagged_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
                "followups": [
                    {"id": mine.id, "kind": "debrief", "due_at": WHEN.isoformat(),
                     "state": "cancelled"}
                ],
            }
        ],
    }  # fmt: skip
    file = tmp_path / "clash.json"
    file.write_text(json.dumps(other))
    with pytest.raises(UserError, match="has the id of one already in your journal"):
        service.import_file(file)
    [kept] = service.upcoming()
    assert kept.followup.note == "card with the logo"


def test_stored_settings_that_contradict_each_other_do_not_block_every_change() -> None:
    settings = Settings({"nudge.first_minutes": 20, "nudge.second_minutes": 12})
    assert (settings.first_nudge_minutes, settings.second_nudge_minutes) == (10, 15)
    assert settings.set("break.minutes", "4") == 4


def test_the_data_folder_removed_brings_back_every_open_file(data_dir: Path) -> None:
    import shutil

    clock = FakeClock(datetime.now(UTC))
    service = open_service(data_dir, clock=clock)
    service.set_setting("break.minutes", "4")
    service.flag("Acme")
    service.add_followup(FollowUpKind.CHECK_IN, in_minutes=60)
    shutil.rmtree(data_dir)
    service.dialed()  # one write: the month; the follow-ups and settings come back too
    assert service.durable
    again = open_service(data_dir, clock=clock)
    assert [i.followup.kind for i in again.upcoming()] == [FollowUpKind.CHECK_IN]
    assert again.setting("break.minutes") == 4


def test_record_keys_that_are_not_plain_numbers_are_numbered_anew(data_dir: Path) -> None:
    """ "²" is a digit to str.isdigit but not to int(); "01" would be record 1 again and
    make two calls one. Each record has its own id, so both are kept, numbered anew (one
    changed byte of a key must not cost a call: issue 24)."""
    path = one_month(data_dir)
    raw = json.loads(path.read_text())
    rows = raw["incidents"]
    [(k_a, a), (_, b)] = sorted(rows.items())
    raw["incidents"] = {"²": a, "0" + k_a: b}
    path.write_text(json.dumps(raw))
    store = Store(data_dir)
    assert sorted(i.id for i in store.incidents()) == sorted([a["id"], b["id"]])
    store.save_incident(Incident("c", WHEN, label="after"))
    assert len(Store(data_dir).incidents()) == 3
    assert set(json.loads(path.read_text())["incidents"]) == {"1", "2", "3"}


def test_a_key_written_twice_keeps_both_records(data_dir: Path) -> None:
    """One changed byte can make record "2" a second "1": JSON keeps only the last."""
    path = one_month(data_dir)
    text = path.read_text()
    assert '"2":{' in text.replace(" ", "")
    path.write_text(text.replace('"2": {', '"1": {').replace('"2":{', '"1":{'))
    assert len(Store(data_dir).incidents()) == 2


def test_a_folder_made_again_by_someone_else_still_gets_every_open_file_back(
    data_dir: Path,
) -> None:
    """`rm -r` of the data folder, and before the app writes again something else (a
    second start, a command) makes the journal folder again, empty: the folder is there,
    its files are not; each file the app holds goes back with the next write."""
    import shutil

    clock = FakeClock(datetime.now(UTC))
    service = open_service(data_dir, clock=clock)
    service.flag("Acme")
    service.add_followup(FollowUpKind.CHECK_IN, in_minutes=60)
    service.add_positive("Kept my cool")
    shutil.rmtree(data_dir)
    (data_dir / "journal").mkdir(parents=True)
    service.set_setting("break.minutes", "4")  # a write of the settings alone
    assert service.durable
    again = open_service(data_dir, clock=clock)
    assert [i.label for i in again.store.incidents()] == ["Acme"]
    assert [i.followup.kind for i in again.upcoming()] == [FollowUpKind.CHECK_IN]
    assert [p.text for p in again.store.positives()] == ["Kept my cool"]


def test_a_journal_file_deleted_by_hand_goes_back_and_the_rep_is_told(data_dir: Path) -> None:
    clock = FakeClock(datetime.now(UTC))
    service = open_service(data_dir, clock=clock)
    told: list[str] = []
    service.store.on_notice = told.append
    service.flag("Acme")
    service.add_followup(FollowUpKind.CHECK_IN, in_minutes=60)
    [followups] = [p for p in (data_dir / "journal").glob("*.json") if "follow" in p.name]
    followups.unlink()
    service.restore_removed_files()  # the running app's folder watcher calls this
    assert followups.is_file()
    assert told and followups.name in told[-1] and "were written again" in told[-1]
    assert [i.followup.kind for i in open_service(data_dir, clock=clock).upcoming()] == [
        FollowUpKind.CHECK_IN
    ]
