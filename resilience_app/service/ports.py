"""The ports: what the service asks of the outside world, as Protocols.

The adapters (a notifier chain, a sound, the microphone watch, the keyring, the global
shortcut) satisfy these; tests hand in fakes of the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from resilience_app.i18n import Message


class Notifier(Protocol):
    """Shows a notification through the first channel that works; `tag` names it so that
    `withdraw(tag)` can take it back where the channel can ("nudge", "followup:<id>")."""

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> str: ...

    def withdraw(self, tag: str) -> None: ...


class Sound(Protocol):
    def play(self) -> bool: ...


class Microphone(Protocol):
    """Which applications use the microphone (never what they hear)."""

    @property
    def problem(self) -> Message | None:
        """Why the microphone cannot be watched here (translated when shown), or None."""
        ...

    def start(self, report: Callable[[frozenset[str]], None]) -> None: ...

    def stop(self) -> None: ...

    def interest(self, needed: bool) -> None:
        """Whether a call would change anything now (a backend that polls can rest)."""
        ...


class Vault(Protocol):
    """Where "remember on this computer" keeps the key (the desktop's keyring)."""

    @property
    def problem(self) -> str | None:
        """Why nothing can be kept here (no keyring on this desktop), or None."""
        ...

    def save(self, account: str, secret: bytes) -> str | None: ...

    def load(self, account: str) -> bytes | None: ...

    def forget(self, account: str) -> None: ...


class GlobalKey(Protocol):
    """A shortcut that works with any app in front."""

    def register(self, shortcut: str, pressed: Callable[[], None]) -> Message | None:
        """None when registered, else a sentence saying why not (translated when shown)."""
        ...

    def unregister(self) -> None: ...


@runtime_checkable
class AnswersLater(Protocol):
    """A GlobalKey whose desktop answers after `register` returned (the Wayland portal may
    ask the rep in a dialog first): it calls `problem_found` with the sentence saying why
    the key is not there after all (`CallDesk` sets it before registering)."""

    problem_found: Callable[[Message | None], None] | None
