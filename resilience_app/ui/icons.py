"""Icons by name, from PNGs rendered out of resources/icons/*.svg by `make icons`.

PNGs load with QtGui alone; rendering the SVGs at start would import QtSvg before the
tray icon can show.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon, QImage, QPixmap

from resilience_app.resources import read_bytes

SIZES = (16, 22, 24, 32, 48, 64, 128)


# A break after this call (flagged during it) looks like the break it will be.
SAME_AS = {"held": "break"}


@cache
def icon(name: str) -> QIcon:
    """An icon with a pixmap at each size the tray and window managers ask for."""
    result = QIcon()
    name = SAME_AS.get(name, name)
    for size in SIZES:
        image = QImage.fromData(read_bytes("icons", f"{name}-{size}.png"))
        result.addPixmap(QPixmap.fromImage(image))
    return result


def forget() -> None:
    """Drop the cached icons while Qt is still up (pixmaps must not outlive the app)."""
    icon.cache_clear()
