"""The one wrapper around QTimer: named, never started by a constructor, easy to fake.

Widgets that animate own a Ticker and start it when they become visible; tests call
`fire()` directly or check `active` instead of waiting for real time.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer


class Ticker(QObject):
    def __init__(
        self,
        name: str,
        interval_ms: int,
        callback: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._callback = callback
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        # Precise timers keep the breathing animation even; coarse ones save wake-ups.
        self._timer.setTimerType(
            Qt.TimerType.PreciseTimer if interval_ms < 100 else Qt.TimerType.CoarseTimer
        )
        self._timer.timeout.connect(self.fire)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    def set_interval(self, interval_ms: int) -> None:
        self._timer.setInterval(interval_ms)

    def start(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def fire(self) -> None:
        self._callback()
