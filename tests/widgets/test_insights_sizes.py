"""Insights: back on the phone by how big the loss was, as the service computes it."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from resilience_app.core.clock import FakeClock
from resilience_app.core.models import LossSize
from resilience_app.ui.insights_sizes import SizeSection
from resilience_app.ui.presenter import Presenter


def test_insights_show_the_time_back_by_size(
    presenter: Presenter, clock: FakeClock, qtbot: QtBot
) -> None:
    service = presenter.service
    for size, minutes in [(LossSize.BIG, 10), (LossSize.BIG, 20), (None, 4)]:
        service.flag(size=size)
        clock.advance(minutes=minutes)
        service.dialed()
    service.flag(size=LossSize.MAKE_OR_BREAK)  # not dialed yet
    presenter.insights.open()
    window = presenter.insights.insights_window
    qtbot.addWidget(window)
    text = window.sizes.text.text()
    assert "Back on the phone, by how big the loss was" in text
    assert "Big: 2 calls, back on the phone after 15.0 min (median)" in text
    assert "Make-or-break: 1 call, no next dial yet" in text
    assert "Not said: 1 call, back on the phone after 4.0 min (median)" in text
    assert "Small" not in text  # no small call: no line for it
    assert "Big: 2 calls" in window.sizes.text.accessibleName()


def test_with_no_size_said_the_card_says_how_to_fill_it(qtbot: QtBot) -> None:
    section = SizeSection()
    qtbot.addWidget(section)
    section.show_sizes([])
    assert "Say how big a call was" in section.text.text()
