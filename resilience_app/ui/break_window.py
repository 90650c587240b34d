"""The break: a small, calm window with a breathing guide, a countdown and a tip.

Everything on screen is computed from the clock by `render_at(now)`: the breathing shape
from `breathing.state_at(elapsed)`, the countdown from the break's end time. The frame
ticker only runs while the window is visible.

For a rep who cannot see the shape, or would rather close their eyes: the shape is the
"Breathing guide", described by the instruction of the moment, and each new phase is told
once, as it begins: politely to a screen reader (Qt's `QAccessibleAnnouncementEvent`, only
when assistive technology is listening), and through `phase_started` to whoever plays the
sound cues. The keyboard reaches everything; Esc ends the break like closing the window
does, and the note comes next, so nothing is lost.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QCloseEvent,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app.core.breathing import PATTERNS, BreathState, state_at
from resilience_app.core.models import Incident
from resilience_app.i18n import _, ngettext
from resilience_app.ui import fields, keys, style, titles, windowing
from resilience_app.ui.breathing_view import BreathingView
from resilience_app.ui.size_choice import SizeChoice
from resilience_app.ui.ticker import Ticker

FRAME_MS = 33  # ~30 fps while the shape moves
REDUCED_MS = 250  # text only: a few updates a second keep the counter exact


def instruction(state: BreathState) -> str:
    """The guide in words, e.g. "Breathe in — 3 seconds left"."""
    left = ngettext("{n} second left", "{n} seconds left", state.seconds_left).format(
        n=state.seconds_left
    )
    # Translators: a breathing instruction, then the seconds left in it.
    return _("{cue} — {left}").format(cue=state.cue, left=left)  # state_at translated it


def format_left(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))
    # Translators: the time left in a break, as minutes:seconds.
    return _("{time} left").format(time=f"{seconds // 60}:{seconds % 60:02d}")


class BreakWindow(QWidget):
    end_requested = Signal()
    add_minute_requested = Signal()
    pattern_chosen = Signal(str)
    reduced_motion_toggled = Signal(bool)
    phase_sounds_toggled = Signal(bool)
    phase_started = Signal(str)  # "in", "hold" or "out", once as each phase begins
    first_painted = Signal()  # once after each show: the rep can see it now

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._now = now
        self._incident: Incident | None = None
        self._pattern = PATTERNS["box"]
        self._reduced = False
        self.state: BreathState | None = None
        self._phase: tuple[str, int, int] | None = None  # (incident, cycle, step) now shown
        # Told to assistive technology, newest last (the last few: the app runs all day).
        self.announcements: deque[str] = deque(maxlen=50)
        self.frames = 0  # animation frames drawn (make bench reads it through `status`)
        self._awaiting_paint = False
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("Take a breath")))
        self.setStyleSheet(style.sheet())
        self.ticker = Ticker("break-frames", FRAME_MS, self._frame, self)

        self.title = QLabel(_("That call is over. Take a few minutes."))
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setProperty("role", "muted")
        self.view = BreathingView()
        self.view.painted.connect(self._painted)  # the shape is drawn: the window is up
        self.cue = QLabel()
        self.cue.setProperty("role", "cue")
        self.cue.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue.setWordWrap(True)
        self.counter = QLabel()
        self.counter.setProperty("role", "big-counter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = QLabel()
        self.detail.setProperty("role", "muted")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.countdown = QLabel()
        self.countdown.setProperty("role", "countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.pattern_box = QComboBox()
        for key, pattern in PATTERNS.items():
            self.pattern_box.addItem(pattern.title, key)
        self.pattern_box.setToolTip(_("Which breathing guide to follow"))
        self.pattern_box.setAccessibleName(_("Breathing pattern"))
        self.pattern_box.activated.connect(
            lambda index: self.pattern_chosen.emit(self.pattern_box.itemData(index))
        )
        self.reduced_box = QCheckBox(_("Less motion"))
        self.reduced_box.setToolTip(
            _("Show the instruction and a counter instead of the moving shape")
        )
        self.reduced_box.toggled.connect(self.reduced_motion_toggled.emit)
        self.sounds_box = QCheckBox(_("Sound cues"))
        self.sounds_box.setToolTip(
            _(
                "A soft tone as each phase begins: high to breathe in, middle to hold, "
                "low to breathe out. Follow it with your eyes closed."
            )
        )
        self.sounds_box.toggled.connect(self.phase_sounds_toggled.emit)
        # The label names the list for a screen reader too (on Linux a combo box is read by
        # its label and its current choice).
        pattern_label = QLabel(_("Breathing pattern:"))
        pattern_label.setBuddy(self.pattern_box)
        choice = QHBoxLayout()
        choice.addWidget(pattern_label)
        choice.addWidget(self.pattern_box, 1)
        controls = QHBoxLayout()
        controls.addWidget(self.reduced_box)
        controls.addWidget(self.sounds_box)
        controls.addStretch(1)

        self.tip = QLabel()
        self.tip.setWordWrap(True)
        tip_card = QFrame()
        tip_card.setProperty("role", "card")
        tip_layout = QVBoxLayout(tip_card)
        tip_layout.addWidget(self.tip)
        self.positive = QLabel()
        self.positive.setWordWrap(True)
        self.positive_card = QFrame()
        self.positive_card.setProperty("role", "card")
        positive_layout = QVBoxLayout(self.positive_card)
        positive_layout.addWidget(self.positive)

        self.more_button = QPushButton(_("+1 minute"))
        # Translators: {key} is a key combination, written the way the desktop does.
        self.more_button.setToolTip(
            _("Make this break a minute longer ({key})").format(key=keys.native("Ctrl++"))
        )
        self.more_button.setAccessibleName(_("One more minute"))
        self.more_button.clicked.connect(self.add_minute_requested.emit)
        self.end_button = QPushButton(_("End break"))
        self.end_button.setProperty("role", "primary")
        self.end_button.setToolTip(
            # Translators: {key} is a key combination, written the way the desktop does.
            _("Finish now and write a short note ({key}, or Esc). Nothing is lost.").format(
                key=keys.native("Ctrl+Return")
            )
        )
        self.end_button.clicked.connect(self.end_requested.emit)
        for key in ("Ctrl+Return", "Ctrl+Enter", "Esc"):
            QShortcut(QKeySequence(key), self, activated=self.end_requested.emit)
        QShortcut(QKeySequence("Ctrl++"), self, activated=self.add_minute_requested.emit)
        self.size_choice = SizeChoice()  # optional; a click leaves the guide the focus
        buttons = QHBoxLayout()
        buttons.addWidget(self.more_button)
        buttons.addStretch(1)
        buttons.addWidget(self.end_button)

        # Everything but the buttons scrolls, should the screen be too small for it (text
        # at 200 %, a low screen): the buttons stay at the bottom, always in reach, and no
        # row is ever squeezed over another (the cue over the guide, the countdown over
        # the tip).
        page = QWidget()
        page.setObjectName("calmWindow")
        content = QVBoxLayout(page)
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(8)
        content.addWidget(self.title)
        content.addWidget(self.subtitle)
        content.addWidget(self.view, 1)
        content.addWidget(self.counter, 1)
        content.addWidget(self.cue)
        content.addWidget(self.detail)
        content.addWidget(self.countdown)
        content.addLayout(choice)
        content.addLayout(controls)
        content.addWidget(tip_card)
        content.addWidget(self.positive_card)
        content.addWidget(self.size_choice)
        self.page = windowing.ScrollPage(page)
        self.page.viewport().installEventFilter(self)  # the guide gives way on a low screen
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(8)
        layout.addWidget(self.page, 1)
        layout.addLayout(buttons)
        # Tab goes from the guide through the choices to the buttons, as they are read.
        order = [
            self.view,
            self.pattern_box,
            self.reduced_box,
            self.sounds_box,
            self.more_button,
            self.end_button,
        ]
        for first, second in pairwise(order):
            self.setTabOrder(first, second)
        self.size_choice.chain_tabs(self.sounds_box, self.more_button)
        fields.show_every_item(self)  # no choice cut off in a drop-down
        self.resize(400, 600)
        self._apply_motion()

    # -- what to show ---------------------------------------------------------------------

    def show_break(
        self,
        incident: Incident,
        *,
        pattern: str,
        reduced_motion: bool,
        tip: str,
        positive: str | None = None,
    ) -> None:
        self._incident = incident
        self.set_pattern(pattern)
        self.set_reduced_motion(reduced_motion)
        details = []
        if incident.label:
            details.append(incident.label)
        if incident.rough is not None:
            # Translators: how rough the call was, 0 = fine, 10 = awful (the flag's --rough
            # and the tray's "Rough one?"); a mood score elsewhere runs the other way.
            details.append(_("rough {rough}/10").format(rough=incident.rough))
        self.subtitle.setText(" · ".join(details))
        self.subtitle.setVisible(bool(details))
        self.size_choice.set_size(incident.size)
        self.tip.setText(tip)
        if positive:
            self.positive.setText(
                _("You've handled worse before. You once wrote: “{positive}”").format(
                    positive=positive
                )
            )
        self.positive_card.setVisible(bool(positive))
        self.render_at(self._now())
        if not self.isVisible():
            windowing.fit(self, 400, 600)  # larger (up to the screen) when the text is large

    def set_pattern(self, key: str) -> None:
        self._pattern = PATTERNS.get(key, PATTERNS["box"])
        index = self.pattern_box.findData(self._pattern.key)
        if index >= 0 and index != self.pattern_box.currentIndex():
            self.pattern_box.setCurrentIndex(index)

    def set_reduced_motion(self, reduced: bool) -> None:
        self._reduced = reduced
        if self.reduced_box.isChecked() != reduced:
            self.reduced_box.blockSignals(True)
            self.reduced_box.setChecked(reduced)
            self.reduced_box.blockSignals(False)
        self._apply_motion()

    def set_phase_sounds(self, on: bool) -> None:
        if self.sounds_box.isChecked() != on:
            self.sounds_box.blockSignals(True)
            self.sounds_box.setChecked(on)
            self.sounds_box.blockSignals(False)

    def update_incident(self, incident: Incident) -> None:
        """The break's end moved ("+1 minute")."""
        self._incident = incident
        self.render_at(self._now())

    @property
    def incident_id(self) -> str | None:
        return self._incident.id if self._incident else None

    def _apply_motion(self) -> None:
        had_focus = self.view.hasFocus()
        self.view.setVisible(not self._reduced)
        self.counter.setVisible(self._reduced)
        self.ticker.set_interval(REDUCED_MS if self._reduced else FRAME_MS)
        if had_focus and self._reduced:
            self.reduced_box.setFocus()  # the focus stays where the rep just was

    def first_focus(self) -> QWidget:
        """Where the keyboard starts: the guide itself (a screen reader reads it out)."""
        return self.pattern_box if self._reduced else self.view

    # -- drawing --------------------------------------------------------------------------

    def render_at(self, now: datetime) -> None:
        incident = self._incident
        if incident is None or incident.break_started_at is None:
            return
        elapsed = (now - incident.break_started_at).total_seconds()
        state = state_at(self._pattern, elapsed)
        self.state = state
        self.view.set_shape_size(state.size)
        said = instruction(state)
        self.view.set_instruction(said)
        if self._reduced:
            self.cue.setText(state.cue)
            self.counter.setText(str(state.seconds_left))
            self.counter.setAccessibleName(said)
        else:
            self.cue.setText(state.label)
        self.cue.setAccessibleName(said)
        phase = (incident.id, state.cycle, state.step_index)
        if phase != self._phase:
            self._phase = phase
            self._phase_began(state)
        self.detail.setText(state.detail)
        if self.detail.isHidden() == bool(state.detail):  # a line more or less under the guide
            self.detail.setVisible(bool(state.detail))
            self._guide_gives_way()
        if incident.break_ends_at is not None:
            self.countdown.setText(format_left((incident.break_ends_at - now).total_seconds()))

    def _phase_began(self, state: BreathState) -> None:
        """Once per phase, never per frame: the sound cue and the screen reader's line."""
        step = self._pattern.steps[state.step_index]
        if self.isVisible():
            self.phase_started.emit(step.motion)
            said = instruction(state)
            self.announce(said + ". " + _(step.detail) if step.detail else said)

    def announce(self, message: str) -> None:
        """Have a screen reader say `message` when it is free (polite, never interrupting).
        Only while assistive technology is listening; otherwise there is no one to tell."""
        if not QAccessible.isActive():
            return
        self.announcements.append(message)
        event = QAccessibleAnnouncementEvent(self, message)
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
        QAccessible.updateAccessibility(event)

    def _frame(self) -> None:
        self.frames += 1
        self.render_at(self._now())

    def _painted(self) -> None:
        if self._awaiting_paint:
            self._awaiting_paint = False
            self.first_painted.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self._painted()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._awaiting_paint = True
        self._phase = None  # shown again: the phase in progress is told afresh
        self.ticker.start()
        self.render_at(self._now())
        if self.focusWidget() is None or not self.focusWidget().isVisible():
            self.first_focus().setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.page.viewport() and event.type() == QEvent.Type.Resize:
            self._guide_gives_way()
        return super().eventFilter(watched, event)

    def _guide_gives_way(self) -> None:
        """On a low screen (text at 200 %, a scaled desktop) the guide is no taller than
        lets the instruction and the countdown show under it without scrolling; below
        them, the choices and the tip may scroll."""
        above_and_below = [self.title, self.subtitle, self.cue, self.detail, self.countdown]
        shown = [w for w in above_and_below if not w.isHidden()]
        spacing = self.page.widget().layout().spacing()
        taken = sum(
            w.heightForWidth(self.page.viewport().width())
            if w.hasHeightForWidth()
            else w.sizeHint().height()
            for w in shown
        )
        room = self.page.viewport().height() - taken - spacing * len(shown)
        self.view.setMaximumHeight(max(self.view.minimumHeight(), room))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not keys.press_focused_button(self, event):
            super().keyPressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.ticker.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the window is the same as ending the break: the note comes next.
        event.ignore()
        self.end_requested.emit()
