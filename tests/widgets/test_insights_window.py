"""The Insights window draws exactly what the pure functions compute."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.core import insights, texts
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import LossReason
from resilience_app.service import Service
from resilience_app.ui.presenter import Presenter
from tests.demo import generate

NOW = datetime(2026, 11, 24, 18, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def presenter(presenter: Presenter, service: Service) -> Presenter:
    incidents, nudges = generate(NOW, 120)
    service.store.add_many(incidents, nudges)
    return presenter


def expected(presenter: Presenter, days: int) -> insights.Insights:
    today = NOW.astimezone().date()
    incidents = presenter.service.store.incidents()
    first = today - timedelta(days=days - 1)
    return insights.summarize(incidents, first, today, NOW)


def test_charts_show_the_computed_figures(presenter: Presenter, qtbot: QtBot) -> None:
    presenter.insights.open()
    window = presenter.insights.insights_window
    qtbot.addWidget(window)
    want = expected(presenter, 84)
    assert window.per_time.values["calls"] == [n for _, n in want.per_week]
    assert window.per_time.chart().title() == "Tough calls per week"
    # The hour chart shows the working day, widened to every hour that had a call.
    shown = window.hours.values["calls"]
    assert sum(shown) == sum(want.by_hour) and max(shown) == max(want.by_hour)
    assert window.hours.categories[0] == "8"
    assert window.weekdays.values["calls"] == want.by_weekday
    assert window.weekdays.categories == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert window.reasons.values["notes"] == list(want.loss_reasons.values())
    assert window.reasons.categories == [texts.loss_reason(r) for r in LossReason]  # the form's
    assert window.dial.values["median minutes"] == [w.median_minutes for w in want.dial_weeks]
    assert window.mood.values["after the note"] == [m.after for m in want.mood_weeks]
    assert sum(window.per_time.values["calls"]) == want.total > 20
    assert want.highlights
    for line in want.highlights:
        assert html.escape(line) in window.highlights.text()
    assert "Lead with value before price" in window.lessons.text()


def test_a_short_period_switches_to_days(presenter: Presenter, qtbot: QtBot) -> None:
    presenter.insights.open()
    window = presenter.insights.insights_window
    qtbot.addWidget(window)
    window.period.setCurrentIndex(0)  # last 4 weeks
    want = expected(presenter, 28)
    assert window.per_time.chart().title() == "Tough calls per day"
    assert window.per_time.values["calls"] == [n for _, n in want.per_day]
    assert len(window.per_time.categories) == 28


def test_an_empty_record_says_so_kindly(presenter: Presenter, qtbot: QtBot) -> None:
    for incident in presenter.service.store.incidents():
        presenter.service.delete_call(incident.id)
    presenter.insights.open()
    window = presenter.insights.insights_window
    qtbot.addWidget(window)
    assert "0 tough calls in this period" in window.highlights.text()
    assert "No lessons written" in window.lessons.text()
    assert window.reasons.values["notes"] == [0] * len(LossReason)


def test_weekly_look_back_tells_and_opens_insights(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    service.set_setting("lookback.enabled", "on")
    clock.advance(minutes=60 * 24 * 7)
    service.tick()
    qtbot.addWidget(presenter.insights.insights_window)
    assert presenter.insights.insights_window.isVisible()
    assert presenter.deliveries[-1] == ("window", "Your week in calls")


def test_dark_theme_charts_and_windows(presenter: Presenter, qtbot: QtBot) -> None:
    from resilience_app.ui import style

    presenter.service.set_setting("ui.theme", "dark")
    try:
        presenter.insights.open()
        window = presenter.insights.insights_window
        qtbot.addWidget(window)
        background = window.hours.chart().backgroundBrush().color().name()
        assert background == style.DARK.card
        assert style.DARK.background in window.styleSheet()
        assert style.DARK.background in presenter.breaks.break_window.styleSheet()
    finally:
        presenter.service.set_setting("ui.theme", "light")
    assert (
        presenter.insights.insights_window.hours.chart().backgroundBrush().color().name()
        == style.LIGHT.card
    )


def test_settings_window_covers_theme_and_look_back(presenter: Presenter) -> None:
    presenter.settings.open()
    window = presenter.settings.settings_window
    window.lookback.setChecked(True)
    window.lookback_day.setCurrentIndex(window.lookback_day.findData("mon"))
    window.theme.setCurrentIndex(window.theme.findData("light"))
    window.save_button.click()
    assert presenter.service.setting("lookback.enabled") is True
    assert presenter.service.setting("lookback.day") == "mon"
    assert presenter.service.setting("lookback.time") == "16:30"
