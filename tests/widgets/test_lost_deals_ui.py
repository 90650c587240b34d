"""Lost deals on screen: what follow-ups brought in Insights, the easy lead on the nudge card,
and the report preview that shows exactly what the file holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from resilience_app.core.clock import FakeClock
from resilience_app.core.models import FollowUpKind, FollowUpOutcome, LossReason, Reflection
from resilience_app.service import Service
from resilience_app.ui.presenter import Presenter


def seed(service: Service, clock: FakeClock) -> None:
    # A few days ago: the report window's period ends today, by the computer's calendar.
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    clock.set(start - timedelta(days=5))
    for n, reason in enumerate([LossReason.PRODUCT_GAP, LossReason.TIMING, LossReason.TIMING]):
        incident = service.flag(f"LABEL-{n}").incident
        clock.advance(minutes=3)
        service.tick()
        service.save_note(
            incident.id,
            Reflection(f"WHAT-{n}", loss_reason=reason, lesson=f"LESSON-{n}", positives=["P"]),
        )
        service.dialed()
        item = service.add_followup(FollowUpKind.DEBRIEF, incident.id, in_minutes=1)
        clock.advance(minutes=2)
        outcome = FollowUpOutcome.REOPENED if n else FollowUpOutcome.FEEDBACK
        service.followup_done(item.followup.id, outcome, f"HEARD-{n}")
        clock.advance(minutes=60 * 24)


def test_insights_show_what_follow_ups_brought(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    seed(service, clock)
    presenter.insights.open()
    window = presenter.insights.insights_window
    qtbot.addWidget(window)
    text = window.followups.text()
    assert "What follow-ups brought" in text and "3 follow-ups done: 0 won back, 2 reopened" in text
    lessons = window.lessons.text()
    assert "HEARD-1" in lessons and "LESSON-1" in lessons  # side by side, under Timing
    assert lessons.index("LESSON-1") < lessons.index("HEARD-1")


def test_the_nudge_card_offers_an_easy_call_with_one_click_done(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    call = service.flag("Litware").incident
    service.dialed()
    service.add_followup(FollowUpKind.THANK_YOU, call.id, in_minutes=1)
    service.flag()
    clock.advance(minutes=15)
    service.tick()
    card = presenter.breaks.nudge_window
    assert card.isVisible() and card.easy_button.isVisible()
    assert "Thank-you card — Litware" in card.easy_button.text()
    card.easy_button.click()
    dialog = presenter.followups.outcome_dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    dialog.plain_button.click()
    assert [f.kind for f in service.followups.upcoming()] == []


def test_the_report_preview_holds_only_what_is_ticked(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot, tmp_path: Path
) -> None:
    seed(service, clock)
    presenter.insights.open()
    presenter.insights.insights_window.report_button.click()
    window = presenter.insights.report_window
    qtbot.addWidget(window)
    preview = window.preview.toPlainText()
    assert "3 calls went badly in this period." in preview
    assert not [m for m in ("LABEL-", "WHAT-", "LESSON-", "HEARD-") if m in preview]
    rows = {
        window.choices.item(r).text(): window.choices.item(r) for r in range(window.choices.count())
    }
    [lesson] = [item for text, item in rows.items() if "LESSON-2" in text]
    lesson.setCheckState(Qt.CheckState.Checked)
    preview = window.preview.toPlainText()
    assert "LESSON-2" in preview and "LESSON-1" not in preview and "HEARD-" not in preview
    window.save_requested.emit("markdown", str(tmp_path / "r.md"))
    saved = (tmp_path / "r.md").read_text()
    assert "LESSON-2" in saved and "3 calls went badly" in saved and "WHAT-" not in saved
    assert "Saved to" in window.status.text()
