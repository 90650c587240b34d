"""The Qt binding must not lose references to None or booleans.

PySide6 6.12.0 on Python 3.11 did: every call of a method returning void dropped one
reference to None, and a tray app making a few million such calls a day crashed with
"Fatal Python error: none_dealloc". This test fails on such a binding.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLabel


@pytest.fixture(autouse=True)
def no_collection() -> Iterator[None]:
    """Garbage freed by earlier tests would lower the counts while we measure."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_void_methods_keep_none_alive(qapp: object) -> None:
    label = QLabel()
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("x")
        label.setVisible(False)
        painter = QPainter(image)
        painter.setPen(QColor("#123456"))
        painter.end()
    assert sys.getrefcount(None) - before > -50


def test_booleans_keep_their_references(qapp: object) -> None:
    label = QLabel()
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(1000):
        label.isVisible()
        label.isEnabled()
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert after[0] - before[0] > -50 and after[1] - before[1] > -50
