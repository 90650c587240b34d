"""Used instead of the tray when the desktop has none: the same actions, in a window."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from resilience_app.core.models import Phase
from resilience_app.i18n import N_, _, ngettext
from resilience_app.ui import style, windowing
from resilience_app.ui.icons import icon
from resilience_app.ui.tray import FLAG_TEXT

NO_TRAY = N_(
    "Your desktop has no system tray (on GNOME, the AppIndicator extension adds one), "
    "so Resilience lives in this small window instead. Keep it open or minimized."
)


class HomeWindow(QWidget):
    flag_requested = Signal()
    dialing_requested = Signal()
    reflection_requested = Signal()
    settings_requested = Signal()
    journal_requested = Signal()
    insights_requested = Signal()
    practise_requested = Signal()
    ready_requested = Signal()  # "Ready for the next call?…": the nudge card on demand
    playbook_add_requested = Signal()
    followup_action = Signal(str, str)
    pause_requested = Signal(int)
    resume_requested = Signal()
    lock_requested = Signal()
    unlock_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("calmWindow")
        self.setWindowTitle("Resilience")
        self.setWindowIcon(icon("app"))
        self.setStyleSheet(style.sheet())
        self.why = why = QLabel()
        why.setWordWrap(True)
        why.setProperty("role", "muted")
        self.state = QLabel()
        self.state.setProperty("role", "title")
        self.state.setWordWrap(True)
        self.flag_button = QPushButton()
        self.flag_button.setProperty("role", "primary")
        self.dialing_button = QPushButton()
        self.ready_button = QPushButton()
        self.ready_button.setVisible(False)  # while waiting to dial after a break
        self.reflection_button = QPushButton()
        self.journal_button = QPushButton()
        self.insights_button = QPushButton()
        self.practise_button = QPushButton()
        self.playbook_add_button = QPushButton()
        self.settings_button = QPushButton()
        self.pause_button = QPushButton()
        self.resume_button = QPushButton()
        self._paused_until = ""
        self.lock_button = QPushButton()
        self.unlock_button = QPushButton()
        self.quit_button = QPushButton()
        self._upcoming = 0
        self.retranslate()
        # Fifteen buttons and two paragraphs: at large text they scroll inside the window
        # rather than run off a small screen (the note does the same).
        body = QWidget()
        body.setObjectName("calmWindow")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.state)
        for button in (
            self.flag_button,
            self.dialing_button,
            self.ready_button,
            self.reflection_button,
            self.journal_button,
            self.insights_button,
            self.practise_button,
            self.playbook_add_button,
            self.settings_button,
            self.pause_button,
            self.resume_button,
            self.lock_button,
            self.unlock_button,
            self.quit_button,
        ):
            layout.addWidget(button)
        layout.addWidget(why)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 18, 20, 18)
        outer.addWidget(windowing.ScrollPage(body), 1)
        self.flag_button.clicked.connect(self.flag_requested.emit)
        self.dialing_button.clicked.connect(self.dialing_requested.emit)
        self.reflection_button.clicked.connect(self.reflection_requested.emit)
        self.settings_button.clicked.connect(self.settings_requested.emit)
        self.journal_button.clicked.connect(self.journal_requested.emit)
        self.insights_button.clicked.connect(self.insights_requested.emit)
        self.practise_button.clicked.connect(self.practise_requested.emit)
        self.ready_button.clicked.connect(self.ready_requested.emit)
        self.playbook_add_button.clicked.connect(self.playbook_add_requested.emit)
        self.quit_button.clicked.connect(self.quit_requested.emit)
        self.pause_button.clicked.connect(lambda: self.pause_requested.emit(60))
        self.resume_button.clicked.connect(self.resume_requested.emit)
        self.lock_button.clicked.connect(self.lock_requested.emit)
        self.unlock_button.clicked.connect(self.unlock_requested.emit)
        self.show_lock(protected=False, locked=False)
        self.setMinimumWidth(380)
        windowing.fit(self, 380)

    def retranslate(self) -> None:
        self.why.setText(_(NO_TRAY))
        self.flag_button.setText(_(FLAG_TEXT))
        self.dialing_button.setText(_("I'm dialing"))
        self.ready_button.setText(_("Ready for the next call?…"))
        self.reflection_button.setText(_("Write my note"))
        self.insights_button.setText(_("Insights…"))
        self.practise_button.setText(_("Practice my answers…"))
        self.playbook_add_button.setText(_("Add to my playbook…"))
        self.settings_button.setText(_("Settings…"))
        self.pause_button.setText(_("Pause nudges for an hour"))
        self.show_pause(self._paused_until)
        self.lock_button.setText(_("Lock my journal now"))
        self.unlock_button.setText(_("Unlock my journal…"))
        self.quit_button.setText(_("Quit Resilience"))
        self._show_upcoming(self._upcoming)

    def show_state(self, phase: Phase, status: str, open_notes: int) -> None:
        self.setWindowIcon(icon(phase.value))
        if status != self.state.text():
            self.state.setText(status)
            windowing.fit(self, self.width())  # a longer line wraps, and the window grows
        self.dialing_button.setEnabled(phase is not Phase.CALM)
        if self.ready_button.isVisibleTo(self) != (phase is Phase.WAITING):
            self.ready_button.setVisible(phase is Phase.WAITING)
            windowing.fit(self, self.width())  # one button more or less
        self.reflection_button.setEnabled(open_notes > 0)

    def show_pause(self, until: str) -> None:
        self._paused_until = until
        self.pause_button.setVisible(not until)
        self.resume_button.setVisible(bool(until))
        if until:
            self.resume_button.setText(_("Resume nudges (paused until {time})").format(time=until))

    def show_lock(self, *, protected: bool, locked: bool) -> None:
        self.lock_button.setVisible(protected and not locked)
        self.unlock_button.setVisible(protected and locked)

    def set_upcoming(self, items: list[tuple[str, str]]) -> None:
        self._show_upcoming(len(items))

    def _show_upcoming(self, count: int) -> None:
        self._upcoming = count
        self.journal_button.setText(
            ngettext("My journal ({n} upcoming)…", "My journal ({n} upcoming)…", count).format(
                n=count
            )
            if count
            else _("My journal…")
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        # With no tray, closing this window would leave nothing to click: minimise instead.
        event.ignore()
        self.showMinimized()
