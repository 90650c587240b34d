"""Shared fixtures: a fake clock, a fresh data folder, store and service per test."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

# Widget tests run offscreen; end-to-end tests set their own DISPLAY for the app process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.settings import Settings
from resilience_app.service import Service
from resilience_app.storage.settings_file import save_settings
from resilience_app.storage.store import Store


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """New key files with cheap Argon2id parameters (recorded in the file like any other),
    so tests that set many passphrases stay fast. Opening always uses the file's own."""
    from resilience_app.storage import keys

    monkeypatch.setattr(keys, "KDF_TIME_COST", 1)
    monkeypatch.setattr(keys, "KDF_MEMORY_KIB", 8 * 1024)


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


@pytest.fixture
def notifier() -> NotifierChain:
    """No desktop notifications in tests: the windows' own channels take over."""
    return NotifierChain()


@pytest.fixture
def service(
    store: Store, settings: Settings, clock: FakeClock, data_dir: Path, notifier: NotifierChain
) -> Service:
    """The application service over the test's store, with the fake clock."""
    return Service(
        store,
        settings,
        clock,
        notifier=notifier,
        save_settings=lambda values: save_settings(data_dir, values),
        rng=random.Random(7),
    )
