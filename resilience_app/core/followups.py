"""Follow-ups after a lost call: sensible default times, reminders, done/snooze/cancel.

Like the loop, this runs only when asked: `tick()` sends what has fallen due and
`next_wakeup()` says when to ask again. Due times are wall-clock datetimes kept in the
store, so a reminder three months out survives restarts, sleep and Qt's 24.8-day timer
limit (there is no Qt timer involved at all).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol

from resilience_app.core.clock import Clock
from resilience_app.core.errors import UserError
from resilience_app.core.events import Event
from resilience_app.core.models import (
    FollowUp,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpState,
    new_id,
)
from resilience_app.i18n import _

WORKDAY_START = time(10, 0)  # reminders land mid-morning, local time


class FollowUpError(UserError):
    """A follow-up request that cannot be honoured; the message says why."""


class FollowUpStore(Protocol):
    def save_followup(self, followup: FollowUp) -> None: ...
    def followup(self, followup_id: str) -> FollowUp | None: ...
    def followups(self, *, state: FollowUpState | None = None) -> list[FollowUp]: ...


def _working_days_after(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _next_working_day(day: date) -> date:
    return _working_days_after(day, 1)


def _at_local(day: date, when: time, like: datetime) -> datetime:
    tz = like.astimezone().tzinfo
    return datetime.combine(day, when, tzinfo=tz)


def default_due(kind: FollowUpKind, flagged_at: datetime, *, months: int = 1) -> datetime:
    """When each follow-up is suggested, counted from the call (local time)."""
    day = flagged_at.astimezone().date()
    if kind is FollowUpKind.DEBRIEF:
        target = _working_days_after(day, 2)  # a separate call, once emotions have cooled
    elif kind is FollowUpKind.CHECK_IN:
        target = _next_weekday(_add_months(day, months))
    elif kind is FollowUpKind.REFERRAL:
        target = _next_weekday(day + timedelta(days=7))
    else:  # one more try, a thank-you card, talking it over: the next working day
        target = _next_working_day(day)
    return _at_local(target, WORKDAY_START, flagged_at)


def _next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class FollowUps:
    """The rep's upcoming follow-ups. Called from one thread (the GUI thread)."""

    def __init__(self, store: FollowUpStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.reminder_due: Event[[FollowUp]] = Event()
        self.changed: Event[[]] = Event()  # the Upcoming list or the next wake-up moved

    def add(
        self,
        incident_id: str,
        kind: FollowUpKind,
        due_at: datetime,
        note: str = "",
        *,
        playbook_id: str | None = None,
    ) -> FollowUp:
        followup = FollowUp(
            new_id(),
            incident_id,
            kind,
            due_at,
            self.clock.now(),
            note=note,
            playbook_id=playbook_id,
        )
        self.store.save_followup(followup)
        self.changed.emit()
        return followup

    def upcoming(self) -> list[FollowUp]:
        return sorted(self.store.followups(state=FollowUpState.PENDING), key=lambda f: f.due_at)

    def _get(self, followup_id: str) -> FollowUp:
        found = self.store.followup(followup_id)
        if found is None:
            # Translators: {id} is a follow-up's id as the rep gave it, in quotes.
            raise FollowUpError(_("There is no follow-up {id}.").format(id=repr(followup_id)))
        return found

    def _pending(self, followup_id: str) -> FollowUp:
        found = self._get(followup_id)
        if found.state is not FollowUpState.PENDING:
            if found.state is FollowUpState.CANCELLED:
                raise FollowUpError(_("That follow-up is already canceled."))
            raise FollowUpError(_("That follow-up is already done."))
        return found

    def done(
        self,
        followup_id: str,
        outcome: FollowUpOutcome | None = None,
        note: str = "",
    ) -> FollowUp:
        """Done, with what came of it if the rep said (it can be said later, too)."""
        followup = self._pending(followup_id)
        followup.state = FollowUpState.DONE
        followup.done_at = self.clock.now()
        if outcome is not None:
            followup.outcome = outcome
        if note:
            followup.outcome_note = note
        return self._save(followup)

    def record_outcome(
        self, followup_id: str, outcome: FollowUpOutcome | None, note: str = ""
    ) -> FollowUp:
        """What came of a follow-up already done (chosen after the fact, or changed)."""
        followup = self._get(followup_id)
        if followup.state is not FollowUpState.DONE:
            raise FollowUpError(_("Only a follow-up that is done has an outcome."))
        followup.outcome = outcome
        followup.outcome_note = note
        return self._save(followup)

    def cancel(self, followup_id: str) -> FollowUp:
        followup = self._pending(followup_id)
        followup.state = FollowUpState.CANCELLED
        return self._save(followup)

    def snooze(self, followup_id: str, minutes: float) -> FollowUp:
        """Remind again `minutes` from now."""
        if minutes <= 0:
            raise FollowUpError(_("Snooze by a positive number of minutes."))
        return self.reschedule(followup_id, self.clock.now() + timedelta(minutes=minutes))

    def reschedule(self, followup_id: str, due_at: datetime) -> FollowUp:
        if due_at.tzinfo is None:
            raise FollowUpError(_("A follow-up time needs a time zone."))
        followup = self._pending(followup_id)
        followup.due_at = due_at
        followup.reminded_at = None  # a new time deserves a new reminder
        return self._save(followup)

    def _save(self, followup: FollowUp) -> FollowUp:
        self.store.save_followup(followup)
        self.changed.emit()
        return followup

    def next_wakeup(self) -> datetime | None:
        waiting = [f.due_at for f in self.upcoming() if f.reminded_at is None]
        return min(waiting) if waiting else None

    def tick(self) -> list[FollowUp]:
        """Remind about every pending follow-up that has come due, once each."""
        now = self.clock.now()
        sent = []
        for followup in self.upcoming():
            if followup.reminded_at is None and followup.due_at <= now:
                followup.reminded_at = now  # recorded first: a crash cannot remind twice
                self.store.save_followup(followup)
                sent.append(followup)
                self.reminder_due.emit(followup)
        if sent:
            self.changed.emit()
        return sent
