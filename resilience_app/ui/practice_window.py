"""Practise my answers: a few cards of the playbook, recall first.

Each card shows their words and "Say your answer out loud, then look"; "Show my answer"
(Space or Enter, Alt+S) shows mine; then "Had it" (H, Alt+H) or "Again" (A, Alt+A). At the
end (or when the round's time is up) a calm closing line and Close (Esc). A view only: the
presenter (`presenters/practice.py`) runs the round through the service and hands it each
card; the window says through `marked` what the rep chose.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from resilience_app.i18n import _
from resilience_app.ui import keys, style, titles, windowing

RECALL = "recall"  # their words; my answer not shown yet
REVEALED = "revealed"  # my answer shown; had it or again
ENDED = "ended"  # the closing line (or the empty case)


class PracticeWindow(QWidget):
    marked = Signal(bool)  # the card shown: True had it, False again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("Practice my answers")))
        self.setStyleSheet(style.sheet())
        self.state = ENDED
        self.progress = QLabel()
        self.progress.setProperty("role", "muted")
        self.said = QLabel()
        self.said.setProperty("role", "title")
        self.said.setWordWrap(True)
        self.said.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt = QLabel(_("Say your answer out loud, then look."))
        self.prompt.setWordWrap(True)
        self.answer_title = QLabel(_("Your answer:"))
        self.answer_title.setProperty("role", "section")
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.closing = QLabel()
        self.closing.setWordWrap(True)
        self.status = QLabel()
        self.status.setProperty("role", "error")
        self.status.setWordWrap(True)
        self.status.hide()
        self.show_button = QPushButton(_("&Show my answer"))
        self.show_button.setProperty("role", "primary")
        self.show_button.setToolTip(_("Show the answer you wrote (Space or Enter)"))
        self.had_button = QPushButton(_("&Had it"))
        self.had_button.setProperty("role", "primary")
        # Translators: keep (H) and (A): those keys work in every language.
        self.had_button.setToolTip(_("It comes back later than last time (H)"))
        self.again_button = QPushButton(_("&Again"))
        # Translators: keep (A): the key works in every language.
        self.again_button.setToolTip(_("It comes back tomorrow (A)"))
        self.close_button = QPushButton(_("&Close"))
        self.close_button.setToolTip(_("Stop here; what you marked is kept (Esc)"))
        for button, name in (
            (self.show_button, _("Show my answer")),
            (self.had_button, _("Had it")),
            (self.again_button, _("Again")),
            (self.close_button, _("Close")),
        ):
            button.setAccessibleName(name)
        self.progress.setAccessibleDescription(_("Where you are in this practice"))
        self.said.setAccessibleDescription(_("What they said"))  # the words are its name
        self.answer.setAccessibleDescription(_("Your answer"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.again_button)
        buttons.addWidget(self.had_button)
        buttons.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(10)
        for part in (
            self.progress,
            self.said,
            self.prompt,
            self.answer_title,
            self.answer,
            self.closing,
            self.status,
        ):
            layout.addWidget(part)
        layout.addStretch(1)
        layout.addLayout(buttons)
        for first, second in (
            (self.show_button, self.had_button),
            (self.had_button, self.again_button),
            (self.again_button, self.close_button),
        ):
            QWidget.setTabOrder(first, second)
        self.show_button.clicked.connect(self.reveal)
        self.had_button.clicked.connect(lambda: self._mark(True))
        self.again_button.clicked.connect(lambda: self._mark(False))
        self.close_button.clicked.connect(self.close)
        # One key each, as the tooltips say (the letters with Alt work as well).
        QShortcut(QKeySequence("H"), self, activated=lambda: self._key_mark(True))
        QShortcut(QKeySequence("A"), self, activated=lambda: self._key_mark(False))
        QShortcut(QKeySequence("Esc"), self, activated=self.close)
        self.setMinimumWidth(440)
        self._show_parts()

    # -- what the presenter hands it ------------------------------------------------------

    def show_card(self, said: str, answer: str, number: int, total: int) -> None:
        """A card, recall first: their words; my answer waits for "Show my answer"."""
        self.state = RECALL
        # Translators: {n} is the card's number in this practice, {total} how many there are.
        self.progress.setText(_("Card {n} of {total}").format(n=number, total=total))
        # Translators: {said} is what a customer said, in the rep's words; keep the quotation
        # marks of your language around it.
        self.said.setText(_("“{said}”").format(said=said))
        self.answer.setText(answer)
        self.status.hide()
        self._show_parts()
        self.show_button.setFocus()

    def show_end(self, text: str) -> None:
        """The closing line (the round is over, the time is up, or there is nothing yet)."""
        self.state = ENDED
        self.closing.setText(text)
        self.status.hide()
        self._show_parts()
        self.close_button.setFocus()

    def show_status(self, text: str) -> None:
        """A refusal from the service (the mark was not kept), where the rep is looking."""
        self.status.setText(text)
        self.status.show()
        windowing.fit(self, max(self.width(), 440))

    # -- the rep's keys and clicks --------------------------------------------------------

    def reveal(self) -> None:
        if self.state != RECALL:
            return
        self.state = REVEALED
        self._show_parts()
        self.had_button.setFocus()

    def _mark(self, had_it: bool) -> None:
        if self.state == REVEALED:
            self.marked.emit(had_it)

    def _key_mark(self, had_it: bool) -> None:
        (self.had_button if had_it else self.again_button).setFocus()
        self._mark(had_it)

    def _show_parts(self) -> None:
        recall, revealed, ended = (self.state == s for s in (RECALL, REVEALED, ENDED))
        for part in (self.progress, self.said):
            part.setVisible(not ended)
        self.prompt.setVisible(recall)
        self.show_button.setVisible(recall)
        for part in (self.answer_title, self.answer, self.had_button, self.again_button):
            part.setVisible(revealed)
        self.closing.setVisible(ended)
        windowing.fit(self, max(self.width(), 440) if self.isVisible() else 440)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if keys.press_focused_button(self, event):
            return
        if event.key() in (*keys.ENTER, Qt.Key.Key_Space) and self.state == RECALL:
            self.reveal()  # Space or Enter shows the answer wherever the focus is
            event.accept()
            return
        super().keyPressEvent(event)
