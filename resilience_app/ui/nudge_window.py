"""A small always-on-top card: the nudge of last resort, the firm one at 15 minutes, and a
card from the rep's playbook with a nudge (`playbook_card.py`). Shown without taking the
focus; a click on it gives it the keyboard (and so does the tray's "Ready for the next
call?"): then Enter is "I'm dialing", the default button and the first in the tab order
(the follow-up's button second, "2 more minutes" third), and Esc puts the card away."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from resilience_app.core.playbook import PlaybookEntry
from resilience_app.i18n import _
from resilience_app.ui import style, titles, windowing
from resilience_app.ui.playbook_card import PlaybookCard


class NudgeWindow(QWidget):
    dialing_requested = Signal()
    snooze_requested = Signal()
    easy_done_requested = Signal(str)  # the easy follow-up's id: mark it done
    card_dismissed = Signal(str)  # the playbook entry's id: "Not now"

    def __init__(self, parent: QWidget | None = None) -> None:
        # Never activated when shown, but a click gives it the keys (the playbook's card).
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("Back to the phone")))
        self.setStyleSheet(style.sheet())
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        # Translators: the nudge card's default button; & marks its key (Alt+I).
        self.dialing_button = QPushButton(_("&I'm dialing"))
        self.dialing_button.setAccessibleName(_("I'm dialing"))
        self.dialing_button.setProperty("role", "primary")
        self.dialing_button.setDefault(True)
        self.snooze_button = QPushButton(_("2 more minutes"))
        self.easy_button = QPushButton()
        self.easy_button.hide()
        for button in (self.dialing_button, self.easy_button, self.snooze_button):
            button.setAutoDefault(True)  # Enter presses the button that has the focus
        self._easy_id = ""
        self.easy_button.clicked.connect(lambda: self.easy_done_requested.emit(self._easy_id))
        self.dialing_button.clicked.connect(self.dialing_requested.emit)
        self.snooze_button.clicked.connect(self.snooze_requested.emit)
        self.playbook = PlaybookCard()
        self.playbook.dismissed.connect(self._card_dismissed)
        self.playbook.answer_shown.connect(self._fit)  # room for the answer, not cut off
        self._for_nudge = True  # False: up for the playbook's card only
        buttons = QHBoxLayout()
        buttons.addWidget(self.snooze_button)
        buttons.addStretch(1)
        buttons.addWidget(self.dialing_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addWidget(self.playbook)
        layout.addWidget(self.easy_button)
        layout.addLayout(buttons)
        self.snooze_button.setToolTip(_("Remind me again in two minutes"))
        self.setMinimumWidth(360)
        order = (self.dialing_button, self.easy_button, self.snooze_button,
                 self.playbook.reveal_button, self.playbook.dismiss_button)  # fmt: skip
        for first, then in itertools.pairwise(order):
            QWidget.setTabOrder(first, then)

    def show_nudge(
        self,
        title: str,
        body: str,
        easy: tuple[str, str] | None = None,
        card: PlaybookEntry | None = None,
        *,
        nudge: bool = True,
    ) -> None:
        """`easy`: an easy follow-up from the rep's own list (id, title), with one click to
        mark it done once called. `card`: one from the playbook; `nudge` False when the
        window is up for that card only (then "Not now" puts the window away)."""
        self._for_nudge = nudge or (self._for_nudge and self.isVisible())
        if card is None or not self.isVisible():
            self.playbook.clear()  # a card comes up afresh, its answer hidden
        if card is not None:
            self.playbook.show_entry(card)
        self.title.setText(title)
        self.body.setText(body)
        self._easy_id = easy[0] if easy else ""
        if easy:
            self.easy_button.setText(_("Called: {followup}").format(followup=easy[1]))
            self.easy_button.setToolTip(_("Mark it done and say what came of it"))
        self.easy_button.setVisible(easy is not None)
        if self.playbook.isHidden():
            # Where the keys go once the rep clicks the card (it is shown without being
            # activated, so this takes nothing from the app in front); with a playbook card
            # they go to "Show my answer" (see `PlaybookCard.show_entry`).
            self.dialing_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._fit()
        self.show()
        windowing.bring_forward(self)  # raised, never given the focus

    def take_keys(self) -> None:
        """The rep asked for the card (the tray's "Ready for the next call?"): it takes the
        keyboard, as far as the window system allows."""
        self.activateWindow()
        (self.focusWidget() or self.dialing_button).setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys no button took: Enter is "I'm dialing", Esc puts the card away (on the
        playbook's part, Esc is its "Not now", and Space or Enter show the answer)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.dialing_button.click()
        elif event.key() == Qt.Key.Key_Escape:
            self.hide()
        else:
            super().keyPressEvent(event)

    def _fit(self) -> None:
        """As large as its text needs (wider and taller only when the text is large, or
        when the answer is shown), in the bottom right corner."""
        windowing.fit(self, 360)
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            windowing.place(
                self, QPoint(area.right() - self.width() - 24, area.bottom() - self.height() - 64)
            )

    def hide_card(self) -> None:
        """The playbook's card goes (a break began, the journal locked)."""
        self.playbook.clear()
        if not self._for_nudge:
            self.hide()
        elif self.isVisible():
            self.dialing_button.setFocus(Qt.FocusReason.OtherFocusReason)  # the keys stay
            self._fit()

    def _card_dismissed(self, entry_id: str) -> None:
        self.card_dismissed.emit(entry_id)
        self.hide_card()
