"""`FollowUps`: the calls the rep plans after a tough one: the list, done and what came
of it, snooze and move, the scripts, the reminders, and the easy lead a nudge offers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from resilience_app.core import scripts, texts, values
from resilience_app.core.clock import local_moment
from resilience_app.core.followups import FollowUpError, default_due
from resilience_app.core.loop import CLOCK_SLACK
from resilience_app.core.models import FollowUp, FollowUpKind, FollowUpOutcome, FollowUpState
from resilience_app.i18n import N_, _
from resilience_app.service.context import Context
from resilience_app.service.views import UpcomingItem
from resilience_app.storage.sealing import Locked


def reminder_tag(followup_id: str) -> str:
    """The tag a follow-up's reminder is sent with, so it can be taken back."""
    return f"followup:{followup_id}"


class FollowUpDesk:
    """Follow-ups over the core's book (`ctx.followups`); its reminders go out from here."""

    def __init__(self, ctx: Context, need_open: Callable[[str], None]) -> None:
        self.ctx = ctx
        self._need_open = need_open
        ctx.followups.reminder_due.connect(self._deliver_reminder)
        ctx.followups.changed.connect(self._followups_moved)

    def upcoming(self) -> list[UpcomingItem]:
        """Pending follow-ups, soonest first, each with the label of its call."""
        items = []
        for followup in self.ctx.followups.upcoming():
            incident = self.ctx.store.incident(followup.incident_id)
            items.append(UpcomingItem(followup, incident.label if incident else ""))
        return items

    def add_followup(
        self,
        kind: FollowUpKind,
        incident_id: str | None = None,
        *,
        at: datetime | None = None,
        in_minutes: float | None = None,
        months: int | None = None,
        note: str = "",
    ) -> UpcomingItem:
        incident = (
            self.ctx.loop.incident(incident_id)
            if incident_id
            else self.ctx.store.latest_incident(until=self.ctx.clock.now() + CLOCK_SLACK)
        )
        if incident is None:
            raise FollowUpError(_("There is no flagged call to attach a follow-up to."))
        if in_minutes is not None:
            due = self.ctx.clock.now() + timedelta(minutes=in_minutes)
        elif at is not None:
            due = at if at.tzinfo is not None else at.astimezone()
        else:
            due = default_due(kind, incident.flagged_at, months=months or 1)
        due = values.moment(due, what=_("The follow-up's time"))
        followup = self.ctx.followups.add(
            incident.id, kind, due, values.text(note, what=_("The note"))
        )
        return UpcomingItem(followup, incident.label)

    def talk_it_over(
        self, entry_id: str, *, at: datetime | None = None, in_minutes: float | None = None
    ) -> FollowUp:
        """Plan to talk a playbook entry over with a colleague: a TALK_IT_OVER follow-up
        linked to the entry, kept with the latest call it came up on, due the next working
        morning unless a time is given."""
        self._need_open(N_("Your journal is locked (to plan talking an entry over)."))
        entry = self.ctx.store.playbook_entry(entry_id)
        if entry is None:
            # Translators: {id} is a playbook entry's id as the rep gave it, in quotes.
            raise FollowUpError(_("There is no playbook entry {id}.").format(id=repr(entry_id)))
        calls = [c for c in reversed(entry.call_ids) if self.ctx.store.incident(c) is not None]
        if not calls:
            raise FollowUpError(
                _(
                    "This entry did not come up on a call you flagged, so there is no call "
                    "to keep the follow-up with. Add it from a call's note to talk it over."
                )
            )
        now = self.ctx.clock.now()
        if in_minutes is not None:
            due = now + timedelta(minutes=in_minutes)
        elif at is not None:
            due = at if at.tzinfo is not None else at.astimezone()
        else:
            due = default_due(FollowUpKind.TALK_IT_OVER, now)
        due = values.moment(due, what=_("The follow-up's time"))
        return self.ctx.followups.add(
            calls[0], FollowUpKind.TALK_IT_OVER, due, playbook_id=entry.id
        )

    def talks(self) -> dict[str, FollowUp]:
        """For each playbook entry with one, the talk-it-over follow-up to show: the next
        one planned, else the last one done (cancelled ones are not shown). One planned for
        an entry since merged into another shows on that one."""
        found: dict[str, FollowUp] = {}
        for f in self.ctx.store.followups():  # soonest first
            if f.playbook_id is None or f.state is FollowUpState.CANCELLED:
                continue
            entry_id = f.playbook_id
            entry = self.ctx.store.playbook_entry(entry_id)
            for _hop in range(8):  # merged into one merged on, a few times at most
                if entry is None or entry.merged_into is None:
                    break
                entry_id = entry.merged_into
                entry = self.ctx.store.playbook_entry(entry_id)
            shown = found.get(entry_id)
            if shown is None or (
                shown.state is not FollowUpState.PENDING
                and (f.state is FollowUpState.PENDING or f.due_at > shown.due_at)
            ):
                found[entry_id] = f
        return found

    def find_followup(self, wanted: str) -> str:
        """An upcoming follow-up named by the first few characters of its id."""
        wanted = wanted.strip()
        if not wanted:
            raise FollowUpError(_("Name the follow-up by its id (see `resilience followup list`)."))
        return self._find(wanted, [f.id for f in self.ctx.followups.upcoming()])

    def find_any_followup(self, wanted: str) -> str:
        """Any follow-up (pending, done or cancelled) named by the first characters of its
        id."""
        return self._find(
            wanted.strip(), [f.id for f in self.ctx.store.followups()], upcoming=False
        )

    def _find(self, wanted: str, ids: list[str], *, upcoming: bool = True) -> str:
        wanted = wanted.strip()
        if not wanted:
            raise FollowUpError(
                _("Name the follow-up by its id (see `resilience followup list`)."), usage=True
            )
        matches = [i for i in ids if i.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise FollowUpError(
                # Translators: {id} is what the rep typed, in quotes.
                _("No upcoming follow-up has an id starting with {id}.").format(id=repr(wanted))
                if upcoming
                # Translators: {id} is what the rep typed, in quotes.
                else _("No follow-up has an id starting with {id}.").format(id=repr(wanted))
            )
        raise FollowUpError(
            # Translators: {id} is what the rep typed, in quotes.
            _("Several follow-ups start with {id}; give more of the id.").format(id=repr(wanted))
        )

    def followup_done(
        self, followup_id: str, outcome: FollowUpOutcome | None = None, note: str = ""
    ) -> FollowUp:
        """Done, and (in one more click) what came of it, with the line heard if any."""
        heard = values.line(note, what=_("What you heard"), limit=values.MAX_TEXT)
        done = self.ctx.followups.done(followup_id, outcome, heard)
        self._take_back_reminder(followup_id)
        self.ctx.record_changed()
        return done

    def followup_done_or_outcome(
        self, wanted: str, outcome: FollowUpOutcome | None = None, note: str = ""
    ) -> tuple[FollowUp, bool]:
        """`followup done ID`: an upcoming follow-up is marked done (with what came of it);
        one already done gets what came of it. Returns it, and whether it was done now."""
        found = self.ctx.store.followup(self.find_any_followup(wanted))
        assert found is not None
        if found.state is FollowUpState.PENDING:
            return self.followup_done(found.id, outcome, note), True
        if found.state is FollowUpState.CANCELLED:
            raise FollowUpError(
                _("That follow-up was canceled; plan a new one if you still want to call.")
            )
        if outcome is None and not note.strip():
            raise FollowUpError(_("That follow-up is already done."))
        return self.followup_outcome(found.id, outcome, note), False

    def followup_outcome(
        self, followup_id: str, outcome: FollowUpOutcome | None, note: str = ""
    ) -> FollowUp:
        """What came of a follow-up already marked done."""
        heard = values.line(note, what=_("What you heard"), limit=values.MAX_TEXT)
        if self.ctx.store.locked:
            raise Locked(N_("Your journal is locked (to change what came of a follow-up)."))
        changed = self.ctx.followups.record_outcome(followup_id, outcome, heard)
        self.ctx.record_changed()
        return changed

    def script(self, kind: FollowUpKind) -> tuple[str, bool]:
        """The script for a follow-up kind, and whether it is the rep's own version (while
        the journal is locked, the app's: the rep's is sealed with the journal)."""
        own = None if self.ctx.store.locked else self.ctx.store.script(kind.value)
        return (own, True) if own else (scripts.default_script(kind), False)

    def save_script(self, kind: FollowUpKind, text: str | None) -> None:
        """Keep the rep's version of a script (None or the app's own text: back to it)."""
        self._need_open(N_("Your journal is locked (to keep your version of a script)."))
        if text is not None:
            text = values.text(text, what=_("The script"), limit=values.MAX_TEXT)
            if not text or text == scripts.default_script(kind):
                text = None
        self.ctx.store.save_script(kind.value, text)
        self.ctx.followups_changed.emit()

    def easy_lead(self) -> UpcomingItem | None:
        """A light call from the rep's own list to start again with: a check-in, a
        thank-you or a referral that is due today, the earliest first."""
        now = self.ctx.clock.now()
        end_of_day = local_moment(now.astimezone().date() + timedelta(days=1))
        for followup in self.ctx.followups.upcoming():
            if followup.kind in scripts.EASY_KINDS and followup.due_at < end_of_day:
                incident = self.ctx.store.incident(followup.incident_id)
                return UpcomingItem(followup, incident.label if incident else "")
        return None

    def followup_cancel(self, followup_id: str) -> FollowUp:
        cancelled = self.ctx.followups.cancel(followup_id)
        self._take_back_reminder(followup_id)
        return cancelled

    def followup_snooze(self, followup_id: str, minutes: float) -> FollowUp:
        snoozed = self.ctx.followups.snooze(followup_id, minutes)
        self._take_back_reminder(followup_id)  # it comes again at the new time
        return snoozed

    def followup_move(self, followup_id: str, due: datetime) -> FollowUp:
        moved = self.ctx.followups.reschedule(
            followup_id, values.moment(due, what=_("The new time"))
        )
        self._take_back_reminder(followup_id)
        return moved

    def _take_back_reminder(self, followup_id: str) -> None:
        """Done, dropped or moved: its reminder, if still on screen, goes."""
        self.ctx.notifier.withdraw(reminder_tag(followup_id))

    def _followups_moved(self) -> None:
        self.ctx.followups_changed.emit()
        self.ctx.schedule_changed.emit()

    def _deliver_reminder(self, followup: FollowUp) -> None:
        incident = self.ctx.store.incident(followup.incident_id)
        title = texts.followup_title(followup.kind, incident.label if incident else "")
        note = followup.note.strip()
        if note and note[-1] not in ".!?…。":
            note += "."  # the rep's note ends a sentence before the hint, once
        said = [note, texts.follow_up_hint(followup.kind)]
        # Translators: "Upcoming" is the tray menu's list of follow-ups.
        said.append(_("Mark it done from Upcoming in the tray."))
        self.ctx.notifier.send(
            # Translators: the title of a reminder; {title} is the follow-up ("Debrief call —
            # Acme").
            _("Follow-up: {title}").format(title=title),
            " ".join(s for s in said if s),
            urgent=False,
            tag=reminder_tag(followup.id),
        )
