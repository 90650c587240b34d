"""Settings: every field maps to one key of `core.settings.SCHEMA`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from resilience_app import i18n
from resilience_app.core import workhours
from resilience_app.core.breathing import PATTERNS
from resilience_app.core.settings import SCHEMA
from resilience_app.i18n import _
from resilience_app.ui import fields, keys, style, titles
from resilience_app.ui.settings_calls import AppsSeen, dial_key_field, flag_key_field


def _fields(form: QFormLayout, kind: type[QWidget]) -> list[QWidget]:
    found = []
    for index in range(form.count()):
        item = form.itemAt(index)
        if item is not None and isinstance(item.widget(), kind):
            found.append(item.widget())
    return found


class SettingsWindow(QWidget):
    """Shows values; `apply_requested(dict)` hands the edited ones to whoever validates."""

    apply_requested = Signal(dict)
    passphrase_requested = Signal(str)  # "set", "change" or "remove"
    not_a_call_requested = Signal(str)  # an app seen on the microphone, by its name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("Settings")))
        self.setStyleSheet(style.sheet())

        def minutes(key: str, step: float) -> QDoubleSpinBox:
            spec = SCHEMA[key]
            box = fields.MinutesBox()  # "3 min", "2.5 min": no "3.00 min"
            box.setSingleStep(step)
            box.setRange(float(spec.minimum or 0), float(spec.maximum or 600))
            # Translators: after a number of minutes in a number field (mind the space).
            box.setSuffix(_(" min"))
            box.setToolTip(spec.help)
            return box

        self.break_minutes = minutes("break.minutes", 0.5)
        self.pattern = QComboBox()
        for key, pattern in PATTERNS.items():
            self.pattern.addItem(
                _("{name} — {summary}").format(name=pattern.title, summary=pattern.description),
                key,
            )
        # Long choices: the closed box may shorten them, the open list shows them whole.
        self.pattern.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.pattern.setMinimumContentsLength(24)
        self.reduced_motion = QCheckBox(_("Less motion: text and a counter, no moving shape"))
        self.sound = QCheckBox(_("A soft chime when a break ends"))
        self.phase_sounds = QCheckBox(
            _("Sound cues at each breathing phase, to follow with eyes closed")
        )
        self.phase_sounds.setToolTip(
            _("High to breathe in, middle to hold, low to breathe out; also in the break window")
        )
        self.first = minutes("nudge.first_minutes", 1)
        self.second = minutes("nudge.second_minutes", 1)
        self.playbook_card = QCheckBox(_("With a nudge, one card from my playbook"))
        self.start_at_login = QCheckBox(_("Start Resilience when I log in"))
        self.theme = QComboBox()
        for key, label in (
            ("auto", _("Follow my desktop")),
            ("light", _("Light")),
            ("dark", _("Dark")),
            ("contrast", _("High contrast")),
        ):
            self.theme.addItem(label, key)
        self.theme.setToolTip(SCHEMA["ui.theme"].help)
        self.language = QComboBox()
        self.language.addItem(_("Follow my system"), "auto")
        for key, name in i18n.LANGUAGES.items():
            self.language.addItem(name, key)  # each language named in itself
        self.language.setToolTip(SCHEMA["ui.language"].help)
        self.lookback = QCheckBox(_("A weekly look back at my calls (opens Insights)"))
        self.lookback_day = QComboBox()
        for key, label in zip(
            SCHEMA["lookback.day"].choices,
            i18n.day_names("wide"),
            strict=True,
        ):
            self.lookback_day.addItem(label, key)
        self.lookback_time = QTimeEdit()
        self.lookback_time.setDisplayFormat("HH:mm")
        self.lookback_day.setAccessibleName(_("Day of the look back"))
        self.lookback_time.setAccessibleName(_("Time of the look back"))
        when = QHBoxLayout()
        when.addWidget(self.lookback_day)
        when.addWidget(self.lookback_time)
        when.addStretch(1)
        self.lookback.toggled.connect(self.lookback_day.setEnabled)
        self.lookback.toggled.connect(self.lookback_time.setEnabled)
        self.detect_calls = QCheckBox(
            _("Notice my calls (the microphone in use, never what it hears)")
        )
        self.ignore_apps = QLineEdit()
        self.ignore_apps.setPlaceholderText(_("e.g. Zoiper, Talon (apps that keep it open)"))
        self.ignore_apps.setToolTip(SCHEMA["calls.ignore_apps"].help)
        self.offer_flag = QCheckBox(_("After a call, offer one click to flag it"))
        self.hotkey, self.clear_hotkey, hotkey_row = flag_key_field()
        self.dial_key, self.clear_dial_key, dial_key_row = dial_key_field()
        self.calls_status = QLabel()
        self.calls_status.setProperty("role", "muted")
        self.calls_status.setWordWrap(True)
        self.calls_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detect_calls.toggled.connect(self.ignore_apps.setEnabled)
        self.apps_seen = AppsSeen()  # on the microphone lately, each "This is not a call"
        self.apps_seen.not_a_call.connect(self.not_a_call_requested.emit)
        self.work_limit = QCheckBox(_("Only nudge me during my working hours"))
        self.work_days: dict[str, QCheckBox] = {}
        days_row = QHBoxLayout()
        for key, name in zip(workhours.DAYS, i18n.day_names(), strict=True):
            box = QCheckBox(name)
            box.setAccessibleName(name)
            self.work_days[key] = box
            days_row.addWidget(box)
        days_row.addStretch(1)

        def clock(name: str) -> QTimeEdit:
            edit = QTimeEdit()
            edit.setDisplayFormat("HH:mm")
            edit.setAccessibleName(name)
            return edit

        self.work_start = clock(_("Start"))
        self.work_end = clock(_("End"))
        hours_row = QHBoxLayout()
        hours_row.addWidget(self.work_start)
        # Translators: between two times of day, "09:00 to 18:00".
        hours_row.addWidget(QLabel(_("to")))
        hours_row.addWidget(self.work_end)
        hours_row.addStretch(1)
        self.work_gap = QCheckBox(_("A break in my day (a split shift)"))
        self.gap_start = clock(_("Break starts"))
        self.gap_end = clock(_("Break ends"))
        gap_row = QHBoxLayout()
        gap_row.addWidget(self.work_gap)
        gap_row.addWidget(self.gap_start)
        gap_row.addWidget(QLabel(_("to")))
        gap_row.addWidget(self.gap_end)
        gap_row.addStretch(1)
        self.work_gap.toggled.connect(self.gap_start.setEnabled)
        self.work_gap.toggled.connect(self.gap_end.setEnabled)
        work_hint = QLabel(
            _(
                "Outside these hours no nudge is shown, and follow-up reminders and the weekly "
                "look back wait for your next working hour. A flag always gives you a break. "
                "A shift that ends before it starts runs past midnight."
            )
        )
        work_hint.setProperty("role", "muted")
        work_hint.setWordWrap(True)
        self.lock_status = QLabel()
        self.lock_status.setWordWrap(True)
        self.protect_button = QPushButton(_("&Protect with a passphrase…"))
        self.change_button = QPushButton(_("C&hange passphrase…"))
        self.remove_button = QPushButton(_("&Turn off…"))
        self.protect_button.clicked.connect(lambda: self.passphrase_requested.emit("set"))
        self.change_button.clicked.connect(lambda: self.passphrase_requested.emit("change"))
        self.remove_button.clicked.connect(lambda: self.passphrase_requested.emit("remove"))
        lock_buttons = QHBoxLayout()
        lock_buttons.addWidget(self.protect_button)
        lock_buttons.addWidget(self.change_button)
        lock_buttons.addWidget(self.remove_button)
        lock_buttons.addStretch(1)
        self.lock_remember = QCheckBox(
            _("Open it by itself when I log in (this computer's keyring)")
        )
        self.lock_remember.setToolTip(SCHEMA["lock.remember"].help)
        self.lock_idle = QSpinBox()
        spec = SCHEMA["lock.idle_minutes"]
        self.lock_idle.setRange(int(spec.minimum or 0), int(spec.maximum or 480))
        self.lock_idle.setSpecialValueText(_("Never"))
        self.lock_idle.setSuffix(_(" min unused"))
        self.lock_idle.setToolTip(spec.help)

        hint = QLabel(
            _("Nudges count from the moment you flag a call. 10 and 15 minutes is a good rule.")
        )
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)

        breaks = QFormLayout()
        breaks.addRow(_("Break length:"), self.break_minutes)
        breaks.addRow(_("Breathing guide:"), self.pattern)
        breaks.addRow("", self.reduced_motion)
        breaks.addRow("", self.phase_sounds)
        breaks.addRow("", self.sound)
        breaks.addRow(_("First nudge after:"), self.first)
        breaks.addRow(_("Firmer nudge after:"), self.second)
        breaks.addRow("", hint)  # under the two nudge times it explains
        breaks.addRow("", self.playbook_card)
        breaks.addRow("", self.lookback)
        breaks.addRow(_("Look back on:"), when)
        calls = QFormLayout()
        calls.addRow("", self.detect_calls)
        calls.addRow(_("Not a call:"), self.ignore_apps)
        calls.addRow(_("Seen lately:"), self.apps_seen)
        calls.addRow("", self.offer_flag)
        calls.addRow(_("Shortcut to flag a call:"), hotkey_row)
        calls.addRow(_("Shortcut for “I'm dialing”:"), dial_key_row)
        calls.addRow("", self.calls_status)
        hours = QFormLayout()
        hours.addRow("", self.work_limit)
        hours.addRow(_("Working days:"), days_row)
        hours.addRow(_("Working hours:"), hours_row)
        hours.addRow("", gap_row)
        hours.addRow("", work_hint)
        general = QFormLayout()
        general.addRow(_("Language:"), self.language)
        general.addRow(_("Colors:"), self.theme)
        general.addRow("", self.start_at_login)
        privacy = QFormLayout()
        privacy.addRow(_("Passphrase lock:"), self.lock_status)
        privacy.addRow("", lock_buttons)
        privacy.addRow("", self.lock_remember)
        privacy.addRow(_("Lock it after:"), self.lock_idle)
        self.pages = QTabWidget()
        self._bodies: list[QWidget] = []
        for name, page in (
            (_("&Breaks"), breaks),
            (_("&Calls"), calls),
            (_("&Working hours"), hours),
            (_("&General"), general),
            (_("Pri&vacy"), privacy),
        ):
            self.add_page(name, page)
        # A page sized while hidden keeps its old line breaks; lay it out as it is shown.
        self.pages.currentChanged.connect(lambda index: self._bodies[index].layout().invalidate())
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.saved = QLabel(_("Saved."))
        self.saved.setProperty("role", "muted")
        self.saved.hide()
        self.save_button = QPushButton(_("Save"))
        self.save_button.setProperty("role", "primary")
        # Translators: {key} is a key combination, written the way the desktop does.
        self.save_button.setToolTip(
            _("Save these settings ({key})").format(key=keys.native("Ctrl+S"))
        )
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_button.click)
        self.close_button = QPushButton(_("Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(lambda: self.apply_requested.emit(self.values()))
        self.close_button.clicked.connect(self.close)

    def add_page(self, name: str, form: QFormLayout) -> None:
        """A tab whose fields scroll when a large font (or a long language) needs room."""
        form.setVerticalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for box in _fields(form, QCheckBox):
            # A check box cannot wrap its sentence: never squeezed, the page scrolls instead.
            box.setSizePolicy(QSizePolicy.Policy.Fixed, box.sizePolicy().verticalPolicy())
        body = QWidget()
        body.setObjectName("calmWindow")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(14, 14, 14, 14)
        outer.addLayout(form)
        outer.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        # Sideways too, but only when a line cannot fit the screen (text at 200 %).
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setWidget(body)
        self._bodies.append(body)
        self.pages.addTab(scroll, name)

    def fit(self) -> None:
        """As big as the largest page needs (up to most of the screen; beyond, it scrolls)."""
        wide = max(body.sizeHint().width() for body in self._bodies)
        tall = max(body.sizeHint().height() for body in self._bodies)
        chrome = self.sizeHint() - self.pages.sizeHint()
        width, height = wide + chrome.width() + 40, tall + chrome.height() + 80
        screen = self.screen()
        if screen is not None:
            area = screen.availableGeometry()
            width = min(width, int(area.width() * 0.95))
            height = min(height, int(area.height() * 0.9))
        fields.show_every_item(self)  # no choice cut off in a drop-down
        self.resize(max(width, self.minimumSizeHint().width()), height)

    def load(self, values: dict[str, Any]) -> None:
        self.break_minutes.setValue(float(values["break.minutes"]))
        self.pattern.setCurrentIndex(max(0, self.pattern.findData(values["break.pattern"])))
        self.reduced_motion.setChecked(bool(values["break.reduced_motion"]))
        self.sound.setChecked(bool(values["break.sound"]))
        self.phase_sounds.setChecked(bool(values["break.phase_sounds"]))
        self.first.setValue(float(values["nudge.first_minutes"]))
        self.second.setValue(float(values["nudge.second_minutes"]))
        self.playbook_card.setChecked(bool(values["playbook.card"]))
        self.theme.setCurrentIndex(max(0, self.theme.findData(values["ui.theme"])))
        self.language.setCurrentIndex(max(0, self.language.findData(values["ui.language"])))
        self.start_at_login.setChecked(bool(values["app.start_at_login"]))
        self.lookback.setChecked(bool(values["lookback.enabled"]))
        self.lookback_day.setCurrentIndex(
            max(0, self.lookback_day.findData(values["lookback.day"]))
        )
        hour, minute = (int(p) for p in str(values["lookback.time"]).split(":"))
        self.lookback_time.setTime(QTime(hour, minute))
        self.lookback_day.setEnabled(self.lookback.isChecked())
        self.lookback_time.setEnabled(self.lookback.isChecked())
        self.detect_calls.setChecked(bool(values["calls.detect"]))
        self.ignore_apps.setText(str(values["calls.ignore_apps"]))
        self.ignore_apps.setEnabled(self.detect_calls.isChecked())
        self.offer_flag.setChecked(bool(values["calls.offer_flag"]))
        self.hotkey.setKeySequence(QKeySequence(str(values["hotkey.flag"])))
        self.dial_key.setKeySequence(QKeySequence(str(values["hotkey.dial"])))
        self.work_limit.setChecked(bool(values["work.limit"]))
        chosen = str(values["work.days"]).split(",")
        for key, box in self.work_days.items():
            box.setChecked(key in chosen)
        self.work_start.setTime(_qtime(values["work.start"]))
        self.work_end.setTime(_qtime(values["work.end"]))
        gap = str(values["work.gap"])
        self.work_gap.setChecked(bool(gap))
        start, end = gap.split("-") if gap else ("12:30", "13:30")
        self.gap_start.setTime(_qtime(start))
        self.gap_end.setTime(_qtime(end))
        self.gap_start.setEnabled(bool(gap))
        self.gap_end.setEnabled(bool(gap))
        self.lock_remember.setChecked(bool(values["lock.remember"]))
        self.lock_idle.setValue(int(values["lock.idle_minutes"]))
        self.error.hide()
        self.saved.hide()

    def show_calls(
        self, microphone: str, shortcut: str, seen: list[dict[str, Any]] | None = None
    ) -> None:
        """What the app sees right now, and whether the shortcuts work; the apps seen
        using the microphone lately (name and program), each a click from being no call."""
        self.calls_status.setText(f"{microphone}\n{shortcut}")
        self.apps_seen.show_apps(seen or [])

    def show_lock(self, protected: bool, locked: bool, keyring_problem: str | None) -> None:
        """Whether the journal is protected, and what can be done about it."""
        if not protected:
            text = _("Off. Your notes are stored as plain text (only your login can read them).")
        elif locked:
            text = _("On. Your journal is locked.")
        else:
            text = _("On. Your journal is unlocked.")
        self.lock_status.setText(text)
        self.protect_button.setVisible(not protected)
        self.change_button.setVisible(protected)
        self.remove_button.setVisible(protected)
        self.lock_remember.setEnabled(protected and keyring_problem is None)
        self.lock_idle.setEnabled(protected)
        if keyring_problem:
            self.lock_remember.setToolTip(
                _("Not available here: {problem}.").format(problem=keyring_problem)
            )

    def values(self) -> dict[str, Any]:
        return {
            "break.minutes": self.break_minutes.value(),
            "break.pattern": self.pattern.currentData(),
            "break.reduced_motion": self.reduced_motion.isChecked(),
            "break.sound": self.sound.isChecked(),
            "break.phase_sounds": self.phase_sounds.isChecked(),
            "nudge.first_minutes": self.first.value(),
            "nudge.second_minutes": self.second.value(),
            "playbook.card": self.playbook_card.isChecked(),
            "ui.theme": self.theme.currentData(),
            "ui.language": self.language.currentData(),
            "app.start_at_login": self.start_at_login.isChecked(),
            "lookback.enabled": self.lookback.isChecked(),
            "lookback.day": self.lookback_day.currentData(),
            "lookback.time": self.lookback_time.time().toString("HH:mm"),
            "calls.detect": self.detect_calls.isChecked(),
            "calls.ignore_apps": self.ignore_apps.text(),
            "calls.offer_flag": self.offer_flag.isChecked(),
            "hotkey.flag": self.hotkey.keySequence().toString(
                QKeySequence.SequenceFormat.PortableText
            ),
            "hotkey.dial": self.dial_key.keySequence().toString(
                QKeySequence.SequenceFormat.PortableText
            ),
            "work.limit": self.work_limit.isChecked(),
            "work.days": ",".join(k for k, box in self.work_days.items() if box.isChecked()),
            "work.start": self.work_start.time().toString("HH:mm"),
            "work.end": self.work_end.time().toString("HH:mm"),
            "work.gap": (
                f"{self.gap_start.time().toString('HH:mm')}-{self.gap_end.time().toString('HH:mm')}"
                if self.work_gap.isChecked()
                else ""
            ),
            "lock.remember": self.lock_remember.isChecked(),
            "lock.idle_minutes": self.lock_idle.value(),
        }

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not keys.press_focused_button(self, event):
            super().keyPressEvent(event)

    def show_result(self, error: str | None) -> None:
        self.error.setText(error or "")
        self.error.setVisible(bool(error))
        self.saved.setVisible(not error)


def _qtime(text: object) -> QTime:
    hour, minute = (int(p) for p in str(text).split(":"))
    return QTime(hour, minute)
