"""The breathing shape: a soft disc that grows on the in-breath and shrinks on the out.

For assistive technology it is the "Breathing guide", described by the instruction of the
moment ("Breathe in — 3 seconds left"); it takes the keyboard focus (drawing a ring when it
has it) so a screen reader can read the guide again at any moment.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QRadialGradient
from PySide6.QtWidgets import QSizePolicy, QWidget

from resilience_app.i18n import _
from resilience_app.ui import style

SMALLEST = 0.32  # fraction of the available radius at size 0


class BreathingView(QWidget):
    """Draws the shape at a given size (0..1). It keeps no time of its own."""

    painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)  # it gives way on a low screen (the break window)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Breathing guide"))

    @property
    def shape_size(self) -> float:
        return self._size

    def set_shape_size(self, size: float) -> None:
        size = min(1.0, max(0.0, size))
        if abs(size - self._size) > 1e-4:
            self._size = size
            self.update()

    def set_instruction(self, text: str) -> None:
        """The text equivalent of the shape; set only when it changes (once a second at
        most), so assistive technology is never told of every frame."""
        if text != self.accessibleDescription():
            self.setAccessibleDescription(text)

    def sizeHint(self) -> QSize:
        return QSize(240, 240)

    def guide_rect(self) -> QRect:
        """Where the guide ring is drawn (the shape never grows past it); no text of the
        window may sit on it."""
        full = int(min(self.width(), self.height()) / 2 - 6)
        centre = self.rect().center()
        return QRect(centre.x() - full, centre.y() - full, 2 * full + 1, 2 * full + 1)

    def radius(self) -> float:
        full = min(self.width(), self.height()) / 2 - 6
        return full * (SMALLEST + (1 - SMALLEST) * self._size)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        centre = QPointF(self.width() / 2, self.height() / 2)
        full = min(self.width(), self.height()) / 2 - 6
        # A faint guide ring shows how far the shape will grow.
        colours = style.current()
        painter.setPen(QColor(colours.border if colours.high_contrast else colours.accent_soft))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, full, full)
        radius = self.radius()
        gradient = QRadialGradient(centre, radius)
        gradient.setColorAt(0.0, QColor(colours.shape_inner))
        gradient.setColorAt(1.0, QColor(colours.accent))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(gradient)
        painter.drawEllipse(
            QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        )
        if self.hasFocus():
            # The same focus border as every other control, around the whole guide.
            pen = QPen(QColor(colours.accent), colours.focus_width)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            inset = colours.focus_width / 2
            painter.drawRoundedRect(
                QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), 8, 8
            )
        painter.end()
        self.painted.emit()
