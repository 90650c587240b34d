"""Settings: every field maps to one key of `core.settings.SCHEMA`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app.core.breathing import PATTERNS
from resilience_app.core.settings import SCHEMA
from resilience_app.ui import style


class SettingsWindow(QWidget):
    """Shows values; `apply_requested(dict)` hands the edited ones to whoever validates."""

    apply_requested = Signal(dict)
    passphrase_requested = Signal(str)  # "set", "change" or "remove"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("calmWindow")
        self.setWindowTitle("Resilience — settings")
        self.setStyleSheet(style.sheet())

        def minutes(key: str, step: float) -> QDoubleSpinBox:
            spec = SCHEMA[key]
            box = QDoubleSpinBox()
            box.setDecimals(2)
            box.setSingleStep(step)
            box.setRange(float(spec.minimum or 0), float(spec.maximum or 600))
            box.setSuffix(" min")
            box.setToolTip(spec.description)
            return box

        self.break_minutes = minutes("break.minutes", 0.5)
        self.pattern = QComboBox()
        for key, pattern in PATTERNS.items():
            self.pattern.addItem(f"{pattern.name} — {pattern.summary}", key)
        self.reduced_motion = QCheckBox("Less motion: text and a counter, no moving shape")
        self.sound = QCheckBox("A soft chime when a break ends")
        self.first = minutes("nudge.first_minutes", 1)
        self.second = minutes("nudge.second_minutes", 1)
        self.start_at_login = QCheckBox("Start Resilience when I log in")
        self.theme = QComboBox()
        for key, label in (("auto", "Follow my desktop"), ("light", "Light"), ("dark", "Dark")):
            self.theme.addItem(label, key)
        self.lookback = QCheckBox("A weekly look back at my calls (opens Insights)")
        self.lookback_day = QComboBox()
        for key, label in zip(
            SCHEMA["lookback.day"].choices,
            ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
            strict=True,
        ):
            self.lookback_day.addItem(label, key)
        self.lookback_time = QTimeEdit()
        self.lookback_time.setDisplayFormat("HH:mm")
        when = QHBoxLayout()
        when.addWidget(self.lookback_day)
        when.addWidget(self.lookback_time)
        when.addStretch(1)
        self.lookback.toggled.connect(self.lookback_day.setEnabled)
        self.lookback.toggled.connect(self.lookback_time.setEnabled)
        self.detect_calls = QCheckBox(
            "Notice my calls (the microphone in use, never what it hears)"
        )
        self.ignore_apps = QLineEdit()
        self.ignore_apps.setPlaceholderText("e.g. Zoiper, Talon (apps that keep it open)")
        self.ignore_apps.setToolTip(SCHEMA["calls.ignore_apps"].description)
        self.offer_flag = QCheckBox("After a call, offer one click to flag it")
        self.hotkey = QKeySequenceEdit()
        self.hotkey.setMaximumSequenceLength(1)
        self.hotkey.setToolTip(
            "Click, then press the keys; the shortcut flags a call from anywhere"
        )
        self.clear_hotkey = QToolButton()
        self.clear_hotkey.setText("None")
        self.clear_hotkey.setToolTip("No global shortcut")
        self.clear_hotkey.clicked.connect(self.hotkey.clear)
        hotkey_row = QHBoxLayout()
        hotkey_row.addWidget(self.hotkey, 1)
        hotkey_row.addWidget(self.clear_hotkey)
        self.calls_status = QLabel()
        self.calls_status.setProperty("role", "muted")
        self.calls_status.setWordWrap(True)
        self.calls_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detect_calls.toggled.connect(self.ignore_apps.setEnabled)
        self.lock_status = QLabel()
        self.lock_status.setWordWrap(True)
        self.protect_button = QPushButton("&Protect with a passphrase…")
        self.change_button = QPushButton("C&hange passphrase…")
        self.remove_button = QPushButton("&Turn off…")
        self.protect_button.clicked.connect(lambda: self.passphrase_requested.emit("set"))
        self.change_button.clicked.connect(lambda: self.passphrase_requested.emit("change"))
        self.remove_button.clicked.connect(lambda: self.passphrase_requested.emit("remove"))
        lock_buttons = QHBoxLayout()
        lock_buttons.addWidget(self.protect_button)
        lock_buttons.addWidget(self.change_button)
        lock_buttons.addWidget(self.remove_button)
        lock_buttons.addStretch(1)
        self.lock_remember = QCheckBox("Open it by itself when I log in (this computer's keyring)")
        self.lock_remember.setToolTip(SCHEMA["lock.remember"].description)
        self.lock_idle = QSpinBox()
        spec = SCHEMA["lock.idle_minutes"]
        self.lock_idle.setRange(int(spec.minimum or 0), int(spec.maximum or 480))
        self.lock_idle.setSpecialValueText("Never")
        self.lock_idle.setSuffix(" min unused")
        self.lock_idle.setToolTip(spec.description)

        form = QFormLayout()
        form.addRow("Break length:", self.break_minutes)
        form.addRow("Breathing guide:", self.pattern)
        form.addRow("", self.reduced_motion)
        form.addRow("", self.sound)
        form.addRow("First nudge after:", self.first)
        form.addRow("Firmer nudge after:", self.second)
        form.addRow("", self.start_at_login)
        form.addRow("Colours:", self.theme)
        form.addRow("", self.lookback)
        form.addRow("Look back on:", when)
        form.addRow("", self.detect_calls)
        form.addRow("Not a call:", self.ignore_apps)
        form.addRow("", self.offer_flag)
        form.addRow("Shortcut to flag a call:", hotkey_row)
        form.addRow("", self.calls_status)
        privacy = QLabel("Privacy")
        privacy.setProperty("role", "section")
        form.addRow(privacy)
        form.addRow("Passphrase lock:", self.lock_status)
        form.addRow("", lock_buttons)
        form.addRow("", self.lock_remember)
        form.addRow("Lock it after:", self.lock_idle)
        hint = QLabel(
            "Nudges count from the moment you flag a call. 10 and 15 minutes is a good rule."
        )
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        form.insertRow(6, "", hint)  # under the two nudge times it explains
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.saved = QLabel("Saved.")
        self.saved.setProperty("role", "muted")
        self.saved.hide()
        self.save_button = QPushButton("Save")
        self.save_button.setProperty("role", "primary")
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(lambda: self.apply_requested.emit(self.values()))
        self.close_button.clicked.connect(self.close)

    def load(self, values: dict[str, Any]) -> None:
        self.break_minutes.setValue(float(values["break.minutes"]))
        self.pattern.setCurrentIndex(max(0, self.pattern.findData(values["break.pattern"])))
        self.reduced_motion.setChecked(bool(values["break.reduced_motion"]))
        self.sound.setChecked(bool(values["break.sound"]))
        self.first.setValue(float(values["nudge.first_minutes"]))
        self.second.setValue(float(values["nudge.second_minutes"]))
        self.theme.setCurrentIndex(max(0, self.theme.findData(values["ui.theme"])))
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
        self.lock_remember.setChecked(bool(values["lock.remember"]))
        self.lock_idle.setValue(int(values["lock.idle_minutes"]))
        self.error.hide()
        self.saved.hide()

    def show_calls(self, microphone: str, shortcut: str) -> None:
        """What the app sees right now, and whether the shortcut works."""
        self.calls_status.setText(f"{microphone}\n{shortcut}")

    def show_lock(self, protected: bool, locked: bool, keyring_problem: str | None) -> None:
        """Whether the journal is protected, and what can be done about it."""
        if not protected:
            text = "Off. Your notes are stored as plain text (only your login can read them)."
        elif locked:
            text = "On. Your journal is locked."
        else:
            text = "On. Your journal is unlocked."
        self.lock_status.setText(text)
        self.protect_button.setVisible(not protected)
        self.change_button.setVisible(protected)
        self.remove_button.setVisible(protected)
        self.lock_remember.setEnabled(protected and keyring_problem is None)
        self.lock_idle.setEnabled(protected)
        if keyring_problem:
            self.lock_remember.setToolTip(f"Not available here: {keyring_problem}.")

    def values(self) -> dict[str, Any]:
        return {
            "break.minutes": self.break_minutes.value(),
            "break.pattern": self.pattern.currentData(),
            "break.reduced_motion": self.reduced_motion.isChecked(),
            "break.sound": self.sound.isChecked(),
            "nudge.first_minutes": self.first.value(),
            "nudge.second_minutes": self.second.value(),
            "ui.theme": self.theme.currentData(),
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
            "lock.remember": self.lock_remember.isChecked(),
            "lock.idle_minutes": self.lock_idle.value(),
        }

    def show_result(self, error: str | None) -> None:
        self.error.setText(error or "")
        self.error.setVisible(bool(error))
        self.saved.setVisible(not error)
