"""The journal, offscreen, presenting the real service over a real store: search, filter, edit,
delete with undo, positives, and follow-ups planned from a note."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from resilience_app.core.clock import FakeClock
from resilience_app.core.followups import FollowUps
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import FollowUpKind, FollowUpOutcome, LossReason, Reflection
from resilience_app.ui.presenter import Presenter


def history(loop: RecoveryLoop, clock: FakeClock) -> list[str]:
    ids = []
    for label, what, reason, positive in (
        ("Acme", "asked for a discount", LossReason.PRICE_OR_TERMS, "stayed friendly"),
        ("Globex", "bad timing, budget frozen", LossReason.TIMING, "booked a call in March"),
        ("Initech", "they shouted", LossReason.PROSPECT_BEHAVIOUR, "did not take it personally"),
    ):
        incident = loop.flag(label)
        loop.end_break()
        loop.save_reflection(
            incident.id, Reflection(what, loss_reason=reason, positives=[positive])
        )
        clock.advance(minutes=8)
        loop.dialed()
        clock.advance(minutes=60 * 24)
        ids.append(incident.id)
    return ids


def settled(presenter: Presenter, qtbot: QtBot) -> None:
    """The journal's search (in its own thread) went through every month."""
    window = presenter.journal.journal_window
    qtbot.waitUntil(lambda: not window.searching and not presenter.journal.journal_search.running)


def labels(presenter: Presenter, qtbot: QtBot) -> list[str]:
    settled(presenter, qtbot)
    return presenter.journal.journal_window.call_texts()


def positives(presenter: Presenter, qtbot: QtBot) -> str:
    settled(presenter, qtbot)
    window = presenter.journal.journal_window
    shown = window.positive_texts()
    if window.positive_empty.isVisible():
        shown.append(window.positive_empty.text())
    return "\n".join(shown)


def test_calls_search_and_filters(
    presenter: Presenter, loop: RecoveryLoop, clock: FakeClock, qtbot: QtBot
) -> None:
    history(loop, clock)
    presenter.journal.open()
    qtbot.addWidget(presenter.journal.journal_window)
    window = presenter.journal.journal_window
    assert len(labels(presenter, qtbot)) == 3 and "Initech" in labels(presenter, qtbot)[0]
    assert window.status.text() == "3 calls"  # newest first, above
    qtbot.keyClicks(window.call_search, "budget")
    assert len(labels(presenter, qtbot)) == 1 and "Globex" in labels(presenter, qtbot)[0]
    window.call_search.clear()
    window.call_reason.setCurrentIndex(window.call_reason.findData(LossReason.PRICE_OR_TERMS.value))
    assert len(labels(presenter, qtbot)) == 1 and "Acme" in labels(presenter, qtbot)[0]
    window.call_reason.setCurrentIndex(0)
    window.call_label.setText("glob")
    assert len(labels(presenter, qtbot)) == 1


def test_positives_are_listed_searchable_and_can_be_added(
    presenter: Presenter, loop: RecoveryLoop, clock: FakeClock, qtbot: QtBot
) -> None:
    history(loop, clock)
    presenter.journal.open()
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    text = positives(presenter, qtbot)
    assert text.index("did not take it personally") < text.index("stayed friendly")
    assert "after the call with Initech" in text
    qtbot.keyClicks(window.new_positive, "Got a referral from an old client")
    window.add_positive_button.click()
    assert window.new_positive.text() == ""
    shown = positives(presenter, qtbot).strip()
    assert shown.startswith("“Got a referral from an old client”")
    assert "written on its own" in shown
    qtbot.keyClicks(window.positive_search, "MARCH")
    assert "booked a call in March" in positives(presenter, qtbot)
    assert "stayed friendly" not in positives(presenter, qtbot)
    window.positive_search.setText("nothing like this")
    assert "Nothing matches that search." in positives(presenter, qtbot)


def test_open_edit_and_save_an_old_note(
    presenter: Presenter, loop: RecoveryLoop, clock: FakeClock, qtbot: QtBot
) -> None:
    ids = history(loop, clock)
    presenter.journal.open()
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    settled(presenter, qtbot)
    window.select_row(2)  # the oldest: Acme
    window.open_button.click()
    assert (
        presenter.notes.form.isVisible()
        and presenter.notes.form.what.text() == "asked for a discount"
    )
    presenter.notes.form.lesson.setText("Know the discount rules")
    presenter.notes.form.save_button.click()
    assert loop.incident(ids[0]).reflection.lesson == "Know the discount rules"


def test_delete_with_undo(
    presenter: Presenter, loop: RecoveryLoop, clock: FakeClock, qtbot: QtBot, book: FollowUps
) -> None:
    ids = history(loop, clock)
    book.add(ids[1], FollowUpKind.CHECK_IN, clock.now() + timedelta(days=30))
    presenter.journal.open()
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(1)  # Calls
    settled(presenter, qtbot)
    window.select_row(1)  # Globex
    window.delete_button.click()
    assert len(labels(presenter, qtbot)) == 2 and not any(
        "Globex" in t for t in labels(presenter, qtbot)
    )
    assert window.undo_button.isVisible() and "Globex" in window.undo_label.text()
    assert book.upcoming() == []  # its follow-up went with it
    window.undo_button.click()
    assert len(labels(presenter, qtbot)) == 3 and not window.undo_button.isVisible()
    assert [f.incident_id for f in book.upcoming()] == [ids[1]]
    # The undo offer goes away by itself.
    window.select_row(0)
    window.delete_button.click()
    assert window.undo_ticker.active
    window.undo_ticker.fire()
    assert not window.undo_button.isVisible()


def test_the_call_still_waiting_cannot_be_deleted(
    presenter: Presenter, loop: RecoveryLoop, qtbot: QtBot
) -> None:
    loop.flag("Live one")
    presenter.journal.open()
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    settled(presenter, qtbot)
    window.select_row(0)
    window.delete_button.click()
    assert "I'm dialing" in window.undo_label.text()
    assert len(labels(presenter, qtbot)) == 1


def test_follow_ups_planned_from_the_note_appear_under_upcoming(
    presenter: Presenter, loop: RecoveryLoop, book: FollowUps, qtbot: QtBot
) -> None:
    incident = loop.flag("Umbrella")
    loop.end_break()
    form = presenter.notes.form
    form.followup_toggle.click()
    assert form.followup_box.isVisible()
    form.followup_checks[FollowUpKind.DEBRIEF].setChecked(True)
    form.followup_checks[FollowUpKind.CHECK_IN].setChecked(True)
    form.check_in_months.setCurrentIndex(1)  # in 3 months
    form.positives.setPlainText("They took my card")
    form.save_button.click()
    planned = {f.kind: f for f in book.upcoming()}
    assert set(planned) == {FollowUpKind.DEBRIEF, FollowUpKind.CHECK_IN}
    months = (planned[FollowUpKind.CHECK_IN].due_at - incident.flagged_at).days
    assert 85 <= months <= 95
    assert (
        presenter.tray.home is not None
        and "(2 upcoming)" in presenter.tray.home.journal_button.text()
    )

    presenter.journal.open()
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    upcoming = window.upcoming.upcoming_list
    assert upcoming.count() == 2 and "Debrief call — Umbrella" in upcoming.item(0).text()
    assert window.tabs.tabText(2) == "Upcoming (2)"
    window.tabs.setCurrentIndex(2)
    upcoming.setCurrentRow(0)
    # Selecting it shows the script of its kind, editable.
    assert window.upcoming.script_box.isVisibleTo(window)
    assert "What could I have done differently" in window.upcoming.script_edit.toPlainText()
    window.upcoming.script_edit.setPlainText("My own debrief questions")
    window.upcoming.script_keep.click()
    assert presenter.service.script(FollowUpKind.DEBRIEF) == ("My own debrief questions", True)
    assert "(your version)" in window.upcoming.script_title.text()
    window.upcoming.done_button.click()
    dialog = presenter.followups.outcome_dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and "Debrief call — Umbrella" in dialog.title.text()
    assert [f.kind for f in book.upcoming()] == [FollowUpKind.DEBRIEF, FollowUpKind.CHECK_IN]
    qtbot.keyClicks(dialog.heard, "They went with a cheaper plan")
    dialog.buttons[FollowUpOutcome.FEEDBACK].click()  # one click: done, with what came of it
    assert not dialog.isVisible()
    assert [f.kind for f in book.upcoming()] == [FollowUpKind.CHECK_IN]
    assert upcoming.count() == 1
    [done] = [f for f in presenter.service.store.followups() if f.kind is FollowUpKind.DEBRIEF]
    assert done.outcome is FollowUpOutcome.FEEDBACK
    assert done.outcome_note == "They went with a cheaper plan"


def test_export_from_the_journal(
    presenter: Presenter, loop: RecoveryLoop, clock: FakeClock, tmp_path: Path, qtbot: QtBot
) -> None:
    history(loop, clock)
    presenter.journal.open()
    qtbot.addWidget(presenter.journal.journal_window)
    target = tmp_path / "journal.md"
    presenter.journal.journal_window.export_requested.emit("markdown", str(target), None, None)
    assert "## " in target.read_text(encoding="utf-8")
    assert presenter.journal.journal_window.status.text() == f"Exported 3 calls to {target}."
