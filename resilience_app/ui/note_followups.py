"""The follow-ups offered under a note: a check box and a time for each kind, the check-in
a month or three months on. A part of the note's form (`reflection_form.py`), kept apart
so the form stays readable."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateTimeEdit, QGridLayout, QWidget

from resilience_app.core import texts
from resilience_app.core.followups import default_due
from resilience_app.core.models import FollowUpKind
from resilience_app.i18n import _


class FollowUpPicker(QWidget):
    """The follow-ups the rep may tick, each with its time (the kind's default after the
    flag, which the rep may change)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.checks: dict[FollowUpKind, QCheckBox] = {}
        self.times: dict[FollowUpKind, QDateTimeEdit] = {}
        for row, kind in enumerate(FollowUpKind):
            check = QCheckBox(texts.follow_up_short(kind))
            check.setToolTip(texts.follow_up_hint(kind))
            when = QDateTimeEdit()
            # Translators: the name of a follow-up's date field for a screen reader.
            when.setAccessibleName(_("When: {follow_up}").format(follow_up=check.text()))
            when.setCalendarPopup(True)
            # Translators: how a follow-up's time is shown (Qt date format codes).
            when.setDisplayFormat(_("ddd d MMM, HH:mm"))
            when.setEnabled(False)
            check.toggled.connect(when.setEnabled)
            grid.addWidget(check, row, 0)
            grid.addWidget(when, row, 1)
            self.checks[kind] = check
            self.times[kind] = when
        self.check_in_months = QComboBox()
        self.check_in_months.addItem(_("in a month"), 1)
        self.check_in_months.addItem(_("in 3 months"), 3)
        self.check_in_months.currentIndexChanged.connect(self._check_in_changed)
        self.check_in_months.setAccessibleName(_("Check in after"))
        grid.addWidget(self.check_in_months, list(FollowUpKind).index(FollowUpKind.CHECK_IN), 2)
        self._flagged_at: datetime | None = None

    def reset(self, flagged_at: datetime) -> None:
        """Nothing ticked, each time the default after this flag."""
        self._flagged_at = flagged_at
        for kind, check in self.checks.items():
            check.setChecked(False)
            self._set_time(kind, default_due(kind, flagged_at))
        self.check_in_months.setCurrentIndex(0)

    def chosen(self) -> list[tuple[FollowUpKind, datetime]]:
        """The follow-ups ticked, with the times shown (local time, made aware)."""
        chosen = []
        for kind, check in self.checks.items():
            if check.isChecked():
                stamp = self.times[kind].dateTime().toSecsSinceEpoch()
                chosen.append((kind, datetime.fromtimestamp(stamp).astimezone()))
        return chosen

    def _set_time(self, kind: FollowUpKind, when: datetime) -> None:
        self.times[kind].setDateTime(QDateTime.fromSecsSinceEpoch(int(when.timestamp())))

    def _check_in_changed(self) -> None:
        if self._flagged_at is not None:
            months = int(self.check_in_months.currentData())
            self._set_time(
                FollowUpKind.CHECK_IN,
                default_due(FollowUpKind.CHECK_IN, self._flagged_at, months=months),
            )
