"""Placing and raising windows where the window system allows it (offscreen here; the
Wayland side runs in tests/end2end/test_wayland.py under a real compositor)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from resilience_app.ui import windowing
from resilience_app.ui.nudge_window import NudgeWindow


def test_offscreen_is_not_wayland() -> None:
    assert not windowing.is_wayland()


def test_place_moves_a_window_where_the_app_may(qtbot: QtBot) -> None:
    window = QWidget(None, Qt.WindowType.Window)
    qtbot.addWidget(window)
    assert windowing.place(window, QPoint(120, 80))
    window.show()
    assert window.pos() == QPoint(120, 80)


def test_bring_forward_focuses_an_ordinary_window(qtbot: QtBot) -> None:
    other, window = QWidget(None, Qt.WindowType.Window), QWidget(None, Qt.WindowType.Window)
    for w in (other, window):
        qtbot.addWidget(w)
        w.show()
    windowing.bring_forward(other)
    qtbot.waitUntil(other.isActiveWindow)
    windowing.bring_forward(window)
    qtbot.waitUntil(window.isActiveWindow)


def test_bring_forward_does_not_ask_focus_for_a_window_that_refuses_it(qtbot: QtBot) -> None:
    card = NudgeWindow()  # it must not take the focus from the dialer
    qtbot.addWidget(card)
    card.show_nudge("Time to pick up the phone", "An easy lead first.")
    # Asking Qt to activate a window that refuses the focus is a Qt warning ("requestActivate()
    # called for ... WindowDoesNotAcceptFocus"), which fails this test: it only comes forward.
    windowing.bring_forward(card)
    qtbot.wait(50)
    assert card.isVisible()
