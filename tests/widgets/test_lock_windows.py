"""Every window showing what the rep wrote goes with the key; and the journal unlocked by
any path (`resilience unlock`, the keyring) closes the question and opens what waited."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.adapters.notify import NotifierChain
from resilience_app.commands import CommandTable
from resilience_app.core.clock import FakeClock
from resilience_app.core.kinds import FollowUpKind
from resilience_app.core.models import Reflection
from resilience_app.service import Service
from resilience_app.ui.presenter import Presenter

pytestmark = pytest.mark.usefixtures("fast_kdf")
PASS = "correct horse battery"


def protected(service: Service, clock: FakeClock) -> str:
    """A call with a note and a lesson, a follow-up of it, behind a passphrase (unlocked)."""
    incident = service.flag("SECRET-ACME").incident
    clock.advance(minutes=3)
    service.tick()
    service.save_note(
        incident.id,
        Reflection("it went badly", positives=["PAST-POSITIVE"], lesson="SECRET-LESSON"),
    )
    service.dialed()
    service.add_followup(FollowUpKind.THANK_YOU, incident.id, in_minutes=60)
    service.set_passphrase(PASS)
    return incident.id


def test_locking_puts_away_the_report_insights_practice_and_outcome_windows(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    protected(service, clock)
    service.playbook.add("Why are you dearer?", answer="SECRET-ANSWER")
    presenter.insights.open()
    insights = presenter.insights.insights_window
    qtbot.addWidget(insights)
    insights.report_button.click()
    report = presenter.insights.report_window
    qtbot.addWidget(report)
    presenter.practice.open()
    practice = presenter.practice.practice_window
    qtbot.addWidget(practice)
    presenter.followups.ask_outcome(service.upcoming()[0].followup.id)
    outcome = presenter.followups.outcome_dialog
    qtbot.addWidget(outcome)
    qtbot.keyClicks(outcome.heard, "SECRET-HEARD")
    shown = [insights, report, practice, outcome]
    assert all(w.isVisible() for w in shown)
    service.lock()
    assert [w for w in shown if w.isVisible()] == []
    assert outcome.heard.text() == ""  # what was half typed went too


def test_an_unlock_from_elsewhere_closes_the_question_and_opens_what_waited(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    protected(service, clock)
    service.lock()
    assert presenter.tray.home is not None
    presenter.tray.home.journal_button.click()
    dialog = presenter.lock.dialogs["unlock"]
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and presenter.journal.built("journal_window") is None
    # `resilience unlock` in a terminal: the running app's command table, as the channel
    # hands it the request.
    reply = CommandTable(service).handle("unlock", {"passphrase": PASS})
    assert reply["message"] == "Your journal is unlocked." and not service.locked
    assert not dialog.isVisible()
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    assert window.isVisible()
    presenter.tray.home.insights_button.click()  # nothing is left waiting to open twice
    assert presenter.journal.journal_window is window
    service.lock()
    presenter.tray.home.insights_button.click()
    assert dialog.isVisible()
    dialog.cancel_button.click()
    service.unlock(PASS)  # declined, then unlocked elsewhere: nothing opens by itself
    assert not presenter.insights.insights_window.isVisible()


def test_unlocking_in_the_dialog_opens_what_waited_once(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    protected(service, clock)
    service.lock()
    opened: list[str] = []
    presenter.lock.when_unlocked("", lambda: opened.append("asked"))
    dialog = presenter.lock.dialogs["unlock"]
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.current, PASS)
    dialog.ok_button.click()
    assert not dialog.isVisible() and opened == ["asked"]


# The offscreen platform has a tray icon but no tray window to say so.
@pytest.mark.qt_log_ignore("systemTrayWindowChanged")
def test_the_trays_upcoming_menu_drops_the_calls_label_on_lock(
    service: Service, notifier: NotifierChain, clock: FakeClock, qtbot: QtBot
) -> None:
    protected(service, clock)
    own = Presenter(service, notifier, tray_available=lambda: True)
    try:
        own.start()
        service.start()
        tray = own.tray.icon
        assert tray is not None

        def menu() -> list[str]:
            return [a.text() for a in tray.upcoming_menu.actions()]

        assert any("SECRET-ACME" in text for text in menu())
        service.lock()
        assert menu() and not any("SECRET-ACME" in text for text in menu())
        service.unlock(PASS)
        assert any("SECRET-ACME" in text for text in menu())
    finally:
        own.shutdown()
