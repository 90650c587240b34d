"""Where no global shortcut can be had, the sentence says why and what to do instead, in
the rep's language at the time it is asked (the language can change while the app runs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from resilience_app import i18n
from resilience_app.adapters import hotkey


@pytest.fixture
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("platform", ["wayland", "offscreen"])
def test_no_shortcut_here_is_said_in_the_language_in_use(
    platform: str, english_after: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hotkey.sys, "platform", "linux")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")  # no portal
    key = hotkey.for_this_system(platform)
    i18n.set_language("en")
    english = key.register("Ctrl+Alt+B", lambda: None)
    assert english is not None and "`resilience flag`" in english
    i18n.set_language("de")
    german = key.register("Ctrl+Alt+B", lambda: None)
    assert german is not None and german != english
    assert "`resilience flag`" in german  # the command itself is not translated
    assert "Bind the command" not in german and "Wayland only" not in german
