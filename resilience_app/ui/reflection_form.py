"""The private note after a break. Kind prompts, nothing required but one positive.

From the keyboard: the focus starts in the first field, Tab walks the form in reading
order, Ctrl+Enter saves, and Esc is "Later" (what is typed is kept as a draft).

What is typed is handed out as a draft (debounced while typing, and at once when the
window closes), so closing the window or quitting the app never loses it.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
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
from resilience_app.core import texts, values
from resilience_app.core.loop import reflection_problems
from resilience_app.core.models import FollowUpKind, Incident, LossReason, MyPart, Reflection
from resilience_app.i18n import _
from resilience_app.ui import fields, keys, style, titles, windowing
from resilience_app.ui.note_followups import FollowUpPicker
from resilience_app.ui.note_missing import MissingField
from resilience_app.ui.size_choice import SizeChoice
from resilience_app.ui.ticker import Ticker

DRAFT_DELAY_MS = 600
NO_MOOD = -1


class ReflectionForm(QWidget):
    # incident id, Reflection, [(kind, due)], what they said for the playbook ("" if none)
    save_requested = Signal(str, object, object, str)
    later_requested = Signal(str, object)
    discard_requested = Signal(str)
    draft_changed = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._incident_id: str | None = None
        self._loading = False
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("A private note")))
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
        # Translators: keep it short, it must fit the field (about 45 characters).
        self.what.setPlaceholderText(_("e.g. “They hung up after my second question.”"))
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
        # Three lines at least at the rep's text size, so its hint ("One per line" too)
        # shows whole; the note scrolls on a small screen rather than squeeze it.
        lines = self.positives.fontMetrics().lineSpacing()
        self.positives.setMinimumHeight(lines * 3 + 22)
        self.positives.setMaximumHeight(lines * 5 + 22)
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
        # What they said that the rep could not answer: kept for the playbook; offered
        # first when that was the rep's part, else here, after the part (`_place_said`).
        self.said = QLineEdit()
        self.said.setMaxLength(values.MAX_LABEL)
        # Translators: keep it short, it must fit the field (about 45 characters).
        self.said.setPlaceholderText(_("Their words, one line (optional)"))
        self.said_box = QWidget()
        said_group = QVBoxLayout(self.said_box)
        said_group.setContentsMargins(0, 0, 0, 0)
        said_group.setSpacing(5)
        said_label = QLabel(_("What did they say or ask that I couldn't answer?"))
        said_label.setWordWrap(True)
        said_label.setBuddy(self.said)
        said_group.addWidget(said_label)
        said_group.addWidget(self.said)
        self._fields = form
        form.addWidget(self.said_box)
        self.missing = MissingField()  # shown for a product gap only (`_show_hint`)
        field(_("Why was it lost?"), self.reason, self.reason_hint, self.missing)
        field(_("One lesson for the next call:"), self.lesson)
        field(_("At least one positive:"), self.positives)
        field(_("How do you feel now? (0 = awful, 10 = great)"), self.mood, row=mood_row)

        self.size_choice = SizeChoice()  # kept at once (service.set_size), from the flag's
        self.followup_toggle = QToolButton()
        self.followup_toggle.setText(_("Plan a follow-up (optional)"))
        self.followup_toggle.setCheckable(True)
        self.followup_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.followup_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.followup_box = FollowUpPicker()
        # Its parts by their old names (the tests and the presenter tick them).
        self.followup_checks = self.followup_box.checks
        self.followup_times = self.followup_box.times
        self.check_in_months = self.followup_box.check_in_months
        self.followup_box.hide()
        self.followup_toggle.toggled.connect(self._toggle_followups)

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
        # Translators: {key} is a key combination, written the way the desktop does.
        self.save_button.setToolTip(
            _("Save the note ({key})").format(key=keys.native("Ctrl+Enter"))
        )
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
        content.addWidget(self.size_choice)
        content.addWidget(self.followup_toggle)
        content.addWidget(self.followup_box)
        content.addWidget(self.error)
        content.addStretch(1)
        self.page = windowing.ScrollPage(body)  # scrolls only when the screen is too small
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(self.page, 1)
        layout.addLayout(buttons)
        fields.show_every_item(self)  # no choice cut off in a drop-down
        self.resize(460, 560)

        self.save_button.clicked.connect(self._save)
        self.later_button.clicked.connect(self._later)
        self.discard_button.clicked.connect(self._discard)
        self.reason.currentIndexChanged.connect(self._show_hint)
        self.my_part.currentIndexChanged.connect(self._place_said)
        self.mood.valueChanged.connect(self._mood_touched)
        self.mood.sliderPressed.connect(self._mood_touched)
        self.mood.valueChanged.connect(self._show_mood)
        for signal in (
            self.what.textChanged,
            self.said.textChanged,
            self.missing.edit.textChanged,
            self.lesson.textChanged,
            self.positives.textChanged,
            self.my_part.currentIndexChanged,
            self.reason.currentIndexChanged,
            self.mood.valueChanged,
        ):
            signal.connect(self._edited)
        self.mood.setValue(5)
        self._set_rated(False)
        self.size_choice.chain_tabs(self.mood_clear, self.followup_toggle)

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
        self.said.setText(r.said)
        self.missing.set_text(r.missing)
        self.positives.setPlainText("\n".join(r.positives))
        self.mood.setValue(5 if r.mood_after is None else r.mood_after)
        self._set_rated(r.mood_after is not None)
        when = i18n.format_time(incident.flagged_at)
        bits = [_("Call flagged at {time}").format(time=when)]
        if incident.label:
            bits.append(incident.label)
        if incident.rough is not None:
            # Translators: how rough the call was, 0 = fine, 10 = awful; the mood asked
            # for just below runs the other way (0 = awful, 10 = great).
            bits.append(_("before the break: rough {rough}/10").format(rough=incident.rough))
        self.context.setText(" · ".join(bits))
        self.size_choice.set_size(incident.size)
        self.followup_box.reset(incident.flagged_at)
        self.followup_toggle.setChecked(False)
        self.error.hide()
        self._loading = False
        if not self.isVisible():
            windowing.fit(self, 460)  # as tall as the note needs, on this screen
        self._first_field().setFocus()

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
            said=self.said.text().strip(),
            missing=self.missing.text(),  # kept in the draft; saved for a product gap only
        )

    def chosen_followups(self) -> list[tuple[FollowUpKind, datetime]]:
        """The follow-ups ticked, with the times shown (local time, made aware)."""
        return self.followup_box.chosen()

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

    def _first_field(self) -> QWidget:
        return self.said if self._fields.indexOf(self.said_box) == 0 else self.what

    def _place_said(self) -> None:
        """Their words first (right under the call) when the rep could not answer, else
        after "my part"; the Tab order follows the place."""
        first = self.my_part.currentData() == MyPart.COULDNT_ANSWER.value
        index = 0 if first else 2  # the groups: what happened, my part, then here
        if self._fields.indexOf(self.said_box) == index:
            return
        self._fields.removeWidget(self.said_box)
        self._fields.insertWidget(index, self.said_box)
        if first:  # said, what, my part: each moved after the one before
            QWidget.setTabOrder(self.said, self.what)
            QWidget.setTabOrder(self.what, self.my_part)
        else:
            QWidget.setTabOrder(self.my_part, self.said)

    def _show_hint(self) -> None:
        reason = self.reason.currentData()
        self.reason_hint.setText(texts.loss_reason_hint(LossReason(reason)) if reason else "")
        self.reason_hint.setVisible(bool(reason))
        self.missing.show_for(reason)

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
        self.save_requested.emit(
            self._incident_id, reflection, self.chosen_followups(), self.said.text().strip()
        )

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
