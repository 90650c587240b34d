"""The passphrase lock on screen: the break needs nothing, the note and journal ask once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.core.clock import FakeClock
from resilience_app.core.models import Phase, Reflection
from resilience_app.service import Service
from resilience_app.ui.passphrase_dialog import PassphraseDialog
from resilience_app.ui.presenter import Presenter

pytestmark = pytest.mark.usefixtures("fast_kdf")
PASS = "correct horse battery"


@pytest.fixture
def locked(service: Service, clock: FakeClock) -> Service:
    incident = service.flag("ACME").incident
    clock.advance(minutes=3)
    service.tick()
    service.save_note(incident.id, Reflection("it went badly", positives=["PAST-POSITIVE"]))
    service.dialed()
    service.set_passphrase(PASS)
    service.lock()
    return service


@pytest.fixture
def screen(presenter: Presenter, locked: Service) -> Iterator[Presenter]:
    yield presenter


def dialog(p: Presenter, mode: str = "unlock") -> PassphraseDialog:
    return p.lock.dialogs[mode]


def type_and_submit(qtbot: QtBot, d: PassphraseDialog, **fields: str) -> None:
    for name, text in fields.items():
        edit = getattr(d, name)
        edit.clear()
        qtbot.keyClicks(edit, text)
    d.ok_button.click()


def test_the_journal_asks_once_then_opens(screen: Presenter, qtbot: QtBot) -> None:
    assert screen.tray.home is not None
    assert (
        screen.tray.home.unlock_button.isVisible() and not screen.tray.home.lock_button.isVisible()
    )
    screen.tray.home.journal_button.click()
    d = dialog(screen)
    qtbot.addWidget(d)
    assert d.isVisible() and screen.journal.built("journal_window") is None
    assert d.reason.text() == "Type your passphrase to read it."
    type_and_submit(qtbot, d, current="not it at all")
    assert d.isVisible() and d.error.isVisible()
    assert d.error.text() == "That passphrase does not open this journal. Nothing was changed."
    assert screen.service.locked
    type_and_submit(qtbot, d, current=PASS)
    assert not d.isVisible() and d.current.text() == ""  # nothing typed stays behind
    assert screen.journal.journal_window.isVisible()
    window = screen.journal.journal_window
    qtbot.waitUntil(lambda: not window.searching)  # the lists fill from a search thread
    assert any("PAST-POSITIVE" in text for text in window.positive_texts())
    assert screen.tray.home.lock_button.isVisible()
    screen.tray.home.insights_button.click()  # unlocked now: no second question
    assert screen.insights.insights_window.isVisible()
    qtbot.addWidget(screen.insights.insights_window)


def test_a_locked_break_shows_no_past_positive_and_the_note_waits(
    screen: Presenter, clock: FakeClock, qtbot: QtBot
) -> None:
    service = screen.service
    assert screen.tray.home is not None
    screen.tray.home.flag_button.click()
    assert service.phase is Phase.BREAK and screen.breaks.break_window.isVisible()
    assert "PAST-POSITIVE" not in screen.breaks.break_window.positive.text()
    clock.advance(minutes=3)
    service.tick()
    d = dialog(screen)
    qtbot.addWidget(d)
    assert d.isVisible() and "Until then it waits" in d.reason.text()
    assert not screen.notes.form.isVisible()
    d.cancel_button.click()
    assert not d.isVisible() and not screen.notes.form.isVisible()
    assert screen.tray.home.reflection_button.isEnabled()  # still waiting
    screen.tray.home.reflection_button.click()
    type_and_submit(qtbot, d, current=PASS)
    assert screen.notes.form.isVisible() and screen.notes.form.incident_id == service.current.id


def test_lock_now_puts_private_windows_away_and_keeps_the_half_typed_note(
    screen: Presenter, clock: FakeClock, qtbot: QtBot
) -> None:
    service = screen.service
    assert screen.tray.home is not None
    service.unlock(PASS)
    incident = service.flag().incident
    clock.advance(minutes=3)
    service.tick()
    assert screen.notes.form.isVisible()
    qtbot.keyClicks(screen.notes.form.what, "HALF-TYPED")
    screen.journal.open()
    screen.tray.home.lock_button.click()
    assert service.locked
    assert not screen.notes.form.isVisible() and not screen.journal.journal_window.isVisible()
    service.unlock(PASS)
    assert service.incident(incident.id).reflection.what_happened == "HALF-TYPED"


def test_settings_turn_the_lock_on_with_a_warning_and_off_again(
    presenter: Presenter, qtbot: QtBot
) -> None:
    service = presenter.service
    presenter.settings.open()
    window = presenter.settings.settings_window
    window.pages.setCurrentIndex(window.pages.count() - 1)  # Privacy, the last tab
    assert window.lock_status.text().startswith("Off.")
    assert window.protect_button.isVisible() and not window.change_button.isVisible()
    window.protect_button.click()
    d = dialog(presenter, "set")
    qtbot.addWidget(d)
    assert d.warning.isVisible() and "nobody can open your journal" in d.warning.text()
    assert d.export_button.isVisible()
    type_and_submit(qtbot, d, new=PASS, again=PASS + "x")
    assert d.error.text() == "The two new passphrases differ; type them again."
    assert not service.protected
    type_and_submit(qtbot, d, new="short", again="short")
    assert "at least 8 characters" in d.error.text()
    type_and_submit(qtbot, d, new=PASS, again=PASS)
    assert service.protected and not service.locked and not d.isVisible()
    assert window.lock_status.text() == "On. Your journal is unlocked."
    assert window.change_button.isVisible() and window.remove_button.isVisible()
    window.remove_button.click()
    r = dialog(presenter, "remove")
    qtbot.addWidget(r)
    assert "plain text" in r.warning.text()
    type_and_submit(qtbot, r, current=PASS)
    assert not service.protected
    assert window.lock_status.text().startswith("Off.")


def test_idle_minutes_and_remember_are_settings(presenter: Presenter, locked: Service) -> None:
    presenter.settings.open()
    window = presenter.settings.settings_window
    assert window.lock_idle.specialValueText() == "Never"
    window.lock_idle.setValue(10)
    window.save_button.click()
    assert locked.setting("lock.idle_minutes") == 10
    # No keyring in this service: the box says why it cannot be ticked.
    assert not window.lock_remember.isEnabled()
    assert "no keyring" in window.lock_remember.toolTip()


def test_lock_now_during_a_break_takes_the_label_and_positive_off_the_screen(
    screen: Presenter, qtbot: QtBot
) -> None:
    service = screen.service
    service.unlock(PASS)
    service.flag("SECRET-LABEL", 9)
    window = screen.breaks.break_window
    assert "SECRET-LABEL" in window.subtitle.text()
    assert window.positive_card.isVisibleTo(window)  # a past positive, unlocked
    service.lock()
    assert window.isVisible()  # the break goes on
    assert "SECRET-LABEL" not in window.subtitle.text()
    assert not window.positive_card.isVisibleTo(window)
