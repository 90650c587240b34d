"""Practice my answers, offscreen, over the real service: recall first, the answer shown
on Space, Enter or the button, had it and again recorded (their boxes move), the closing
line, the empty case, the keyboard only, names, and twice the text size."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from resilience_app.core.clock import FakeClock
from resilience_app.service import Service
from resilience_app.ui.practice_window import PracticeWindow
from resilience_app.ui.presenter import Presenter
from tests.widgets.test_accessibility import accessible, clipped, controls


def opened(presenter: Presenter, qtbot: QtBot) -> PracticeWindow:
    presenter.practice.open()
    window = presenter.practice.practice_window
    qtbot.addWidget(window)
    assert window.isVisible()
    return window


def two_answers(service: Service, clock: FakeClock) -> list[str]:
    book = service.playbook
    first = book.add("Why are you dearer than Globex?", answer="Onboarding is in the price.")
    clock.advance(minutes=1)  # due a minute later: second
    ids = [first.id, book.add("Send me an email.", answer="Happy to; what should it say?").id]
    clock.advance(minutes=24 * 60 + 1)  # both due
    return ids


def test_recall_then_look_then_had_it_or_again(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    dearer, email = two_answers(service, clock)
    window = opened(presenter, qtbot)
    assert window.progress.text() == "Card 1 of 2"
    assert window.said.text() == "“Why are you dearer than Globex?”"
    assert window.prompt.isVisibleTo(window)
    assert window.prompt.text() == "Say your answer out loud, then look."
    assert not window.answer.isVisibleTo(window) and not window.had_button.isVisibleTo(window)
    assert window.focusWidget() is window.show_button

    qtbot.keyClick(window.show_button, Qt.Key.Key_Space)  # Space on the focused button
    assert window.answer.isVisibleTo(window) and window.answer.text() == (
        "Onboarding is in the price."
    )
    assert not window.show_button.isVisibleTo(window)
    window.had_button.click()
    assert service.playbook.entry(dearer).box == 2

    assert window.progress.text() == "Card 2 of 2" and "Send me an email." in window.said.text()
    assert not window.answer.isVisibleTo(window)
    window.again_button.click()  # hidden until the answer is shown: nothing recorded
    assert service.playbook.entry(email).practised_at is None
    window.show_button.click()
    window.again_button.click()
    entry = service.playbook.entry(email)
    assert entry.box == 1 and entry.practised_at == clock.now()

    assert window.closing.isVisibleTo(window)
    assert window.closing.text() == "That's all for now. Each answer comes back when it is due."
    assert not window.said.isVisibleTo(window) and window.focusWidget() is window.close_button
    qtbot.keyClick(window.close_button, Qt.Key.Key_Return)
    assert not window.isVisible()


def test_the_keyboard_alone_runs_a_round(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    dearer, email = two_answers(service, clock)
    window = opened(presenter, qtbot)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Return)  # Enter shows the answer
    assert window.answer.isVisibleTo(window)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_H)
    assert service.playbook.entry(dearer).box == 2
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_A)  # not shown yet: nothing recorded
    assert service.playbook.entry(email).practised_at is None
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_A)
    assert service.playbook.entry(email).box == 1
    assert window.closing.isVisibleTo(window)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    assert not window.isVisible()
    # The accelerators are there too.
    assert [b.text() for b in (window.show_button, window.had_button, window.again_button)] == [
        "&Show my answer",
        "&Had it",
        "&Again",
    ]
    assert window.close_button.text() == "&Close"


def test_after_two_minutes_no_new_card(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    dearer, email = two_answers(service, clock)
    window = opened(presenter, qtbot)
    clock.advance(seconds=125)  # the first card took its time: it can still be finished
    window.show_button.click()
    window.had_button.click()
    assert service.playbook.entry(dearer).box == 2
    assert service.playbook.entry(email).practised_at is None
    assert window.closing.text() == (
        "Two minutes are up; that's plenty for now. The rest will come back soon."
    )


def test_with_no_answer_written_it_says_how_to_write_one(
    presenter: Presenter, service: Service, qtbot: QtBot
) -> None:
    service.playbook.add("Who else uses it?")
    window = opened(presenter, qtbot)
    assert window.closing.isVisibleTo(window)
    assert window.closing.text().startswith("Practice needs an answer first.")
    assert "Playbook tab" in window.closing.text()
    assert not window.show_button.isVisibleTo(window)


def test_from_the_journal_and_the_home_window(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    two_answers(service, clock)
    presenter.journal.open("playbook")
    journal = presenter.journal.journal_window
    qtbot.addWidget(journal)
    journal.playbook.practise_button.click()
    window = presenter.practice.practice_window
    qtbot.addWidget(window)
    assert window.isVisible() and window.progress.text() == "Card 1 of 2"
    window.close()
    home = presenter.tray.home
    assert home is not None
    home.practise_button.click()
    assert window.isVisible() and window.progress.text() == "Card 1 of 2"
    window.show_button.click()
    window.had_button.click()
    home.practise_button.click()  # still open: the round goes on where it was
    assert window.progress.text() == "Card 2 of 2"


def test_every_part_is_named_and_fits_at_twice_the_text_size(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot, qapp: QApplication
) -> None:
    two_answers(service, clock)
    window = opened(presenter, qtbot)
    window.show_button.click()
    unnamed = [type(w).__name__ for w in controls(window) if not accessible(w).strip()]
    assert unnamed == [] and len(controls(window)) >= 3
    assert accessible(window.had_button) == "Had it"
    # A screen reader reads their words, described as what they said.
    assert accessible(window.said) == "“Why are you dearer than Globex?”"
    assert accessible(window.said, QAccessible.Text.Description) == "What they said"
    window.close()
    normal = QFont(qapp.font())
    bigger = QFont(normal)
    bigger.setPointSizeF(normal.pointSizeF() * 2)
    qapp.setFont(bigger)
    try:
        presenter.practice.forget()  # built again at the new size
        service.playbook.add("A" * 30 + " and a long question besides, " * 4, answer="B " * 80)
        clock.advance(minutes=timedelta(days=1).total_seconds() / 60)
        window = opened(presenter, qtbot)
        qtbot.wait(20)  # the layouts settle
        assert clipped(window) == []
        window.show_button.click()
        qtbot.wait(20)
        assert clipped(window) == []
        screen = window.screen().availableGeometry()
        assert window.width() <= screen.width() and window.height() <= screen.height()
    finally:
        qapp.setFont(normal)


def test_locking_takes_the_cards_off_the_screen(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot, fast_kdf: None
) -> None:
    two_answers(service, clock)
    window = opened(presenter, qtbot)
    service.set_passphrase("correct horse battery")
    service.lock()
    assert not window.isVisible() and presenter.practice.session is None


def test_the_tray_menu_opens_practice(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    from resilience_app.ui.tray import Tray

    tray = Tray()
    presenter._connect_actions(tray)
    texts = [a.text() for a in tray.menu.actions()]
    assert "Practice my answers…" in texts
    assert texts.index("Practice my answers…") == texts.index("My journal…") + 2  # after Upcoming
    two_answers(service, clock)
    tray.practise_action.trigger()
    window = presenter.practice.practice_window
    qtbot.addWidget(window)
    assert window.isVisible() and window.progress.text() == "Card 1 of 2"
