"""Colours and the one style sheet shared by the app's windows."""

from __future__ import annotations

BACKGROUND = "#f3f1ec"
CARD = "#ffffff"
TEXT = "#1f2d33"
MUTED = "#5b6b70"
ACCENT = "#2a7f75"
ACCENT_SOFT = "#cfe6e1"
WARN = "#a4471b"

STYLE = f"""
QWidget#calmWindow {{ background: {BACKGROUND}; }}
QWidget#calmWindow QLabel {{ color: {TEXT}; }}
QLabel[role="title"] {{ font-size: 18px; font-weight: 600; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="cue"] {{ font-size: 22px; font-weight: 600; color: {ACCENT}; }}
QLabel[role="countdown"] {{ font-size: 15px; color: {MUTED}; }}
QLabel[role="big-counter"] {{ font-size: 56px; font-weight: 300; color: {ACCENT}; }}
QLabel[role="error"] {{ color: {WARN}; font-weight: 600; }}
QFrame[role="card"] {{ background: {CARD}; border-radius: 8px; }}
QPushButton {{ padding: 6px 14px; border-radius: 6px; border: 1px solid #b9c4c2;
  background: {CARD}; color: {TEXT}; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton[role="primary"] {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QLineEdit, QPlainTextEdit, QComboBox, QDoubleSpinBox {{ background: {CARD}; color: {TEXT};
  border: 1px solid #b9c4c2; border-radius: 5px; padding: 4px; }}
"""
