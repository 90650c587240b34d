"""The windows, offscreen, presenting the real service over a real store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.followups import FollowUps
from resilience_app.core.loop import RecoveryLoop
from resilience_app.service import Service
from resilience_app.ui.presenter import Presenter


@pytest.fixture
def loop(service: Service) -> RecoveryLoop:
    """The service's own loop, so what the tests do reaches the windows."""
    return service.loop


@pytest.fixture
def book(service: Service) -> FollowUps:
    return service.followups


@pytest.fixture
def presenter(qtbot: QtBot, service: Service, notifier: NotifierChain) -> Iterator[Presenter]:
    # Offscreen has no tray and no notification server: the real fallbacks take over.
    p = Presenter(service, notifier, tray_available=lambda: False)
    p.start()
    service.start()
    for window in (
        p.breaks.break_window,
        p.notes.form,
        p.breaks.nudge_window,
        p.settings.settings_window,
        p.tray.home,
    ):
        qtbot.addWidget(window)
    yield p
    p.shutdown()
