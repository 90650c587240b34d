"""Notification channels in order, and plyer's for the systems other than Linux.

`NotifierChain` holds the fallbacks in order: the desktop's notifications (on Linux
`DBusNotifier` in `desktop_notify`, which keeps their ids; elsewhere plyer), then (added by
the windows, once they exist) the tray's balloon and a small always-on-top card. Each
notification may carry a *tag* ("nudge", "followup:<id>"); `withdraw(tag)` takes it back
from the channels that sent it, those that can.
"""

from __future__ import annotations

import logging
import sys
import threading
import warnings
from typing import Protocol

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """One channel. One that can take back what it showed also has `withdraw(tag)`."""

    name: str

    def available(self) -> bool: ...

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None: ...


class NotifierChain:
    """Sends through the first channel that works here and says which one it was.

    A channel that is missing (no notification server, no tray) is skipped; the first
    time that changes the channel used, the log says so once.
    """

    name = "chain"

    def __init__(self, channels: list[Notifier] | None = None) -> None:
        self.channels: list[Notifier] = list(channels or [])
        self.deliveries: list[tuple[str, str]] = []  # (channel, title), newest last
        self._degraded: set[str] = set()
        self._shown: dict[str, list[Notifier]] = {}  # tag -> the channels that showed it

    def add(self, channel: Notifier) -> None:
        """A fallback after the channels already there."""
        self.channels.append(channel)

    def available(self) -> bool:
        return any(channel.available() for channel in self.channels)

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> str:
        """Returns the name of the channel used, or "none" when nothing could show it.
        `tag` names it for `withdraw` (and a channel may show it in place of the last one
        with the same tag)."""
        skipped: list[str] = []
        for channel in self.channels:
            if not channel.available():
                skipped.append(channel.name)
                continue
            if skipped:
                self._say_once(f"{', '.join(skipped)} unavailable; using {channel.name}")
            channel.send(title, message, urgent=urgent, tag=tag)
            self.deliveries.append((channel.name, title))
            if tag:
                shown = self._shown.setdefault(tag, [])
                if channel not in shown:
                    shown.append(channel)
            return channel.name
        # The title may name a call (a follow-up's label): the log says only that one was
        # not shown, never what it said.
        self._say_once("no way to show notifications here; they are not shown")
        log.info("a notification was not shown (%d characters)", len(title) + len(message))
        self.deliveries.append(("none", title))
        return "none"

    def withdraw(self, tag: str) -> None:
        """Take back what was sent with `tag`, from every channel that showed it and can
        (the tray's balloon cannot; it goes by itself)."""
        for channel in self._shown.pop(tag, []):
            withdraw = getattr(channel, "withdraw", None)
            if withdraw is not None:
                withdraw(tag)

    def _say_once(self, message: str) -> None:
        if message not in self._degraded:
            self._degraded.add(message)
            log.warning(message)


class NullNotifier:
    """Shows nothing; the fallback of last resort and the default in widget tests."""

    name = "none"

    def available(self) -> bool:
        return False

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
        log.info("a notification was not shown: no notifier")


class PlyerNotifier:
    """plyer's notification facade (Windows, macOS; on Linux `DBusNotifier` is used). The
    call runs on a short-lived thread because a backend may start a process or sleep, and
    the GUI must not wait for it.

    Nothing sent this way can be taken back (no `withdraw`): plyer keeps no ids. On Windows
    its balloon removes itself after `timeout` seconds, so a nudge is short-lived there."""

    name = "desktop"

    def __init__(self, app_name: str, icon_path: str = "") -> None:
        self.app_name = app_name
        self.icon_path = icon_path
        self._backend: object | None = None

    def available(self) -> bool:
        if sys.platform.startswith("linux"):
            from resilience_app.adapters.desktop_notify import linux_server_present

            return linux_server_present()
        return True

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
        backend = self._load()
        kwargs = {
            "title": title,
            "message": message,
            "app_name": self.app_name,
            "app_icon": self.icon_path,
            "timeout": 60 if urgent else 20,
        }
        threading.Thread(target=self._send, args=(backend, kwargs), daemon=True).start()

    def _load(self) -> object:
        if self._backend is None:
            # plyer warns (as a Python warning) when dbus-python is missing and it falls back
            # to notify-send; that is the path we expect, not a problem worth a warning.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from plyer import notification

                bool(notification)  # makes plyer pick its platform backend now
            self._backend = notification
        return self._backend

    @staticmethod
    def _send(backend: object, kwargs: dict[str, object]) -> None:
        try:
            backend.notify(**kwargs)  # type: ignore[attr-defined]
        except Exception:
            log.exception("plyer could not show a notification")


def for_this_system(app_name: str, icon_path: str = "") -> Notifier:
    """The desktop's own notifications: over the session bus on Linux (their ids kept, so
    a nudge can be taken back), plyer's backend elsewhere."""
    if sys.platform.startswith("linux"):
        from resilience_app.adapters.desktop_notify import DBusNotifier

        return DBusNotifier(app_name, icon_path)
    return PlyerNotifier(app_name, icon_path)
