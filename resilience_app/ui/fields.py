"""Input fields that read the same in every window: numbers with only the decimals they
need ("3 min", "2.5 min", never "3.00 min"), and drop-downs that show every choice."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QWidget


class MinutesBox(QDoubleSpinBox):
    """A number of minutes, in halves or whole minutes: "3 min", "2.5 min" (in the
    language's own decimal sign), typed either way."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(2)  # what can be typed; what is shown drops the zeros

    def textFromValue(self, value: float) -> str:  # Qt calls it by this name
        text = self.locale().toString(round(value, self.decimals()), "f", self.decimals())
        point = self.locale().decimalPoint()
        if point in text:
            text = text.rstrip("0").removesuffix(point)
        return text


def show_every_item(window: QWidget) -> None:
    """Every drop-down of `window` opens tall enough for all of its choices, none cut off
    behind a scroll bar (Qt shows ten, whatever the list holds)."""
    for combo in window.findChildren(QComboBox):
        combo.setMaxVisibleItems(max(combo.count(), combo.maxVisibleItems()))
