"""A sentence found in one language (the microphone cannot be read, a shortcut is not to
be had) is shown in the language in use when it is shown: switched while the app runs,
Settings → Calls speaks the new language through and through."""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from resilience_app import i18n
from resilience_app.adapters import hotkey
from resilience_app.adapters.microphone import PollingMicrophone
from resilience_app.adapters.notify import NotifierChain
from resilience_app.i18n import N_
from resilience_app.service import Service
from resilience_app.ui.presenter import Presenter
from resilience_app.ui.presenters.settings import _sentence

NO_DISPLAY = N_("No global shortcut on this display ({platform}).")


def unreadable() -> frozenset[str]:
    raise OSError("denied")


def started(service: Service, notifier: NotifierChain) -> Iterator[Presenter]:
    """A presenter of its own: a new language builds its windows again, so no fixture may
    hold on to the old ones."""
    own = Presenter(service, notifier, tray_available=lambda: False)
    own.start()
    service.start()
    yield own
    own.shutdown()
    if own.tray.home is not None:
        own.tray.home.deleteLater()
    i18n.set_language("en")


@pytest.fixture
def german(service: Service, notifier: NotifierChain) -> Iterator[Presenter]:
    """The app in German, its microphone settings unreadable and no global shortcut here:
    both found while German was in use."""
    service.call_desk.microphone = PollingMicrophone(unreadable)
    service.call_desk.global_key = hotkey.NullGlobalKey(NO_DISPLAY, platform="offscreen")
    service.set_setting("ui.language", "de")
    yield from started(service, notifier)


@pytest.fixture
def english(service: Service, notifier: NotifierChain) -> Iterator[Presenter]:
    yield from started(service, notifier)


@pytest.fixture
def listening(service: Service, notifier: NotifierChain) -> Iterator[Presenter]:
    """The app in English, its microphone watched (nobody on it yet)."""
    service.call_desk.microphone = PollingMicrophone(frozenset)
    yield from started(service, notifier)


def said_in(code: str) -> tuple[str, str]:
    """The problem and the key's line as they read in `code` (from its catalog, the app's
    language untouched)."""
    say = gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=[code]).gettext
    problem = say("the microphone settings could not be read ({reason})").format(reason="denied")
    seen = _sentence(problem)  # as Settings shows a reason: a sentence of its own
    return seen, say(NO_DISPLAY).format(platform="offscreen")


def test_settings_calls_line_is_all_in_the_language_switched_to(
    german: Presenter, service: Service, qtbot: QtBot
) -> None:
    de_seen, de_why = said_in("de")
    fr_seen, fr_why = said_in("fr")
    german.settings.open()
    text = german.settings.settings_window.calls_status.text()
    assert de_seen in text and de_why in text
    old = german.settings.settings_window
    service.set_setting("ui.language", "fr")  # no restart
    qtbot.waitUntil(lambda: german.settings.built("settings_window") is not old)
    window = german.settings.settings_window
    qtbot.addWidget(window)
    text = window.calls_status.text()
    assert fr_seen in text and fr_why in text
    assert "Mikrofon" not in text and "Tastenkürzel" not in text and "Anzeige" not in text
    assert "Bind the command" not in text  # nor the English it was written in
    assert service.status()["call_detection"].casefold() in fr_seen.casefold()  # status too


@pytest.mark.usefixtures("fast_kdf")
def test_the_unlock_question_on_screen_is_asked_again_in_the_new_language(
    english: Presenter, service: Service, qtbot: QtBot
) -> None:
    presenter = english
    service.set_passphrase("correct horse battery")
    service.lock()
    presenter.journal.open()
    old = presenter.lock.dialogs["unlock"]
    assert old.isVisible() and old.reason.text() == "Type your passphrase to read it."
    say = gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=["fr"]).gettext
    service.set_setting("ui.language", "fr")
    qtbot.waitUntil(lambda: presenter.lock.dialogs.get("unlock") not in (None, old))
    dialog = presenter.lock.dialogs["unlock"]
    assert dialog.isVisible()
    assert dialog.reason.text() == say("Type your passphrase to read it.")
    assert dialog.reason.text() != "Type your passphrase to read it."
    service.unlock("correct horse battery")  # what waited still waits, and opens
    assert not dialog.isVisible()
    assert presenter.journal.journal_window.isVisible()


def test_an_app_that_gives_no_name_is_named_in_the_language_switched_to(
    listening: Presenter, service: Service, qtbot: QtBot
) -> None:
    from types import SimpleNamespace

    from resilience_app.adapters.microphone import stream_use

    service.set_setting("ui.language", "de")
    qtbot.wait(10)  # the windows are built again after the click that asked
    unnamed = stream_use(SimpleNamespace(proplist={}, name=""), playing=False)  # seen in German
    service.call_desk.microphone_used_by(frozenset({unnamed}))
    service.set_setting("ui.language", "fr")
    qtbot.wait(10)
    listening.settings.open()
    window = listening.settings.settings_window
    say = gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=["fr"]).gettext
    in_french = say("an application")
    assert window.calls_status.text().startswith(
        say("Microphone in use by: {apps}").format(apps=in_french)
    )
    listed = " ".join(label.text() for label in window.apps_seen.findChildren(QLabel))
    assert in_french in listed and "App" not in listed  # German "einer App" is gone
    assert service.status()["microphone_in_use_by"] == [in_french]
