"""Follow-ups: default times from the call, reminders once, done/snooze/cancel, months out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.followups import FollowUpError, FollowUps, default_due
from resilience_app.core.models import FollowUpKind, FollowUpState
from resilience_app.storage.store import Store

# A Thursday afternoon, in whatever zone the machine runs: defaults are local times.
THURSDAY = datetime(2026, 11, 26, 15, 30).astimezone()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (FollowUpKind.DEBRIEF, datetime(2026, 11, 30, 10, 0)),  # 2 working days: Fri, Mon
        (FollowUpKind.SAVE_DEAL, datetime(2026, 11, 27, 10, 0)),  # next working day
        (FollowUpKind.TALK_IT_OVER, datetime(2026, 11, 27, 10, 0)),  # next day, heat gone
        (FollowUpKind.THANK_YOU, datetime(2026, 11, 27, 10, 0)),
        (FollowUpKind.REFERRAL, datetime(2026, 12, 3, 10, 0)),  # a week later
        (FollowUpKind.CHECK_IN, datetime(2026, 12, 28, 10, 0)),  # 26 Dec is a Saturday
    ],
)
def test_default_times(kind: FollowUpKind, expected: datetime) -> None:
    assert default_due(kind, THURSDAY).replace(tzinfo=None) == expected


def test_check_in_three_months_and_month_ends() -> None:
    assert default_due(FollowUpKind.CHECK_IN, THURSDAY, months=3).date().isoformat() == "2027-02-26"
    jan31 = datetime(2027, 1, 29, 9).astimezone()  # a Friday
    assert (
        default_due(FollowUpKind.CHECK_IN, jan31).date().isoformat() == "2027-03-01"
    )  # 28 Feb is a Sunday


def test_debrief_on_friday_skips_the_weekend() -> None:
    friday = datetime(2026, 11, 27, 11).astimezone()
    assert default_due(FollowUpKind.DEBRIEF, friday).date().isoformat() == "2026-12-01"


@pytest.fixture
def book(store: Store, clock: FakeClock) -> FollowUps:
    return FollowUps(store, clock)


def test_reminder_fires_once_at_its_time_and_survives_a_restart(
    book: FollowUps, clock: FakeClock, data_dir: Path
) -> None:
    sent: list[str] = []
    book.reminder_due.connect(lambda f: sent.append(f.id))
    followup = book.add("inc", FollowUpKind.DEBRIEF, clock.now() + timedelta(days=2))
    assert book.next_wakeup() == followup.due_at
    clock.advance(minutes=60 * 48 - 1)
    assert book.tick() == []
    clock.advance(minutes=1)
    book.tick()
    book.tick()
    assert sent == [followup.id]
    assert book.next_wakeup() is None  # reminded; still upcoming until done
    assert [f.id for f in book.upcoming()] == [followup.id]
    restarted = FollowUps(Store(data_dir), clock)
    again: list[str] = []
    restarted.reminder_due.connect(lambda f: again.append(f.id))
    restarted.tick()
    assert again == []


def test_a_reminder_three_months_out_fires_after_sleep_and_restarts(
    data_dir: Path, clock: FakeClock
) -> None:
    book = FollowUps(Store(data_dir), clock)
    due = clock.now() + timedelta(days=92)  # far beyond Qt's 24.8-day timer limit
    book.add("inc", FollowUpKind.CHECK_IN, due)
    clock.set(due + timedelta(hours=3))  # the laptop slept through it
    woke = FollowUps(Store(data_dir), clock)
    sent = woke.tick()
    assert [f.kind for f in sent] == [FollowUpKind.CHECK_IN]


def test_done_snooze_reschedule_cancel(book: FollowUps, clock: FakeClock) -> None:
    a = book.add("inc", FollowUpKind.REFERRAL, clock.now() + timedelta(minutes=5))
    b = book.add("inc", FollowUpKind.THANK_YOU, clock.now() + timedelta(minutes=1))
    clock.advance(minutes=2)
    assert [f.id for f in book.tick()] == [b.id]
    snoozed = book.snooze(b.id, 60)
    assert snoozed.due_at == clock.now() + timedelta(minutes=60) and snoozed.reminded_at is None
    moved = book.reschedule(a.id, datetime(2026, 12, 24, 10, tzinfo=UTC))
    assert moved.due_at.day == 24
    done = book.done(b.id)
    assert done.state is FollowUpState.DONE and done.done_at == clock.now()
    book.cancel(a.id)
    assert book.upcoming() == []
    kept = {f.id: f.state for f in book.store.followups()}
    assert kept == {a.id: FollowUpState.CANCELLED, b.id: FollowUpState.DONE}  # done stays
    with pytest.raises(FollowUpError, match="already done"):
        book.done(b.id)
    with pytest.raises(FollowUpError, match="positive number"):
        book.snooze(a.id, 0)
    with pytest.raises(FollowUpError, match="no follow-up"):
        book.done("nope")
