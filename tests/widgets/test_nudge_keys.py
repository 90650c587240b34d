"""The nudge card from the keyboard, offscreen: "I'm dialing" is the default button and the
first in the tab order (the easy follow-up second, "2 more minutes" third), Enter on the
focused card dials, Esc puts it away, and the tray's "Ready for the next call?" gives it
the keys. Before, the follow-up came first and Enter marked it done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from resilience_app.core.clock import FakeClock
from resilience_app.core.models import DialSource, Phase
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.service import Service
from resilience_app.ui.nudge_window import NudgeWindow
from resilience_app.ui.presenter import Presenter
from tests.widgets.test_playbook_card import ENTRY

EASY = ("f1", "Check-in — Acme")


def card(qtbot: QtBot, entry: PlaybookEntry | None = None) -> NudgeWindow:
    window = NudgeWindow()
    qtbot.addWidget(window)
    window.show_nudge("Time to pick up the phone", "Call now.", easy=EASY, card=entry)
    return window


def test_i_m_dialing_is_the_default_and_first_then_the_follow_up_then_snooze(
    qtbot: QtBot,
) -> None:
    window = card(qtbot)
    assert window.dialing_button.isDefault()
    assert window.dialing_button.text() == "&I'm dialing"  # Alt+I
    assert window.dialing_button.accessibleName() == "I'm dialing"
    assert window.focusWidget() is window.dialing_button  # where a click's keys go
    assert QApplication.focusWidget() is None  # nothing taken from the app in front
    window.take_keys()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.dialing_button)
    seen = [QApplication.focusWidget()]
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == [window.dialing_button, window.easy_button, window.snooze_button]


def test_enter_on_the_focused_card_dials_and_never_marks_the_follow_up(qtbot: QtBot) -> None:
    window = card(qtbot)
    window.take_keys()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.dialing_button)
    done: list[str] = []
    window.easy_done_requested.connect(done.append)
    with qtbot.waitSignal(window.dialing_requested):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    with qtbot.waitSignal(window.dialing_requested):
        qtbot.keyClick(window, Qt.Key.Key_Enter)  # the keypad's Enter, on the card itself
    assert done == []


def test_enter_on_the_follow_up_the_rep_tabbed_to_presses_it(qtbot: QtBot) -> None:
    window = card(qtbot)
    window.take_keys()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.dialing_button)
    qtbot.keyClick(window.dialing_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.easy_button
    with qtbot.waitSignal(window.easy_done_requested) as done:
        qtbot.keyClick(window.easy_button, Qt.Key.Key_Return)
    assert done.args == ["f1"]


def test_esc_puts_the_card_away(qtbot: QtBot) -> None:
    window = card(qtbot)
    window.take_keys()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.dialing_button)
    qtbot.keyClick(window.dialing_button, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_with_a_playbook_card_space_shows_the_answer_then_enter_dials(qtbot: QtBot) -> None:
    window = card(qtbot, ENTRY)
    window.take_keys()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.playbook.reveal_button)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert window.playbook.revealed
    with qtbot.waitSignal(window.dialing_requested):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def test_not_now_gives_the_keys_back_to_i_m_dialing(qtbot: QtBot) -> None:
    window = card(qtbot, ENTRY)
    window.take_keys()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.playbook.reveal_button)
    qtbot.keyClick(window.playbook, Qt.Key.Key_Escape)  # the playbook's part: "Not now"
    assert window.isVisible() and not window.playbook.isVisible()
    assert window.focusWidget() is window.dialing_button


def test_ready_from_the_tray_takes_the_keys_and_enter_records_the_dial(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    clock.set(datetime(2026, 11, 25, 10, tzinfo=UTC))
    service.flag()
    service.end_break()
    clock.advance(minutes=3)
    presenter.breaks.ready()  # the tray's "Ready for the next call?…"
    window = presenter.breaks.nudge_window
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.dialing_button)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert service.phase is Phase.CALM and not window.isVisible()
    [incident] = service.store.incidents()
    assert incident.dial_source is DialSource.CLICKED
    assert incident.time_to_dial == timedelta(minutes=3)  # the fake clock's three minutes
