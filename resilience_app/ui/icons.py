"""Icons by name, rendered from the SVGs in resources/icons."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from resilience_app.resources import read_bytes

SIZES = (16, 22, 24, 32, 48, 64, 128)


@cache
def icon(name: str) -> QIcon:
    """An icon with pixmaps at the usual tray and window sizes (no SVG plugin needed)."""
    renderer = QSvgRenderer(QByteArray(read_bytes("icons", f"{name}.svg")))
    result = QIcon()
    for size in SIZES:
        image = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        result.addPixmap(QPixmap.fromImage(image))
    return result


def forget() -> None:
    """Drop the cached icons while Qt is still up (pixmaps must not outlive the app)."""
    icon.cache_clear()
