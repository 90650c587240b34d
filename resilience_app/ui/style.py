"""Colours and the one style sheet shared by the app's windows, light, dark or high contrast.

The app draws its own calm palette rather than the desktop's, and picks its dark variant
when the desktop asks for a dark colour scheme, so text and charts stay readable in both.
When the desktop asks for high contrast (Qt 6.10's `QStyleHints.accessibility()
.contrastPreference()`, which GNOME, KDE, Windows and macOS report), or the rep picks
`ui.theme = contrast` (for desktops that do not say), the palette turns to black, white and
one strong accent, every text at least 7:1 against its background (WCAG AAA), with thicker
focus borders. Text sizes are set relative to the desktop's font (in points), so a rep who
makes their fonts larger (up to 200 %) gets larger titles and counters too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication


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
    on_accent: str = "#ffffff"  # text on an accent background (primary buttons, selection)
    high_contrast: bool = False
    focus_width: int = 2  # px of the border that shows where the keyboard is


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
CONTRAST_LIGHT = Colours(
    dark=False,
    background="#ffffff",
    card="#ffffff",
    text="#000000",
    muted="#1f1f1f",
    accent="#00429a",
    accent_soft="#c9dcf5",
    warn="#8f1d00",
    border="#000000",
    shape_inner="#7fb0ee",
    on_accent="#ffffff",
    high_contrast=True,
    focus_width=3,
)
CONTRAST_DARK = Colours(
    dark=True,
    background="#000000",
    card="#000000",
    text="#ffffff",
    muted="#e6e6e6",
    accent="#ffd60a",
    accent_soft="#4a3f00",
    warn="#ffab91",
    border="#ffffff",
    shape_inner="#fff3a8",
    on_accent="#000000",
    high_contrast=True,
    focus_width=3,
)
THEMES = ("auto", "light", "dark", "contrast")


_preference = "auto"


def prefer(theme: str) -> None:
    """ "auto" (follow the desktop), "light", "dark" or "contrast"; windows built afterwards
    use it."""
    global _preference
    _preference = theme


def choose(preference: str, *, desktop_dark: bool, desktop_contrast: bool) -> Colours:
    """The palette for the rep's choice on a desktop that is (or is not) dark and asks (or
    does not ask) for high contrast. An explicit light or dark choice is kept as chosen."""
    if preference == "light":
        return LIGHT
    if preference == "dark":
        return DARK
    if preference == "contrast" or desktop_contrast:
        return CONTRAST_DARK if desktop_dark else CONTRAST_LIGHT
    return DARK if desktop_dark else LIGHT


def desktop_asks_for_contrast() -> bool:
    """Whether the desktop's accessibility settings ask for high contrast (Qt 6.10+)."""
    if QGuiApplication.instance() is None:
        return False
    accessibility = getattr(QGuiApplication.styleHints(), "accessibility", None)
    if accessibility is None:  # PySide6 before 6.10: the rep can still pick "contrast"
        return False
    preference = accessibility().contrastPreference()
    return bool(preference == Qt.ContrastPreference.HighContrast)


def current() -> Colours:
    """The palette for the rep's choice, or the desktop's colour scheme right now."""
    dark = False
    if QGuiApplication.instance() is not None:
        dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    return choose(_preference, desktop_dark=dark, desktop_contrast=desktop_asks_for_contrast())


def base_points() -> float:
    """The desktop's text size in points (what a rep enlarges in their settings)."""
    font = QGuiApplication.font() if QGuiApplication.instance() is not None else QFont()
    if font.pointSizeF() > 0:
        return font.pointSizeF()
    return font.pixelSize() * 0.75 if font.pixelSize() > 0 else 9.0


def _arrow(name: str, c: Colours) -> str:
    """A chevron for combo boxes and spin boxes, drawn in the palette's muted colour."""
    from resilience_app.resources import resource

    theme = "dark" if c.dark else "light"
    return Path(str(resource("controls", f"arrow-{name}-{theme}.svg"))).as_posix()


def sheet(colours: Colours | None = None) -> str:
    c = colours or current()
    down, up = _arrow("down", c), _arrow("up", c)
    w = c.focus_width  # paddings shrink by as much as a focus border grows: nothing moves
    base = base_points()

    def pt(scale: float) -> str:
        return f"{base * scale:.1f}pt"

    return f"""
QWidget#calmWindow {{ background: {c.background}; }}
QWidget#calmWindow QLabel, QWidget#calmWindow QCheckBox, QWidget#calmWindow QRadioButton {{
  color: {c.text}; }}
QLabel[role="title"] {{ font-size: {pt(1.5)}; font-weight: 600; }}
QLabel[role="muted"] {{ color: {c.muted}; }}
QLabel[role="section"] {{ font-weight: 600; color: {c.accent}; padding-top: 8px; }}
QLabel[role="cue"] {{ font-size: {pt(1.8)}; font-weight: 600; color: {c.accent}; }}
QLabel[role="countdown"] {{ font-size: {pt(1.25)}; color: {c.muted}; }}
QLabel[role="big-counter"] {{ font-size: {pt(4.5)}; font-weight: 300; color: {c.accent}; }}
QLabel[role="error"] {{ color: {c.warn}; font-weight: 600; }}
QLabel[role="warning"] {{ background: {c.card}; border-left: 3px solid {c.warn};
  padding: 8px 10px; }}
QLabel[role="hint"] {{ color: {c.muted}; background: {c.card}; border-radius: 5px;
  padding: 6px 8px; }}
QFrame[role="card"] {{ background: {c.card}; border-radius: 8px;
  border: {"1px solid " + c.border if c.high_contrast else "none"}; }}
QPushButton, QToolButton {{ padding: 6px 14px; border-radius: 6px; border: 1px solid {c.border};
  background: {c.card}; color: {c.text}; }}
QPushButton:hover, QToolButton:hover {{ border-color: {c.accent}; }}
QPushButton:focus, QToolButton:focus {{ border: {w}px solid {c.accent};
  padding: {7 - w}px {15 - w}px; }}
QPushButton:disabled, QToolButton:disabled {{ color: {c.muted}; }}
QPushButton[role="primary"] {{ background: {c.accent}; color: {c.on_accent};
  border-color: {c.accent}; }}
QPushButton[role="primary"]:focus {{ border: {w}px solid {c.text}; }}
QCheckBox, QRadioButton {{ border: {w}px solid transparent; border-radius: 4px;
  padding: 1px 3px; }}
QCheckBox:focus, QRadioButton:focus {{ border-color: {c.accent}; }}
QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QListWidget, QTextBrowser,
QKeySequenceEdit {{ background: {c.card}; color: {c.text}; border: 1px solid {c.border};
  border-radius: 5px; padding: 4px 6px; selection-background-color: {c.accent};
  selection-color: {c.on_accent}; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QAbstractSpinBox:focus,
QListWidget:focus, QTextBrowser:focus {{ border: {w}px solid {c.accent};
  padding: {5 - w}px {7 - w}px; }}
QLineEdit:disabled, QComboBox:disabled, QAbstractSpinBox:disabled {{ color: {c.muted};
  background: {c.background}; }}
QListWidget {{ alternate-background-color: {c.background}; }}
QListWidget::item {{ border: {w}px solid transparent; border-radius: 4px; padding: 2px; }}
QListWidget::item:selected {{ background: {c.accent_soft}; color: {c.text}; }}
QListWidget::item:focus {{ border-color: {c.accent}; }}
QComboBox {{ padding-right: 26px; }}
QComboBox:focus {{ padding-right: {27 - w}px; }}
QComboBox::drop-down, QDateTimeEdit::drop-down {{ subcontrol-origin: border;
  subcontrol-position: center right; width: 24px; border: none; background: transparent; }}
QComboBox::down-arrow, QDateTimeEdit::down-arrow {{ image: url({down}); width: 12px;
  height: 8px; }}
QComboBox QAbstractItemView {{ background: {c.card}; color: {c.text}; border: 1px solid
  {c.border}; selection-background-color: {c.accent_soft}; selection-color: {c.text};
  outline: none; }}
QAbstractSpinBox {{ padding-right: 24px; }}
QAbstractSpinBox:focus {{ padding-right: {25 - w}px; }}
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
QSlider {{ background: transparent; border: {w}px solid transparent; border-radius: 5px;
  padding: 2px 4px; }}
QSlider:focus {{ border-color: {c.accent}; }}
QToolButton[role="small"] {{ padding: 2px 8px; }}
QToolButton[role="small"]:focus {{ padding: {3 - w}px {9 - w}px; }}
QSlider[rated="false"]::sub-page:horizontal {{ background: {c.accent_soft}; }}
QSlider[rated="false"]::handle:horizontal {{ background: {c.background};
  border: 2px dashed {c.muted}; }}
QTabWidget::pane {{ border: 1px solid {c.border}; }}
QTabBar::tab {{ background: {c.background}; color: {c.text}; padding: 6px 12px;
  border: 1px solid {c.border}; border-bottom: none; }}
QTabBar::tab:selected {{ background: {c.card}; }}
QTabBar::tab:focus {{ border: {w}px solid {c.accent}; border-bottom: none;
  padding: {7 - w}px {13 - w}px; }}
QScrollArea {{ background: {c.background}; border: none; }}
QGraphicsView {{ border: {w}px solid transparent; border-radius: 8px; }}
QGraphicsView:focus {{ border-color: {c.accent}; }}
QToolTip {{ background: {c.card}; color: {c.text}; border: 1px solid {c.border}; }}
"""
