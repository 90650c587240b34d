"""Insights: the time back to the phone by how big the loss was (small, big,
make-or-break, not said), as a card of plain lines. A view only: it shows the rows it is
given (`service.dial_by_size_days`)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from resilience_app import i18n
from resilience_app.core.sizes import SizeDial, not_said, size_name
from resilience_app.i18n import _, ngettext


def row_text(row: SizeDial) -> str:
    """One size's line: "Big: 3 calls, back on the phone after 12 min (median)"."""
    name = size_name(row.size) if row.size else not_said()
    calls = ngettext("{n} call", "{n} calls", row.count).format(n=i18n.format_number(row.count))
    if row.median_minutes is None:
        # Translators: {size} is how much the calls mattered ("Big"), {calls} how many ("3
        # calls"); none was followed by a next dial yet.
        return _("{size}: {calls}, no next dial yet").format(size=name, calls=calls)
    # Translators: {size} is how much the calls mattered ("Big"), {calls} how many ("3
    # calls"), {minutes} the median minutes from the flag to the next dial.
    return _("{size}: {calls}, back on the phone after {minutes} min (median)").format(
        size=name, calls=calls, minutes=i18n.format_number(row.median_minutes, 1)
    )


class SizeSection(QFrame):
    """The card; `show_sizes` fills it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(self).addWidget(self.text)

    def show_sizes(self, rows: list[SizeDial]) -> None:
        heading = html.escape(_("Back on the phone, by how big the loss was"))
        if not any(row.size for row in rows):
            empty = html.escape(
                _(
                    "Say how big a call was (on the flag, in the break or in the note) and "
                    "the time back to the phone shows here by size."
                )
            )
            self.text.setText(f"<b>{heading}</b><br>{empty}")
            self.text.setAccessibleName(_("Back on the phone, by how big the loss was"))
            return
        lines = [row_text(row) for row in rows]
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        self.text.setText(f"<b>{heading}</b><ul>{items}</ul>")
        self.text.setAccessibleName(
            _("Back on the phone, by how big the loss was") + ": " + "; ".join(lines)
        )
