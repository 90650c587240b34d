"""The Calls page's parts of Settings: the global shortcuts' fields, and the apps seen using
the microphone lately, each a click from being no call."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app.i18n import _
from resilience_app.service.calls import app_label


class AppsSeen(QWidget):
    """The apps seen using the microphone, a row each; `not_a_call(name)` when the rep says
    one of them is not a call."""

    not_a_call = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Apps seen using the microphone"))
        self._rows = QVBoxLayout(self)
        self._rows.setContentsMargins(0, 0, 0, 0)

    def show_apps(self, seen: list[dict[str, Any]]) -> None:
        while (item := self._rows.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        for app in seen:
            self._rows.addWidget(self._row(app))
        if not seen:
            none = QLabel(_("No app has used the microphone since Resilience started."))
            none.setProperty("role", "muted")
            none.setWordWrap(True)
            self._rows.addWidget(none)

    def _row(self, app: dict[str, Any]) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        name, program = str(app["name"]), str(app["program"])
        named = app_label(name)  # as the rep reads it (the name is what a click hands back)
        shown = (
            named
            if not program or program.casefold() == name.casefold()
            # Translators: an app as the sound server names it, and its program's name.
            else (_("{name} (program: {program})").format(name=named, program=program))
        )
        if app["ignored"]:
            # Translators: after an app's name in Settings: its use of the microphone is
            # not taken for a call.
            state = _("not a call")
        elif app["call_app"]:
            # Translators: after an app's name in Settings: the rep's calls are made with it.
            state = _("your calls")
        else:
            state = ""
        if app["in_use"]:
            # Translators: after an app's name in Settings: it has the microphone right now.
            state = ", ".join(s for s in (state, _("using it now")) if s)
        label = QLabel(f"{shown} · {state}" if state else shown)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addWidget(label, 1)
        if not app["ignored"]:
            button = QPushButton(_("This is not a call"))
            button.setAccessibleName(_("{app} is not a call").format(app=named))
            button.clicked.connect(lambda _checked=False, n=name: self.not_a_call.emit(n))
            line.addWidget(button)
        return row


Field = tuple[QKeySequenceEdit, QToolButton, QHBoxLayout]  # the edit, "None", their row


def key_field(name: str, tip: str, none: str) -> Field:
    """A global shortcut's field: press the keys, or "None" for no shortcut."""
    edit = QKeySequenceEdit()
    edit.setMaximumSequenceLength(1)
    edit.setAccessibleName(name)
    edit.setToolTip(tip)
    clear = QToolButton()
    # Translators: a button that clears the global shortcut.
    clear.setText(_("None"))
    clear.setToolTip(none)
    clear.setAccessibleName(none)
    clear.clicked.connect(edit.clear)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(clear)
    return edit, clear, row


def flag_key_field() -> Field:
    """The field of the key that flags a call (hotkey.flag)."""
    return key_field(
        _("Shortcut to flag a call"),
        _("Click, then press the keys; the shortcut flags a call from anywhere"),
        _("No global shortcut"),
    )


def dial_key_field() -> Field:
    """The field of the key that says "I'm dialing" (hotkey.dial)."""
    return key_field(
        # Translators: “I'm dialing” is the button of the break window and the nudge.
        _("Shortcut for “I'm dialing”"),
        _(
            "Click, then press the keys; the shortcut says “I'm dialing” from anywhere, "
            "as the button of the nudge does"
        ),
        _("No global shortcut for “I'm dialing”"),
    )
