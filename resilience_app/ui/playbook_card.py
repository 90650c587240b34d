"""One card from the rep's playbook on the nudge card: their words, "say your answer out
loud, then look", and the answer behind one key.

It costs nothing to have it there: the card never takes the focus when it comes up (the
window it sits in is shown without activation). A click on it gives it the keyboard: then
Space or Enter shows the answer (Alt+S too), Esc puts it away ("Not now").
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from resilience_app.core.playbook import PlaybookEntry
from resilience_app.i18n import _

REVEAL_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)


class PlaybookCard(QFrame):
    dismissed = Signal(str)  # the entry's id: "Not now"
    answer_shown = Signal()  # the card grew: its window makes room

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # a click gives it the keys
        # Translators: the name screen readers give the playbook's card on the nudge card.
        self.setAccessibleName(_("A card from your playbook"))
        self.said = QLabel()
        self.said.setWordWrap(True)
        # The words themselves are the name a screen reader reads; this says what they are.
        self.said.setAccessibleDescription(_("What they said"))
        self.prompt = QLabel(_("Say your answer out loud, then look."))
        self.prompt.setProperty("role", "muted")
        self.prompt.setWordWrap(True)
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.setAccessibleDescription(_("Your answer"))
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reveal_button = QPushButton(_("&Show my answer"))
        self.reveal_button.setAccessibleName(_("Show my answer"))
        self.reveal_button.setToolTip(_("Space or Enter, once you have said it"))
        self.dismiss_button = QPushButton(_("Not now"))
        self.dismiss_button.setAccessibleName(_("Not now"))
        self.dismiss_button.setToolTip(_("Put this card away for today (Esc)"))
        self.reveal_button.clicked.connect(self.reveal)
        self.dismiss_button.clicked.connect(self.dismiss)
        buttons = QHBoxLayout()
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reveal_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.said)
        layout.addWidget(self.prompt)
        layout.addWidget(self.answer)
        layout.addLayout(buttons)
        self.entry_id = ""
        self.hide()

    def show_entry(self, entry: PlaybookEntry) -> None:
        """The card for `entry`, its answer hidden; the same entry again stays as it is
        (a firm nudge after the first one does not hide an answer already looked at)."""
        if entry.id == self.entry_id:
            return
        self.entry_id = entry.id
        # Translators: {said} is what a customer said, in the rep's words; keep the quotation
        # marks of your language around it.
        self.said.setText(_("“{said}”").format(said=entry.said))
        self.answer.setText(entry.answer)
        self.answer.hide()
        self.prompt.show()
        self.reveal_button.show()
        self.show()
        # Where the keys go once the rep clicks anywhere on the card (the window is shown
        # without being activated, so this takes nothing from the app in front): Space
        # shows the answer, never "Not now" or a follow-up's button.
        self.reveal_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        self.entry_id = ""
        self.hide()

    @property
    def revealed(self) -> bool:
        return not self.answer.isHidden()

    def reveal(self) -> None:
        self.answer.show()
        self.prompt.hide()
        self.reveal_button.hide()
        self.dismiss_button.setFocus(Qt.FocusReason.OtherFocusReason)  # Esc still works
        self.answer_shown.emit()

    def dismiss(self) -> None:
        entry_id, self.entry_id = self.entry_id, ""
        self.hide()
        if entry_id:
            self.dismissed.emit(entry_id)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)

    def _has_keys(self) -> bool:
        """The keys are the card's own, not a button's in it ("Not now" ignores Enter)."""
        return self.window().focusWidget() in (None, self, self.reveal_button)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
        elif event.key() in REVEAL_KEYS and not self.revealed and self._has_keys():
            self.reveal()
        else:
            super().keyPressEvent(event)
