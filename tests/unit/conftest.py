"""Unit tests read English sentences, numbers and dates, whatever the machine's locale."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from resilience_app import i18n


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts and ends in English, and "auto" means English here (a service or
    a command follows `ui.language`, which is "auto" by default)."""
    monkeypatch.setenv("LANGUAGE", "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")
