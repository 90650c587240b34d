""" "How big was this one?" in the break window and the note, offscreen: optional, quiet
(the guide keeps the keyboard), prefilled from the flag, kept at once by the service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import LossSize
from resilience_app.ui.break_window import BreakWindow
from resilience_app.ui.presenter import Presenter
from resilience_app.ui.reflection_form import ReflectionForm
from resilience_app.ui.size_choice import SizeChoice
from tests.widgets.test_break_window import incident


def checked(choice: SizeChoice) -> list[LossSize]:
    return [size for size, button in choice.buttons.items() if button.isChecked()]


def test_nothing_is_chosen_until_the_rep_clicks_and_a_second_click_takes_it_back(
    qtbot: QtBot,
) -> None:
    choice = SizeChoice()
    qtbot.addWidget(choice)
    assert checked(choice) == [] and choice.chosen is None
    assert choice.label.text() == "How big was this one?"
    assert [b.text() for b in choice.buttons.values()] == ["Small", "Big", "Make-or-break"]
    with qtbot.waitSignal(choice.size_chosen) as big:
        choice.buttons[LossSize.BIG].click()
    assert big.args == ["big"] and checked(choice) == [LossSize.BIG]
    with qtbot.waitSignal(choice.size_chosen) as other:
        choice.buttons[LossSize.MAKE_OR_BREAK].click()
    assert other.args == ["make_or_break"] and checked(choice) == [LossSize.MAKE_OR_BREAK]
    with qtbot.waitSignal(choice.size_chosen) as back:
        choice.buttons[LossSize.MAKE_OR_BREAK].click()
    assert back.args == [""] and checked(choice) == []


def test_setting_the_choice_is_not_a_click(qtbot: QtBot) -> None:
    choice = SizeChoice()
    qtbot.addWidget(choice)
    with qtbot.assertNotEmitted(choice.size_chosen):
        choice.set_size(LossSize.SMALL)
    assert checked(choice) == [LossSize.SMALL]
    choice.say("Your journal is locked.")
    assert not choice.status.isHidden()
    choice.set_size(None)
    assert checked(choice) == [] and choice.status.isHidden()


def test_in_the_break_a_click_leaves_the_guide_the_keyboard(qtbot: QtBot, clock: FakeClock) -> None:
    window = BreakWindow(clock.now)
    qtbot.addWidget(window)
    window.show_break(incident(clock), pattern="box", reduced_motion=False, tip="t")
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert window.focusWidget() is window.view
    choice = window.size_choice
    assert choice.isVisible() and checked(choice) == []
    qtbot.mouseClick(choice.buttons[LossSize.BIG], Qt.MouseButton.LeftButton)
    assert checked(choice) == [LossSize.BIG]
    assert window.focusWidget() is window.view  # the breathing goes on, undisturbed
    for button in choice.buttons.values():
        assert button.accessibleName() and "Optional." in button.accessibleDescription()


def test_the_break_shows_the_size_the_flag_gave(qtbot: QtBot, clock: FakeClock) -> None:
    window = BreakWindow(clock.now)
    qtbot.addWidget(window)
    flagged = incident(clock)
    flagged.size = LossSize.MAKE_OR_BREAK
    window.show_break(flagged, pattern="box", reduced_motion=True, tip="t")
    assert checked(window.size_choice) == [LossSize.MAKE_OR_BREAK]


def test_a_click_in_the_break_is_kept_by_the_service(
    presenter: Presenter, loop: RecoveryLoop
) -> None:
    assert presenter.tray.home is not None
    presenter.tray.home.flag_button.click()
    window = presenter.breaks.break_window
    window.size_choice.buttons[LossSize.BIG].click()
    assert loop.current is not None and loop.current.size is LossSize.BIG
    stored = loop.store.incident(loop.current.id)
    assert stored is not None and stored.size is LossSize.BIG
    window.size_choice.buttons[LossSize.BIG].click()  # taken back
    assert loop.current.size is None


def test_the_note_asks_too_prefilled_from_the_flag(
    presenter: Presenter, loop: RecoveryLoop, clock: FakeClock
) -> None:
    call = presenter.service.flag("Acme", size=LossSize.BIG).incident
    clock.advance(minutes=3)
    loop.tick()
    form: ReflectionForm = presenter.notes.form
    assert form.isVisible() and form.incident_id == call.id
    assert checked(form.size_choice) == [LossSize.BIG]
    assert form.size_choice.isVisible()
    form.size_choice.buttons[LossSize.SMALL].click()
    assert presenter.service.incident(call.id).size is LossSize.SMALL
    assert checked(form.size_choice) == [LossSize.SMALL]


def test_the_note_of_a_call_without_a_size_asks_with_nothing_chosen(
    presenter: Presenter, loop: RecoveryLoop, clock: FakeClock
) -> None:
    presenter.service.flag("Acme")
    clock.advance(minutes=3)
    loop.tick()
    assert checked(presenter.notes.form.size_choice) == []
