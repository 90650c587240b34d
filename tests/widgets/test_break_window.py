"""The break window, offscreen: what it shows follows the clock and the pattern."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from resilience_app import i18n
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import Incident
from resilience_app.ui.break_window import BreakWindow, format_left


def incident(clock: FakeClock, minutes: float = 3) -> Incident:
    now = clock.now()
    return Incident(
        "i1", now, "Acme", 7, break_started_at=now, break_ends_at=now + timedelta(minutes=minutes)
    )


def make(qtbot: QtBot, clock: FakeClock) -> BreakWindow:
    window = BreakWindow(clock.now)
    qtbot.addWidget(window)
    return window


def test_breathing_label_and_shape_follow_the_pattern(qtbot: QtBot, clock: FakeClock) -> None:
    window = make(qtbot, clock)
    window.show_break(incident(clock), pattern="box", reduced_motion=False, tip="tip")
    start = clock.now()
    expected = [
        (0.0, "Breathe in · 4", 0.0),
        (2.0, "Breathe in · 2", 0.5),
        (5.0, "Hold · 3", 1.0),
        (9.0, "Breathe out · 3", None),
        (13.0, "Hold · 3", 0.0),
    ]
    for seconds, label, size in expected:
        window.render_at(start + timedelta(seconds=seconds))
        assert window.cue.text() == label
        if size is not None:
            assert abs(window.view.shape_size - size) < 1e-6
    window.render_at(start + timedelta(seconds=2))
    small = window.view.radius()
    window.render_at(start + timedelta(seconds=5))
    assert window.view.radius() > small  # the drawn disc really grows


def test_countdown_and_header(qtbot: QtBot, clock: FakeClock) -> None:
    window = make(qtbot, clock)
    window.show_break(incident(clock), pattern="478", reduced_motion=False, tip="Drink some water.")
    assert window.countdown.text() == "3:00 left"
    assert window.subtitle.text() == "Acme · rough 7/10"
    assert window.tip.text() == "Drink some water."
    assert window.positive_card.isHidden()
    window.render_at(clock.now() + timedelta(seconds=61.5))
    assert window.countdown.text() == "1:59 left"
    assert format_left(-3) == "0:00 left"


def test_a_past_positive_is_shown_in_our_words(qtbot: QtBot, clock: FakeClock) -> None:
    window = make(qtbot, clock)
    window.show_break(
        incident(clock), pattern="box", reduced_motion=False, tip="t", positive="Booked a demo"
    )
    assert not window.positive_card.isHidden()
    assert "Booked a demo" in window.positive.text()


def test_reduced_motion_shows_text_and_a_counter(qtbot: QtBot, clock: FakeClock) -> None:
    window = make(qtbot, clock)
    window.show_break(incident(clock), pattern="box", reduced_motion=True, tip="t")
    window.show()
    window.render_at(clock.now() + timedelta(seconds=5))
    assert window.view.isHidden() and window.counter.isVisible()
    assert window.cue.text() == "Hold" and window.counter.text() == "3"
    assert window.ticker.interval_ms >= 250  # no 30 fps redraws for a counter


def test_animation_runs_only_while_visible(qtbot: QtBot, clock: FakeClock) -> None:
    window = make(qtbot, clock)
    window.show_break(incident(clock), pattern="box", reduced_motion=False, tip="t")
    assert not window.ticker.active
    window.show()
    qtbot.waitExposed(window)
    assert window.ticker.active and window.ticker.interval_ms <= 34
    window.hide()
    assert not window.ticker.active


def test_buttons_and_closing_ask_the_loop(qtbot: QtBot, clock: FakeClock) -> None:
    window = make(qtbot, clock)
    window.show_break(incident(clock), pattern="box", reduced_motion=False, tip="t")
    window.show()
    with qtbot.waitSignal(window.add_minute_requested):
        window.more_button.click()
    with qtbot.waitSignal(window.end_requested):
        window.end_button.click()
    with qtbot.waitSignal(window.end_requested):
        window.close()
    assert window.isVisible()  # closing hands the decision to the loop


def test_choosing_a_pattern_is_forwarded(qtbot: QtBot, clock: FakeClock) -> None:
    window = make(qtbot, clock)
    window.show_break(incident(clock), pattern="box", reduced_motion=False, tip="t")
    with qtbot.waitSignal(window.pattern_chosen) as blocker:
        window.pattern_box.activated.emit(window.pattern_box.findData("coherent"))
    assert blocker.args == ["coherent"]


def test_the_break_says_rough_the_way_the_flag_does_in_every_language(
    qtbot: QtBot, clock: FakeClock
) -> None:
    """The break's score runs 0 = fine to 10 = awful, the note's mood the other way: the
    break names its scale "rough" (as `flag --rough` and "Rough one?" do), never "felt"."""
    window = make(qtbot, clock)
    expected = {"en": "rough 7/10", "de": "hart: 7/10", "es": "dureza: 7/10"}
    expected |= {"fr": "dureté\u00a0: 7/10", "pt_BR": "peso: 7/10"}
    try:
        for code, words in expected.items():
            i18n.set_language(code)
            window.show_break(incident(clock), pattern="box", reduced_motion=False, tip="")
            assert window.subtitle.text() == f"Acme · {words}"
    finally:
        i18n.set_language("en")
