"""Product gaps and the playbook on screen: Insights' playbook section, and the report's
lines to tick (a gap, an objection with its count, "include my answer") with a preview
that holds only what is ticked and never a customer's name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from resilience_app.core.clock import FakeClock
from resilience_app.core.models import LossReason, Reflection
from resilience_app.service import Service
from resilience_app.ui.presenter import Presenter


def seed(service: Service, clock: FakeClock) -> None:
    clock.set(datetime.now(UTC) - timedelta(days=3))
    for n, (missing, said) in enumerate(
        [("GAP-OUTLOOK", "OBJ-DEARER"), ("gap-outlook", "OBJ-DEARER"), ("GAP-SSO", "OBJ-LATER")]
    ):
        incident = service.flag(f"LABEL-{n}").incident
        clock.advance(minutes=3)
        service.tick()
        note = Reflection(
            "x", loss_reason=LossReason.PRODUCT_GAP, positives=["P"], said=said, missing=missing
        )
        service.save_note(incident.id, note)
        service.dialed()
        clock.advance(minutes=60)
    entries = service.playbook.entries()
    keep, gone = (e for e in entries if e.said == "OBJ-DEARER")
    service.playbook.merge(keep.id, gone.id)
    service.playbook.answer(keep.id, "ANSWER-LONGER")
    service.playbook.practise(keep.id, True)


def test_insights_show_the_playbook_and_the_product_gaps(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    seed(service, clock)
    presenter.insights.open()
    window = presenter.insights.insights_window
    qtbot.addWidget(window)
    section = window.playbook
    assert section.accessibleName() == "Your playbook and the product gaps"
    assert section.property("role") == "card"
    shown = section.text.text()
    assert shown.index("OBJ-DEARER") < shown.index("OBJ-LATER")
    assert "“OBJ-DEARER” <b>×2</b>" in shown and "“OBJ-LATER” <b>×1</b>" in shown
    assert "Answered: 1 · not yet: 1" in shown
    assert "Practiced in this period: 1 of your 1 answer" in shown
    assert "gap-outlook <b>×2</b>" in shown and "GAP-SSO <b>×1</b>" in shown
    assert "LABEL-" not in shown and "ANSWER-" not in shown
    assert section.figures.gaps[0].count == 2


def test_an_empty_playbook_says_so(presenter: Presenter, qtbot: QtBot) -> None:
    presenter.insights.open()
    window = presenter.insights.insights_window
    qtbot.addWidget(window)
    assert "No objections or product gaps in this period yet." in window.playbook.text.text()


def test_the_report_shares_gaps_objections_and_answers_only_when_ticked(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    seed(service, clock)
    presenter.insights.open()
    presenter.insights.insights_window.report_button.click()
    window = presenter.insights.report_window
    qtbot.addWidget(window)
    preview = window.preview.toPlainText()
    assert not [m for m in ("LABEL-", "GAP-", "gap-", "OBJ-", "ANSWER-") if m in preview]
    rows = {
        window.choices.item(r).text(): window.choices.item(r) for r in range(window.choices.count())
    }
    assert "Product gap · 2 calls: gap-outlook" in rows
    assert "Objection · came up 2 times: “OBJ-DEARER”" in rows
    assert "Include my answer to “OBJ-DEARER”: ANSWER-LONGER" in rows
    assert not [text for text in rows if "LABEL-" in text]
    rows["Product gap · 2 calls: gap-outlook"].setCheckState(Qt.CheckState.Checked)
    rows["Objection · came up 1 time: “OBJ-LATER”"].setCheckState(Qt.CheckState.Checked)
    preview = window.preview.toPlainText()
    assert "gap-outlook: 2 calls" in preview and "GAP-SSO" not in preview
    assert "“OBJ-LATER” — came up 1 time" in preview and "OBJ-DEARER" not in preview
    rows["Include my answer to “OBJ-DEARER”: ANSWER-LONGER"].setCheckState(Qt.CheckState.Checked)
    preview = window.preview.toPlainText()
    assert "“OBJ-DEARER” — came up 2 times. My answer: ANSWER-LONGER" in preview
    assert "LABEL-" not in preview
