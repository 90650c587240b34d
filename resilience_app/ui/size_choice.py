""" "How big was this one?": small, big or make-or-break, three quiet buttons that the break
window and the note both show. Optional: nothing is chosen until the rep clicks one, and a
click on the chosen one takes it back. A click does not take the keyboard's focus (the
breathing guide keeps it); Tab still reaches each button, and Space chooses it."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app.core.errors import UserError
from resilience_app.core.models import LossSize
from resilience_app.core.sizes import size_name
from resilience_app.i18n import _


def question() -> str:
    # Translators: an optional question about a lost call: how much it mattered.
    return _("How big was this one?")


class SizeChoice(QWidget):
    size_chosen = Signal(str)  # the size's value, or "" when taken back

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(question())
        self.label.setProperty("role", "muted")
        self.label.setWordWrap(True)
        self.status = QLabel()  # a sentence, if the choice could not be kept
        self.status.setProperty("role", "muted")
        self.status.setWordWrap(True)
        self.status.hide()
        self._quiet = False  # while the window sets the choice: not the rep's click
        self.buttons: dict[LossSize, QPushButton] = {}
        layout = QHBoxLayout()
        for size in LossSize:
            button = QPushButton(size_name(size))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the focus be
            button.setAccessibleName(size_name(size))
            button.setAccessibleDescription(question() + " " + _("Optional."))
            button.toggled.connect(lambda checked, b=button: self._toggled(b, checked))
            self.buttons[size] = button
            layout.addWidget(button)
        layout.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.label)
        column.addLayout(layout)
        column.addWidget(self.status)

    @property
    def chosen(self) -> LossSize | None:
        for size, button in self.buttons.items():
            if button.isChecked():
                return size
        return None

    def set_size(self, size: LossSize | None) -> None:
        """Show `size` as chosen (None: none), without announcing it as the rep's click."""
        self._quiet = True
        for each, button in self.buttons.items():
            button.setChecked(each is size)
        self._quiet = False
        self.status.hide()

    def say(self, sentence: str) -> None:
        """Why a choice was not kept (the journal is locked, the call is gone)."""
        self.status.setText(sentence)
        self.status.show()

    def chain_tabs(self, before: QWidget, after: QWidget) -> None:
        """Put the buttons between `before` and `after` in the window's Tab order."""
        order = [before, *self.buttons.values(), after]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def _toggled(self, button: QPushButton, checked: bool) -> None:
        if self._quiet:
            return
        if checked:  # one at most: the others go (a click on the chosen one takes it back)
            self._quiet = True
            for other in self.buttons.values():
                if other is not button:
                    other.setChecked(False)
            self._quiet = False
        size = self.chosen
        self.size_chosen.emit(size.value if size is not None else "")


def keep(
    choice: SizeChoice,
    set_size: Callable[[str, LossSize | None], object],
    incident_id: str | None,
    value: str,
) -> None:
    """The rep's click, handed to the service at once (`service.set_size`); a refusal
    shows as a sentence under the buttons."""
    if incident_id is None:
        return
    try:
        set_size(incident_id, LossSize(value) if value else None)
    except UserError as exc:
        choice.say(exc.message)
