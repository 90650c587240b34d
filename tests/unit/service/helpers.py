"""Test doubles the service's tests share: a notification channel, a speaker, and a
recorder of what the service announces."""

from __future__ import annotations

from typing import Any

from resilience_app.core.models import Reflection
from resilience_app.service import Service


class Channel:
    """A notification channel (the OS boundary) that remembers what it was asked to show,
    with which tag, and which tags it was asked to take back."""

    def __init__(self, name: str, available: bool = True) -> None:
        self.name = name
        self._available = available
        self.sent: list[tuple[str, str, bool]] = []
        self.tags: list[str] = []  # the tag of each one sent, in order
        self.withdrawn: list[str] = []
        self._showing: dict[str, str] = {}  # tag -> title

    def available(self) -> bool:
        return self._available

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
        self.sent.append((title, message, urgent))
        self.tags.append(tag)
        if tag:
            self._showing.pop(tag, None)
            self._showing[tag] = title

    def withdraw(self, tag: str) -> None:
        self.withdrawn.append(tag)
        self._showing.pop(tag, None)

    def on_screen(self) -> list[str]:
        """The titles of the tagged notifications still shown: a later one with the same
        tag replaces one, a withdraw takes it away."""
        return list(self._showing.values())


class Speaker:
    """The sound boundary: no audio device here, so count what would have played."""

    def __init__(self) -> None:
        self.played = 0

    def play(self) -> bool:
        self.played += 1
        return True


class Recorder:
    """Collects what the service announces, as a window would."""

    def __init__(self, service: Service) -> None:
        self.events: list[tuple[str, Any]] = []
        for name in (
            "phase_changed",
            "break_requested",
            "break_changed",
            "note_requested",
            "card_requested",
            "dialed_recorded",
            "window_requested",
        ):
            getattr(service, name).connect(
                lambda *args, n=name: self.events.append((n, args[0] if len(args) == 1 else args))
            )

    def named(self, name: str) -> list[Any]:
        return [payload for event, payload in self.events if event == name]


def note(*positives: str, **fields: Any) -> Reflection:
    return Reflection(positives=list(positives or ["kept calm"]), **fields)
