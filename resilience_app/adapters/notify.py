"""Desktop notifications through plyer, with an honest check that someone will show them.

plyer on Linux shells out to `notify-send` (or uses dbus-python) and cannot tell whether
a notification server exists, so on Linux we first ask the session bus. `NotifierChain`
holds the fallbacks in order: the desktop's notifications, then (added by the windows, once
they exist) the tray's balloon and a small always-on-top card.
"""

from __future__ import annotations

import logging
import sys
import threading
import warnings
from typing import Protocol

log = logging.getLogger(__name__)
NOTIFICATIONS_SERVICE = "org.freedesktop.Notifications"


class Notifier(Protocol):
    name: str

    def available(self) -> bool: ...

    def send(self, title: str, message: str, *, urgent: bool) -> None: ...


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

    def add(self, channel: Notifier) -> None:
        """A fallback after the channels already there."""
        self.channels.append(channel)

    def available(self) -> bool:
        return any(channel.available() for channel in self.channels)

    def send(self, title: str, message: str, *, urgent: bool) -> str:
        """Returns the name of the channel used, or "none" when nothing could show it."""
        skipped: list[str] = []
        for channel in self.channels:
            if not channel.available():
                skipped.append(channel.name)
                continue
            if skipped:
                self._say_once(f"{', '.join(skipped)} unavailable; using {channel.name}")
            channel.send(title, message, urgent=urgent)
            self.deliveries.append((channel.name, title))
            return channel.name
        # The title may name a call (a follow-up's label): the log says only that one was
        # not shown, never what it said.
        self._say_once("no way to show notifications here; they are not shown")
        log.info("a notification was not shown (%d characters)", len(title) + len(message))
        self.deliveries.append(("none", title))
        return "none"

    def _say_once(self, message: str) -> None:
        if message not in self._degraded:
            self._degraded.add(message)
            log.warning(message)


class NullNotifier:
    """Shows nothing; the fallback of last resort and the default in widget tests."""

    name = "none"

    def available(self) -> bool:
        return False

    def send(self, title: str, message: str, *, urgent: bool) -> None:
        log.info("a notification was not shown: no notifier")


class PlyerNotifier:
    """plyer's notification facade; the call runs on a short-lived thread because
    `notify-send` is a process start, and the GUI must not wait for it."""

    name = "desktop"

    def __init__(self, app_name: str, icon_path: str = "") -> None:
        self.app_name = app_name
        self.icon_path = icon_path
        self._backend: object | None = None

    def available(self) -> bool:
        if sys.platform.startswith("linux"):
            return _linux_server_present()
        return True

    def send(self, title: str, message: str, *, urgent: bool) -> None:
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


def _linux_server_present() -> bool:
    from PySide6.QtDBus import QDBusConnection

    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    interface = bus.interface()
    registered = interface.isServiceRegistered(NOTIFICATIONS_SERVICE)
    if registered.isValid() and registered.value():
        return True
    # Many servers start on demand through D-Bus activation.
    names = interface.activatableServiceNames()
    return bool(names.isValid() and NOTIFICATIONS_SERVICE in (names.value() or []))
