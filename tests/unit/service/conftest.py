"""Fixtures the service's tests share: a desktop channel that keeps what it shows, and a
recorder of the service's events."""

from __future__ import annotations

import pytest

from resilience_app.adapters.notify import NotifierChain
from resilience_app.service import Service
from tests.unit.service.helpers import Channel, Recorder


@pytest.fixture
def desktop(notifier: NotifierChain) -> Channel:
    channel = Channel("desktop")
    notifier.add(channel)
    return channel


@pytest.fixture
def seen(service: Service) -> Recorder:
    return Recorder(service)
