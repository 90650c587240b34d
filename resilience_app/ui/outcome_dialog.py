"""What came of a follow-up: one click on an outcome, and, if the rep likes, the line heard.

Shown when a follow-up is marked done (from the journal, the tray or the nudge card). Each
outcome is a button, so the common case is one click; "Just mark it done" keeps the door
open to say it later.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app.core import scripts
from resilience_app.core.kinds import FollowUpOutcome
from resilience_app.i18n import _
from resilience_app.ui import style, titles


class OutcomeDialog(QDialog):
    """`chosen(followup id, outcome value or "", the line heard)`."""

    chosen = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("What came of it?")))
        self.setStyleSheet(style.sheet())
        self._followup_id = ""
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        question = QLabel(_("Well done for making that call. What came of it?"))
        question.setWordWrap(True)
        self.buttons: dict[FollowUpOutcome, QPushButton] = {}
        grid = QGridLayout()
        for index, outcome in enumerate(FollowUpOutcome):
            button = QPushButton(scripts.outcome_name(outcome))
            button.setAccessibleDescription(_("Marks it done with this outcome"))
            button.clicked.connect(lambda _c=False, o=outcome: self._choose(o.value))
            grid.addWidget(button, index // 2, index % 2)
            self.buttons[outcome] = button
        self.heard = QLineEdit()
        self.heard.setPlaceholderText(_("What you heard, in a line (optional)"))
        self.heard.setAccessibleName(_("What you heard"))
        heard_label = QLabel(_("Feedback worth keeping:"))
        heard_label.setBuddy(self.heard)
        self.plain_button = QPushButton(_("Just mark it done"))
        self.plain_button.setToolTip(_("You can say what came of it later, from the journal"))
        self.plain_button.clicked.connect(lambda: self._choose(""))
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.plain_button)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(question)
        layout.addLayout(grid)
        layout.addWidget(heard_label)
        layout.addWidget(self.heard)
        layout.addLayout(row)
        self.setMinimumWidth(420)

    def ask(self, followup_id: str, title: str) -> None:
        self._followup_id = followup_id
        self.title.setText(title)
        self.heard.clear()
        self.adjustSize()
        self.show()
        self.raise_()
        self.activateWindow()
        self.heard.setFocus()  # typing goes to the line; a key never picks an outcome

    @property
    def followup_id(self) -> str:
        return self._followup_id

    def _choose(self, outcome: str) -> None:
        self.chosen.emit(self._followup_id, outcome, self.heard.text().strip())
        self.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.heard.clear()
        super().closeEvent(event)
