"""Two global keys at once on a real X server (Xvfb, keys pressed through XTEST): the flag
key and the dial key grab their combinations through connections of their own, a press of
each reaches its own action only, and giving one back leaves the other working."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from tests.end2end.desktop import VirtualDesktop

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with VirtualDesktop(tray=False, notifications=False) as d:
        yield d


def test_the_flag_key_and_the_dial_key_are_grabbed_at_once(
    qtbot: QtBot, desktop: VirtualDesktop
) -> None:
    from resilience_app.adapters.hotkey import DIAL_COMMAND, FLAG_COMMAND, X11GlobalKey

    flag = X11GlobalKey(desktop.display, command=FLAG_COMMAND)
    dial = X11GlobalKey(desktop.display, command=DIAL_COMMAND)
    again = X11GlobalKey(desktop.display, command=DIAL_COMMAND)
    pressed: list[str] = []
    try:
        assert flag.register("Ctrl+Alt+B", lambda: pressed.append("flag")) is None
        assert dial.register("Ctrl+Alt+N", lambda: pressed.append("dial")) is None
        desktop.key(None, "ctrl+alt+n")
        qtbot.waitUntil(lambda: pressed == ["dial"], timeout=5000)
        desktop.key(None, "ctrl+alt+b")
        qtbot.waitUntil(lambda: pressed == ["dial", "flag"], timeout=5000)
        # One combination twice is X's to refuse (the settings never ask for it); the
        # sentence names the command of the key that was refused.
        assert str(again.register("Ctrl+Alt+N", lambda: pressed.append("again"))) == (
            "Another application already uses Ctrl+Alt+N. Bind the command "
            "`resilience dialed` to a key in your desktop's keyboard settings instead."
        )
        dial.unregister()
        desktop.key(None, "ctrl+alt+n")  # nobody's now
        desktop.key(None, "ctrl+alt+b")
        qtbot.waitUntil(lambda: pressed == ["dial", "flag", "flag"], timeout=5000)
        qtbot.wait(300)
        assert pressed == ["dial", "flag", "flag"]
    finally:
        for key in (flag, dial, again):
            key.unregister()
