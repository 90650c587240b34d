"""The passphrase dialogs: unlock, turn the lock on, change it, turn it off.

The dialog only collects what was typed and shows the answer; the presenter hands it to the
service. Typed passphrases are wiped from the fields as soon as they have been used.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app.i18n import N_, _
from resilience_app.ui import style, titles, windowing

UNLOCK, SET, CHANGE, REMOVE = "unlock", "set", "change", "remove"

_TITLES = {
    UNLOCK: N_("Your journal is locked"),
    SET: N_("Protect your journal with a passphrase"),
    CHANGE: N_("Change your passphrase"),
    REMOVE: N_("Turn off the passphrase lock"),
}
_WINDOW_TITLES = {
    UNLOCK: N_("Unlock your journal"),
    SET: N_("Protect your journal"),
    CHANGE: N_("Change your passphrase"),
    REMOVE: N_("Turn off the passphrase lock"),
}
_BUTTONS = {
    UNLOCK: N_("Unlock"),
    SET: N_("Protect my journal"),
    CHANGE: N_("Change it"),
    REMOVE: N_("Turn it off"),
}
FORGOTTEN = N_(
    "Choose something you will remember. If you forget it, nobody can open your journal "
    "again: not you, not IT, not us. There is no reset."
)
REMOVE_NOTE = N_(
    "Your notes will be stored as plain text again, readable by anyone who can open your "
    "files on this computer."
)


class PassphraseDialog(QDialog):
    """`submitted(dict)`: "passphrase" (unlock, set, remove) or "old" and "new" (change),
    and "remember" for unlock and set. `export_requested`: a copy before turning it on."""

    submitted = Signal(dict)
    export_requested = Signal()

    def __init__(self, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.mode = mode
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_(_WINDOW_TITLES[mode])))
        self.setStyleSheet(style.sheet())
        self.title = QLabel(_(_TITLES[mode]))
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setProperty("role", "muted")
        self.reason.hide()

        def field(name: str) -> QLineEdit:
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(name)
            edit.setMinimumWidth(280)
            edit.textEdited.connect(self._edited)
            return edit

        self.current = field(_("Current passphrase") if mode == CHANGE else _("Passphrase"))
        self.new = field(_("New passphrase"))
        self.again = field(_("New passphrase again"))
        self.remember = QCheckBox(_("Remember on this computer (in its keyring)"))
        self.remember.setToolTip(
            _(
                "Your desktop's keyring keeps the key, so the journal opens by itself when you "
                "log in. Anyone using your login can then read it."
            )
        )
        form = QFormLayout()
        if mode in (UNLOCK, REMOVE):
            form.addRow(_("Passphrase:"), self.current)
        if mode == CHANGE:
            form.addRow(_("Current passphrase:"), self.current)
        if mode in (SET, CHANGE):
            form.addRow(_("New passphrase:"), self.new)
            form.addRow(_("Type it again:"), self.again)
        if mode in (UNLOCK, SET):
            form.addRow(self.remember)  # the whole width: its sentence is long
        self.warning = QLabel(_(FORGOTTEN) if mode == SET else _(REMOVE_NOTE))
        self.warning.setWordWrap(True)
        self.warning.setProperty("role", "warning")
        self.warning.setVisible(mode in (SET, REMOVE))
        self.export_button = QPushButton(_("Export a copy first…"))
        self.export_button.setVisible(mode == SET)
        self.export_button.clicked.connect(self.export_requested.emit)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setProperty("role", "muted")
        self.status.hide()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setProperty("role", "error")
        self.error.setAccessibleName(_("Problem"))
        self.error.hide()
        self.ok_button = QPushButton(_(_BUTTONS[mode]))
        self.ok_button.setProperty("role", "primary")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self._submit)
        self.cancel_button = QPushButton(_("Not now") if mode == UNLOCK else _("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.reason)
        layout.addWidget(self.warning)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        # Grows with a message rather than squeezing the fields.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)

    # -- what the presenter calls ---------------------------------------------------------

    def ask(self, reason: str = "", *, remember: bool = False) -> None:
        """Show the dialog afresh (fields empty), with why it is asked."""
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))
        self.remember.setChecked(remember)
        self._wipe()
        self.error.hide()
        self.status.hide()
        self.ok_button.setEnabled(True)
        windowing.fit(self)  # as tall as its wrapped text needs, never past the screen
        self.show()
        self.raise_()
        self.activateWindow()
        (self.current if self.mode != SET else self.new).setFocus()

    def show_error(self, message: str) -> None:
        """The answer was no: one sentence, the fields kept for a retry."""
        self.error.setText(message)
        self.error.show()
        windowing.fit(self)
        self.ok_button.setEnabled(True)
        target = self.new if self.mode == SET else self.current
        target.selectAll()
        target.setFocus()

    def show_status(self, message: str) -> None:
        self.status.setText(message)
        self.status.show()
        windowing.fit(self)

    def finish(self) -> None:
        """It worked: forget what was typed and close."""
        self._wipe()
        self.accept()

    # -- inside -------------------------------------------------------------------------

    def _wipe(self) -> None:
        for edit in (self.current, self.new, self.again):
            edit.clear()

    def _edited(self) -> None:
        self.error.hide()

    def _submit(self) -> None:
        values: dict[str, Any] = {}
        if self.mode in (SET, CHANGE):
            if self.new.text() != self.again.text():
                self.show_error(_("The two new passphrases differ; type them again."))
                self.again.clear()
                return
            if not self.new.text():
                self.show_error(_("Type a new passphrase."))
                return
        if self.mode == CHANGE:
            values = {"old": self.current.text(), "new": self.new.text()}
        elif self.mode == SET:
            values = {"passphrase": self.new.text(), "remember": self.remember.isChecked()}
        else:
            if not self.current.text():
                self.show_error(_("Type your passphrase."))
                return
            values = {"passphrase": self.current.text()}
            if self.mode == UNLOCK:
                values["remember"] = self.remember.isChecked()
        self.ok_button.setEnabled(False)  # the key derivation takes a moment
        self.error.hide()
        self.submitted.emit(values)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._wipe()
        super().closeEvent(event)

    def reject(self) -> None:
        self._wipe()
        super().reject()
