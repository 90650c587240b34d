"""The passphrase lock in storage: every file sealed or plain, tampering found, nothing lost."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app.core.errors import UserError
from resilience_app.core.kinds import FollowUpKind
from resilience_app.core.models import FollowUp, Incident, Positive, Reflection
from resilience_app.storage import keys, protection
from resilience_app.storage.proofs import PROOF_FILE
from resilience_app.storage.store import JOURNAL_DIR, Store
from tests.files import files_holding, journal_paths

pytestmark = pytest.mark.usefixtures("fast_kdf")
PASS = "correct horse battery"
MARKERS = ["ACME-LABEL", "WHAT-HAPPENED", "LESSON-TEXT", "NOTE-POSITIVE", "FOLLOWUP-NOTE"]
OCT = datetime(2026, 10, 20, 10, tzinfo=UTC)
NOV = datetime(2026, 11, 20, 10, tzinfo=UTC)


class Days:
    """The store's idea of today, moved by the test (backups are once a day per file)."""

    def __init__(self) -> None:
        self.day = date(2026, 11, 20)

    def __call__(self) -> date:
        return self.day


def incident(n: int, when: datetime) -> Incident:
    return Incident(
        f"inc{n}",
        when + timedelta(hours=n),
        label=f"ACME-LABEL {n}",
        rough=7,
        reflection=Reflection(
            what_happened=f"WHAT-HAPPENED {n}",
            lesson="LESSON-TEXT",
            positives=["NOTE-POSITIVE"],
        ),
    )


def fill(store: Store) -> None:
    store.save_incident(incident(1, OCT))
    store.save_incident(incident(2, NOV))
    store.save_positive(Positive("pos1", NOV, "NOTE-POSITIVE on its own"))
    store.save_followup(
        FollowUp("fu1", "inc2", FollowUpKind.SAVE_DEAL, NOV, NOV, note="FOLLOWUP-NOTE")
    )


def protected(data_dir: Path, today: Days | None = None) -> tuple[Store, bytes]:
    store = Store(data_dir, today=today or Days())
    fill(store)
    data_key = protection.enable(store, PASS)
    return store, data_key


def reopened(data_dir: Path, data_key: bytes | None, today: Days | None = None) -> Store:
    store = Store(data_dir, today=today or Days())
    if data_key is not None:
        store.unlock(data_key)
    return store


# -- turning it on and off -------------------------------------------------------------


def test_turning_it_on_seals_every_file_and_everything_reads_back(data_dir: Path) -> None:
    store, data_key = protected(data_dir)
    assert files_holding(data_dir, MARKERS) == []
    key = json.loads((data_dir / "key.json").read_text())
    assert key["kdf"]["name"] == "argon2id" and key["kdf"]["salt"]
    again = reopened(data_dir, data_key)
    assert again.incident("inc1") == incident(1, OCT)
    assert again.incident("inc2") == incident(2, NOV)
    [fu] = again.followups()
    assert fu.note == "FOLLOWUP-NOTE"
    assert [p.text for p in again.positives()] == ["NOTE-POSITIVE on its own"]
    assert again.notices == []
    store.close()


def test_locked_the_private_part_is_absent_and_the_rest_is_there(data_dir: Path) -> None:
    protected(data_dir)
    locked = reopened(data_dir, None)
    assert locked.locked
    found = locked.incident("inc2")
    assert found is not None
    assert found.label == "" and found.reflection == Reflection() and found.rough is None
    assert found.flagged_at == incident(2, NOV).flagged_at  # times stay in clear
    assert found.sealed is not None
    assert locked.followups()[0].note == "" and locked.followups()[0].due_at == NOV


def test_a_change_while_locked_keeps_the_sealed_part_as_it_was(data_dir: Path) -> None:
    _, data_key = protected(data_dir)
    locked = reopened(data_dir, None)
    found = locked.incident("inc2")
    assert found is not None
    found.dialed_at = NOV + timedelta(minutes=9)
    locked.save_incident(found)
    again = reopened(data_dir, data_key)
    assert again.incident("inc2") == replace(incident(2, NOV), dialed_at=found.dialed_at)


def test_written_while_locked_opens_after_unlock_and_gets_proved(data_dir: Path) -> None:
    _, data_key = protected(data_dir)
    locked = reopened(data_dir, None)
    locked.save_incident(incident(3, NOV))
    raw = (data_dir / JOURNAL_DIR / "2026-11.json").read_text()
    assert "ACME-LABEL" not in raw and '"sealed":"p1:' in raw
    assert '"proof"' not in raw  # no secret while locked, so no proof
    locked.unlock(data_key)
    assert locked.notices == []
    raw = (data_dir / JOURNAL_DIR / "2026-11.json").read_text()
    assert '"sealed":"p1:' not in raw and '"proof"' in raw  # sealed again with the data key
    assert locked.incident("inc3") == incident(3, NOV)


def test_turning_it_off_writes_plain_files_and_removes_the_key(data_dir: Path) -> None:
    store, _data_key = protected(data_dir)
    protection.disable(store, PASS)
    assert not (data_dir / "key.json").exists()
    assert not (data_dir / JOURNAL_DIR / PROOF_FILE).exists()
    assert not store.protected
    plain = {m for _, m in files_holding(data_dir, MARKERS)}
    assert plain == set(MARKERS)
    assert not any("sealed" in p.read_text() for p in journal_paths(data_dir))
    assert reopened(data_dir, None).incident("inc1") == incident(1, OCT)


def test_change_rewraps_one_key_and_leaves_the_journal_untouched(data_dir: Path) -> None:
    store, data_key = protected(data_dir)
    before = {p: p.read_bytes() for p in journal_paths(data_dir)}
    protection.change(store, PASS, "a whole new phrase")
    assert {p: p.read_bytes() for p in journal_paths(data_dir)} == before
    key = keys.read_key_file(data_dir)
    assert key is not None
    assert keys.open_data_key(key, "a whole new phrase") == data_key
    with pytest.raises(keys.WrongPassphrase):
        keys.open_data_key(key, PASS)


def test_a_wrong_passphrase_is_one_sentence_and_changes_nothing(data_dir: Path) -> None:
    store, _ = protected(data_dir)
    before = {p: p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file()}
    for attempt in (
        lambda: protection.disable(store, "not the one"),
        lambda: protection.change(store, "not the one", "another phrase"),
    ):
        with pytest.raises(UserError) as caught:
            attempt()
        assert caught.value.message == (
            "That passphrase does not open this journal. Nothing was changed."
        )
    assert {p: p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file()} == before


def test_too_short_a_passphrase_is_refused_before_anything_is_written(data_dir: Path) -> None:
    store = Store(data_dir)
    fill(store)
    with pytest.raises(UserError, match="at least 8 characters") as caught:
        protection.enable(store, "short")
    assert caught.value.usage
    assert not (data_dir / "key.json").exists()


def test_backups_and_set_aside_files_are_sealed_too(data_dir: Path) -> None:
    days = Days()
    store = Store(data_dir, today=days)
    fill(store)
    days.day += timedelta(days=1)
    store.save_incident(incident(4, NOV))  # a backup of yesterday's November
    month = data_dir / JOURNAL_DIR / "2026-11.json"
    store.close()
    doc = json.loads(month.read_text())
    doc["incidents"]["99"] = {"id": 5, "label": "ACME-LABEL unreadable"}  # misshapen
    month.write_text(json.dumps(doc))
    store = Store(data_dir, today=days)
    store.incidents()  # sets the bad record aside, in a file of its own
    aside = list((data_dir / JOURNAL_DIR).glob("*.set-aside*"))
    assert aside and list((data_dir / "backups").rglob("*.json"))
    protection.enable(store, PASS)
    assert files_holding(data_dir, MARKERS) == []
    assert list((data_dir / JOURNAL_DIR).glob("*.set-aside*.sealed"))


def test_turning_it_on_twice_or_off_when_off_says_so(data_dir: Path) -> None:
    store, _ = protected(data_dir)
    with pytest.raises(UserError, match="already protected"):
        protection.enable(store, PASS)
    protection.disable(store, PASS)
    with pytest.raises(UserError, match="not protected"):
        protection.disable(store, PASS)


# -- tampering ---------------------------------------------------------------------------


def _history(data_dir: Path) -> tuple[Store, bytes, Days]:
    """A protected journal with a backup of November from the day before."""
    days = Days()
    store, data_key = protected(data_dir, days)
    days.day += timedelta(days=1)
    store.save_incident(incident(5, NOV))
    store.close()
    return store, data_key, days


def test_a_flipped_byte_is_found_and_only_its_record_set_aside(data_dir: Path) -> None:
    _, data_key, days = _history(data_dir)
    month = data_dir / JOURNAL_DIR / "2026-11.json"
    text = month.read_text()
    at = text.index('"sealed":"d1:') + 20
    damaged = next(i for i in ("inc2", "inc5") if text.rfind('"id":"' + i, 0, at) >= 0)
    month.write_text(text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :])
    again = reopened(data_dir, data_key, days)
    kept = {i.id for i in again.incidents()}
    assert kept == {"inc1", "inc2", "inc5"} - {damaged}  # the rest of the month stays
    [notice] = again.notices
    assert "2026-11 was not the copy Resilience last saved" in notice
    assert "1 record in it does not open" in notice
    [aside] = (data_dir / JOURNAL_DIR).glob("2026-11.set-aside-*.json")
    assert str(aside) in notice
    assert not list((data_dir / JOURNAL_DIR).glob("2026-11.json.damaged*"))


def test_a_seal_moved_to_another_record_does_not_open(data_dir: Path) -> None:
    _, data_key = protected(data_dir)
    month = data_dir / JOURNAL_DIR / "2026-11.json"
    doc = json.loads(month.read_text())
    rows = doc["incidents"]
    first = next(iter(rows.values()))
    first["id"] = "someone-else"  # the seal was bound to inc2
    month.write_text(json.dumps(doc))
    store = Store(data_dir)
    store.sealer.unlock(data_key)  # no proof check (as if read while locked): the seal holds
    store.proofs.check = lambda name, loaded: None  # type: ignore[method-assign]
    assert store.incident("someone-else") is None
    assert any("not the copy Resilience last saved" in n for n in store.notices)


def test_two_month_files_swapped_are_both_found(data_dir: Path) -> None:
    _, data_key, days = _history(data_dir)
    folder = data_dir / JOURNAL_DIR
    oct_, nov = folder / "2026-10.json", folder / "2026-11.json"
    shutil.move(oct_, folder / "swap")
    shutil.move(nov, oct_)
    shutil.move(folder / "swap", nov)
    again = reopened(data_dir, data_key, days)
    again.incidents()
    said = " ".join(again.notices)
    assert "2026-10 was not the copy" in said and "2026-11 was not the copy" in said


def test_a_file_rolled_back_to_an_older_copy_is_found(data_dir: Path) -> None:
    _, data_key, days = _history(data_dir)
    month = data_dir / JOURNAL_DIR / "2026-11.json"
    older = month.read_bytes()
    store = reopened(data_dir, data_key, days)
    store.save_incident(incident(6, NOV))  # a newer copy, proved and listed
    store.close()
    month.write_bytes(older)  # someone puts the older one back
    again = reopened(data_dir, data_key, days)
    again.incidents()
    assert any("an older copy than the one Resilience last saved" in n for n in again.notices)
    assert list((data_dir / JOURNAL_DIR).glob("2026-11.json.damaged*"))


def test_a_rollback_made_while_locked_is_found_at_unlock(data_dir: Path) -> None:
    _, data_key, days = _history(data_dir)
    month = data_dir / JOURNAL_DIR / "2026-11.json"
    older = month.read_bytes()
    store = reopened(data_dir, data_key, days)
    store.save_incident(incident(6, NOV))
    store.close()
    month.write_bytes(older)
    locked = reopened(data_dir, None, days)
    locked.incidents()  # read while locked: nothing can be checked yet
    assert locked.notices == []
    locked.unlock(data_key)
    assert any("older copy" in n for n in locked.notices)


def test_a_missing_list_is_said_once_and_made_again(data_dir: Path) -> None:
    _, data_key = protected(data_dir)
    (data_dir / JOURNAL_DIR / PROOF_FILE).unlink()
    again = reopened(data_dir, data_key)
    assert again.incident("inc1") == incident(1, OCT)
    assert again.incident("inc2") == incident(2, NOV)
    assert len([n for n in again.notices if "could not check" in n]) == 1
    again.save_incident(incident(7, NOV))
    assert reopened(data_dir, data_key).notices == []


def test_a_month_file_deleted_is_restored_from_its_backup(data_dir: Path) -> None:
    _, data_key, days = _history(data_dir)
    (data_dir / JOURNAL_DIR / "2026-11.json").unlink()
    again = reopened(data_dir, data_key, days)
    assert any("2026-11 was missing" in n for n in again.notices)
    assert again.incident("inc2") == incident(2, NOV)


def test_a_reader_never_moves_a_tampered_file(data_dir: Path) -> None:
    _, data_key, _days = _history(data_dir)
    month = data_dir / JOURNAL_DIR / "2026-11.json"
    text = month.read_text()
    month.write_text(text.replace('"generation":', '"generation":1', 1))
    reader = Store(data_dir, readonly=True)
    reader.unlock(data_key)
    assert {i.id for i in reader.incidents()} == {"inc1", "inc2", "inc5"}
    assert any("not the copy Resilience last saved" in n for n in reader.notices)
    assert month.read_text() != text and not list(month.parent.glob("2026-11.*-*"))


def test_a_reader_refuses_a_whole_older_copy_and_moves_nothing(data_dir: Path) -> None:
    from resilience_app.storage.store import StorageError

    _, data_key, days = _history(data_dir)
    month = data_dir / JOURNAL_DIR / "2026-11.json"
    older = month.read_bytes()
    store = reopened(data_dir, data_key, days)
    store.save_incident(incident(6, NOV))
    store.close()
    month.write_bytes(older)
    reader = Store(data_dir, readonly=True)
    reader.unlock(data_key)
    with pytest.raises(StorageError, match="not the one Resilience last saved"):
        reader.incidents()
    assert month.read_bytes() == older and not list(month.parent.glob("*.damaged*"))


# -- a switch cut short ---------------------------------------------------------------------


def _sealed(data_dir: Path) -> set[bool]:
    """For each month file: are its records sealed?"""
    return {"sealed" in p.read_text() for p in journal_paths(data_dir)}


def test_recover_undoes_a_switch_on_cut_before_the_key_appeared(data_dir: Path) -> None:
    store = Store(data_dir)
    fill(store)
    protection._rewrite(data_dir, "sealing", lambda path, raw: (path.name, raw))
    (data_dir / "key.json.new").write_text("{}")
    said = protection.recover(data_dir)
    assert said and "as it was before: not protected" in said[0]
    assert not (data_dir / "journal.sealing").exists() and not (data_dir / "key.json").exists()
    assert _sealed(data_dir) == {False}


def test_recover_finishes_a_switch_on_cut_after_the_key_appeared(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(data_dir)
    fill(store)

    def cut(*_args: object) -> None:
        raise KeyboardInterrupt  # the kill, right after key.json appeared

    monkeypatch.setattr(protection, "_swap_in", cut)
    with pytest.raises(KeyboardInterrupt):
        protection.enable(store, PASS)
    monkeypatch.undo()
    assert _sealed(data_dir) == {False}  # the live files are still the plain ones
    said = protection.recover(data_dir)
    assert said == ["Your journal is protected by your passphrase (the switch finished now)."]
    assert _sealed(data_dir) == {True}
    assert files_holding(data_dir, MARKERS) == []


def test_recover_finishes_a_switch_off_cut_after_the_key_went(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = protected(data_dir)

    def cut(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(protection, "_swap_in", cut)
    with pytest.raises(KeyboardInterrupt):
        protection.disable(store, PASS)
    monkeypatch.undo()
    said = protection.recover(data_dir)
    assert said == ["The passphrase lock is off (the switch finished now)."]
    assert _sealed(data_dir) == {False} and not (data_dir / "key.json").exists()


def test_recover_undoes_a_switch_off_cut_before_the_key_went(data_dir: Path) -> None:
    _store, data_key = protected(data_dir)
    protection._rewrite(data_dir, "plain-new", lambda path, raw: (path.name, raw))
    said = protection.recover(data_dir)
    assert said == [
        "Turning off the passphrase lock was interrupted, so your journal is still protected."
    ]
    assert not (data_dir / "journal.plain-new").exists()
    assert reopened(data_dir, data_key).incident("inc1") == incident(1, OCT)


# -- a full disk -------------------------------------------------------------------------


class Refusing:
    """The disk refuses what is written under `under` (fsync fails) until `undo()`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, under: Path) -> None:
        import os

        from resilience_app import files
        from tests.files import KNOWS_DESCRIPTORS, descriptor_path

        if not KNOWS_DESCRIPTORS:
            pytest.skip("needs a way to tell which file a descriptor is")
        self.full = True
        real = os.fsync
        folder = os.path.normcase(str(Path(under).resolve()))

        def fsync(fd: int) -> None:
            where = os.path.normcase(str(Path(descriptor_path(fd)).resolve()))
            if self.full and where.startswith(folder):
                raise OSError(28, "No space left on device")
            real(fd)

        monkeypatch.setattr(files.os, "fsync", fsync)

    def undo(self) -> None:
        self.full = False


def test_change_keeps_changes_the_disk_has_not_taken_yet(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, data_key = protected(data_dir)
    disk = Refusing(monkeypatch, data_dir / JOURNAL_DIR)
    store.save_incident(incident(7, NOV))  # kept in memory: the journal's disk is full
    assert store.dirty
    protection.change(store, PASS, "a whole new phrase")  # key.json still fits
    assert store.dirty and store.incident("inc7") == incident(7, NOV)
    disk.undo()
    store.flush()
    assert reopened(data_dir, data_key).incident("inc7") == incident(7, NOV)


def test_change_on_a_full_disk_is_a_sentence_and_keeps_the_old_passphrase(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, data_key = protected(data_dir)
    disk = Refusing(monkeypatch, data_dir)
    with pytest.raises(UserError, match="Your passphrase is unchanged"):
        protection.change(store, PASS, "a whole new phrase")
    disk.undo()
    key = keys.read_key_file(data_dir)
    assert key is not None and keys.open_data_key(key, PASS) == data_key


def _leftovers(data_dir: Path) -> list[str]:
    return sorted(p.name for p in data_dir.iterdir() if p.name not in ("journal", "backups"))


def test_turning_it_off_on_a_full_disk_leaves_no_plain_copy_and_says_so(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = protected(data_dir)
    disk = Refusing(monkeypatch, data_dir)
    with pytest.raises(UserError, match="still protected"):
        protection.disable(store, PASS)
    disk.undo()
    assert files_holding(data_dir, MARKERS) == []
    assert _leftovers(data_dir) == ["key.json"]
    assert store.protected and store.incident("inc1") == incident(1, OCT)


def test_turning_it_on_on_a_full_disk_leaves_it_as_it_was_and_says_so(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(data_dir, today=Days())
    fill(store)
    disk = Refusing(monkeypatch, data_dir)
    with pytest.raises(UserError, match="not protected"):
        protection.enable(store, PASS)
    disk.undo()
    assert _leftovers(data_dir) == [] and not store.protected
    assert store.incident("inc1") == incident(1, OCT)


@pytest.mark.parametrize("turning", ["on", "off"])
def test_a_switch_refused_after_its_moment_is_finished_and_the_store_follows(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, turning: str
) -> None:
    if turning == "on":
        store = Store(data_dir, today=Days())
        fill(store)
    else:
        store, _ = protected(data_dir)
    real = protection._swap_in
    calls: list[str] = []

    def refused_once(data_dir: Path, suffix: str) -> None:
        calls.append(suffix)
        if len(calls) == 1:
            raise OSError(5, "Input/output error")
        real(data_dir, suffix)

    monkeypatch.setattr(protection, "_swap_in", refused_once)
    if turning == "on":
        protection.enable(store, PASS)
    else:
        protection.disable(store, PASS)
    assert store.protected is (turning == "on") and not store.locked
    store.save_incident(incident(8, NOV))  # goes to the folder that stays
    assert protection.recover(data_dir) == []
    again = Store(data_dir)
    if turning == "on":
        assert again.protected and files_holding(data_dir, MARKERS) == []
        again.unlock(store.sealer.data_key or b"")
    assert again.incident("inc8") == incident(8, NOV)


def test_a_damaged_sealed_file_stops_turning_it_off_with_a_sentence(data_dir: Path) -> None:
    store, _ = protected(data_dir)
    (data_dir / JOURNAL_DIR / "2026-11.set-aside-x.json.sealed").write_bytes(b"\xff\xfe junk")
    with pytest.raises(UserError, match="lock was left on"):
        protection.disable(store, PASS)
    assert _leftovers(data_dir) == ["key.json"] and files_holding(data_dir, MARKERS) == []


# -- the key file ----------------------------------------------------------------------------


def test_a_data_folder_removed_while_running_gets_its_key_file_back(data_dir: Path) -> None:
    store, data_key = protected(data_dir)
    shutil.rmtree(data_dir)
    store.save_incident(incident(9, NOV))  # the folder is made again with what is open
    assert (data_dir / "key.json").exists()
    assert files_holding(data_dir, MARKERS) == []
    again = reopened(data_dir, data_key)
    assert again.protected and again.incident("inc9") == incident(9, NOV)


def test_a_protected_journal_without_its_key_file_is_not_taken_for_a_plain_one(
    data_dir: Path,
) -> None:
    from resilience_app.storage.store import StorageError

    protected(data_dir)
    (data_dir / "key.json").unlink()
    before = {p: p.read_bytes() for p in journal_paths(data_dir)}
    for readonly in (False, True):
        with pytest.raises(StorageError, match="key file"):
            Store(data_dir, readonly=readonly)
    assert {p: p.read_bytes() for p in journal_paths(data_dir)} == before


def test_an_old_format_journal_found_in_a_protected_folder_is_sealed_backup_included(
    data_dir: Path,
) -> None:
    from resilience_app.storage.codec import incident_to_dict

    _store, data_key = protected(data_dir)
    legacy = {"meta": {"1": {"schema": 1}}, "incidents": {"1": incident_to_dict(incident(5, OCT))}}
    (data_dir / "journal.json").write_text(json.dumps(legacy))
    store = Store(data_dir, today=Days())  # locked: the migration seals to the public key
    assert not (data_dir / "journal.json").exists()
    assert files_holding(data_dir, MARKERS) == []
    store.unlock(data_key)
    assert store.incident("inc5") == incident(5, OCT)
    protection.disable(store, PASS)  # the backup comes back in plain text with the rest
    [backup] = (data_dir / "backups" / "before-upgrade").iterdir()
    assert json.loads(backup.read_bytes()) == legacy


def test_files_kept_aside_while_protected_are_readable_once_it_is_turned_off(
    data_dir: Path,
) -> None:
    _, data_key, days = _history(data_dir)
    month = data_dir / JOURNAL_DIR / "2026-11.json"
    older = month.read_bytes()
    store = reopened(data_dir, data_key, days)
    store.save_incident(incident(6, NOV))
    store.close()
    month.write_bytes(older)  # a whole older copy put back: set aside, the backup restored
    store = reopened(data_dir, data_key, days)
    store.incidents()
    [damaged] = (data_dir / JOURNAL_DIR).glob("2026-11.json.damaged*")
    assert files_holding(data_dir, ["ACME-LABEL 5"]) == []  # sealed while protected
    protection.disable(store, PASS)
    # Kept "so nothing is lost": with the key gone, they must be readable now.
    assert (damaged, "ACME-LABEL") in files_holding(damaged.parent, ["ACME-LABEL"])
    assert "sealed" not in json.loads(damaged.read_text())["incidents"]["2"]
    # And records set aside while protected (a note that opened but did not decode).
    from resilience_app.storage.codec import incident_to_dict

    store, _ = protected(data_dir / "other")
    bad = store.sealer.seal_doc("2026-11", "incidents", incident_to_dict(incident(6, NOV)), None)
    aside = data_dir / "other" / JOURNAL_DIR / "2026-11.set-aside-x.json"
    document = {
        "set_aside_from": "2026-11.json",
        "records": [{"table": "incidents", "record": bad}],
    }
    aside.write_text(json.dumps(document))
    assert files_holding(aside.parent, ["ACME-LABEL 6"]) == []
    protection.disable(store, PASS)
    assert json.loads(aside.read_text())["records"][0]["record"]["label"] == "ACME-LABEL 6"


# -- recent calls, decoded once ---------------------------------------------------------


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the calls the store decodes from now on (the real decoder, counted)."""
    from resilience_app.storage import legacy, months, summary_upkeep

    found: list[str] = []
    real = months.incident_from_dict

    def counting(doc: dict[str, object]) -> Incident:
        found.append(str(doc.get("id")))
        return real(doc)

    # Every part of the store that decodes calls (the month files, the tallies' upkeep).
    for module in (months, summary_upkeep, legacy):
        monkeypatch.setattr(module, "incident_from_dict", counting)
    return found


def test_recent_calls_decode_once_and_follow_saves_and_the_lock(
    data_dir: Path, decoded: list[str]
) -> None:
    store, data_key = protected(data_dir)
    since = OCT - timedelta(days=1)
    first = store.incidents_since(since)
    assert [i.label for i in first] == ["ACME-LABEL 1", "ACME-LABEL 2"]
    decoded.clear()
    assert store.incidents_since(since) == first and decoded == []  # kept, not decoded again

    changed = incident(2, NOV)
    changed.label = "NEW LABEL"
    store.save_incident(changed)
    assert [i.label for i in store.incidents_since(since)] == ["ACME-LABEL 1", "NEW LABEL"]
    assert decoded == ["inc2"]  # only the record that changed

    store.lock()
    locked = store.incidents_since(since)
    assert [i.label for i in locked] == ["", ""]  # nothing decoded with the key is handed out
    store.unlock(data_key)
    assert [i.label for i in store.incidents_since(since)] == ["ACME-LABEL 1", "NEW LABEL"]


def test_after_a_save_only_the_record_it_replaced_is_decoded_again(
    data_dir: Path, decoded: list[str]
) -> None:
    store, _key = protected(data_dir)
    for n in range(3, 8):
        store.save_incident(incident(n, NOV))
    since = NOV - timedelta(days=1)
    assert len(store.incidents_since(since)) == 6
    decoded.clear()
    changed = incident(5, NOV)
    changed.label = "CHANGED"
    store.save_incident(changed)
    store.save_incident(incident(9, NOV))
    calls = store.incidents_since(since)
    assert sorted(decoded) == ["inc5", "inc9"]
    assert [c.id for c in calls] == ["inc2", "inc3", "inc4", "inc5", "inc6", "inc7", "inc9"]
    assert next(c for c in calls if c.id == "inc5").label == "CHANGED"
    store.delete_incident("inc3")
    assert "inc3" not in [c.id for c in store.incidents_since(since)]


PREPARED = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from resilience_app.core.models import Incident
from resilience_app.storage.store import Store
store = Store(Path(sys.argv[1]))
assert store.locked
store.sealer.prepare()
loaded = set(sys.modules)
store.save_incident(Incident("late", datetime(2026, 11, 21, tzinfo=UTC), label="LATE-LABEL"))
print(sorted(set(sys.modules) - loaded))
"""


def test_sealing_prepared_ahead_the_first_locked_write_loads_nothing(data_dir: Path) -> None:
    import subprocess
    import sys

    store, _key = protected(data_dir)
    store.close()
    done = subprocess.run(
        [sys.executable, "-c", PREPARED, str(data_dir)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
