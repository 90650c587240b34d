"""The playbook from the tray, offscreen: "Ready for the next call?…" only while waiting
to dial after a break (it opens the card), "Add to my playbook…" and its dialog (kept,
locked or not; an empty line refused with a sentence, nothing typed lost), and the
reminder opening the entry in the journal's Playbook tab."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import FakeClock
from resilience_app.service import Service
from resilience_app.ui.presenter import Presenter
from resilience_app.ui.tray import Tray

# A tray icon offscreen: Qt finds no tray to follow (a real desktop has one).
pytestmark = pytest.mark.qt_log_ignore("systemTrayWindowChanged")


@pytest.fixture
def with_tray(qtbot: QtBot, service: Service, notifier: NotifierChain) -> Iterator[Presenter]:
    own = Presenter(service, notifier, tray_available=lambda: True)
    own.start()
    service.start()
    yield own
    own.shutdown()


def tray_of(presenter: Presenter) -> Tray:
    assert presenter.tray.icon is not None
    return presenter.tray.icon


def test_ready_for_the_next_call_only_while_waiting_to_dial(
    with_tray: Presenter, service: Service, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 25, 10, tzinfo=UTC))
    tray = tray_of(with_tray)
    assert not tray.ready_action.isVisible() and tray.playbook_add_action.isVisible()
    service.playbook.add("Why are you dearer than X?", answer="It lasts.")
    service.flag()
    assert not tray.ready_action.isVisible()  # the breathing: nothing else
    service.end_break()
    assert tray.ready_action.isVisible()
    assert tray.ready_action.text() == "Ready for the next call?…"
    tray.ready_action.trigger()
    card = with_tray.breaks.nudge_window
    assert card.isVisible() and card.playbook.isVisible()
    assert card.dialing_button.isVisible()
    card.dialing_button.click()
    assert not tray.ready_action.isVisible() and not card.isVisible()


def test_ready_without_a_playbook_is_just_the_nudge_card(
    with_tray: Presenter, service: Service
) -> None:
    service.flag()
    service.end_break()
    tray_of(with_tray).ready_action.trigger()
    card = with_tray.breaks.nudge_window
    assert card.isVisible() and not card.playbook.isVisible()
    assert card.title.text() == "Ready for the next call?"


def test_add_to_my_playbook_keeps_it_and_refuses_an_empty_line(
    with_tray: Presenter, service: Service, qtbot: QtBot
) -> None:
    tray_of(with_tray).playbook_add_action.trigger()
    dialog = with_tray.playbook.add_dialog
    assert dialog.isVisible()
    dialog.answer.setPlainText("It lasts twice as long.")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "what they said" in dialog.error.text()
    assert dialog.answer.toPlainText() == "It lasts twice as long."  # nothing lost
    assert service.playbook.entries() == []
    dialog.said.setText("Why are you dearer than X?")
    dialog.tag.setCurrentText("Price")
    dialog.save_button.click()
    assert not dialog.isVisible()
    [kept] = service.playbook.entries()
    assert kept.said == "Why are you dearer than X?" and kept.tags == ["price"]
    assert kept.answer == "It lasts twice as long."
    assert dialog.said.text() == ""  # ready for the next one


@pytest.mark.usefixtures("fast_kdf")
def test_add_to_my_playbook_while_locked(with_tray: Presenter, service: Service) -> None:
    service.set_passphrase("correct horse battery")
    service.lock()
    with_tray.playbook.open_add()
    dialog = with_tray.playbook.add_dialog
    dialog.said.setText("Who else uses it?")
    dialog.save_button.click()
    assert not dialog.isVisible()
    service.unlock("correct horse battery")
    assert [e.said for e in service.playbook.entries()] == ["Who else uses it?"]


def test_the_reminder_opens_the_entry_with_its_answer_box_focused(
    with_tray: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    clock.set(datetime(2026, 11, 25, 10, tzinfo=UTC))
    service.playbook.add("Send me an email.")
    entry = service.playbook.add("Why are you dearer than X?")
    service.playbook.reminder_sent.emit(entry)
    window = with_tray.journal.journal_window
    assert window.isVisible() and window.tabs.currentWidget() is window.playbook
    assert window.playbook.selected() == entry.id
    assert window.playbook.answer_box.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.playbook.answer_edit)


def test_the_reminder_clears_a_search_that_hides_the_entry(
    with_tray: Presenter, service: Service, clock: FakeClock
) -> None:
    entry = service.playbook.add("Why are you dearer than X?")
    with_tray.journal.open("playbook")
    window = with_tray.journal.journal_window
    window.playbook.search.setText("nothing like it")
    service.playbook.reminder_sent.emit(entry)
    assert window.playbook.search.text() == "" and window.playbook.selected() == entry.id


def test_no_journal_from_the_reminder_during_a_break(
    with_tray: Presenter, service: Service
) -> None:
    entry = service.playbook.add("Why are you dearer than X?")
    service.flag()
    service.playbook.reminder_sent.emit(entry)
    assert not with_tray.journal.visible("journal_window")


@pytest.mark.usefixtures("fast_kdf")
def test_no_journal_from_the_reminder_while_locked(with_tray: Presenter, service: Service) -> None:
    entry = service.playbook.add("Why are you dearer than X?")
    service.set_passphrase("correct horse battery")
    service.lock()
    service.playbook.reminder_sent.emit(entry)
    assert not with_tray.journal.visible("journal_window")
    assert not with_tray.lock.dialogs  # and no passphrase asked for out of the blue


def test_a_new_language_keeps_what_was_typed_in_the_dialog(
    with_tray: Presenter, service: Service, qtbot: QtBot
) -> None:
    with_tray.playbook.open_add()
    first = with_tray.playbook.add_dialog
    first.said.setText("Why are you dearer than X?")
    first.answer.setPlainText("It lasts.")
    try:
        service.set_setting("ui.language", "de")
        qtbot.waitUntil(lambda: with_tray.playbook.built("add_dialog") not in (None, first))
        again = with_tray.playbook.add_dialog
        qtbot.waitUntil(again.isVisible)
        assert again.said.text() == "Why are you dearer than X?"
        assert again.answer.toPlainText() == "It lasts."
    finally:
        service.set_setting("ui.language", "en")
        qtbot.wait(10)


def test_the_add_dialog_leaves_the_screen_with_the_key_and_keeps_what_was_typed(
    with_tray: Presenter, service: Service
) -> None:
    """Found in review: locking left the dialog up with their words and the answer."""
    service.set_passphrase("correct horse battery")
    with_tray.playbook.open_add()
    dialog = with_tray.playbook.add_dialog
    dialog.said.setText("Why are you dearer than X?")
    dialog.answer.setPlainText("It lasts twice as long.")
    service.lock()
    assert not dialog.isVisible()
    assert dialog.said.text() == "" and dialog.answer.toPlainText() == ""
    with_tray.playbook.open_add()  # opened again while locked: nothing of it shows
    assert dialog.said.text() == ""
    dialog.hide()
    service.unlock("correct horse battery")
    assert dialog.isVisible() and dialog.said.text() == "Why are you dearer than X?"
    assert dialog.answer.toPlainText() == "It lasts twice as long."
    assert service.playbook.entries() == []  # nothing saved that the rep did not save


def test_a_standard_tag_is_shown_in_german_and_kept_as_its_key(
    with_tray: Presenter, service: Service
) -> None:
    from resilience_app import i18n

    i18n.set_language("de")
    try:
        with_tray.playbook.forget()  # built again in German
        with_tray.playbook.open_add()
        dialog = with_tray.playbook.add_dialog
        assert "Preis" in [dialog.tag.itemText(i) for i in range(dialog.tag.count())]
        dialog.said.setText("Warum seid ihr teurer?")
        dialog.tag.setCurrentText("Preis")
        dialog.save_button.click()
        dialog.said.setText("Wer nutzt das noch?")
        dialog.tag.setCurrentText("Referenzen")  # the rep's own, as typed
        dialog.save_button.click()
    finally:
        i18n.set_language("en")
    tags = {e.said: e.tags for e in service.playbook.entries()}
    assert tags["Warum seid ihr teurer?"] == ["price"]
    assert tags["Wer nutzt das noch?"] == ["referenzen"]


def test_a_new_language_keeps_the_chosen_entry_and_the_answer_being_typed(
    with_tray: Presenter, qtbot: QtBot
) -> None:
    """Found in review: the answer typed but not saved went with the old window."""
    service = with_tray.service
    service.playbook.add("Why are you dearer?", answer="It lasts longer.")
    entry = service.playbook.add("Send me an email.")
    with_tray.journal.open("playbook")
    first = with_tray.journal.journal_window  # dropped by the presenter on the switch
    assert first.playbook.select(entry.id)
    first.playbook.answer_edit.setPlainText("Happy to; what should it say?")
    try:
        service.set_setting("ui.language", "de")
        qtbot.waitUntil(lambda: with_tray.journal.built("journal_window") not in (None, first))
        again = with_tray.journal.journal_window
        qtbot.waitUntil(again.isVisible)
        assert again.tabs.currentWidget() is again.playbook
        assert again.playbook.selected() == entry.id
        assert again.playbook.answer_edit.toPlainText() == "Happy to; what should it say?"
        assert service.playbook.entry(entry.id).answer == ""  # typed, not saved
    finally:
        service.set_setting("ui.language", "en")
        qtbot.wait(10)
