"""Acknowledged means durable: what the disk refuses is said plainly, kept, retried, and at
quit written to a rescue file elsewhere that the next start merges back."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from resilience_app import files
from resilience_app.commands import CommandTable
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import FollowUpKind
from resilience_app.service import Service
from resilience_app.service.build import open_service
from resilience_app.storage import rescue
from tests.files import KNOWS_DESCRIPTORS, descriptor_path


class Disk:
    """The data folder's disk: full until `undo()`; other filesystems keep room."""

    def __init__(self) -> None:
        self.full = True

    def undo(self) -> None:
        self.full = False


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Disk:
    if not KNOWS_DESCRIPTORS:
        pytest.skip("needs /proc (or Windows) to tell which file a descriptor is")
    disk = Disk()
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if disk.full and descriptor_path(fd).startswith(str(data_dir)):
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)  # the disk, not our code, fails
    return disk


@pytest.fixture
def rescue_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Places on "other filesystems": folders of the test's own, in a known order."""
    places = [tmp_path / "cache-rescue", tmp_path / "var-tmp"]
    monkeypatch.setattr(rescue, "rescue_places", lambda data_dir: list(places))
    return places


def test_every_acknowledgement_says_whether_it_is_on_disk(
    service: Service, full_disk: Disk
) -> None:
    table = CommandTable(service)
    for command, args in (
        ("flag", {"label": "Acme"}),
        ("note", {"positives": ["kept calm"]}),
        ("positive-add", {"text": "Booked a demo"}),
        ("followup-add", {"kind": "debrief"}),
        ("dialed", {}),
        ("config-set", {"key": "break.minutes", "value": "5"}),
    ):
        reply = table.handle(command, args)
        if command == "config-set":
            # Settings are written before they apply: refused, and nothing changed.
            assert reply["ok"] is False and "nothing was changed" in reply["error"]
            continue
        assert reply["ok"] and reply["saved"] is False, (command, reply)
        assert reply["unsaved"].startswith("Not saved to disk yet (No space left on device)")
    full_disk.undo()
    service.tick()  # not due yet
    assert not service.durable
    service.clock.advance(seconds=10)  # type: ignore[attr-defined]
    service.tick()
    assert service.durable
    assert table.handle("status", {})["saved"] is True


def test_a_retried_request_is_done_once(service: Service) -> None:
    table = CommandTable(service)
    first = table.handle("positive-add", {"text": "Booked a demo"}, request_id="r-1")
    again = table.handle("positive-add", {"text": "Booked a demo"}, request_id="r-1")
    assert again == first
    assert [p.text for p in service.store.positives()] == ["Booked a demo"]
    table.handle("positive-add", {"text": "Booked a demo"}, request_id="r-2")
    assert len(service.store.positives()) == 2  # a new request is a new positive


def test_quit_with_unsaved_changes_writes_a_rescue_file_the_next_start_merges(
    data_dir: Path, clock: FakeClock, full_disk: Disk, rescue_places: list[Path]
) -> None:
    service = open_service(data_dir, clock=clock)
    service.open_offline()
    incident = service.flag("Kept through a full disk").incident
    service.save_note(incident.id, _note("stayed calm"), [(FollowUpKind.DEBRIEF, clock.now())])
    service.add_positive("A good one")
    assert not service.durable
    kept = service.close()
    assert kept is not None and kept.parent == rescue_places[0]
    if os.name == "posix":  # on Windows the profile's access list keeps it private
        assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert "Kept through a full disk" in kept.read_text()
    full_disk.undo()

    told: list[str] = []
    again = open_service(data_dir, clock=clock)
    told = again.open_offline()
    assert any("now back in your journal" in sentence for sentence in told)
    stored = again.incident(incident.id)
    assert stored.label == "Kept through a full disk"
    assert stored.reflection.positives == ["stayed calm"]
    assert [p.text for p in again.store.positives()] == ["A good one"]
    assert [i.followup.kind for i in again.upcoming()] == [FollowUpKind.DEBRIEF]
    assert not kept.exists()  # gone only once its records are durably in the journal
    again.close()
    assert open_service(data_dir, clock=clock).open_offline() == []  # merged once only


@pytest.mark.skipif(
    os.name != "posix", reason="symbolic links: none under Wine, administrators only on Windows"
)
def test_a_rescue_place_that_is_a_link_or_another_users_is_skipped(
    data_dir: Path, clock: FakeClock, full_disk: Disk, rescue_places: list[Path], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "not-ours"
    elsewhere.mkdir()
    rescue_places[0].symlink_to(elsewhere)
    service = open_service(data_dir, clock=clock)
    service.flag("x")
    kept = service.close()
    assert kept is not None and kept.parent == rescue_places[1]
    assert list(elsewhere.iterdir()) == []


def test_nowhere_to_keep_it_is_said(
    data_dir: Path, clock: FakeClock, full_disk: Disk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rescue, "rescue_places", lambda data_dir: [])
    service = open_service(data_dir, clock=clock)
    service.flag("x")
    assert service.close() is None


def _note(*positives: str) -> Any:
    from resilience_app.core.models import Reflection

    return Reflection(positives=list(positives))


def test_a_damaged_rescue_file_is_left_where_it_is_and_named(
    data_dir: Path, clock: FakeClock, rescue_places: list[Path]
) -> None:
    from resilience_app.paths import digest

    folder = rescue_places[0]
    folder.mkdir(mode=0o700)
    bad = folder / f"{rescue.PREFIX}{digest(data_dir)}-20260101-000000-0.json"
    bad.write_text("{broken")
    if os.name == "posix":
        bad.chmod(0o600)
    told = open_service(data_dir, clock=clock).open_offline()
    assert told and "could not be read" in told[0] and bad.exists()
    assert json.loads("{}") == {}


def test_a_rescue_merged_on_a_still_full_disk_never_undoes_later_saves(
    data_dir: Path, clock: FakeClock, full_disk: Disk, rescue_places: list[Path]
) -> None:
    first = open_service(data_dir, clock=clock)
    incident = first.flag("Acme").incident
    first.save_note(incident.id, _note("first version"))
    assert first.close() is not None  # quit on a full disk: rescue file R1
    second = open_service(data_dir, clock=clock)
    second.open_offline()  # R1 merged into memory; the disk still refuses it
    assert list(rescue_places[0].iterdir()) != []
    full_disk.undo()
    clock.advance(seconds=10)
    second.tick()
    second.store.flush()  # the retry succeeds: R1's records are on disk
    assert list(rescue_places[0].iterdir()) == []  # so R1 is gone
    second.save_note(incident.id, _note("second version"))  # saved, exit 0
    second.close()
    third = open_service(data_dir, clock=clock)
    third.open_offline()
    assert third.incident(incident.id).reflection.positives == ["second version"]


def test_a_call_deleted_on_a_full_disk_stays_deleted(
    data_dir: Path, clock: FakeClock, full_disk: Disk, rescue_places: list[Path]
) -> None:
    setup = open_service(data_dir, clock=clock)
    keep = setup.flag("keep").incident
    setup.dialed()
    clock.advance(minutes=20)
    gone = setup.flag("delete me").incident
    setup.dialed()
    full_disk.undo()
    setup.store.flush()
    setup.close()
    full_disk.full = True
    service = open_service(data_dir, clock=clock)
    service.open_offline()
    service.delete_call(gone.id)
    assert service.close() is not None
    full_disk.undo()
    again = open_service(data_dir, clock=clock)
    again.open_offline()
    assert [i.id for i in again.store.incidents()] == [keep.id]


def test_a_playbook_entry_kept_through_a_full_disk_comes_back_after_quit(
    data_dir: Path, clock: FakeClock, full_disk: Disk, rescue_places: list[Path]
) -> None:
    service = open_service(data_dir, clock=clock)
    service.open_offline()
    entry = service.playbook.add("Why are you dearer?", answer="It lasts longer.")
    assert not service.durable
    kept = service.close()
    assert kept is not None and "Why are you dearer?" in kept.read_text()
    full_disk.undo()
    again = open_service(data_dir, clock=clock)
    again.open_offline()
    assert again.store.playbook_entry(entry.id) == entry
    assert not kept.exists()
    again.close()


def test_a_script_of_my_own_saved_on_a_full_disk_comes_back_from_the_rescue_file(
    data_dir: Path, clock: FakeClock, full_disk: Disk, rescue_places: list[Path]
) -> None:
    service = open_service(data_dir, clock=clock)
    service.open_offline()
    service.save_script(FollowUpKind.DEBRIEF, "My own questions, written on a full disk")
    assert not service.durable
    kept = service.close()
    assert kept is not None
    full_disk.undo()

    again = open_service(data_dir, clock=clock)
    again.open_offline()
    assert again.script(FollowUpKind.DEBRIEF) == ("My own questions, written on a full disk", True)
    assert not kept.exists()
    again.close()
