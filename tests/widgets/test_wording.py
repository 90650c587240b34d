"""What the windows say, word for word (issue 28, item 12): a reason as one sentence, a
key written one way, titles that name the app once, minutes without ".00", drop-downs that
show every choice, counts and quotes where they belong, empty lists that say so, buttons
that only act on something chosen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from resilience_app import i18n
from resilience_app.core import outcomes, report, texts
from resilience_app.core.clock import FakeClock
from resilience_app.core.kinds import LossReason
from resilience_app.service import Service
from resilience_app.ui import keys, language
from resilience_app.ui.break_window import BreakWindow
from resilience_app.ui.journal_window import JournalWindow
from resilience_app.ui.presenters.settings import calls_status
from resilience_app.ui.reflection_form import ReflectionForm
from resilience_app.ui.settings_window import SettingsWindow
from resilience_app.ui.upcoming_tab import UpcomingTab


class SilentMicrophone:
    """The OS boundary: a microphone that cannot be watched, for the reason given."""

    def __init__(self, problem: str) -> None:
        self.problem = problem

    def start(self, report: Callable[[frozenset[str]], None]) -> None:
        pass

    def stop(self) -> None:
        pass

    def interest(self, needed: bool) -> None:
        pass


@pytest.fixture
def german() -> Iterator[None]:
    i18n.set_language("de")
    language.apply("de")  # Qt's own catalog too: it names the keys ("Strg")
    yield
    i18n.set_language("en")
    language.apply("en")


def test_a_reason_calls_go_unseen_is_one_sentence(service: Service) -> None:
    service.call_desk.microphone = SilentMicrophone(
        "the sound server is not running, so calls are not noticed until it is back"
    )
    assert calls_status(service)[0] == (
        "The sound server is not running, so calls are not noticed until it is back."
    )
    service.set_setting("calls.detect", "off")  # a reason that is a sentence already
    assert calls_status(service)[0] == "Call detection is off in Settings."


def test_a_key_is_written_one_way_in_a_language(
    qtbot: QtBot, service: Service, german: None
) -> None:
    """The key field writes "Strg+Alt+B" in German: so does every text beside it."""
    window = SettingsWindow()
    qtbot.addWidget(window)
    assert keys.native("Ctrl+Alt+B") == "Strg+Alt+B"  # as the key field shows it
    shortcuts = calls_status(service)[1]
    assert "Strg+Alt+B" in shortcuts and "Ctrl" not in shortcuts
    assert keys.native("Ctrl+S") in window.save_button.toolTip()
    assert "Ctrl" not in window.save_button.toolTip()


def test_a_title_names_the_app_once_with_one_dash(qtbot: QtBot, clock: FakeClock) -> None:
    """Qt appends " — Resilience" to a title that does not end with it (on Linux); the
    dash is the language's own, the one its tray tooltip uses."""

    def shown() -> list[str]:
        windows = [BreakWindow(clock.now), ReflectionForm(), JournalWindow(), SettingsWindow()]
        for window in windows:
            qtbot.addWidget(window)
        return [window.windowTitle() for window in windows]

    for title in shown():
        assert title.endswith(" — Resilience") and title.count("Resilience") == 1, title
    i18n.set_language("de")
    try:
        for title in shown():
            assert title.endswith(" – Resilience") and "—" not in title, title
        assert tooltip_dash() == "–"
    finally:
        i18n.set_language("en")


def tooltip_dash() -> str:
    return i18n._("Resilience — {status}").split()[1]


def test_minutes_show_only_the_decimals_they_need(qtbot: QtBot) -> None:
    window = SettingsWindow()
    qtbot.addWidget(window)
    window.break_minutes.setValue(3)
    assert window.break_minutes.text() == "3 min"
    window.break_minutes.setValue(2.5)
    assert window.break_minutes.text() == "2.5 min"
    window.first.setValue(10)
    assert window.first.text() == "10 min"


def test_every_drop_down_opens_with_all_of_its_choices(qtbot: QtBot, clock: FakeClock) -> None:
    windows: list[QWidget] = [SettingsWindow(), ReflectionForm(), JournalWindow()]
    windows.append(BreakWindow(clock.now))
    for window in windows:
        qtbot.addWidget(window)
        if isinstance(window, SettingsWindow):
            window.fit()
        combos = window.findChildren(QComboBox)
        assert combos
        for combo in combos:
            assert combo.maxVisibleItems() >= combo.count(), (type(window).__name__, combo)


def test_the_call_count_shows_on_the_calls_tab_only(qtbot: QtBot) -> None:
    window = JournalWindow()
    qtbot.addWidget(window)
    window.show()
    window.begin_search()
    window.search_finished()
    window.tabs.setCurrentIndex(0)  # Positives
    assert not window.status.isVisible()  # "0 calls" is no count of positives
    window.tabs.setCurrentIndex(1)  # Calls
    assert window.status.isVisible() and window.status.text() == "0 calls"


def test_an_empty_calls_tab_says_why(qtbot: QtBot) -> None:
    window = JournalWindow()
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(1)
    window.begin_search()
    window.search_finished()
    assert window.call_empty.isVisible()
    assert window.call_empty.text().startswith("No tough calls yet.")
    window.call_search.setText("budget")
    window.begin_search()
    assert not window.call_empty.isVisible()
    window.search_finished()
    assert window.call_empty.text() == "No call matches these filters."


def test_upcoming_acts_only_on_a_chosen_follow_up(qtbot: QtBot) -> None:
    tab = UpcomingTab()
    qtbot.addWidget(tab)
    tab.show_items([])
    for button in (tab.done_button, tab.snooze_button, tab.cancel_button, tab.move_button):
        assert not button.isEnabled()


def test_the_same_words_heard_twice_are_one_line() -> None:
    heard = ["Come back in spring", "come back  in spring", "Send the price list"]
    assert outcomes.once_each(heard) == [("Come back in spring", 2), ("Send the price list", 1)]


def empty_report(included: list[report.Choice]) -> report.ManagerReport:
    day = date(2026, 12, 1)
    results = outcomes.follow_up_results([], {}, day, day)
    week = day + timedelta(days=6)
    return report.ManagerReport(day, week, 3, {LossReason.TIMING: 3}, 0, results, included)


def test_the_report_speaks_of_a_choice_below_only_when_there_is_one() -> None:
    text = report.markdown(empty_report([]))
    assert "unless I chose it below" not in text
    assert "nothing I wrote about a call is included." in text
    chosen = report.Choice("lesson:timing:Ask early", "lesson", LossReason.TIMING, "Ask early")
    assert "unless I chose it below" in report.markdown(empty_report([chosen]))


@pytest.mark.parametrize("code", ["en", "de"])
def test_a_loss_reason_has_one_name_in_the_form_the_filter_and_the_charts(
    qtbot: QtBot, code: str
) -> None:
    """Issue 28, item 9: the form said "A need our product doesn't meet", the chart
    "Product gap"; every place now names each reason from the one table."""
    i18n.set_language(code)
    try:
        form, journal = ReflectionForm(), JournalWindow()
        qtbot.addWidget(form)
        qtbot.addWidget(journal)
        chart = [texts.loss_reason(r) for r in LossReason]  # what Insights labels its bars
        in_form = [form.reason.itemText(i) for i in range(form.reason.count())]
        in_filter = [journal.call_reason.itemText(i) for i in range(journal.call_reason.count())]
        assert in_form[1:] == chart and in_filter[1:] == chart
        assert len(set(chart)) == len(chart)
    finally:
        i18n.set_language("en")
