"""The passphrase lock through the application service: the loop runs locked, everything the
rep wrote waits for the passphrase, the keyring remembers only when asked."""

from __future__ import annotations

import os
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError

from resilience_app.adapters.notify import NotifierChain
from resilience_app.adapters.vault import KeyringVault
from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.journal import IncidentFilter
from resilience_app.core.models import NudgeState, Phase, Reflection
from resilience_app.core.settings import Settings
from resilience_app.service import Service
from resilience_app.storage.keys import WrongPassphrase
from resilience_app.storage.sealing import Locked
from resilience_app.storage.settings_file import load_settings, save_settings
from resilience_app.storage.store import Store
from tests.files import files_holding

pytestmark = pytest.mark.usefixtures("fast_kdf")
PASS = "correct horse battery"


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps its entries in memory (the Secret Service cannot run here
    without a desktop session; the end-to-end test uses the real one)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not there")


class Channel:
    name = "desktop"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def available(self) -> bool:
        return True

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
        self.sent.append((title, message))


def build(data_dir: Path, clock: FakeClock, vault: Any = None) -> tuple[Service, Channel]:
    channel = Channel()
    notifier = NotifierChain()
    notifier.add(channel)
    service = Service(
        Store(data_dir),
        Settings(load_settings(data_dir)),
        clock,
        notifier=notifier,
        save_settings=lambda values: save_settings(data_dir, values),
        vault=vault,
        rng=random.Random(3),
    )
    return service, channel


def written(service: Service, clock: FakeClock) -> str:
    """A call with a note and a positive written, returns the call's id."""
    incident = service.flag("ACME-LABEL", 8).incident
    clock.advance(minutes=3)
    service.tick()
    service.save_note(
        incident.id, Reflection("WHAT-HAPPENED", lesson="LESSON", positives=["POSITIVE-ONE"])
    )
    service.dialed()
    return incident.id


@pytest.fixture
def locked(data_dir: Path, clock: FakeClock) -> tuple[Service, str]:
    """A protected journal with one written call, opened fresh (so locked)."""
    service, _ = build(data_dir, clock)
    incident_id = written(service, clock)
    service.set_passphrase(PASS)
    service.close()
    again, _ = build(data_dir, clock)
    again.start()
    return again, incident_id


def test_set_passphrase_seals_what_was_written(data_dir: Path, clock: FakeClock) -> None:
    service, _ = build(data_dir, clock)
    written(service, clock)
    service.set_passphrase(PASS)
    assert service.protected and not service.locked
    assert files_holding(data_dir, ["ACME-LABEL", "WHAT-HAPPENED", "POSITIVE-ONE"]) == []
    assert service.status()["locked"] is False and service.status()["protected"] is True


def test_locked_the_loop_still_runs(locked: tuple[Service, str], clock: FakeClock) -> None:
    service, _ = locked
    assert service.locked and service.status()["locked"] is True
    outcome = service.flag("new label")
    assert service.phase is Phase.BREAK
    assert service.break_view(outcome.incident).positive is None  # nothing the rep wrote
    clock.advance(minutes=3)
    service.tick()
    assert service.phase is Phase.WAITING
    clock.advance(minutes=7)
    service.tick()
    fired = service.store.nudges(state=NudgeState.FIRED)
    assert fired, "the 10-minute nudge fired while locked"
    service.dialed()
    assert service.phase is Phase.CALM


@pytest.mark.parametrize(
    "use",
    [
        lambda s, i: s.journal_positives(),
        lambda s, i: s.journal_calls(IncidentFilter()),
        lambda s, i: s.export("json"),
        lambda s, i: s.insights(),
        lambda s, i: s.save_note(i, Reflection("x", positives=["y"])),
        lambda s, i: s.save_draft(i, Reflection("x")),
        lambda s, i: s.delete_call(i),
    ],
)
def test_what_the_rep_wrote_waits_for_the_passphrase(locked: tuple[Service, str], use: Any) -> None:
    service, incident_id = locked
    with pytest.raises(Locked, match="Your journal is locked"):
        use(service, incident_id)


def test_unlock_with_the_passphrase_shows_everything(locked: tuple[Service, str]) -> None:
    service, incident_id = locked
    seen: list[bool] = []
    service.lock_changed.connect(seen.append)
    with pytest.raises(WrongPassphrase):
        service.unlock("not the passphrase")
    assert service.locked and seen == []
    service.unlock(PASS)
    assert not service.locked and seen == [False]
    assert service.incident(incident_id).label == "ACME-LABEL"
    assert [p.text for p in service.journal_positives()] == ["POSITIVE-ONE"]
    service.lock()
    assert service.locked and seen == [False, True]


def test_a_flag_while_locked_keeps_its_label_sealed_and_readable_later(
    locked: tuple[Service, str], data_dir: Path
) -> None:
    service, _ = locked
    new = service.flag("SECRET-WHILE-LOCKED").incident
    assert files_holding(data_dir, ["SECRET-WHILE-LOCKED"]) == []
    service.unlock(PASS)
    assert service.incident(new.id).label == "SECRET-WHILE-LOCKED"


def test_idle_lock_after_the_minutes_chosen(locked: tuple[Service, str], clock: FakeClock) -> None:
    service, _ = locked
    service.unlock(PASS)
    service.set_setting("lock.idle_minutes", 5)
    clock.advance(minutes=3)
    service.journal_positives()  # using it keeps it open
    due = service.next_wakeup()
    assert due is not None and due == clock.now() + timedelta(minutes=5)
    clock.advance(minutes=4, seconds=59)
    service.tick()
    assert not service.locked
    clock.advance(seconds=1)
    service.tick()
    assert service.locked


def test_before_lock_is_announced_so_a_half_typed_note_is_kept(
    locked: tuple[Service, str], clock: FakeClock
) -> None:
    service, _ = locked
    service.unlock(PASS)
    incident_id = service.flag().incident.id  # its note still to write
    clock.advance(minutes=3)
    service.tick()
    kept: list[str] = []
    service.before_lock.connect(
        lambda: (service.save_draft(incident_id, Reflection("HALF-TYPED")), kept.append("yes"))
    )
    service.lock()
    service.unlock(PASS)
    assert kept == ["yes"]
    assert service.incident(incident_id).reflection.what_happened == "HALF-TYPED"


def test_change_and_remove(locked: tuple[Service, str], data_dir: Path) -> None:
    service, _incident_id = locked
    with pytest.raises(WrongPassphrase):
        service.change_passphrase("wrong one!", "new passphrase")
    seen: list[bool] = []
    service.lock_changed.connect(seen.append)
    service.change_passphrase(PASS, "new passphrase")
    assert service.locked and seen == []  # changing the passphrase is not unlocking
    with pytest.raises(Locked):
        service.journal_positives()
    with pytest.raises(WrongPassphrase):
        service.unlock(PASS)
    service.unlock("new passphrase")
    service.change_passphrase("new passphrase", "third passphrase")
    assert not service.locked  # and unlocked, it stays unlocked
    service.lock()
    service.unlock("third passphrase")
    service.change_passphrase("third passphrase", "new passphrase")
    service.remove_passphrase("new passphrase")
    assert not service.protected and not service.locked
    assert files_holding(data_dir, ["ACME-LABEL"])
    with pytest.raises(UserError, match="has no passphrase"):
        service.lock()


def test_remember_keeps_the_key_in_the_keyring_and_opens_at_start(
    data_dir: Path, clock: FakeClock
) -> None:
    keyring = MemoryKeyring()
    service, _ = build(data_dir, clock, KeyringVault(keyring))
    written(service, clock)
    service.set_passphrase(PASS, remember=True)
    assert len(keyring.entries) == 1
    [secret] = keyring.entries.values()
    assert PASS not in secret  # the data key, never the passphrase
    service.close()
    again, _ = build(data_dir, clock, KeyringVault(keyring))
    again.start()
    assert not again.locked  # opened by itself
    again.set_setting("lock.remember", False)
    assert keyring.entries == {}
    again.close()
    third, _ = build(data_dir, clock, KeyringVault(keyring))
    third.start()
    assert third.locked


def test_without_a_keyring_it_says_so_and_unlocking_still_works(
    data_dir: Path, clock: FakeClock
) -> None:
    service, channel = build(data_dir, clock, KeyringVault(fail.Keyring()))
    assert service.keyring_problem == "no keyring is available on this desktop"
    refusal = (
        "Your journal's key cannot be kept on this computer: no keyring is available on this "
        "desktop. Nothing was changed."
    )
    written(service, clock)
    with pytest.raises(UserError) as refused:
        service.set_passphrase(PASS, remember=True)
    assert refused.value.message == refusal
    assert not service.protected and not (data_dir / "key.json").exists()
    service.set_passphrase(PASS)
    service.lock()
    with pytest.raises(UserError) as refused:
        service.unlock(PASS, remember=True)
    assert refused.value.message == refusal and service.locked
    with pytest.raises(UserError) as refused:
        service.set_setting("lock.remember", True)
    assert refused.value.message == refusal
    assert service.setting("lock.remember") is False
    assert load_settings(data_dir).get("lock.remember") in (None, False)
    service.unlock(PASS)
    assert not service.locked
    assert channel.sent == [] or all("kept" not in message for _, message in channel.sent)


def test_a_key_in_the_keyring_that_does_not_fit_is_ignored(
    data_dir: Path, clock: FakeClock
) -> None:
    keyring = MemoryKeyring()
    service, _ = build(data_dir, clock, KeyringVault(keyring))
    written(service, clock)
    service.set_passphrase(PASS, remember=True)
    service.close()
    for key in keyring.entries:
        keyring.entries[key] = "AAAA" * 11  # someone else's key
    again, _ = build(data_dir, clock, KeyringVault(keyring))
    again.start()
    assert again.locked


def test_import_into_a_locked_journal_seals_on_the_way_in(
    locked: tuple[Service, str], tmp_path: Path, data_dir: Path, clock: FakeClock
) -> None:
    other_dir = tmp_path / "other"
    other, _ = build(other_dir, clock)
    other.flag("IMPORTED-LABEL")
    export = tmp_path / "export.json"
    other.export("json", path=export)
    service, _ = locked
    result = service.import_file(export)
    assert result.added == 1
    assert files_holding(data_dir, ["IMPORTED-LABEL"]) == []
    service.unlock(PASS)
    assert [i.label for i in service.journal_calls(IncidentFilter())].count("IMPORTED-LABEL") == 1


def test_export_of_a_protected_journal_says_the_file_is_not_protected(
    locked: tuple[Service, str], tmp_path: Path
) -> None:
    service, _ = locked
    service.unlock(PASS)
    target = tmp_path / "out.json"
    result = service.export("json", path=target)
    assert result.unprotected is not None and "not protected by your passphrase" in (
        result.unprotected
    )
    if os.name == "posix":  # Windows keeps it private with the profile's access list
        assert target.stat().st_mode & 0o777 == 0o600
    assert "ACME-LABEL" in target.read_text()


def test_a_label_given_to_a_running_break_while_locked_is_kept(
    data_dir: Path, clock: FakeClock
) -> None:
    service, _ = build(data_dir, clock)
    service.set_passphrase(PASS)
    first = service.flag().incident  # a break with no label yet
    service.flag("ALREADY-THERE")  # the same break, labelled while open
    second_break = service.flag(rough=None).incident
    assert second_break.id == first.id
    service.close()
    again, _ = build(data_dir, clock)
    again.start()  # locked, on the same break
    assert again.locked and again.flag("LATE-LABEL", 6).already_on_break
    assert again.flag("", 2).already_on_break  # nothing new: nothing changes
    assert files_holding(data_dir, ["LATE-LABEL"]) == []
    again.unlock(PASS)
    kept = again.incident(first.id)
    # Filled in only where the call had nothing (as an unlocked flag would).
    assert (kept.label, kept.rough) == ("ALREADY-THERE", 6)


def test_a_label_given_to_an_unlabelled_break_while_locked_is_readable_after_unlock(
    data_dir: Path, clock: FakeClock
) -> None:
    service, _ = build(data_dir, clock)
    service.set_passphrase(PASS)
    first = service.flag().incident
    service.close()
    again, _ = build(data_dir, clock)
    again.start()
    again.flag("LATE-LABEL", 6)
    again.flag("EVEN-LATER")  # locked still: the first label given stays
    again.close()
    third, _ = build(data_dir, clock)
    third.start()
    third.unlock(PASS)
    kept = third.incident(first.id)
    assert (kept.label, kept.rough) == ("LATE-LABEL", 6)
    third.lock()
    third.unlock(PASS)  # sealed again with the data key at unlock: still the same
    assert third.incident(first.id).label == "LATE-LABEL"


def test_remembered_replies_go_with_the_key(locked: tuple[Service, str]) -> None:
    from resilience_app.commands import CommandTable

    service, _ = locked
    service.unlock(PASS)
    service.flag("SECRET-LABEL")
    table = CommandTable(service)
    first = table.handle("status", {}, request_id="r1")
    assert "SECRET-LABEL" in str(first)
    service.lock()
    again = table.handle("status", {}, request_id="r1")
    assert "SECRET-LABEL" not in str(again) and again["status"]["locked"] is True


def test_notifications_nobody_can_see_leave_no_text_in_the_log(
    locked: tuple[Service, str], caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    service, _ = locked
    service.notifier.channels.clear()
    with caplog.at_level(logging.DEBUG):
        service.notifier.send("Follow-up: SECRET-LABEL", "Call SECRET-LABEL back", urgent=False)
    assert "SECRET-LABEL" not in caplog.text


def test_a_passphrase_too_long_is_refused_in_the_service_too(
    locked: tuple[Service, str],
) -> None:
    service, _ = locked
    sentence = "A passphrase can have at most 1024 characters. Nothing was changed."
    for attempt in (
        lambda: service.unlock("x" * 1025),
        lambda: service.change_passphrase(PASS, "x" * 5000),
        lambda: service.change_passphrase("x" * 5000, PASS),
        lambda: service.remove_passphrase("x" * 1025),
    ):
        with pytest.raises(UserError) as refused:
            attempt()
        assert not isinstance(refused.value, WrongPassphrase)
        assert refused.value.message == sentence and refused.value.usage
    assert service.locked and service.protected


def test_a_damaged_key_file_is_named_with_what_to_do_not_taken_for_a_wrong_passphrase(
    locked: tuple[Service, str], data_dir: Path, clock: FakeClock
) -> None:
    import base64
    import json

    service, _ = locked
    service.close()
    path = data_dir / "key.json"
    data = json.loads(path.read_text())
    raw = bytearray(base64.b64decode(data["wrapped_private_key"]))
    raw[5] ^= 0x40  # one byte of the wrapped private key
    data["wrapped_private_key"] = base64.b64encode(bytes(raw)).decode()
    path.write_text(json.dumps(data))
    again, _ = build(data_dir, clock)
    again.start()
    with pytest.raises(UserError) as caught:
        again.unlock(PASS)
    assert "does not open" not in caught.value.message
    assert caught.value.message.startswith(f"Your journal's key file ({path}) is damaged")
    assert "Put key.json back from a backup copy" in caught.value.message
    assert again.locked
