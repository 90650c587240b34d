"""The breathing shape: a soft disc that grows on the in-breath and shrinks on the out."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QRadialGradient
from PySide6.QtWidgets import QSizePolicy, QWidget

from resilience_app.ui import style

SMALLEST = 0.32  # fraction of the available radius at size 0


class BreathingView(QWidget):
    """Draws the shape at a given size (0..1). It keeps no time of its own."""

    painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 160)

    @property
    def shape_size(self) -> float:
        return self._size

    def set_shape_size(self, size: float) -> None:
        size = min(1.0, max(0.0, size))
        if abs(size - self._size) > 1e-4:
            self._size = size
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(240, 240)

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
        painter.setPen(QColor(colours.accent_soft))
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
        painter.end()
        self.painted.emit()
