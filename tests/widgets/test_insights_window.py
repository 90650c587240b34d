"""The Insights window draws exactly what the pure functions compute."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.adapters.notify import NullNotifier
from resilience_app.core import insights
from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import LossReason
from resilience_app.core.settings import Settings
from resilience_app.demo import generate
from resilience_app.storage.store import Store
from resilience_app.ui.shell import Shell

NOW = datetime(2026, 11, 24, 18, tzinfo=UTC)


@pytest.fixture
def shell(qtbot: QtBot, data_dir, settings: Settings) -> Iterator[Shell]:  # type: ignore[no-untyped-def]
    store = Store(data_dir)
    incidents, nudges = generate(NOW, 120)
    store.add_many(incidents, nudges)
    clock = FakeClock(NOW)
    loop = RecoveryLoop(store, settings, clock)
    loop.restore()
    s = Shell(loop, settings, NullNotifier(), tray_available=lambda: False)
    s.start()
    qtbot.addWidget(s.home)
    yield s
    s.shutdown()


def expected(shell: Shell, days: int) -> insights.Insights:
    today = NOW.astimezone().date()
    incidents = shell.loop.store.incidents()
    first = today - timedelta(days=days - 1)
    return insights.summarize(incidents, first, today, NOW)


def test_charts_show_the_computed_figures(shell: Shell, qtbot: QtBot) -> None:
    shell.open_insights()
    window = shell.insights_window
    qtbot.addWidget(window)
    want = expected(shell, 84)
    assert window.per_time.values["calls"] == [n for _, n in want.per_week]
    assert window.per_time.chart().title() == "Tough calls per week"
    # The hour chart shows the working day, widened to every hour that had a call.
    shown = window.hours.values["calls"]
    assert sum(shown) == sum(want.by_hour) and max(shown) == max(want.by_hour)
    assert window.hours.categories[0] == "8"
    assert window.weekdays.values["calls"] == want.by_weekday
    assert window.weekdays.categories == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert window.reasons.values["notes"] == list(want.loss_reasons.values())
    assert window.reasons.categories == [
        "My approach",
        "Product gap",
        "Price, terms",
        "Timing",
        "Their behaviour",
        "Other",
    ]
    assert window.dial.values["median minutes"] == [w.median_minutes for w in want.dial_weeks]
    assert window.mood.values["after the note"] == [m.after for m in want.mood_weeks]
    assert sum(window.per_time.values["calls"]) == want.total > 20
    assert want.highlights
    for line in want.highlights:
        assert html.escape(line) in window.highlights.text()
    assert "Lead with value before price" in window.lessons.text()


def test_a_short_period_switches_to_days(shell: Shell, qtbot: QtBot) -> None:
    shell.open_insights()
    window = shell.insights_window
    qtbot.addWidget(window)
    window.period.setCurrentIndex(0)  # last 4 weeks
    want = expected(shell, 28)
    assert window.per_time.chart().title() == "Tough calls per day"
    assert window.per_time.values["calls"] == [n for _, n in want.per_day]
    assert len(window.per_time.categories) == 28


def test_an_empty_record_says_so_kindly(qtbot: QtBot, tmp_path, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    loop = RecoveryLoop(Store(tmp_path / "empty"), settings, FakeClock(NOW))
    loop.restore()
    shell = Shell(loop, settings, NullNotifier(), tray_available=lambda: False)
    shell.start()
    qtbot.addWidget(shell.home)
    shell.open_insights()
    window = shell.insights_window
    qtbot.addWidget(window)
    assert "0 tough calls in this period" in window.highlights.text()
    assert "No lessons written" in window.lessons.text()
    assert window.reasons.values["notes"] == [0] * len(LossReason)
    shell.shutdown()


def test_weekly_look_back_tells_and_opens_insights(shell: Shell, qtbot: QtBot) -> None:
    shell.weekly_look_back()
    qtbot.addWidget(shell.insights_window)
    assert shell.insights_window.isVisible()
    assert shell.deliveries[-1] == ("window", "Your week in calls")


def test_dark_theme_charts_and_windows(shell: Shell, qtbot: QtBot) -> None:
    from resilience_app.ui import style

    shell.settings.set("ui.theme", "dark")
    try:
        shell.open_insights()
        window = shell.insights_window
        qtbot.addWidget(window)
        background = window.hours.chart().backgroundBrush().color().name()
        assert background == style.DARK.card
        assert style.DARK.background in window.styleSheet()
        assert style.DARK.background in shell.break_window.styleSheet()
    finally:
        shell.settings.set("ui.theme", "light")
    assert shell.insights_window.hours.chart().backgroundBrush().color().name() == style.LIGHT.card


def test_settings_window_covers_theme_and_look_back(shell: Shell) -> None:
    shell.open_settings()
    window = shell.settings_window
    window.lookback.setChecked(True)
    window.lookback_day.setCurrentIndex(window.lookback_day.findData("mon"))
    window.theme.setCurrentIndex(window.theme.findData("light"))
    window.save_button.click()
    assert shell.settings.get("lookback.enabled") is True
    assert shell.settings.get("lookback.day") == "mon"
    assert shell.settings.get("lookback.time") == "16:30"
