""" "What was missing?": the few words a note keeps when the reason is a need the product
does not meet (they gather into the product gaps, `service/gaps.py`). A part of the note's
form (`reflection_form.py`), kept apart so the form stays readable; shown only for that
reason, and what is typed stays in the draft while another reason is chosen."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from resilience_app.core import values
from resilience_app.core.models import LossReason
from resilience_app.i18n import _


class MissingField(QWidget):
    """A label and one line; `for_reason` says whether it counts for the reason chosen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setMaxLength(values.MAX_LABEL)
        self.edit.setPlaceholderText(_("A few words, e.g. “no Outlook integration” (optional)"))
        label = QLabel(_("What was missing?"))
        label.setWordWrap(True)
        label.setBuddy(self.edit)  # a screen reader names the field after its label
        group = QVBoxLayout(self)
        group.setContentsMargins(0, 0, 0, 0)
        group.setSpacing(5)
        group.addWidget(label)
        group.addWidget(self.edit)
        self.hide()

    def show_for(self, reason: str | None) -> None:
        self.setVisible(reason == LossReason.PRODUCT_GAP.value)

    def text(self) -> str:
        return self.edit.text().strip()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)
