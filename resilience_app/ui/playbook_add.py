""" "Add to my playbook…" from the tray: what a customer said or asked, in their words (one
line), and if the rep likes an answer and a tag. A view only: `save_requested` hands it
to the presenter, which keeps it through the service; a refusal comes back as a sentence
in the dialog and nothing typed is lost. Works while the journal is locked too (the
service keeps the entry sealed).

From the keyboard: Tab walks their words, the answer, the tag, Save; Enter saves from the
line, Esc cancels."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app.core import texts
from resilience_app.core.playbook import TAGS
from resilience_app.i18n import _
from resilience_app.ui import style, titles, windowing


class PlaybookAddDialog(QDialog):
    save_requested = Signal(str, str, str)  # what they said, the answer, a tag ("": none)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("Add to my playbook")))
        self.setStyleSheet(style.sheet())
        self.said = QLineEdit()
        self.said.setAccessibleName(_("What did they say or ask?"))
        self.said.setPlaceholderText(_("In their words, one line"))
        self.answer = QPlainTextEdit()
        self.answer.setTabChangesFocus(True)
        self.answer.setAccessibleName(_("Your answer"))
        self.answer.setPlaceholderText(_("Optional: it can wait until the heat is gone"))
        self.tag = QComboBox()
        self.tag.setEditable(True)  # one of the usual tags, or the rep's own
        self.tag.addItem("", "")
        for key in TAGS:  # shown in the rep's language, kept as the standard tag
            self.tag.addItem(texts.playbook_tag(key), key)
        self.tag.setAccessibleName(_("Tag"))
        self.tag.setToolTip(_("One of these, or type your own (optional)"))
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.save_button = QPushButton(_("Save"))
        self.save_button.setProperty("role", "primary")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(_("Cancel"))
        form = QFormLayout()
        form.addRow(_("What did they say or ask?"), self.said)
        form.addRow(_("Your answer:"), self.answer)
        form.addRow(_("Tag:"), self.tag)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self._save)
        self.cancel_button.clicked.connect(self.reject)
        self.setMinimumWidth(420)

    def ask(self) -> None:
        """Shown (what was typed before a Cancel is still there), their words focused."""
        self.error.hide()
        windowing.fit(self, 420)
        self.show()
        windowing.bring_forward(self)
        self.said.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save(self) -> None:
        self.save_requested.emit(self.said.text(), self.answer.toPlainText(), self._tag())

    def _tag(self) -> str:
        """The standard tag's key when one was chosen (or typed as it is shown), else the
        rep's own, as typed."""
        text = self.tag.currentText().strip()
        index = self.tag.findText(text, Qt.MatchFlag.MatchFixedString)
        key = self.tag.itemData(index) if index >= 0 else None
        return str(key) if key else text

    def show_error(self, message: str) -> None:
        """Why it was not kept; everything typed stays."""
        self.error.setText(message)
        self.error.show()

    def saved(self) -> None:
        """Kept: the fields are emptied for the next one, and the dialog goes."""
        self.said.clear()
        self.answer.clear()
        self.tag.setCurrentIndex(0)
        self.error.hide()
        self.accept()
