"""The private note after a break. Kind prompts, nothing required but one positive.

From the keyboard: the focus starts in the first field, Tab walks the form in reading
order, Ctrl+Enter saves, and Esc is "Later" (what is typed is kept as a draft).

What is typed is handed out as a draft (debounced while typing, and at once when the
window closes), so closing the window or quitting the app never loses it.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app import i18n
from resilience_app.core import texts
from resilience_app.core.followups import default_due
from resilience_app.core.loop import reflection_problems
from resilience_app.core.models import FollowUpKind, Incident, LossReason, MyPart, Reflection
from resilience_app.i18n import _
from resilience_app.ui import keys, style, windowing
from resilience_app.ui.ticker import Ticker

DRAFT_DELAY_MS = 600
NO_MOOD = -1


class ReflectionForm(QWidget):
    save_requested = Signal(str, object, object)  # incident id, Reflection, [(kind, due)]
    later_requested = Signal(str, object)
    discard_requested = Signal(str)
    draft_changed = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._incident_id: str | None = None
        self._loading = False
        self.setObjectName("calmWindow")
        self.setWindowTitle(_("Resilience — a private note"))
        self.setStyleSheet(style.sheet())
        self.draft_ticker = Ticker("draft-save", DRAFT_DELAY_MS, self._emit_draft, self)

        title = QLabel(_("A private note about that call"))
        title.setProperty("role", "title")
        title.setWordWrap(True)
        intro = QLabel(
            _("Only you will see this. Be honest, and be as kind as you would be to a friend.")
        )
        intro.setProperty("role", "muted")
        intro.setWordWrap(True)
        self.context = QLabel()
        self.context.setProperty("role", "muted")

        self.what = QLineEdit()
        self.what.setPlaceholderText(
            _("In a sentence, e.g. “They hung up after my second question.”")
        )
        self.my_part = QComboBox()
        self.my_part.addItem(_("Choose one…"), None)
        for part, label in texts.MY_PART.items():
            self.my_part.addItem(_(label), part.value)
        self.reason = QComboBox()
        self.reason.addItem(_("Choose one…"), None)
        for box in (self.my_part, self.reason):  # long choices: the list shows them whole
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(16)
        for reason, label in texts.LOSS_REASON.items():
            self.reason.addItem(_(label), reason.value)
        self.reason_hint = QLabel()
        self.reason_hint.setProperty("role", "hint")
        self.reason_hint.setWordWrap(True)
        self.reason_hint.hide()
        self.lesson = QLineEdit()
        self.lesson.setPlaceholderText(_("One thing to try on the next call"))
        self.positives = QPlainTextEdit()
        self.positives.setPlaceholderText(
            _("What went right, however small? Getting past the gatekeeper counts.\nOne per line.")
        )
        # Three lines or so at the rep's text size; it gives a little way on a small screen.
        lines = self.positives.fontMetrics().lineSpacing()
        self.positives.setMinimumHeight(int(lines * 2.2) + 16)
        self.positives.setMaximumHeight(lines * 4 + 16)
        self.positives.setTabChangesFocus(True)  # Tab moves on, as in every other field
        # How the rep feels: not rated until they touch it. The handle waits, dashed, in
        # the middle, so nothing reads as a score of 0 that nobody gave.
        self.mood = QSlider(Qt.Orientation.Horizontal)
        self.mood.setRange(0, 10)
        self.mood.setPageStep(1)
        self.mood.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.mood.setTickInterval(1)
        self._rated = False
        self.mood_value = QLabel()
        self.mood_value.setMinimumWidth(96)
        self.mood_clear = QToolButton()
        self.mood_clear.setText("×")
        self.mood_clear.setProperty("role", "small")
        self.mood_clear.setToolTip(_("Not rated after all"))
        self.mood_clear.setAccessibleName(_("Clear how I feel"))
        self.mood_clear.clicked.connect(lambda: self._set_rated(False))
        mood_row = QHBoxLayout()
        mood_row.addWidget(self.mood, 1)
        mood_row.addWidget(self.mood_value)
        mood_row.addWidget(self.mood_clear)

        form = QVBoxLayout()
        form.setSpacing(14)

        def field(
            text: str, widget: QWidget, *extra: QWidget, row: QHBoxLayout | None = None
        ) -> None:
            label = QLabel(text)
            label.setBuddy(widget)  # a screen reader names the field after its label
            group = QVBoxLayout()
            group.setSpacing(5)
            group.addWidget(label)
            if row is not None:
                group.addLayout(row)
            else:
                group.addWidget(widget)
            for more in extra:
                group.addWidget(more)
            form.addLayout(group)

        field(_("What happened?"), self.what)
        field(_("My part, honestly:"), self.my_part)
        field(_("Why was it lost?"), self.reason, self.reason_hint)
        field(_("One lesson for the next call:"), self.lesson)
        field(_("At least one positive:"), self.positives)
        field(_("How do you feel now? (0 = awful, 10 = great)"), self.mood, row=mood_row)

        self.followup_toggle = QToolButton()
        self.followup_toggle.setText(_("Plan a follow-up (optional)"))
        self.followup_toggle.setCheckable(True)
        self.followup_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.followup_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.followup_box = QWidget()
        grid = QGridLayout(self.followup_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.followup_checks: dict[FollowUpKind, QCheckBox] = {}
        self.followup_times: dict[FollowUpKind, QDateTimeEdit] = {}
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
            self.followup_checks[kind] = check
            self.followup_times[kind] = when
        self.check_in_months = QComboBox()
        self.check_in_months.addItem(_("in a month"), 1)
        self.check_in_months.addItem(_("in 3 months"), 3)
        self.check_in_months.currentIndexChanged.connect(self._check_in_changed)
        self.check_in_months.setAccessibleName(_("Check in after"))
        grid.addWidget(self.check_in_months, list(FollowUpKind).index(FollowUpKind.CHECK_IN), 2)
        self.followup_box.hide()
        self.followup_toggle.toggled.connect(self._toggle_followups)
        self._flagged_at: datetime | None = None

        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.discard_button = QPushButton(_("&Discard"))
        self.discard_button.setToolTip(_("Throw this note away (it asks first)"))
        self.later_button = QPushButton(_("&Later"))
        self.later_button.setToolTip(_("Keep what you wrote; finish it from the tray menu (Esc)"))
        self.save_button = QPushButton(_("&Save note"))
        self.save_button.setProperty("role", "primary")
        self.save_button.setDefault(True)
        self.save_button.setToolTip(_("Save the note (Ctrl+Enter)"))
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, activated=self._save)
        QShortcut(QKeySequence("Esc"), self, activated=self._later)
        buttons = QHBoxLayout()
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.save_button)

        body = QWidget()
        body.setObjectName("calmWindow")
        content = QVBoxLayout(body)
        content.setContentsMargins(0, 0, 6, 0)
        content.addWidget(title)
        content.addWidget(intro)
        content.addWidget(self.context)
        content.addSpacing(10)
        content.addLayout(form)
        content.addWidget(self.followup_toggle)
        content.addWidget(self.followup_box)
        content.addWidget(self.error)
        content.addStretch(1)
        self.page = windowing.ScrollPage(body)  # scrolls only when the screen is too small
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(self.page, 1)
        layout.addLayout(buttons)
        self.resize(460, 560)

        self.save_button.clicked.connect(self._save)
        self.later_button.clicked.connect(self._later)
        self.discard_button.clicked.connect(self._discard)
        self.reason.currentIndexChanged.connect(self._show_hint)
        self.mood.valueChanged.connect(self._mood_touched)
        self.mood.sliderPressed.connect(self._mood_touched)
        self.mood.valueChanged.connect(self._show_mood)
        for signal in (
            self.what.textChanged,
            self.lesson.textChanged,
            self.positives.textChanged,
            self.my_part.currentIndexChanged,
            self.reason.currentIndexChanged,
            self.mood.valueChanged,
        ):
            signal.connect(self._edited)
        self.mood.setValue(5)
        self._set_rated(False)

    # -- in and out -----------------------------------------------------------------------

    @property
    def incident_id(self) -> str | None:
        return self._incident_id

    def load(self, incident: Incident) -> None:
        self._loading = True
        self._incident_id = incident.id
        r = incident.reflection
        self.what.setText(r.what_happened)
        self.my_part.setCurrentIndex(
            max(0, self.my_part.findData(r.my_part.value if r.my_part else None))
        )
        self.reason.setCurrentIndex(
            max(0, self.reason.findData(r.loss_reason.value if r.loss_reason else None))
        )
        self.lesson.setText(r.lesson)
        self.positives.setPlainText("\n".join(r.positives))
        self.mood.setValue(5 if r.mood_after is None else r.mood_after)
        self._set_rated(r.mood_after is not None)
        when = i18n.format_time(incident.flagged_at)
        bits = [_("Call flagged at {time}").format(time=when)]
        if incident.label:
            bits.append(incident.label)
        if incident.rough is not None:
            bits.append(_("before the break it felt {rough}/10").format(rough=incident.rough))
        self.context.setText(" · ".join(bits))
        self._flagged_at = incident.flagged_at
        for kind, check in self.followup_checks.items():
            check.setChecked(False)
            self._set_time(kind, default_due(kind, incident.flagged_at))
        self.check_in_months.setCurrentIndex(0)
        self.followup_toggle.setChecked(False)
        self.error.hide()
        self._loading = False
        if not self.isVisible():
            windowing.fit(self, 460)  # as tall as the note needs, on this screen
        self.what.setFocus()

    def reflection(self) -> Reflection:
        part = self.my_part.currentData()
        reason = self.reason.currentData()
        mood = self.mood.value() if self._rated else NO_MOOD
        return Reflection(
            what_happened=self.what.text().strip(),
            my_part=MyPart(part) if part else None,
            loss_reason=LossReason(reason) if reason else None,
            lesson=self.lesson.text().strip(),
            positives=[
                line.strip() for line in self.positives.toPlainText().splitlines() if line.strip()
            ],
            mood_after=None if mood == NO_MOOD else mood,
        )

    def chosen_followups(self) -> list[tuple[FollowUpKind, datetime]]:
        """The follow-ups ticked, with the times shown (local time, made aware)."""
        chosen = []
        for kind, check in self.followup_checks.items():
            if check.isChecked():
                stamp = self.followup_times[kind].dateTime().toSecsSinceEpoch()
                chosen.append((kind, datetime.fromtimestamp(stamp).astimezone()))
        return chosen

    def _set_time(self, kind: FollowUpKind, when: datetime) -> None:
        self.followup_times[kind].setDateTime(QDateTime.fromSecsSinceEpoch(int(when.timestamp())))

    def _check_in_changed(self) -> None:
        if self._flagged_at is not None:
            months = int(self.check_in_months.currentData())
            self._set_time(
                FollowUpKind.CHECK_IN,
                default_due(FollowUpKind.CHECK_IN, self._flagged_at, months=months),
            )

    def _toggle_followups(self, shown: bool) -> None:
        self.followup_box.setVisible(shown)
        self.followup_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        # Grow (or shrink back) to fit, so no row is ever squeezed over another.
        self.followup_box.updateGeometry()
        self.page.updateGeometry()
        windowing.fit(self, self.width())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.page.ensureWidgetVisible(self.error)

    def flush_draft(self) -> None:
        """Hand out what is typed now (before quitting or closing)."""
        if self.draft_ticker.active:
            self.draft_ticker.stop()
        if self._incident_id is not None:
            self.draft_changed.emit(self._incident_id, self.reflection())

    # -- reactions ------------------------------------------------------------------------

    def _edited(self) -> None:
        if self._loading:
            return
        self.error.hide()
        # Restarted on each keystroke: one save shortly after the rep pauses typing.
        self.draft_ticker.stop()
        self.draft_ticker.start()

    def _emit_draft(self) -> None:
        self.draft_ticker.stop()
        if self._incident_id is not None:
            self.draft_changed.emit(self._incident_id, self.reflection())

    def _show_hint(self) -> None:
        reason = self.reason.currentData()
        self.reason_hint.setText(texts.loss_reason_hint(LossReason(reason)) if reason else "")
        self.reason_hint.setVisible(bool(reason))

    def _mood_touched(self) -> None:
        if not self._loading:
            self._set_rated(True)

    def _set_rated(self, rated: bool) -> None:
        changed = rated != self._rated
        self._rated = rated
        self.mood.setProperty("rated", "true" if rated else "false")
        self.mood.style().unpolish(self.mood)
        self.mood.style().polish(self.mood)
        self.mood_clear.setVisible(rated)
        self._show_mood(self.mood.value())
        if changed:
            self._edited()

    def _show_mood(self, value: int) -> None:
        text = _("{value} / 10").format(value=value) if self._rated else _("Not rated yet")
        self.mood_value.setText(text)
        self.mood_value.setProperty("role", "" if self._rated else "muted")
        self.mood_value.style().unpolish(self.mood_value)
        self.mood_value.style().polish(self.mood_value)
        self.mood.setAccessibleDescription(text)

    def _save(self) -> None:
        if self._incident_id is None:
            return
        reflection = self.reflection()
        problems = reflection_problems(reflection)
        if problems:
            self.show_error(problems[0])
            self.positives.setFocus()
            return
        self.draft_ticker.stop()
        self.save_requested.emit(self._incident_id, reflection, self.chosen_followups())

    def _later(self) -> None:
        if self._incident_id is not None:
            self.draft_ticker.stop()
            self.later_requested.emit(self._incident_id, self.reflection())

    def _discard(self) -> None:
        if self._incident_id is None:
            return
        if not self.reflection().is_empty():
            answer = QMessageBox.question(
                self,
                _("Discard this note?"),
                _("What you wrote about this call will be deleted."),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        self.draft_ticker.stop()
        self.discard_requested.emit(self._incident_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not keys.press_focused_button(self, event):
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing is "later": keep the draft, the tray still offers the note.
        self._later()
        super().closeEvent(event)
