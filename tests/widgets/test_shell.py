"""The shell wires the loop to windows; here with the real loop, store and fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.adapters.notify import NullNotifier
from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import Phase, Reflection
from resilience_app.core.settings import Settings
from resilience_app.ui.shell import Shell


@pytest.fixture
def shell(qtbot: QtBot, loop: RecoveryLoop, settings: Settings) -> Iterator[Shell]:
    # Offscreen has no tray and no notification server: the real fallbacks take over.
    s = Shell(loop, settings, NullNotifier(), tray_available=lambda: False)
    s.start()
    for window in (s.break_window, s.form, s.nudge_window, s.settings_window, s.home):
        qtbot.addWidget(window)
    yield s
    s.shutdown()


def test_no_tray_means_a_home_window_that_says_why(shell: Shell) -> None:
    assert shell.home is not None and shell.home.isVisible()
    assert "no system tray" in shell.home.findChildren(type(shell.home.state))[-1].text()
    assert shell.home.state.text() == "Calm"


def test_flag_to_break_to_note(
    shell: Shell, loop: RecoveryLoop, clock: FakeClock, qtbot: QtBot
) -> None:
    assert shell.home is not None
    shell.home.flag_button.click()
    assert loop.phase is Phase.BREAK
    assert shell.break_window.isVisible()
    assert shell.home.state.text() == "On a break"
    shell.break_window.more_button.click()
    assert (
        loop.current is not None
        and loop.current.break_ends_at == loop.current.flagged_at + timedelta(minutes=4)
    )
    assert shell.break_window.countdown.text() == "4:00 left"
    clock.advance(minutes=4)
    loop.tick()
    assert not shell.break_window.isVisible()
    assert shell.form.isVisible() and shell.form.incident_id == loop.current.id
    assert shell.home.dialing_button.isEnabled() and shell.home.reflection_button.isEnabled()


def test_nudges_fall_back_to_the_window_and_im_dialing_closes_the_loop(
    shell: Shell, loop: RecoveryLoop, clock: FakeClock
) -> None:
    loop.flag()
    clock.advance(minutes=10)
    loop.tick()
    assert shell.deliveries == [("window", "Ready for the next call?")]
    assert shell.nudge_window.isVisible()
    assert "easy lead" in shell.nudge_window.body.text()
    shell.nudge_window.snooze_button.click()
    assert not shell.nudge_window.isVisible()
    clock.advance(minutes=2)
    loop.tick()
    assert shell.deliveries[-1] == ("window", "Two minutes are up")
    shell.nudge_window.dialing_button.click()
    assert loop.phase is Phase.CALM and not shell.nudge_window.isVisible()
    assert loop.store.incidents()[0].time_to_dial == timedelta(minutes=12)


def test_tooltip_counts_minutes_while_waiting(
    shell: Shell, loop: RecoveryLoop, clock: FakeClock
) -> None:
    loop.flag()
    loop.end_break()
    clock.advance(minutes=6)
    assert (
        shell.tooltip()
        == "Resilience — 6 min since the tough call. Aim to dial again within 15 min."
    )
    shell.render()
    assert shell.tooltip_ticker.active
    loop.dialed()
    assert not shell.tooltip_ticker.active  # nothing ticks while calm
    assert shell.tooltip() == "Resilience — calm"


def test_saving_the_note_from_the_form(shell: Shell, loop: RecoveryLoop) -> None:
    incident = loop.flag()
    loop.end_break()
    shell.form.what.setText("They hung up")
    shell.form.positives.setPlainText("I opened well")
    shell.form.save_button.click()
    assert not shell.form.isVisible()
    assert loop.incident(incident.id).reflection.positives == ["I opened well"]
    assert loop.open_reflections() == []


def test_a_past_positive_appears_in_the_next_break(
    shell: Shell, loop: RecoveryLoop, clock: FakeClock
) -> None:
    first = loop.flag()
    loop.end_break()
    loop.save_reflection(first.id, Reflection(positives=["Booked a follow-up"]))
    loop.dialed()
    clock.advance(minutes=30)
    loop.flag()
    assert "Booked a follow-up" in shell.break_window.positive.text()


def test_settings_window_validates_together(shell: Shell, settings: Settings) -> None:
    shell.open_settings()
    window = shell.settings_window
    window.first.setValue(20)
    window.second.setValue(12)
    window.save_button.click()
    assert window.error.isVisible() and "later than" in window.error.text()
    assert settings.first_nudge_minutes == 10
    window.second.setValue(30)
    window.pattern.setCurrentIndex(window.pattern.findData("478"))
    window.save_button.click()
    assert not window.error.isVisible()
    assert (settings.first_nudge_minutes, settings.second_nudge_minutes) == (20, 30)
    assert settings.get("break.pattern") == "478"


def test_dialing_mid_break_closes_the_break_window(shell: Shell, loop: RecoveryLoop) -> None:
    loop.flag()
    assert shell.break_window.isVisible()
    loop.dialed()
    assert not shell.break_window.isVisible()
    assert not shell.form.isVisible()  # no note pops up while the rep is on the phone


def test_a_disk_outage_is_told_once_and_its_end_too(shell: Shell, loop: RecoveryLoop) -> None:
    for _ in range(3):
        loop.save_failed.emit("Resilience could not save to disk (No space left on device).")
    assert [title for _, title in shell.deliveries] == ["Resilience"]
    assert "No space left" in shell.nudge_window.body.text()
    shell.saved_again()
    shell.saved_again()
    assert len(shell.deliveries) == 2
    assert "safely on disk again" in shell.nudge_window.body.text()
