"""The keyboard, the same in every window: Enter presses the focused button.

Qt gives Enter to a focused push button only inside dialogs; in the app's plain windows
(break, note, journal, settings) a rep who tabs to a button expects Enter to press it as
well as Space.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QPushButton, QToolButton, QWidget

ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def native(portable: str) -> str:
    """A key combination as the rep's desktop and language write it ("Strg+Alt+B" in
    German), the way a key field shows it: settings store the portable form ("Ctrl+Alt+B"),
    and every text that names a key shows this one, so a window never writes a key two ways."""
    sequence = QKeySequence.fromString(portable, QKeySequence.SequenceFormat.PortableText)
    return sequence.toString(QKeySequence.SequenceFormat.NativeText) or portable


def press_focused_button(window: QWidget, event: QKeyEvent) -> bool:
    """Call from a window's keyPressEvent; True when Enter pressed a button."""
    plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if event.key() not in ENTER or plain != Qt.KeyboardModifier.NoModifier:
        return False
    focused = window.focusWidget()
    if isinstance(focused, QPushButton | QToolButton) and focused.isEnabled():
        focused.click()
        event.accept()
        return True
    return False
