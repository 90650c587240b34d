"""Every text on screen comes from the catalog, and a new language applies without a
restart. A pseudo-language wraps each translated string in ⟦ ⟧, so any text without the
brackets on screen was never marked (or was glued together from pieces)."""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from resilience_app import i18n
from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import Reflection
from resilience_app.service import Service
from resilience_app.ui.presenter import Presenter


class Pseudo(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"

    def pgettext(self, context: str, message: str) -> str:
        return f"⟦{message}⟧"


@pytest.fixture
def presenter(service: Service, notifier: NotifierChain) -> Iterator[Presenter]:
    """A presenter of its own: a new language builds its windows again, so no fixture may
    hold on to the old ones."""
    own = Presenter(service, notifier, tray_available=lambda: False)
    own.start()
    service.start()
    yield own
    own.shutdown()
    if own.tray.home is not None:
        own.tray.home.deleteLater()


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any language the app asks for is the pseudo-language (German formats)."""
    monkeypatch.setattr(i18n.gettext, "translation", lambda *args, **kwargs: Pseudo())
    yield
    i18n.set_language("en")


# Texts that are data, not language: what the rep wrote, numbers, times, names of languages.
DATA = {
    "ACME",
    "it went badly",
    "PAST-POSITIVE",
    "Nice lead",
    "Resilience",  # the app's name
    *i18n.LANGUAGES.values(),
}


def _is_data(text: str) -> bool:
    stripped = text.strip()
    return (
        not stripped
        or stripped in DATA
        or not any(c.isalpha() for c in stripped)
        or any(data in stripped for data in DATA - set(i18n.LANGUAGES.values()))
    )


def texts_of(window: QWidget) -> list[str]:
    found = [window.windowTitle()]
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisibleTo(window) and widget is not window:
            continue
        found.append(widget.toolTip())
        if isinstance(widget, QLabel | QAbstractButton):
            found.append(widget.text())
        elif isinstance(widget, QGroupBox):
            found.append(widget.title())
        elif isinstance(widget, QComboBox):
            found += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QLineEdit | QPlainTextEdit):
            found.append(widget.placeholderText())
        elif isinstance(widget, QTabWidget):
            found += [widget.tabText(i) for i in range(widget.count())]
    return found


def untranslated(window: QWidget) -> list[str]:
    return sorted({t for t in texts_of(window) if t and not _is_data(t) and "⟦" not in t})


def test_every_window_speaks_the_catalog(
    pseudo: None, presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    service.set_setting("ui.language", "de")
    qtbot.wait(10)
    incident = service.flag("ACME", 8).incident
    windows: list[QWidget] = [presenter.breaks.break_window]
    clock.advance(minutes=3)
    service.tick()
    presenter.notes.form.followup_toggle.setChecked(True)
    windows.append(presenter.notes.form)
    service.save_note(incident.id, Reflection("it went badly", positives=["PAST-POSITIVE"]))
    service.add_positive("Nice lead")
    presenter.journal.open()
    presenter.insights.open()
    presenter.settings.open()
    said = service.playbook.add("ACME asked why", answer="ACME answer")
    presenter.breaks.show_card("⟦x⟧", "⟦y⟧", said)
    presenter.breaks.flag_offer.offer()
    presenter.lock.ask_passphrase("set")
    windows += [
        presenter.journal.journal_window,
        presenter.insights.insights_window,
        presenter.settings.settings_window,
        presenter.breaks.nudge_window,
        presenter.breaks.flag_offer,
        presenter.lock.dialogs["set"],
    ]
    assert presenter.tray.home is not None
    windows.append(presenter.tray.home)
    for tab in range(3):
        presenter.journal.journal_window.tabs.setCurrentIndex(tab)
        assert untranslated(presenter.journal.journal_window) == []
    problems = {w.objectName() or type(w).__name__: untranslated(w) for w in windows}
    assert {k: v for k, v in problems.items() if v} == {}


def test_a_new_language_applies_without_a_restart(
    pseudo: None, presenter: Presenter, qtbot: QtBot
) -> None:
    presenter.settings.open()
    assert "⟦" not in presenter.settings.settings_window.windowTitle()
    presenter.settings.settings_window.language.setCurrentIndex(
        presenter.settings.settings_window.language.findData("fr")
    )
    presenter.settings.settings_window.save_button.click()
    qtbot.waitUntil(lambda: "⟦" in presenter.settings.settings_window.windowTitle())
    assert presenter.settings.settings_window.isVisible()  # rebuilt, still open
    assert presenter.tray.home is not None and "⟦" in presenter.tray.home.flag_button.text()
    assert i18n.language() == "fr"
