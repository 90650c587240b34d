"""Insights' playbook section: the objections that came up most, answered versus not, what
practice covered, and the product gaps by count. It only draws `PlaybookFigures` (the core
computes them, `core/playbook_insights.py`); kept apart so the Insights window stays small.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from resilience_app.core.playbook_insights import PlaybookFigures
from resilience_app.i18n import _, ngettext


class PlaybookSection(QFrame):
    """A card in the Insights window; `text` holds what it shows, as rich text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")  # the window's sheet (`style.sheet()`) styles it
        self.setAccessibleName(_("Your playbook and the product gaps"))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        QVBoxLayout(self).addWidget(self.text)
        self.figures = PlaybookFigures()

    def show_figures(self, figures: PlaybookFigures) -> None:
        self.figures = figures
        heading = html.escape(_("Your playbook and the product gaps"))
        if figures.empty:
            empty = html.escape(_("No objections or product gaps in this period yet."))
            self.text.setText(f"<b>{heading}</b><br>{empty}")
            return
        parts = [f"<b>{heading}</b>"]
        if figures.top:
            rows = "".join(
                f"<li>“{html.escape(o.said)}” <b>×{o.times}</b></li>" for o in figures.top
            )
            most = html.escape(_("The objections that came up most"))
            parts.append(f"<p><i>{most}</i>")
            parts.append(f"<ul>{rows}</ul></p>")
            # Translators: playbook entries that came up in the period: with an answer
            # written, and without one yet.
            answered = _("Answered: {answered} · not yet: {unanswered}").format(
                answered=figures.answered, unanswered=figures.unanswered
            )
            parts.append(f"<p>{html.escape(answered)}</p>")
        if figures.answered_all:
            # Translators: {practised} of the {answered} answers in the playbook were
            # practised in the period shown.
            practice = ngettext(
                "Practiced in this period: {practised} of your {answered} answer",
                "Practiced in this period: {practised} of your {answered} answers",
                figures.answered_all,
            ).format(practised=figures.practised, answered=figures.answered_all)
            parts.append(f"<p>{html.escape(practice)}</p>")
        if figures.gaps:
            rows = "".join(
                f"<li>{html.escape(g.text)} <b>×{g.count}</b></li>" for g in figures.gaps[:10]
            )
            gaps = html.escape(_("Product gaps: what was missing"))
            parts.append(f"<p><i>{gaps}</i><ul>{rows}</ul></p>")
        self.text.setText("".join(parts))
