"""What every presenter shares: the service, its windows built on first use, and a click's
refusal logged rather than raised."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from resilience_app.core.errors import UserError
from resilience_app.service import Service
from resilience_app.ui import windowing

log = logging.getLogger(__name__)


class BasePresenter:
    """A window's (or an area's) wiring: it renders what the service hands it and forwards
    clicks. Its windows are `cached_property`s, so none exists until first shown."""

    def __init__(self, service: Service, owner: QObject) -> None:
        self.service = service
        self.owner = owner  # the Qt parent of what is not a window (threads, sound)

    def built(self, name: str) -> Any:
        """The window called `name` if it exists yet, else None (never builds it)."""
        return self.__dict__.get(name)

    def hide(self, name: str) -> None:
        window = self.built(name)
        if window is not None:
            window.hide()

    def drop(self, *names: str) -> list[Any]:
        """Forget the windows called `names` that were built (the caller deletes them)."""
        return [w for w in (self.__dict__.pop(n, None) for n in names) if w is not None]

    def visible(self, name: str) -> bool:
        window = self.built(name)
        return window is not None and bool(window.isVisible())


def attempt(action: Callable[[], object]) -> None:
    """Run a click's use case; a refusal is logged (the windows show their own)."""
    try:
        action()
    except UserError as exc:
        log.info("request refused: %s", exc)


def bring_forward(window: QWidget) -> None:
    windowing.bring_forward(window)  # raise and focus where the window system allows it
