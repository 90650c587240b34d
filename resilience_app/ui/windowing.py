"""What the window system lets the app do with its own windows, and nothing more.

On X11 an app places its windows, raises them and hands them the focus. A Wayland
compositor decides all of that itself: it ignores a client's position (and reports 0, 0),
has no "raise" for clients, and moves the focus only when the app presents an activation
token (xdg-activation, which Qt asks for by itself where the compositor offers it; GNOME
and KDE do, and show "Resilience is ready" when they decline). Keeping a window above the
others is a hint Wayland drops. These helpers do on each system what works there, so the
windows need not know which one they run on.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QWidget

log = logging.getLogger(__name__)
_told = False


def is_wayland() -> bool:
    """True when Qt draws through a Wayland compositor (QT_QPA_PLATFORM=wayland, or the
    default on a Wayland session)."""
    return QGuiApplication.platformName().startswith("wayland")


def _tell_once() -> None:
    global _told
    if not _told:
        _told = True
        log.info(
            "Wayland: the desktop places the windows and decides which one is on top; "
            "the nudges also arrive as notifications"
        )


def place(window: QWidget, where: QPoint) -> bool:
    """Move a top-level window to `where` (screen coordinates). On Wayland the compositor
    places it instead; returns whether the position was ours to set."""
    if is_wayland():
        _tell_once()
        return False
    window.move(where)
    return True


def bring_forward(window: QWidget) -> None:
    """Raise `window` and give it the focus, as far as the window system allows. A window
    that must not take the focus (the nudge card) is only raised."""
    if is_wayland():
        _tell_once()
    else:
        window.raise_()
    takes_focus = not (
        window.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
        or window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    )
    if takes_focus:
        # On Wayland Qt turns this into an xdg-activation request, or drops it silently.
        window.activateWindow()


def fit(window: QWidget, least_width: int = 0, least_height: int = 0) -> None:
    """Size a window to what its content needs at the desktop's text size (a rep may have
    made it twice as large): at least `least_width`, as wide as its widest row, as tall as
    its wrapped text needs, and never larger than the screen (there, it scrolls)."""
    layout = window.layout()
    if layout is None:
        return
    window.ensurePolished()  # the style sheet's text sizes count, even before the first show
    for part in window.findChildren(QWidget):  # on a scrolled page too
        part.ensurePolished()
    for part in [window, *window.findChildren(QWidget)]:
        if part.layout() is not None:
            _measure_afresh(part.layout())
    layout.activate()
    width = max(least_width, layout.sizeHint().width(), window.minimumWidth())
    if layout.hasHeightForWidth():
        height = layout.totalHeightForWidth(width)
    else:
        height = layout.sizeHint().height()
    height = max(height, layout.minimumSize().height(), least_height)
    first_size(window, width, height)


def first_size(window: QWidget, width: int, height: int) -> None:
    """Give a window of lists and charts its usual first size, as far as the screen allows
    (a low screen, text at 200 %, a desktop scaled twice): there, it is as large as the
    screen leaves room for, with its frame, and its content scrolls or shrinks."""
    screen = window.screen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, int(area.width() * 0.95))  # room for the frame
        height = min(height, int(area.height() * 0.95))
    window.resize(width, height)


def _measure_afresh(layout: QLayout) -> None:
    """Forget the sizes a layout (and each layout inside it) measured before its widgets
    were polished: a row of buttons measured unstyled is narrower than it is."""
    layout.invalidate()
    for index in range(layout.count()):
        inner = layout.itemAt(index).layout()
        if inner is not None:
            _measure_afresh(inner)


class ScrollPage(QScrollArea):
    """A window's content that scrolls only when the screen is too small for it (large
    text, a long language): it asks for its page's whole size, and gives way below that."""

    def __init__(self, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(page)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # A click between the fields leaves the focus where it was (the breathing guide, the
        # field being typed in); Tab still scrolls each field into view.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _bar(self) -> int:
        return self.verticalScrollBar().sizeHint().width()

    def sizeHint(self) -> QSize:
        page = self.widget()
        if page is None:
            return super().sizeHint()
        return page.sizeHint() + QSize(self._bar(), 0)  # room for a bar, should it come

    def minimumSizeHint(self) -> QSize:
        page = self.widget()
        if page is None:
            return super().minimumSizeHint()
        least = page.minimumSizeHint()
        return QSize(min(least.width(), 240) + self._bar(), min(least.height(), 160))

    def hasHeightForWidth(self) -> bool:
        return True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # A scroll bar that just came (or went) changes the page's width: lay the page out
        # again now, or its rows keep the old width and run under the bar.
        page = self.widget()
        if page is not None and page.width() != self.viewport().width():
            page.resize(max(self.viewport().width(), page.minimumSizeHint().width()), page.height())
        if page is not None and page.layout() is not None:
            page.layout().activate()

    def heightForWidth(self, width: int) -> int:
        page = self.widget()
        if page is None:
            return -1
        needed = page.heightForWidth(width)
        return needed if needed >= 0 else page.sizeHint().height()
