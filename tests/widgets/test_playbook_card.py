"""The playbook's card on the nudge card, offscreen: shown without taking the focus, a
click gives it the keys (Space shows the answer, Esc puts it away), "Not now" reaches the
service, the nudge's own buttons keep working, and it goes when a break begins."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from resilience_app.core.clock import FakeClock
from resilience_app.core.models import Phase
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.service import Service
from resilience_app.ui.nudge_window import NudgeWindow
from resilience_app.ui.presenter import Presenter

ENTRY = PlaybookEntry(
    "e1",
    "Why are you dearer than X?",
    datetime(2026, 11, 25, 10, tzinfo=UTC),
    answer="It lasts twice as long.",
    answered_at=datetime(2026, 11, 25, 11, tzinfo=UTC),
)


def focused_in(window: NudgeWindow) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is window or window.isAncestorOf(focus))


def test_shown_without_the_focus_a_click_then_space_shows_the_answer(qtbot: QtBot) -> None:
    window = NudgeWindow()
    qtbot.addWidget(window)
    window.show_nudge("Ready for the next call?", "An easy lead first.", card=ENTRY, nudge=False)
    card = window.playbook
    assert window.isVisible() and card.isVisible()
    assert window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert not window.isActiveWindow() and not focused_in(window)
    assert "dearer than X" in card.said.text() and card.prompt.isVisible()
    assert not card.answer.isVisible() and not card.revealed
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert card.focusPolicy() & Qt.FocusPolicy.ClickFocus
    qtbot.keyClick(card, Qt.Key.Key_Space)
    assert card.revealed and card.answer.text() == "It lasts twice as long."
    assert card.answer.isVisible() and not card.reveal_button.isVisible()


def test_esc_puts_away_a_card_that_was_up_for_the_playbook_only(qtbot: QtBot) -> None:
    window = NudgeWindow()
    qtbot.addWidget(window)
    window.show_nudge("Ready for the next call?", "An easy lead first.", card=ENTRY, nudge=False)
    with qtbot.waitSignal(window.card_dismissed) as dismissed:
        qtbot.keyClick(window.playbook, Qt.Key.Key_Escape)
    assert dismissed.args == ["e1"]
    assert not window.isVisible()


def test_on_a_firm_nudge_not_now_puts_away_only_the_playbook_part(qtbot: QtBot) -> None:
    window = NudgeWindow()
    qtbot.addWidget(window)
    window.show_nudge("Ready for the next call?", "", card=ENTRY, nudge=False)
    window.show_nudge("Time to pick up the phone", "Call now.", card=ENTRY)  # the firm one
    qtbot.keyClick(window.playbook, Qt.Key.Key_Return)  # Enter shows it too
    assert window.playbook.revealed
    with qtbot.waitSignal(window.dialing_requested):
        window.playbook.dismiss_button.click()
        assert window.isVisible() and not window.playbook.isVisible()
        window.dialing_button.click()


def test_the_same_card_again_keeps_its_answer_shown(qtbot: QtBot) -> None:
    window = NudgeWindow()
    qtbot.addWidget(window)
    window.show_nudge("Ready for the next call?", "", card=ENTRY, nudge=False)
    qtbot.mouseClick(window.playbook.reveal_button, Qt.MouseButton.LeftButton)
    assert window.playbook.revealed
    window.show_nudge("Time to pick up the phone", "Call now.", card=ENTRY)
    assert window.playbook.revealed
    window.hide()
    window.show_nudge("Ready for the next call?", "", card=ENTRY)  # another wait: afresh
    assert not window.playbook.revealed


def test_the_first_nudge_brings_the_card_and_not_now_reaches_the_service(
    presenter: Presenter, service: Service, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 25, 10, tzinfo=UTC))
    entry = service.playbook.add("Why are you dearer than X?", answer="It lasts.")
    service.flag()
    service.end_break()
    clock.advance(minutes=10)
    service.tick()
    window = presenter.breaks.nudge_window
    assert window.isVisible() and window.playbook.isVisible()
    assert window.playbook.entry_id == entry.id
    window.playbook.dismiss_button.click()
    assert service.playbook.nudge_card() is None  # not again today
    assert window.isVisible()  # the card was the nudge's channel here: the nudge stays
    window.dialing_button.click()
    assert service.phase is Phase.CALM and not window.isVisible()


def test_a_break_takes_the_card_away(
    presenter: Presenter, service: Service, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 25, 10, tzinfo=UTC))
    service.playbook.add("Why are you dearer than X?", answer="It lasts.")
    service.flag()
    service.end_break()
    presenter.breaks.ready()  # the tray's "Ready for the next call?…"
    window = presenter.breaks.nudge_window
    assert window.isVisible() and window.playbook.isVisible()
    assert window.title.text() == "Ready for the next call?"
    service.flag()  # another call went south: the breathing, and no card
    assert service.phase is Phase.BREAK and not window.playbook.isVisible()


def test_a_click_anywhere_then_space_shows_the_answer_and_not_now_stays(qtbot: QtBot) -> None:
    """The keys go where the window's focus is once the rep clicks it (on its title, say):
    that is "Show my answer", not "Not now" (seen failing: Space put the card away)."""
    window = NudgeWindow()
    qtbot.addWidget(window)
    window.show_nudge("Time to pick up the phone", "Call now.", card=ENTRY, nudge=True)
    assert not focused_in(window)  # nothing taken from the app in front
    target = window.focusWidget()
    assert target is window.playbook.reveal_button
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert window.playbook.revealed and window.playbook.isVisible() and window.isVisible()


def test_the_window_grows_to_show_a_long_answer_whole(qtbot: QtBot) -> None:
    """Seen on the virtual desktop: the answer was cut off under "Not now"."""
    long = PlaybookEntry(
        "e2",
        "Why are you dearer than the others?",
        datetime(2026, 11, 25, 10, tzinfo=UTC),
        answer="We cost more up front and less over three years: no set-up fee and support "
        "is included. Shall I show you the numbers for a team your size?",
        answered_at=datetime(2026, 11, 25, 11, tzinfo=UTC),
    )
    window = NudgeWindow()
    qtbot.addWidget(window)
    window.show_nudge("Ready for the next call?", "An easy lead first.", card=long, nudge=True)
    before = window.height()
    window.playbook.reveal_button.click()
    answer = window.playbook.answer
    assert window.height() > before
    needed = answer.heightForWidth(answer.width())
    assert answer.height() >= needed, (answer.height(), needed)
