"""The journal's Upcoming tab: the follow-ups planned after tough calls, and their scripts.

A view only, like the window it sits in: it shows the list it is given and says through
signals what the rep asked for (done, later, cancelled, moved; a script kept or reset).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app import i18n
from resilience_app.core import texts
from resilience_app.i18n import _
from resilience_app.service.views import UpcomingItem


def _moment(when: datetime) -> str:
    return i18n.format_datetime(when, "MMMEd")


class UpcomingTab(QWidget):
    followup_done_requested = Signal(str)
    followup_cancel_requested = Signal(str)
    followup_snooze_requested = Signal(str, float)  # minutes
    followup_move_requested = Signal(str, object)  # new due datetime
    script_requested = Signal(str)  # follow-up id: show its kind's script
    script_saved = Signal(str, str)  # follow-up kind, the rep's version
    script_reset = Signal(str)  # follow-up kind: back to the app's own

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel(_("Follow-ups you planned after tough calls. Many lost deals come back."))
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        self.upcoming_list = QListWidget()
        self.upcoming_list.setWordWrap(True)
        self.upcoming_list.setSpacing(2)
        self.upcoming_list.setAccessibleName(_("Upcoming follow-ups"))
        self.done_button = QPushButton(_("&Done"))
        self.done_button.setProperty("role", "primary")
        self.snooze_button = QPushButton(_("In an hour"))
        self.tomorrow_button = QPushButton(_("Tomorrow"))
        self.cancel_button = QPushButton(_("Cancel it"))
        self.move_to = QDateTimeEdit(QDateTime.currentDateTime().addDays(1))
        self.move_to.setCalendarPopup(True)
        self.move_to.setDisplayFormat(_("ddd d MMM, HH:mm"))
        self.move_button = QPushButton(_("Move"))
        self.move_button.setAccessibleName(_("Move the follow-up"))
        row = QHBoxLayout()
        for widget in (self.done_button, self.snooze_button, self.tomorrow_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        move = QHBoxLayout()
        reschedule = QLabel(_("Reschedule to"))
        reschedule.setBuddy(self.move_to)
        move.addWidget(reschedule)
        move.addWidget(self.move_to)
        move.addWidget(self.move_button)
        move.addStretch(1)
        self.script_title = QLabel()
        self.script_title.setProperty("role", "section")
        self.script_edit = QPlainTextEdit()
        self.script_edit.setTabChangesFocus(True)
        self.script_edit.setAccessibleName(_("Script for this follow-up"))
        self.script_title.setBuddy(self.script_edit)
        self.script_keep = QPushButton(_("Keep my version"))
        self.script_keep.setToolTip(_("Use this script for every follow-up of this kind"))
        self.script_default = QPushButton(_("Back to the app's version"))
        self._script_kind = ""
        script_buttons = QHBoxLayout()
        script_buttons.addStretch(1)
        script_buttons.addWidget(self.script_default)
        script_buttons.addWidget(self.script_keep)
        self.script_box = QWidget()
        script_layout = QVBoxLayout(self.script_box)
        script_layout.setContentsMargins(0, 6, 0, 0)
        script_layout.addWidget(self.script_title)
        script_layout.addWidget(self.script_edit, 1)
        script_layout.addLayout(script_buttons)
        self.script_box.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.upcoming_list, 1)
        layout.addLayout(row)
        layout.addLayout(move)
        layout.addWidget(self.script_box, 1)
        self.upcoming_list.currentItemChanged.connect(
            lambda item, _previous: (
                self.script_requested.emit(item.data(Qt.ItemDataRole.UserRole))
                if item is not None and item.data(Qt.ItemDataRole.UserRole)
                else self.script_box.hide()
            )
        )
        self.script_keep.clicked.connect(
            lambda: self.script_saved.emit(self._script_kind, self.script_edit.toPlainText())
        )
        self.script_default.clicked.connect(lambda: self.script_reset.emit(self._script_kind))
        self.upcoming_list.currentItemChanged.connect(lambda *_: self._enable_actions())
        self._enable_actions()

        def chosen() -> str | None:
            item = self.upcoming_list.currentItem()
            return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

        def act(signal: Signal, *extra: object) -> None:
            followup_id = chosen()
            if followup_id:
                signal.emit(followup_id, *extra)

        self.done_button.clicked.connect(lambda: act(self.followup_done_requested))
        self.cancel_button.clicked.connect(lambda: act(self.followup_cancel_requested))
        self.snooze_button.clicked.connect(lambda: act(self.followup_snooze_requested, 60.0))
        self.tomorrow_button.clicked.connect(lambda: act(self.followup_snooze_requested, 24 * 60.0))
        self.move_button.clicked.connect(
            lambda: act(
                self.followup_move_requested,
                datetime.fromtimestamp(self.move_to.dateTime().toSecsSinceEpoch()).astimezone(),
            )
        )

    def show_script(self, kind: str, title: str, text: str, own: bool) -> None:
        """The script of the selected follow-up's kind (the rep's version, or the app's)."""
        self._script_kind = kind
        self.script_title.setText(
            _("Script: {kind} (your version)").format(kind=title)
            if own
            else _("Script: {kind}").format(kind=title)
        )
        self.script_edit.setPlainText(text)
        self.script_default.setEnabled(own)
        self.script_box.show()

    def show_items(self, items: list[UpcomingItem]) -> None:
        """Pending follow-ups, soonest first, with the label of their call (the one
        selected stays selected, so its script stays open)."""
        current = self.upcoming_list.currentItem()
        selected = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.upcoming_list.blockSignals(True)
        self.upcoming_list.clear()
        if not items:
            placeholder = QListWidgetItem(_("Nothing planned. You can add follow-ups from a note."))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.upcoming_list.addItem(placeholder)
        for entry in items:
            followup = entry.followup
            text = f"{_moment(followup.due_at)} · {entry.title}"
            if followup.note:
                text += f" · {followup.note}"
            item = QListWidgetItem(text)
            item.setToolTip(texts.follow_up_hint(followup.kind))
            item.setData(Qt.ItemDataRole.UserRole, followup.id)
            self.upcoming_list.addItem(item)
            if followup.id == selected:
                self.upcoming_list.setCurrentItem(item)
        self.upcoming_list.blockSignals(False)
        if self.upcoming_list.currentItem() is None:
            if items:
                self.upcoming_list.setCurrentRow(0)  # the soonest, with its script
            else:
                self.script_box.hide()  # nothing left to call
        self._enable_actions()

    def _enable_actions(self) -> None:
        """What acts on a follow-up is there to press only while one is chosen."""
        item = self.upcoming_list.currentItem()
        chosen = item is not None and bool(item.data(Qt.ItemDataRole.UserRole))
        for widget in (
            self.done_button,
            self.snooze_button,
            self.tomorrow_button,
            self.cancel_button,
            self.move_to,
            self.move_button,
        ):
            widget.setEnabled(chosen)
