"""With a passphrase, no word of what a customer said or of the rep's answers is on disk in
plain text, whichever way it was written: a note's draft and the saved note, the playbook
kept while the journal was locked, an answer and its earlier wording, tags, practice, a
product gap, and the reminder that quotes them (the data folder walked whole, the log, the
rescue and backup copies and temp files included)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.models import LossReason, MyPart, Reflection
from tests.files import files_holding
from tests.unit.service.test_lock import PASS, build

pytestmark = pytest.mark.usefixtures("fast_kdf")
MARKERS = [
    "DEARER-THAN-X",  # their words, from the note
    "WHILE-LOCKED-WORDS",  # their words, kept while locked
    "FIRST-ANSWER",  # an answer, later reworded
    "SECOND-ANSWER",
    "NO-SSO-SUPPORT",  # what was missing
    "my-secret-tag",
]


def test_no_word_of_the_playbook_is_on_disk_in_plain_text(
    data_dir: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    service, channel = build(data_dir, clock)
    service.start()
    service.set_passphrase(PASS)
    incident = service.flag("Contoso", 7).incident
    clock.advance(minutes=3)
    service.tick()
    draft = Reflection(
        "They wanted single sign-on",
        MyPart.COULDNT_ANSWER,
        LossReason.PRODUCT_GAP,
        said="Why are you DEARER-THAN-X?",
        missing="NO-SSO-SUPPORT",
    )
    service.save_draft(incident.id, draft)
    draft.positives = ["I stayed calm"]
    service.save_note(incident.id, draft)
    service.dialed()
    [entry] = service.playbook.entries()
    service.playbook.answer(entry.id, "FIRST-ANSWER")
    service.playbook.answer(entry.id, "SECOND-ANSWER")
    service.playbook.tag(entry.id, ["price", "my-secret-tag"])
    service.playbook.practise(entry.id, had_it=True)
    service.lock()
    kept = service.playbook.add("WHILE-LOCKED-WORDS about the contract")
    clock.advance(minutes=60 * 24)
    service.tick()  # its reminder: while locked it does not quote them
    assert any(title == "Your playbook" for title, _ in channel.sent)
    assert not any("WHILE-LOCKED" in message for _, message in channel.sent)
    service.close()

    found = files_holding(data_dir, [*MARKERS, MARKERS[-1].upper()])
    assert found == []
    assert not any(m in caplog.text for m in MARKERS), "a word of it went to the log"

    again, _ = build(data_dir, clock)
    again.start()
    again.unlock(PASS)
    entries = {e.said: e for e in again.playbook.entries()}
    assert entries["Why are you DEARER-THAN-X?"].answer == "SECOND-ANSWER"
    assert [w.text for w in entries["Why are you DEARER-THAN-X?"].earlier] == ["FIRST-ANSWER"]
    assert "my-secret-tag" in entries["Why are you DEARER-THAN-X?"].tags
    assert entries["WHILE-LOCKED-WORDS about the contract"].id == kept.id
    assert again.incident(incident.id).reflection.missing == "NO-SSO-SUPPORT"
    again.close()
