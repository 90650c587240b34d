"""The global shortcut through RegisterHotKey: Windows delivers WM_HOTKEY when the keys are
pressed (keybd_event, as a keyboard would), and a combination another program holds is
said to be taken; the flag key and the dial key are registered at once, each with its own
id."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.adapters.hotkey import BIND_IT_YOURSELF, WindowsGlobalKey, for_this_system

VK = {"Ctrl": 0x11, "Alt": 0x12, "Shift": 0x10}
KEYEVENTF_KEYUP = 0x2
HOLD = """
import ctypes, sys
user32 = ctypes.WinDLL("user32", use_last_error=True)
ok = user32.RegisterHotKey(None, 1, 0x1 | 0x2, ord(sys.argv[1]))  # Alt+Ctrl
print("held" if ok else f"refused {ctypes.get_last_error()}", flush=True)
sys.stdin.read()  # until the test closes our input
"""


def press(*keys: str) -> None:
    """The keys down in order, then up in reverse, as a person's fingers do."""
    import ctypes

    user32 = ctypes.WinDLL("user32")  # type: ignore[attr-defined]
    codes = [VK[k] if k in VK else ord(k) for k in keys]
    for code in codes:
        user32.keybd_event(code, 0, 0, 0)
    for code in reversed(codes):
        user32.keybd_event(code, 0, KEYEVENTF_KEYUP, 0)


@pytest.fixture
def key(qapp: object) -> Iterator[WindowsGlobalKey]:
    backend = for_this_system("offscreen")
    assert isinstance(backend, WindowsGlobalKey)
    yield backend
    backend.unregister()


def test_the_shortcut_flags_when_its_keys_are_pressed(qtbot: QtBot, key: WindowsGlobalKey) -> None:
    pressed: list[str] = []
    assert key.register("Ctrl+Alt+B", lambda: pressed.append("flag")) is None
    press("Ctrl", "Alt", "B")
    qtbot.waitUntil(lambda: pressed == ["flag"], timeout=5000)
    press("Ctrl", "B")  # not the combination
    press("Alt", "B")
    qtbot.wait(300)
    assert pressed == ["flag"]
    key.unregister()
    press("Ctrl", "Alt", "B")
    qtbot.wait(300)
    assert pressed == ["flag"]  # unregistered: the key belongs to the other apps again


def test_a_combination_another_program_holds_is_taken(qtbot: QtBot, key: WindowsGlobalKey) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, "J"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        said = str(key.register("Ctrl+Alt+J", lambda: None))
        bind = BIND_IT_YOURSELF.format(command="resilience flag")
        assert said == f"Another application already uses Ctrl+Alt+J. {bind}"
    finally:
        holder.communicate(input="", timeout=30)
    deadline = time.monotonic() + 5
    while key.register("Ctrl+Alt+J", lambda: None) is not None:  # free once it has gone
        assert time.monotonic() < deadline, "the combination stayed taken"
        time.sleep(0.1)


def test_a_key_windows_has_no_code_for_is_a_sentence(key: WindowsGlobalKey) -> None:
    said = key.register("Ctrl+Alt+\u00e7", lambda: None)
    assert said is not None and str(said).startswith("Windows has no key code for")


def test_the_flag_key_and_the_dial_key_work_at_once(qtbot: QtBot, key: WindowsGlobalKey) -> None:
    dial = for_this_system("offscreen", "resilience dialed")
    assert isinstance(dial, WindowsGlobalKey) and dial.hotkey_id != key.hotkey_id
    pressed: list[str] = []
    try:
        assert key.register("Ctrl+Alt+B", lambda: pressed.append("flag")) is None
        assert dial.register("Ctrl+Alt+N", lambda: pressed.append("dial")) is None
        press("Ctrl", "Alt", "N")
        qtbot.waitUntil(lambda: pressed == ["dial"], timeout=5000)
        press("Ctrl", "Alt", "B")
        qtbot.waitUntil(lambda: pressed == ["dial", "flag"], timeout=5000)
        dial.unregister()  # the flag key stays
        press("Ctrl", "Alt", "N")
        press("Ctrl", "Alt", "B")
        qtbot.waitUntil(lambda: pressed == ["dial", "flag", "flag"], timeout=5000)
    finally:
        dial.unregister()
