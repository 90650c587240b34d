"""The recovery loop as a state machine: flag → break → reflect → nudged back to the phone.

The loop owns every rule (when a break ends, which nudge fires, what "dialed" cancels) and
persists each step through the store before announcing it. It never reads the time itself:
it asks the injected clock, so a 15-minute nudge is tested by moving a fake clock.

Nothing here runs by itself. Whoever hosts the loop calls `tick()` at (or after) the time
`next_wakeup()` names; `tick()` is idempotent and catches up on anything overdue, which is
what makes restarts and sleeping laptops safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from resilience_app.core.clock import Clock
from resilience_app.core.errors import UserError
from resilience_app.core.events import Event
from resilience_app.core.models import (
    DialSource,
    Incident,
    LossSize,
    Nudge,
    NudgeKind,
    NudgeState,
    Phase,
    Reflection,
    ReflectionStatus,
    Removed,
    new_id,
)
from resilience_app.core.settings import Settings
from resilience_app.i18n import _

# A nudge that fell due this long ago (app closed all afternoon) is stale: telling the rep
# to pick up the phone hours later helps nobody, so it is recorded as missed instead.
STALE_AFTER = timedelta(minutes=60)
# Notes left unwritten longer than this stop being offered from the tray (they stay in the
# journal); it also bounds how much history the tray reads at start.
NOTES_OFFERED_FOR = timedelta(days=30)
SNOOZE_MINUTES = 2.0
MAX_BREAK_MINUTES = 10.0
HELD_AGAIN = timedelta(seconds=30)  # a second flag this long after the first: break now
# A call still waiting for its next dial after this long (the laptop was shut overnight),
# or flagged in the future (another machine's clock, an import), is not the one the rep
# is recovering from now: the app starts calm instead of "waiting" or "on a break".
CURRENT_FOR = timedelta(hours=12)
CLOCK_SLACK = timedelta(minutes=5)


class LoopError(UserError):
    """A request the loop cannot honour in its current state; the message says why."""


class IncidentStore(Protocol):
    def save_incident(self, incident: Incident) -> None: ...
    def save_nudge(self, nudge: Nudge) -> None: ...
    def save_with_nudges(self, incident: Incident, nudges: list[Nudge]) -> None: ...
    def incident(self, incident_id: str) -> Incident | None: ...
    def latest_incident(self, until: datetime | None = None) -> Incident | None: ...
    def incidents(self) -> list[Incident]: ...
    def incidents_since(self, since: datetime) -> list[Incident]: ...
    def nudges(
        self, *, state: NudgeState | None = None, incident_id: str | None = None
    ) -> list[Nudge]: ...
    def delete_incident(self, incident_id: str) -> Removed | None: ...
    def restore(self, removed: Removed) -> None: ...


class RecoveryLoop:
    """The heart of the app. All methods are called from one thread (the GUI thread)."""

    def __init__(self, store: IncidentStore, settings: Settings, clock: Clock) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.phase_changed: Event[[Phase]] = Event()
        self.break_started: Event[[Incident]] = Event()
        # Flagged while the call still goes on: its break starts when the call ends.
        self.break_held: Event[[Incident]] = Event()
        self.break_ended: Event[[Incident]] = Event()  # the reflection is due now
        self.nudge_fired: Event[[Nudge, Incident]] = Event()
        self.dialed_recorded: Event[[Incident]] = Event()
        # Dialing ended a break early: its note was not asked for (no window during a call).
        self.break_cut_short: Event[[Incident]] = Event()
        self.reflections_changed: Event[[]] = Event()
        self.schedule_changed: Event[[]] = Event()  # next_wakeup() may have moved
        self._phase = Phase.CALM
        self._current: Incident | None = None

    # -- state --------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def current(self) -> Incident | None:
        """The incident still waiting for its next dial (on break or after), if any."""
        return self._current

    def restore(self, *, catch_up: bool = True) -> None:
        """Pick up where the last run stopped, then catch up on anything overdue."""
        now = self.clock.now()
        latest = self.store.latest_incident(until=now + CLOCK_SLACK)
        self._current = (
            latest
            if latest is not None
            and latest.dialed_at is None
            and now - CURRENT_FOR <= latest.flagged_at <= now + CLOCK_SLACK
            else None
        )
        self._phase = self._derive_phase()
        if catch_up:
            self.tick()

    def _derive_phase(self) -> Phase:
        if self._current is None:
            return Phase.CALM
        if self._current.held:
            return Phase.HELD
        return Phase.BREAK if self._current.on_break else Phase.WAITING

    def _set_phase(self) -> None:
        phase = self._derive_phase()
        if phase != self._phase:
            self._phase = phase
            self.phase_changed.emit(phase)

    # -- the loop -----------------------------------------------------------------------

    def flag(
        self,
        label: str = "",
        rough: int | None = None,
        size: LossSize | None = None,
        *,
        on_call: bool = False,
    ) -> Incident:
        """Record that a call went south and start a break. `on_call`: the call is still
        going on (the rep flagged before hanging up): the break, and the nudges' count,
        start when it ends (`call_over`)."""
        if rough is not None and not 0 <= rough <= 10:
            raise LoopError(_("How rough it felt must be 0 to 10 (got {got}).").format(got=rough))
        label = label.strip()
        now = self.clock.now()
        current = self._current
        if current is not None and (current.on_break or current.held):
            # Clicking again during a break just brings the break back into view.
            if label and not current.label:
                current.label = label
            if rough is not None and current.rough is None:
                current.rough = rough
            current.size = size or current.size
            if current.held and now - current.flagged_at >= HELD_AGAIN:
                # Flagged again a while later: the rep wants the break now (a call that
                # seems never to end is often an app that keeps the microphone open).
                self._start_break(current, now)
                self.schedule_changed.emit()
                return current
            self._save_incident(current)
            (self.break_held if current.held else self.break_started).emit(current)
            return current
        if current is not None:
            # Another bad call while we waited for the next dial: that call *was* the dial.
            self._record_dial(current, now)
        incident = Incident(id=new_id(), flagged_at=now, label=label, rough=rough, size=size)
        self._current = incident
        if on_call:
            self.store.save_incident(incident)
            self._set_phase()
            self.break_held.emit(incident)
        else:
            self._start_break(incident, now)
        self.reflections_changed.emit()
        self.schedule_changed.emit()
        return incident

    def call_over(self, at: datetime | None = None) -> Incident | None:
        """The call a flag was waiting for ended (at `at`, default now): its break starts
        then, and the nudges count from there. Returns the incident, if one was held."""
        current = self._current
        if current is None or not current.held:
            return None
        self._start_break(current, max(current.flagged_at, at or self.clock.now()))
        self.schedule_changed.emit()
        return current

    def _start_break(self, incident: Incident, at: datetime) -> None:
        incident.break_started_at = at
        incident.break_ends_at = at + timedelta(minutes=self.settings.break_minutes)
        nudges = [
            Nudge(new_id(), incident.id, kind, at + timedelta(minutes=after))
            for kind, after in (
                (NudgeKind.FIRST, self.settings.first_nudge_minutes),
                (NudgeKind.SECOND, self.settings.second_nudge_minutes),
            )
        ]
        self.store.save_with_nudges(incident, nudges)  # one write: the call with its nudges
        self._set_phase()
        self.break_started.emit(incident)

    def extend_break(self, minutes: float = 1.0) -> datetime:
        """ "+1 minute": push the end of the running break out (up to 10 minutes in all)."""
        current = self._require_break()
        assert current.break_ends_at is not None and current.break_started_at is not None
        longest = current.break_started_at + timedelta(minutes=MAX_BREAK_MINUTES)
        current.break_ends_at = min(current.break_ends_at + timedelta(minutes=minutes), longest)
        self._save_incident(current)
        self.schedule_changed.emit()
        return current.break_ends_at

    def end_break(self) -> Incident:
        """End the running break now (the rep clicked "end break", or its time ran out)."""
        current = self._require_break()
        self._finish_break(current, self.clock.now())
        return current

    def _finish_break(self, incident: Incident, when: datetime, *, announce: bool = True) -> None:
        incident.break_ended_at = when
        self._save_incident(incident)
        self._set_phase()
        self.schedule_changed.emit()
        if announce:
            self.break_ended.emit(incident)

    def _require_break(self) -> Incident:
        if self._current is None or not self._current.on_break:
            raise LoopError(_("There is no break running right now."))
        return self._current

    def dialed(
        self, at: datetime | None = None, source: DialSource = DialSource.CLICKED
    ) -> Incident | None:
        """The rep is back on the phone (since `at`, default now; known by `source`).
        Returns the incident it closes, if one was open. A call that started before the
        flag is not the next dial."""
        current = self._current
        when = self.clock.now() if at is None else at
        if current is None or when < current.flagged_at:
            return None
        self._record_dial(current, when, source)
        self._current = None
        self._set_phase()
        self.schedule_changed.emit()
        return current

    def _record_dial(
        self, incident: Incident, when: datetime, source: DialSource = DialSource.CLICKED
    ) -> None:
        cut_short = incident.on_break
        if cut_short:
            # Dialing mid-break ends it quietly: no reflection pops up during the call.
            self._finish_break(incident, when, announce=False)
        incident.dialed_at = when
        incident.dial_source = source
        self._save_incident(incident)
        for nudge in self.store.nudges(state=NudgeState.PENDING, incident_id=incident.id):
            nudge.state = NudgeState.CANCELLED
            self._save_nudge(nudge)
        self.dialed_recorded.emit(incident)
        if cut_short:
            self.break_cut_short.emit(incident)

    def snooze(self, minutes: float = SNOOZE_MINUTES) -> Nudge:
        """ "2 more minutes": one more nudge shortly, without cancelling what is planned."""
        current = self._current
        if current is None:
            raise LoopError(_("Nothing is waiting for a next dial, so there is nothing to snooze."))
        nudge = Nudge(
            new_id(), current.id, NudgeKind.SNOOZE, self.clock.now() + timedelta(minutes=minutes)
        )
        self._save_nudge(nudge)
        self.schedule_changed.emit()
        return nudge

    # -- time ---------------------------------------------------------------------------

    def shift(self, by: timedelta) -> None:
        """The wall clock was stepped by `by` (not a sleep: time did not pass). Move what
        is planned with it, so that each wait keeps what is left of it in elapsed time:
        the end of the break and every pending nudge. The call being recovered from moves
        too (its flag, its break, its nudges that already came), so that "minutes since the
        flag" and its time to the next dial stay what really elapsed, and it sits where
        the corrected clock says it happened."""
        current = self._current
        if current is not None:
            current.flagged_at += by
            if current.break_started_at is not None:
                current.break_started_at += by
            if current.break_ends_at is not None:
                current.break_ends_at += by
            if current.break_ended_at is not None:
                current.break_ended_at += by
            its = self.store.nudges(incident_id=current.id)
            for nudge in its:
                if nudge.state is NudgeState.PENDING:
                    nudge.due_at += by
                elif nudge.fired_at is not None:
                    nudge.fired_at += by
            self.store.save_with_nudges(current, its)  # one write
        for nudge in self.pending_nudges():
            if current is None or nudge.incident_id != current.id:
                nudge.due_at += by
                self._save_nudge(nudge)
        self.schedule_changed.emit()

    def pending_nudges(self) -> list[Nudge]:
        return self.store.nudges(state=NudgeState.PENDING)

    def next_wakeup(self) -> datetime | None:
        """The earliest time `tick()` has something to do, or None when nothing is planned."""
        times: list[datetime] = [n.due_at for n in self.pending_nudges()]
        current = self._current
        if current is not None and current.on_break and current.break_ends_at is not None:
            times.append(current.break_ends_at)
        return min(times) if times else None

    def tick(self, *, on_call: bool = False, quiet: NudgeState | None = None) -> list[Nudge]:
        """Do whatever has fallen due by now: end a break, fire nudges. Safe to call often.
        `on_call`: the rep is on the phone, so a nudge due now is skipped, not shown.
        `quiet`: no nudge may be shown now (OFF_HOURS, PAUSED): one due is recorded so."""
        now = self.clock.now()
        current = self._current
        if current is not None and current.held and not on_call:
            # The call it waited for is over and nobody said when (a restart): from now.
            self.call_over(now)
        if (
            current is not None
            and current.on_break
            and current.break_ends_at is not None
            and current.break_ends_at <= now
        ):
            self._finish_break(current, current.break_ends_at)
        before = len(self.pending_nudges())
        fired = self._fire_due(now, on_call=on_call, quiet=quiet)
        if fired or len(self.pending_nudges()) != before:
            self.schedule_changed.emit()
        return fired

    def _fire_due(
        self, now: datetime, *, on_call: bool = False, quiet: NudgeState | None = None
    ) -> list[Nudge]:
        due = [n for n in self.pending_nudges() if n.due_at <= now]
        by_incident: dict[str, list[Nudge]] = {}
        for nudge in due:
            by_incident.setdefault(nudge.incident_id, []).append(nudge)
        fired: list[Nudge] = []
        for incident_id, nudges in by_incident.items():
            nudges.sort(key=lambda n: n.due_at)
            # Several overdue at once (the app was closed): only the latest one speaks.
            *earlier, last = nudges
            for nudge in earlier:
                self._mark(nudge, NudgeState.MISSED, now)
            incident = self.store.incident(incident_id)
            if (
                incident is None
                or incident.dialed_at is not None
                or now - last.due_at > STALE_AFTER
            ):
                self._mark(last, NudgeState.MISSED, now)
                continue
            if on_call:
                self._mark(last, NudgeState.SKIPPED, now)
                continue
            if quiet is not None:
                self._mark(last, quiet, now)
                continue
            # Recorded as fired before anyone is told, so a crash cannot make it fire twice.
            self._mark(last, NudgeState.FIRED, now)
            fired.append(last)
            self.nudge_fired.emit(last, incident)
        return fired

    def _mark(self, nudge: Nudge, state: NudgeState, when: datetime) -> None:
        nudge.state = state
        nudge.fired_at = when
        self._save_nudge(nudge)

    # -- reflection ---------------------------------------------------------------------

    def open_reflections(self) -> list[Incident]:
        """Notes still to write, newest first (the tray offers the first one)."""
        since = self.clock.now() - NOTES_OFFERED_FOR
        on_break = self._current.id if self._current is not None and self._current.on_break else ""
        found = [
            i for i in self.store.incidents_since(since) if i.reflection_open and i.id != on_break
        ]
        return sorted(found, key=lambda i: i.flagged_at, reverse=True)

    def incident(self, incident_id: str) -> Incident:
        if self._current is not None and self._current.id == incident_id:
            return self._current
        found = self.store.incident(incident_id)
        if found is None:
            raise LoopError(_("That call is no longer in the journal."))
        return found

    def save_draft(self, incident_id: str, reflection: Reflection) -> None:
        """Keep what was typed so far; called as the rep types and when a form closes."""
        incident = self.incident(incident_id)
        if incident.reflection_status in (ReflectionStatus.SAVED, ReflectionStatus.DISCARDED):
            return
        incident.reflection = reflection
        was = incident.reflection_status
        incident.reflection_status = (
            ReflectionStatus.PENDING if reflection.is_empty() else ReflectionStatus.DRAFT
        )
        self._save_incident(incident)
        if was != incident.reflection_status:
            self.reflections_changed.emit()

    def save_reflection(self, incident_id: str, reflection: Reflection) -> Incident:
        problems = reflection_problems(reflection)
        if problems:
            raise LoopError(problems[0])
        incident = self.incident(incident_id)
        reflection.positives = [p.strip() for p in reflection.positives if p.strip()]
        incident.reflection = reflection
        incident.reflection_status = ReflectionStatus.SAVED
        incident.reflection_saved_at = self.clock.now()
        self._save_incident(incident)
        self.reflections_changed.emit()
        return incident

    def set_size(self, incident_id: str, size: LossSize | None) -> Incident:
        """How much the call mattered (None: not said), kept with its private part."""
        incident = self.incident(incident_id)
        incident.size = size
        self._save_incident(incident)
        return incident

    def discard_reflection(self, incident_id: str) -> None:
        incident = self.incident(incident_id)
        incident.reflection = Reflection()
        incident.reflection_status = ReflectionStatus.DISCARDED
        self._save_incident(incident)
        self.reflections_changed.emit()

    def delete(self, incident_id: str) -> Removed:
        """Delete a call from the journal (its note, nudges and follow-ups go with it)."""
        if self._current is not None and self._current.id == incident_id:
            raise LoopError(
                # Translators: “I'm dialing” is the button of the break window and the nudge.
                _(
                    "This call is still waiting for your next dial. Click “I'm dialing” first, "
                    "then you can delete it."
                )
            )
        removed = self.store.delete_incident(incident_id)
        if removed is None:
            raise LoopError(_("That call is no longer in the journal."))
        self.reflections_changed.emit()
        return removed

    def undo_delete(self, removed: Removed) -> None:
        self.store.restore(removed)
        self.reflections_changed.emit()

    # -- persistence --------------------------------------------------------------------
    # The store keeps a change the disk refuses in memory and reports it to the service,
    # which retries; the loop goes on either way.

    def _save_incident(self, incident: Incident) -> None:
        self.store.save_incident(incident)

    def _save_nudge(self, nudge: Nudge) -> None:
        self.store.save_nudge(nudge)


def reflection_problems(reflection: Reflection) -> list[str]:
    """What stops a note from being saved, as sentences for the rep (empty when fine)."""
    problems: list[str] = []
    if not any(p.strip() for p in reflection.positives):
        problems.append(_("Add at least one positive before saving. Even a small one counts."))
    if reflection.mood_after is not None and not 0 <= reflection.mood_after <= 10:
        problems.append(_("How you feel now must be between 0 and 10."))
    return problems


def disk_sentence(exc: OSError) -> str:
    """What the rep is told when the disk refuses a write."""
    reason = exc.strerror or str(exc)
    # Translators: {reason} is the system's reason, e.g. "No space left on device".
    return _(
        "Resilience could not save to disk ({reason}). Your notes are kept in memory and "
        "it will keep trying; free some space or check the data folder."
    ).format(reason=reason)


def incidents_on(day: datetime, incidents: Iterable[Incident]) -> int:
    """How many incidents were flagged on the local calendar day of `day`."""
    local_day = day.astimezone().date()
    return sum(1 for i in incidents if i.flagged_at.astimezone().date() == local_day)
