"""The tray icon: one click flags a call; the menu holds everything else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from resilience_app.i18n import N_, _, ngettext
from resilience_app.ui.icons import icon

if TYPE_CHECKING:
    from resilience_app.core.models import Phase

FLAG_TEXT = N_("A call went south — take a break")


class Tray(QObject):
    flag_requested = Signal()
    dialing_requested = Signal()
    ready_requested = Signal()  # "Ready for the next call?…": the nudge card on demand
    playbook_add_requested = Signal()
    reflection_requested = Signal()
    settings_requested = Signal()
    journal_requested = Signal()
    insights_requested = Signal()
    practise_requested = Signal()
    followup_action = Signal(str, str)  # follow-up id, "done" | "hour" | "tomorrow" | "cancel"
    pause_requested = Signal(int)  # minutes; 0 = until tomorrow
    resume_requested = Signal()
    lock_requested = Signal()
    unlock_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(icon("calm"), self)
        self.menu = QMenu()
        self.flag_action = QAction(self.menu)
        bold = QFont()
        bold.setBold(True)
        self.flag_action.setFont(bold)
        self.dialing_action = QAction(self.menu)
        self.ready_action = QAction(self.menu)
        self.ready_action.setVisible(False)  # while waiting to dial after a break
        self.playbook_add_action = QAction(self.menu)
        self.reflection_action = QAction(self.menu)
        self.journal_action = QAction(self.menu)
        self.insights_action = QAction(self.menu)
        self.practise_action = QAction(self.menu)
        self.upcoming_menu = QMenu(self.menu)
        self.pause_menu = QMenu(self.menu)
        self.pause_hour_action = self.pause_menu.addAction("")
        self.pause_day_action = self.pause_menu.addAction("")
        self.resume_action = QAction(self.menu)
        self._paused_until = ""
        self.settings_action = QAction(self.menu)
        self.lock_action = QAction(self.menu)
        self.unlock_action = QAction(self.menu)
        self.quit_action = QAction(self.menu)
        self._open_notes = 0
        self._upcoming: list[tuple[str, str]] | None = None  # as the Upcoming menu shows them
        self.retranslate()
        self.menu.addAction(self.flag_action)
        self.menu.addAction(self.dialing_action)
        self.menu.addAction(self.ready_action)
        self.menu.addAction(self.reflection_action)
        self.menu.addSeparator()
        self.menu.addAction(self.journal_action)
        self.menu.addMenu(self.upcoming_menu)
        self.menu.addAction(self.practise_action)
        self.menu.addAction(self.playbook_add_action)
        self.menu.addAction(self.insights_action)
        self.menu.addMenu(self.pause_menu)
        self.menu.addAction(self.resume_action)
        self.menu.addAction(self.settings_action)
        self.menu.addAction(self.lock_action)
        self.menu.addAction(self.unlock_action)
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.flag_action.triggered.connect(self.flag_requested.emit)
        self.dialing_action.triggered.connect(self.dialing_requested.emit)
        self.ready_action.triggered.connect(self.ready_requested.emit)
        self.playbook_add_action.triggered.connect(self.playbook_add_requested.emit)
        self.reflection_action.triggered.connect(self.reflection_requested.emit)
        self.settings_action.triggered.connect(self.settings_requested.emit)
        self.journal_action.triggered.connect(self.journal_requested.emit)
        self.insights_action.triggered.connect(self.insights_requested.emit)
        self.practise_action.triggered.connect(self.practise_requested.emit)
        self.pause_hour_action.triggered.connect(lambda: self.pause_requested.emit(60))
        self.pause_day_action.triggered.connect(lambda: self.pause_requested.emit(0))
        self.resume_action.triggered.connect(self.resume_requested.emit)
        self.lock_action.triggered.connect(self.lock_requested.emit)
        self.unlock_action.triggered.connect(self.unlock_requested.emit)
        self.show_lock(protected=False, locked=False)
        self.quit_action.triggered.connect(self.quit_requested.emit)
        self.icon.activated.connect(self._activated)
        self.phase = "calm"  # a Phase value; the models load after the icon is up

    def retranslate(self) -> None:
        """Every text again, in the language now in use."""
        self.flag_action.setText(_(FLAG_TEXT))
        self.dialing_action.setText(_("I'm dialing"))
        self.ready_action.setText(_("Ready for the next call?…"))
        self.playbook_add_action.setText(_("Add to my playbook…"))
        self.journal_action.setText(_("My journal…"))
        self.insights_action.setText(_("Insights…"))
        self.practise_action.setText(_("Practice my answers…"))
        shown, self._upcoming = self._upcoming or [], None  # built again in this language
        self.set_upcoming(shown)
        self.settings_action.setText(_("Settings…"))
        self.pause_menu.setTitle(_("Pause nudges"))
        self.pause_hour_action.setText(_("For an hour"))
        self.pause_day_action.setText(_("Until tomorrow"))
        self.show_pause(self._paused_until)
        self.lock_action.setText(_("Lock my journal now"))
        self.unlock_action.setText(_("Unlock my journal…"))
        self.quit_action.setText(_("Quit Resilience"))
        self._show_notes(self._open_notes)

    def _show_notes(self, open_notes: int) -> None:
        self._open_notes = open_notes
        self.reflection_action.setText(
            _("Write my note")
            if open_notes <= 1
            else ngettext(
                "Write my notes ({n} waiting)", "Write my notes ({n} waiting)", open_notes
            ).format(n=open_notes)
        )

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.flag_requested.emit()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def show_state(self, phase: Phase, tooltip: str, open_notes: int) -> None:
        if phase.value != self.phase:
            self.phase = phase.value
            self.icon.setIcon(icon(phase.value))
        self.icon.setToolTip(tooltip)
        self.dialing_action.setEnabled(phase.value != "calm")
        self.ready_action.setVisible(phase.value == "waiting")
        self.reflection_action.setEnabled(open_notes > 0)
        self._show_notes(open_notes)

    def show_pause(self, until: str) -> None:
        """ "Pause nudges" while they come; "Resume nudges (paused until 14:30)" while not.
        `until` is the end of the pause as the rep's locale writes it, or ""."""
        self._paused_until = until
        self.pause_menu.menuAction().setVisible(not until)
        self.resume_action.setVisible(bool(until))
        if until:
            self.resume_action.setText(_("Resume nudges (paused until {time})").format(time=until))

    def show_lock(self, *, protected: bool, locked: bool) -> None:
        """ "Lock now" while unlocked, "Unlock…" while locked; neither without a passphrase."""
        self.lock_action.setVisible(protected and not locked)
        self.unlock_action.setVisible(protected and locked)

    def set_upcoming(self, items: list[tuple[str, str]]) -> None:
        """(id, text) of pending follow-ups, soonest first; each gets done/later/cancel.
        The same list again leaves the menu alone: a refresh while the rep has it open
        (a save, the warm-up after start) must not close it under their keys."""
        if items == self._upcoming:
            return
        self._upcoming = list(items)
        self.upcoming_menu.clear()
        self.upcoming_menu.setTitle(
            _("Upcoming ({n})").format(n=len(items)) if items else _("Upcoming")
        )
        if not items:
            empty = self.upcoming_menu.addAction(_("Nothing planned"))
            empty.setEnabled(False)
        for followup_id, text in items[:8]:
            entry = self.upcoming_menu.addMenu(text)
            for action, label in (
                ("done", _("Done")),
                ("hour", _("Remind me in an hour")),
                ("tomorrow", _("Remind me tomorrow")),
                ("cancel", _("Cancel it")),
            ):
                item = entry.addAction(label)
                item.triggered.connect(
                    lambda _=False, i=followup_id, a=action: self.followup_action.emit(i, a)
                )
        if len(items) > 8:
            more = self.upcoming_menu.addAction(_("All {n} in the journal…").format(n=len(items)))
            more.triggered.connect(self.journal_requested.emit)

    def message(self, title: str, body: str, *, urgent: bool) -> None:
        kind = (
            QSystemTrayIcon.MessageIcon.Warning
            if urgent
            else QSystemTrayIcon.MessageIcon.Information
        )
        self.icon.showMessage(title, body, kind, 20000)
