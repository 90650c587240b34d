"""The settings window: what the rep chose, what the app sees of calls, the lock's state."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from resilience_app.core.errors import UserError
from resilience_app.i18n import _
from resilience_app.service import Service
from resilience_app.service.calls import app_label
from resilience_app.ui import keys
from resilience_app.ui.presenters.base import BasePresenter, bring_forward

if TYPE_CHECKING:
    from resilience_app.ui.settings_window import SettingsWindow


def calls_status(service: Service) -> tuple[str, str]:
    """The settings window's two parts: what the app sees, and the shortcuts (a line each)."""
    problem = service.detection_problem
    users = service.calls.microphone_users
    if problem:
        seen = _sentence(problem)  # each reason says that calls go unseen, and why
    elif users:
        seen = _("Microphone in use by: {apps}").format(apps=", ".join(map(app_label, users)))
    else:
        seen = _("Microphone not in use. Calls are noticed when a dialer uses it.")
    shortcut = _key_line(
        str(service.setting("hotkey.flag")),
        service.hotkey_problem,
        _("No global shortcut."),
        # Translators: {key} is a key combination ("Ctrl+Alt+B").
        _("{key} flags a call from anywhere."),
    )
    dialing = _key_line(
        str(service.setting("hotkey.dial")),
        service.dial_key_problem,
        # Translators: “I'm dialing” is the button of the break window and the nudge.
        _("No global shortcut for “I'm dialing”."),
        # Translators: {key} is a key combination ("Ctrl+Alt+N"); “I'm dialing” is the
        # button of the break window and the nudge.
        _("{key} says “I'm dialing” from anywhere."),
    )
    return seen, f"{shortcut}\n{dialing}"


def _key_line(setting: str, problem: str | None, none: str, works: str) -> str:
    """One global key's line: off, not available (and why), or what it does."""
    key = keys.native(setting)  # as the key field writes it
    if not key:
        return none
    if problem:
        return _("{key} is not available: {problem}").format(key=key, problem=problem)
    return works.format(key=key)


def _sentence(text: str) -> str:
    """A reason as a sentence of its own: a capital first and a full stop at the end (the
    reasons are written to follow a colon, some already as whole sentences)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


class SettingsPresenter(BasePresenter):
    """Loads the settings into their window and hands the rep's changes to the service."""

    def __init__(
        self, service: Service, owner: QObject, *, ask_passphrase: Callable[[str], None]
    ) -> None:
        super().__init__(service, owner)
        self._ask_passphrase = ask_passphrase  # set, change or remove the passphrase

    @cached_property
    def settings_window(self) -> SettingsWindow:
        from resilience_app.ui.settings_window import SettingsWindow

        window = SettingsWindow()
        window.apply_requested.connect(self._apply)
        window.passphrase_requested.connect(self._ask_passphrase)
        window.not_a_call_requested.connect(self._not_a_call)
        return window

    def open(self) -> None:
        window = self.settings_window
        window.load(self.service.setting_values())
        window.show_calls(*calls_status(self.service), self.service.apps_seen())
        self.show_lock()
        if not window.isVisible():
            window.fit()
        window.show()
        bring_forward(window)

    def calls_changed(self) -> None:
        if self.visible("settings_window"):
            window = self.settings_window
            window.show_calls(*calls_status(self.service), self.service.apps_seen())

    def _not_a_call(self, name: str) -> None:
        window = self.settings_window
        try:
            self.service.not_a_call(name)
        except UserError as exc:
            window.show_result(exc.message)
            return
        # Added to what the field holds (the rep may have typed there, not saved yet).
        typed = [n.strip() for n in window.ignore_apps.text().split(",") if n.strip()]
        saved = [n.strip() for n in str(self.service.setting("calls.ignore_apps")).split(",")]
        window.ignore_apps.setText(", ".join(dict.fromkeys([*typed, *[n for n in saved if n]])))
        window.show_calls(*calls_status(self.service), self.service.apps_seen())

    def show_lock(self) -> None:
        window = self.built("settings_window")
        if window is not None:
            service = self.service
            window.show_lock(service.protected, service.locked, service.keyring_problem)

    def _apply(self, values: dict[str, Any]) -> None:
        try:
            self.service.update_settings(values)
        except UserError as exc:
            self.settings_window.show_result(exc.message)
            return
        self.settings_window.show_result(None)

    # -- restyle, a new language, quit ----------------------------------------------------

    def windows(self) -> list[Any]:
        return [w for w in (self.built("settings_window"),) if w is not None]

    def forget(self) -> Callable[[], None]:
        """Drop the window for a new language; the callable opens it again."""
        shown = self.visible("settings_window")
        for window in self.drop("settings_window"):
            window.hide()
            window.deleteLater()
        return self.open if shown else lambda: None
