"""Shared fixtures: a fake clock, a fresh data folder and store per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Widget tests run offscreen; end-to-end tests set their own DISPLAY for the app process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.settings import Settings
from resilience_app.storage.store import Store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    s = Store(data_dir)
    yield s
    s.close()


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def loop(store: Store, settings: Settings, clock: FakeClock) -> RecoveryLoop:
    recovery = RecoveryLoop(store, settings, clock)
    recovery.restore()
    return recovery
