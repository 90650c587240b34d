"""Colours and the one style sheet shared by the app's windows, light or dark.

The app draws its own calm palette rather than the desktop's, and picks its dark variant
when the desktop asks for a dark colour scheme, so text and charts stay readable in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def _arrow(name: str, c: Colours) -> str:
    """A chevron for combo boxes and spin boxes, drawn in the palette's muted colour."""
    from resilience_app.resources import resource

    theme = "dark" if c.dark else "light"
    return Path(str(resource("controls", f"arrow-{name}-{theme}.svg"))).as_posix()


def sheet(colours: Colours | None = None) -> str:
    c = colours or current()
    down, up = _arrow("down", c), _arrow("up", c)
    return f"""
QWidget#calmWindow {{ background: {c.background}; }}
QWidget#calmWindow QLabel, QWidget#calmWindow QCheckBox, QWidget#calmWindow QRadioButton {{
  color: {c.text}; }}
QLabel[role="title"] {{ font-size: 18px; font-weight: 600; }}
QLabel[role="muted"] {{ color: {c.muted}; }}
QLabel[role="section"] {{ font-weight: 600; color: {c.accent}; padding-top: 8px; }}
QLabel[role="cue"] {{ font-size: 22px; font-weight: 600; color: {c.accent}; }}
QLabel[role="countdown"] {{ font-size: 15px; color: {c.muted}; }}
QLabel[role="big-counter"] {{ font-size: 56px; font-weight: 300; color: {c.accent}; }}
QLabel[role="error"] {{ color: {c.warn}; font-weight: 600; }}
QLabel[role="warning"] {{ background: {c.card}; border-left: 3px solid {c.warn};
  padding: 8px 10px; }}
QLabel[role="hint"] {{ color: {c.muted}; background: {c.card}; border-radius: 5px;
  padding: 6px 8px; }}
QFrame[role="card"] {{ background: {c.card}; border-radius: 8px; }}
QPushButton, QToolButton {{ padding: 6px 14px; border-radius: 6px; border: 1px solid {c.border};
  background: {c.card}; color: {c.text}; }}
QPushButton:hover, QToolButton:hover {{ border-color: {c.accent}; }}
QPushButton:focus, QToolButton:focus {{ border: 2px solid {c.accent}; padding: 5px 13px; }}
QPushButton:disabled, QToolButton:disabled {{ color: {c.muted}; }}
QPushButton[role="primary"] {{ background: {c.accent}; color: white; border-color: {c.accent}; }}
QPushButton[role="primary"]:focus {{ border: 2px solid {c.text}; }}
QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QListWidget, QTextBrowser,
QKeySequenceEdit {{ background: {c.card}; color: {c.text}; border: 1px solid {c.border};
  border-radius: 5px; padding: 4px 6px; selection-background-color: {c.accent};
  selection-color: white; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QAbstractSpinBox:focus,
QListWidget:focus, QTextBrowser:focus {{ border: 2px solid {c.accent}; padding: 3px 5px; }}
QLineEdit:disabled, QComboBox:disabled, QAbstractSpinBox:disabled {{ color: {c.muted};
  background: {c.background}; }}
QComboBox {{ padding-right: 26px; }}
QComboBox:focus {{ padding-right: 25px; }}
QComboBox::drop-down, QDateTimeEdit::drop-down {{ subcontrol-origin: border;
  subcontrol-position: center right; width: 24px; border: none; background: transparent; }}
QComboBox::down-arrow, QDateTimeEdit::down-arrow {{ image: url({down}); width: 12px;
  height: 8px; }}
QComboBox QAbstractItemView {{ background: {c.card}; color: {c.text}; border: 1px solid
  {c.border}; selection-background-color: {c.accent_soft}; selection-color: {c.text};
  outline: none; }}
QAbstractSpinBox {{ padding-right: 24px; }}
QAbstractSpinBox:focus {{ padding-right: 23px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ subcontrol-origin: border;
  width: 22px; border: none; border-left: 1px solid {c.border}; background: transparent; }}
QAbstractSpinBox::up-button {{ subcontrol-position: top right; border-top-right-radius: 5px; }}
QAbstractSpinBox::down-button {{ subcontrol-position: bottom right;
  border-bottom-right-radius: 5px; }}
QAbstractSpinBox::up-button:hover, QAbstractSpinBox::down-button:hover {{
  background: {c.accent_soft}; }}
QAbstractSpinBox::up-arrow {{ image: url({up}); width: 10px; height: 7px; }}
QAbstractSpinBox::down-arrow {{ image: url({down}); width: 10px; height: 7px; }}
QAbstractSpinBox::up-arrow:disabled, QAbstractSpinBox::down-arrow:disabled {{ image: none; }}
QSlider::groove:horizontal {{ height: 6px; border-radius: 3px; background: {c.accent_soft}; }}
QSlider::sub-page:horizontal {{ border-radius: 3px; background: {c.accent}; }}
QSlider::handle:horizontal {{ width: 18px; margin: -7px 0; border-radius: 9px;
  background: {c.card}; border: 2px solid {c.accent}; }}
QSlider {{ background: transparent; border: 2px solid transparent; border-radius: 5px;
  padding: 2px 4px; }}
QSlider:focus {{ border: 2px solid {c.accent}; }}
QToolButton[role="small"] {{ padding: 2px 8px; }}
QSlider[rated="false"]::sub-page:horizontal {{ background: {c.accent_soft}; }}
QSlider[rated="false"]::handle:horizontal {{ background: {c.background};
  border: 2px dashed {c.muted}; }}
QTabWidget::pane {{ border: 1px solid {c.border}; }}
QTabBar::tab {{ background: {c.background}; color: {c.text}; padding: 6px 12px;
  border: 1px solid {c.border}; border-bottom: none; }}
QTabBar::tab:selected {{ background: {c.card}; }}
QTabBar::tab:focus {{ border: 2px solid {c.accent}; border-bottom: none; }}
QScrollArea {{ background: {c.background}; border: none; }}
QToolTip {{ background: {c.card}; color: {c.text}; border: 1px solid {c.border}; }}
"""
