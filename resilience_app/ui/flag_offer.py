"""After a call, a quiet offer to flag it: one button, no focus taken, gone by itself.

Shown only with `calls.offer_flag` on, once per call. It never steals the keyboard from
the dialer (the rep may already be typing the next number) and leaves after 20 seconds.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication, QHideEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from resilience_app.i18n import _
from resilience_app.ui import style, titles, windowing
from resilience_app.ui.ticker import Ticker

SHOWN_MS = 20_000


class FlagOffer(QWidget):
    flag_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("Rough call?")))
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setStyleSheet(style.sheet())
        self.question = QLabel(_("Rough one?"))
        self.question.setProperty("role", "muted")
        self.button = QPushButton(_("Take a break"))
        self.button.setProperty("role", "primary")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setAccessibleName(_("Rough call: take a break"))
        self.button.clicked.connect(self._flag)
        self.close_button = QPushButton(_("Not now"))
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.question)
        layout.addWidget(self.button)
        layout.addWidget(self.close_button)
        self.timeout = Ticker("flag-offer", SHOWN_MS, self.hide, self)

    def offer(self) -> None:
        self.adjustSize()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            corner = QPoint(area.right() - self.width() - 24, area.bottom() - self.height() - 24)
            windowing.place(self, corner)
        self.show()
        self.timeout.stop()
        self.timeout.start()

    def _flag(self) -> None:
        self.hide()
        self.flag_requested.emit()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timeout.stop()
        super().hideEvent(event)
