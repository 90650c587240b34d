"""The presenter shows the service in windows; here with the real service, store and fake
clock, offscreen (no tray, no notification server: the fallbacks take over)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import Phase
from resilience_app.core.settings import Settings
from resilience_app.service import Service
from resilience_app.ui.presenter import Presenter
from resilience_app.ui.presenters.tray import tooltip


def test_no_tray_means_a_home_window_that_says_why(presenter: Presenter) -> None:
    assert presenter.tray.home is not None and presenter.tray.home.isVisible()
    assert (
        "no system tray"
        in presenter.tray.home.findChildren(type(presenter.tray.home.state))[-1].text()
    )
    assert presenter.tray.home.state.text() == "Calm"


def test_flag_to_break_to_note(
    presenter: Presenter, loop: RecoveryLoop, clock: FakeClock, qtbot: QtBot
) -> None:
    assert presenter.tray.home is not None
    presenter.tray.home.flag_button.click()
    assert loop.phase is Phase.BREAK
    assert presenter.breaks.break_window.isVisible()
    assert presenter.tray.home.state.text() == "On a break"
    presenter.breaks.break_window.more_button.click()
    assert (
        loop.current is not None
        and loop.current.break_ends_at == loop.current.flagged_at + timedelta(minutes=4)
    )
    assert presenter.breaks.break_window.countdown.text() == "4:00 left"
    clock.advance(minutes=4)
    loop.tick()
    assert not presenter.breaks.break_window.isVisible()
    assert presenter.notes.form.isVisible() and presenter.notes.form.incident_id == loop.current.id
    assert (
        presenter.tray.home.dialing_button.isEnabled()
        and presenter.tray.home.reflection_button.isEnabled()
    )


def test_nudges_fall_back_to_the_window_and_im_dialing_closes_the_loop(
    presenter: Presenter, loop: RecoveryLoop, clock: FakeClock
) -> None:
    loop.flag()
    clock.advance(minutes=10)
    loop.tick()
    assert presenter.deliveries == [("window", "Ready for the next call?")]
    assert presenter.breaks.nudge_window.isVisible()
    assert "easy lead" in presenter.breaks.nudge_window.body.text()
    presenter.breaks.nudge_window.snooze_button.click()
    assert not presenter.breaks.nudge_window.isVisible()
    clock.advance(minutes=2)
    loop.tick()
    assert presenter.deliveries[-1] == ("window", "Two minutes are up")
    presenter.breaks.nudge_window.dialing_button.click()
    assert loop.phase is Phase.CALM and not presenter.breaks.nudge_window.isVisible()
    assert loop.store.incidents()[0].time_to_dial == timedelta(minutes=12)


def test_tooltip_counts_minutes_while_waiting(
    presenter: Presenter, loop: RecoveryLoop, clock: FakeClock
) -> None:
    loop.flag()
    loop.end_break()
    clock.advance(minutes=6)
    assert (
        tooltip(presenter.service.tray_state())
        == "Resilience — 6 min since the tough call. Aim to dial again within 15 min."
    )
    presenter.tray.render()
    assert presenter.tray.tooltip_ticker.active
    loop.dialed()
    assert not presenter.tray.tooltip_ticker.active  # nothing ticks while calm
    back = tooltip(presenter.service.tray_state())
    assert back == "Resilience — Back on the phone after 6 min. Well done."
    clock.advance(minutes=61)
    assert tooltip(presenter.service.tray_state()) == "Resilience — Calm"


def test_saving_the_note_from_the_form(presenter: Presenter, loop: RecoveryLoop) -> None:
    incident = loop.flag()
    loop.end_break()
    presenter.notes.form.what.setText("They hung up")
    presenter.notes.form.positives.setPlainText("I opened well")
    presenter.notes.form.save_button.click()
    assert not presenter.notes.form.isVisible()
    assert loop.incident(incident.id).reflection.positives == ["I opened well"]
    assert loop.open_reflections() == []


def test_a_past_positive_appears_in_the_next_break(presenter: Presenter, clock: FakeClock) -> None:
    presenter.tray.home.flag_button.click()
    presenter.breaks.break_window.end_button.click()
    presenter.notes.form.positives.setPlainText("Booked a follow-up")
    presenter.notes.form.save_button.click()
    presenter.tray.home.dialing_button.click()
    clock.advance(minutes=30)
    presenter.tray.home.flag_button.click()
    assert "Booked a follow-up" in presenter.breaks.break_window.positive.text()


def test_settings_window_validates_together(presenter: Presenter, settings: Settings) -> None:
    presenter.settings.open()
    window = presenter.settings.settings_window
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


def test_dialing_mid_break_closes_the_break_window(
    presenter: Presenter, loop: RecoveryLoop
) -> None:
    loop.flag()
    assert presenter.breaks.break_window.isVisible()
    loop.dialed()
    assert not presenter.breaks.break_window.isVisible()
    assert not presenter.notes.form.isVisible()  # no note pops up while the rep is on the phone


def test_a_disk_outage_is_told_once_and_its_end_too(
    presenter: Presenter, service: Service, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resilience_app import files

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)  # the disk, not our code, fails
    service.flag("Kept in memory")
    service.end_break()
    assert [title for _, title in presenter.deliveries] == ["Resilience"]
    assert "No space left" in presenter.breaks.nudge_window.body.text()
    clock.advance(seconds=11)
    service.tick()  # the retry fails again: nothing more is said
    assert len(presenter.deliveries) == 1
    monkeypatch.undo()
    clock.advance(seconds=11)
    service.tick()
    assert len(presenter.deliveries) == 2
    assert "safely on disk again" in presenter.breaks.nudge_window.body.text()
    assert service.durable and service.next_wakeup() is not None  # only the nudges now


def test_working_hours_page_reads_and_writes_the_settings(presenter: Presenter) -> None:
    service = presenter.service
    service.update_settings({"work.limit": True, "work.days": "tue,thu", "work.gap": "12:00-13:00"})
    presenter.settings.open()
    window = presenter.settings.settings_window
    assert window.work_limit.isChecked()
    assert [k for k, box in window.work_days.items() if box.isChecked()] == ["tue", "thu"]
    assert window.work_gap.isChecked() and window.gap_start.time().toString("HH:mm") == "12:00"
    window.work_days["fri"].setChecked(True)
    window.work_gap.setChecked(False)
    window.save_button.click()
    assert service.setting("work.days") == "tue,thu,fri"
    assert service.setting("work.gap") == ""


def test_pause_from_the_home_window(presenter: Presenter) -> None:
    assert presenter.tray.home is not None
    presenter.tray.home.pause_button.click()
    assert presenter.service.paused_until() is not None
    assert (
        presenter.tray.home.resume_button.isVisible()
        and not presenter.tray.home.pause_button.isVisible()
    )
    assert "paused until" in presenter.tray.home.resume_button.text()
    presenter.tray.home.resume_button.click()
    assert presenter.service.paused_until() is None and presenter.tray.home.pause_button.isVisible()


def test_shutting_down_twice_is_quiet(service: Service, notifier: NotifierChain) -> None:
    """Quit, then the logout's SIGTERM: the second shutdown finds nothing left to do."""
    import warnings

    presenter = Presenter(service, notifier, tray_available=lambda: False)
    presenter.start()
    presenter.journal.open()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        presenter.shutdown()
        presenter.shutdown()


def test_settings_lists_the_apps_seen_on_the_microphone_with_this_is_not_a_call(
    presenter: Presenter, service: Service, settings: Settings
) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton

    from resilience_app.core.calls import AudioUse

    service.microphone_used_by(
        frozenset({AudioUse("Chromium input", "chromium", ("chromium",)), "Zoiper"})
    )
    presenter.settings.open()
    window = presenter.settings.settings_window
    rows = window.apps_seen
    texts = [label.text() for label in rows.findChildren(QLabel)]
    assert any("Chromium input (program: chromium)" in t and "using it now" in t for t in texts)
    buttons = rows.findChildren(QPushButton)
    [button] = [b for b in buttons if b.accessibleName() == "Chromium input is not a call"]
    button.click()
    assert settings.get("calls.ignore_apps") == "chromium"
    assert window.ignore_apps.text() == "chromium"
    texts = [label.text() for label in rows.findChildren(QLabel) if label.isVisibleTo(rows)]
    assert any(t.startswith("Chromium input") and "not a call" in t for t in texts), texts
    names = [b.accessibleName() for b in rows.findChildren(QPushButton) if b.isVisibleTo(rows)]
    assert names == ["Zoiper is not a call"]


def test_the_dial_key_is_chosen_next_to_the_flag_key(presenter: Presenter) -> None:
    from PySide6.QtGui import QKeySequence

    service = presenter.service
    presenter.settings.open()
    window = presenter.settings.settings_window
    assert window.dial_key.keySequence().toString() == "Ctrl+Alt+N"
    assert "Ctrl+Alt+N says “I'm dialing” from anywhere." in window.calls_status.text()
    window.dial_key.setKeySequence(QKeySequence("Ctrl+Alt+B"))  # the flag key's
    window.save_button.click()
    assert window.error.isVisible() and "one key cannot do both" in window.error.text()
    assert service.setting("hotkey.dial") == "Ctrl+Alt+N"
    window.dial_key.setKeySequence(QKeySequence("Ctrl+Shift+F7"))
    window.save_button.click()
    assert not window.error.isVisible() and service.setting("hotkey.dial") == "Ctrl+Shift+F7"
    window.clear_dial_key.click()
    window.save_button.click()
    assert service.setting("hotkey.dial") == "" and service.setting("hotkey.flag") == "Ctrl+Alt+B"
    assert "No global shortcut for “I'm dialing”." in window.calls_status.text()
