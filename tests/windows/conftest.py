"""The Windows backends against Windows itself: run by `make test-windows`, where the tests
are a Windows program (Windows CPython under Wine). Elsewhere every test here is skipped."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import FakeClock
from resilience_app.core.settings import Settings
from resilience_app.storage.settings_file import save_settings
from resilience_app.storage.store import Store

WINDOWS_ONLY = pytest.mark.skipif(
    sys.platform != "win32", reason="Windows backends: `make test-windows` runs them under Wine"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/windows/" in item.nodeid.replace("\\", "/"):
            item.add_marker(WINDOWS_ONLY)


@pytest.fixture
def service_parts(
    store: Store, settings: Settings, clock: FakeClock, data_dir: Path, notifier: NotifierChain
) -> dict[str, Any]:
    """What the application service is built from, for a test that adds a real backend."""
    return {
        "store": store,
        "settings": settings,
        "clock": clock,
        "notifier": notifier,
        "save_settings": lambda values: save_settings(data_dir, values),
        "rng": random.Random(7),
    }
