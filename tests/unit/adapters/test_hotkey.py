"""Where no global shortcut can be had, the sentence says why and what to do instead, kept
as written and shown in the rep's language at the time it is shown (the language can change
while the app runs, after the key was refused)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from resilience_app import i18n
from resilience_app.adapters import hotkey


@pytest.fixture
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("platform", ["wayland", "offscreen"])
@pytest.mark.parametrize("command", [hotkey.FLAG_COMMAND, hotkey.DIAL_COMMAND])
def test_no_shortcut_here_is_said_in_the_language_in_use(
    platform: str, command: str, english_after: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hotkey.sys, "platform", "linux")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")  # no portal
    key = hotkey.for_this_system(platform, command)
    i18n.set_language("en")
    problem = key.register("Ctrl+Alt+B", lambda: None)  # kept as written
    assert problem is not None
    english = str(problem)
    assert english.endswith(
        f"Bind the command `{command}` to a key in your desktop's keyboard settings instead."
    )
    i18n.set_language("de")  # after it was found: shown in the language in use now
    german = str(problem)
    assert german != english
    assert f"`{command}`" in german  # the command itself is not translated
    assert "Bind the command" not in german and "Wayland only" not in german
    assert str(key.register("Ctrl+Alt+B", lambda: None)) == german
    i18n.set_language("en")
    assert str(problem) == english


def test_the_flag_key_is_the_one_named_when_no_command_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hotkey.sys, "platform", "linux")
    said = str(hotkey.for_this_system("offscreen").register("Ctrl+Alt+B", lambda: None))
    assert "`resilience flag`" in said and "dialed" not in said


def test_each_windows_key_registers_under_an_id_of_its_own(qapp: QApplication) -> None:
    """Two keys at once: RegisterHotKey ids are one space per thread, so the flag key and
    the dial key must not share one (built here off Windows; nothing is registered)."""
    keys = [hotkey.WindowsGlobalKey(command=c) for c in (hotkey.FLAG_COMMAND, hotkey.DIAL_COMMAND)]
    try:
        ids = [key.hotkey_id for key in keys]
        assert len(set(ids)) == 2
        assert all(0 <= i <= 0xBFFF for i in ids)  # the range Windows leaves to applications
        assert [key.command for key in keys] == ["resilience flag", "resilience dialed"]
    finally:
        for key in keys:
            qapp.removeNativeEventFilter(key)
