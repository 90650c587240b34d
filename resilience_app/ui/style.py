"""Colours and the one style sheet shared by the app's windows, light or dark.

The app draws its own calm palette rather than the desktop's, and picks its dark variant
when the desktop asks for a dark colour scheme, so text and charts stay readable in both.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication


@dataclass(frozen=True)
class Colours:
    dark: bool
    background: str
    card: str
    text: str
    muted: str
    accent: str
    accent_soft: str
    warn: str
    border: str
    shape_inner: str


LIGHT = Colours(
    dark=False,
    background="#f3f1ec",
    card="#ffffff",
    text="#1f2d33",
    muted="#5b6b70",
    accent="#2a7f75",
    accent_soft="#cfe6e1",
    warn="#a4471b",
    border="#b9c4c2",
    shape_inner="#8fd1c6",
)
DARK = Colours(
    dark=True,
    background="#1d2327",
    card="#283036",
    text="#e7ecec",
    muted="#a3b0b3",
    accent="#4fb3a5",
    accent_soft="#2f4a46",
    warn="#f0a070",
    border="#4a5559",
    shape_inner="#9fe0d5",
)


_preference = "auto"


def prefer(theme: str) -> None:
    """ "light", "dark" or "auto" (follow the desktop); windows built afterwards use it."""
    global _preference
    _preference = theme


def current() -> Colours:
    """The palette for the rep's choice, or the desktop's colour scheme right now."""
    if _preference in ("light", "dark"):
        return DARK if _preference == "dark" else LIGHT
    app = QGuiApplication.instance()
    if app is not None:
        hints = QGuiApplication.styleHints()
        if hints.colorScheme() == Qt.ColorScheme.Dark:
            return DARK
    return LIGHT


def sheet(colours: Colours | None = None) -> str:
    c = colours or current()
    return f"""
QWidget#calmWindow {{ background: {c.background}; }}
QWidget#calmWindow QLabel, QWidget#calmWindow QCheckBox {{ color: {c.text}; }}
QLabel[role="title"] {{ font-size: 18px; font-weight: 600; }}
QLabel[role="muted"] {{ color: {c.muted}; }}
QLabel[role="section"] {{ font-weight: 600; color: {c.accent}; padding-top: 8px; }}
QLabel[role="cue"] {{ font-size: 22px; font-weight: 600; color: {c.accent}; }}
QLabel[role="countdown"] {{ font-size: 15px; color: {c.muted}; }}
QLabel[role="big-counter"] {{ font-size: 56px; font-weight: 300; color: {c.accent}; }}
QLabel[role="error"] {{ color: {c.warn}; font-weight: 600; }}
QLabel[role="warning"] {{ background: {c.card}; border-left: 3px solid {c.warn};
  padding: 8px 10px; }}
QFrame[role="card"] {{ background: {c.card}; border-radius: 8px; }}
QPushButton, QToolButton {{ padding: 6px 14px; border-radius: 6px; border: 1px solid {c.border};
  background: {c.card}; color: {c.text}; }}
QPushButton:hover {{ border-color: {c.accent}; }}
QPushButton:disabled {{ color: {c.muted}; }}
QPushButton[role="primary"] {{ background: {c.accent}; color: white; border-color: {c.accent}; }}
QLineEdit, QPlainTextEdit, QComboBox, QDoubleSpinBox, QDateEdit, QDateTimeEdit, QListWidget,
QTextBrowser {{ background: {c.card}; color: {c.text}; border: 1px solid {c.border};
  border-radius: 5px; padding: 4px; }}
QTabWidget::pane {{ border: 1px solid {c.border}; }}
QTabBar::tab {{ background: {c.background}; color: {c.text}; padding: 6px 12px;
  border: 1px solid {c.border}; border-bottom: none; }}
QTabBar::tab:selected {{ background: {c.card}; }}
QScrollArea {{ background: {c.background}; border: none; }}
"""
