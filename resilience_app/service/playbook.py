"""`PlaybookDesk`: the rep's own playbook: what a customer said that the rep could not
answer (kept from a note's call or on its own), the answer written later, tags, merging
the same question said differently, search, practice (had it / again), the one card
before the next call, and the one gentle reminder to write an answer.

The rules are the core's (`core/playbook.py`); this keeps the entries in the store, checks
what the rep typed, and sends the reminder (asked by the wake-ups room, `wakeups.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from resilience_app.core import playbook, practice, texts, values
from resilience_app.core.events import Event
from resilience_app.core.models import Phase, new_id
from resilience_app.core.playbook import PlaybookEntry, PlaybookError
from resilience_app.core.workhours import Schedule
from resilience_app.i18n import N_, _
from resilience_app.service.availability import Availability
from resilience_app.service.context import Context
from resilience_app.service.practice import PracticeSession


class PlaybookDesk:
    """The playbook's use cases over the store's entries."""

    def __init__(
        self, ctx: Context, need_open: Callable[[str], None], availability: Availability
    ) -> None:
        self.ctx = ctx
        self._need_open = need_open
        self.availability = availability
        self.changed: Event[[]] = Event()  # an entry was added, answered, merged...
        self.reminder_sent: Event[[PlaybookEntry]] = Event()  # the windows may open it
        # The cards the rep put away with "Not now", and the day they did (in memory only).
        self._dismissed: tuple[date | None, set[str]] = (None, set())

    # -- reading --------------------------------------------------------------------------

    def entries(self, search: str = "") -> list[PlaybookEntry]:
        """The entries (not those merged into another), the ones that came up most first,
        then the newest; with `search`, those whose words, answer or tags hold every word
        of it (in any case)."""
        self._need_open(N_("Your journal is locked (to show your playbook)."))
        wanted = [w.casefold() for w in search.split()]
        shown = {t: texts.playbook_tag(t) for t in playbook.TAGS}  # found as the rep reads them
        found = []
        for entry in self.ctx.store.playbook_entries():
            if not entry.active:
                continue
            if wanted:
                tags = [*entry.tags, *(shown[t] for t in entry.tags if t in shown)]
                hay = " ".join([entry.said, *entry.also_said, entry.answer, *tags]).casefold()
                if not all(w in hay for w in wanted):
                    continue
            found.append(entry)
        found.sort(key=lambda e: (-e.times, -e.created_at.timestamp(), e.id))
        return found

    def entry(self, entry_id: str) -> PlaybookEntry:
        found = self.ctx.store.playbook_entry(entry_id)
        if found is None:
            # Translators: {id} is a playbook entry's id as the rep gave it, in quotes.
            raise PlaybookError(_("There is no playbook entry {id}.").format(id=repr(entry_id)))
        return found

    def _active(self, entry_id: str) -> PlaybookEntry:
        """The entry, refused when it was merged into another (shown there now)."""
        entry = self.entry(entry_id)
        if not entry.active:
            raise PlaybookError(_("That entry is already merged into another."))
        return entry

    def find(self, wanted: str) -> str:
        """An entry named by the first few characters of its id."""
        wanted = wanted.strip()
        if not wanted:
            raise PlaybookError(
                _("Name the entry by its id (see `resilience playbook list`)."), usage=True
            )
        ids = [e.id for e in self.ctx.store.playbook_entries() if e.active]
        matches = [i for i in ids if i.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise PlaybookError(
                # Translators: {id} is what the rep typed, in quotes.
                _("No playbook entry has an id starting with {id}.").format(id=repr(wanted))
            )
        raise PlaybookError(
            # Translators: {id} is what the rep typed, in quotes.
            _("Several playbook entries start with {id}; give more of the id.").format(
                id=repr(wanted)
            )
        )

    # -- writing --------------------------------------------------------------------------

    def said_line(self, text: str) -> str:
        """What they said, as it will be kept (a refusal says why)."""
        return self._said(text)

    def _said(self, text: str) -> str:
        said = values.line(text, what=_("What they said"))
        if not said:
            raise PlaybookError(
                _("Write what they said or asked, in their words (one line)."), usage=True
            )
        return said

    def _answer(self, text: str) -> str:
        answer = values.text(text, what=_("Your answer")).strip()
        if not answer:
            raise PlaybookError(_("Write the answer you would give now."), usage=True)
        return answer

    def _tags(self, tags: Iterable[str]) -> list[str]:
        given = [str(t) for t in tags]
        if any(not playbook.normalize_tag(t) for t in given):
            raise PlaybookError(_("A tag needs at least one letter or digit."), usage=True)
        return given

    def add(
        self,
        said: str,
        *,
        answer: str = "",
        tags: Iterable[str] = (),
        call_id: str | None = None,
    ) -> PlaybookEntry:
        """Keep what they said (from a note's call, or on its own). Nothing asks for an
        answer now: an unanswered entry gets one reminder at a calm moment."""
        now = self.ctx.clock.now()
        if call_id is not None and self.ctx.store.incident(call_id) is None:
            raise PlaybookError(_("There is no such call to keep this with."))
        entry = PlaybookEntry(
            new_id(),
            self._said(said),
            now,
            call_ids=[call_id] if call_id else [],
            alone=0 if call_id else 1,
        )
        entry = playbook.with_tags(entry, self._tags(tags))
        if answer.strip():
            entry = playbook.answered(entry, self._answer(answer), now)
        # Kept while locked too (sealed to the journal's public key, like a flag's label).
        self._save(entry)
        return entry

    def keep_for_call(self, said: str, call_id: str) -> PlaybookEntry:
        """What they said on a call whose note is saved: the call's entry, made once. A note
        saved again does not add another: the entry already linked to the call keeps it
        (reworded when it is the call's alone and not merged; else left as it is)."""
        said = self._said(said)
        for entry in self.ctx.store.playbook_entries():
            if not entry.active or call_id not in entry.call_ids:
                continue
            known = {entry.said.casefold(), *(s.casefold() for s in entry.also_said)}
            if said.casefold() in known or entry.call_ids != [call_id] or entry.also_said:
                return entry
            entry = replace(entry, said=said)
            self._save(entry)
            return entry
        return self.add(said, call_id=call_id)

    def answer(self, entry_id: str, text: str) -> PlaybookEntry:
        """Write (or reword) the answer; the wording it replaces is kept."""
        self._need_open(N_("Your journal is locked (to write an answer in your playbook)."))
        entry = playbook.answered(self.entry(entry_id), self._answer(text), self.ctx.clock.now())
        self._save(entry)
        return entry

    def tag(self, entry_id: str, tags: Iterable[str], *, only: bool = False) -> PlaybookEntry:
        """Add tags to an entry; with `only`, these become its tags (the others go)."""
        self._need_open(N_("Your journal is locked (to tag an entry of your playbook)."))
        entry = self._active(entry_id)
        entry = playbook.with_tags(replace(entry, tags=[]) if only else entry, self._tags(tags))
        self._save(entry)
        return entry

    def merge(self, keep_id: str, gone_id: str) -> PlaybookEntry:
        """The same question said differently: one entry, with the calls, tags and every
        wording of both."""
        self._need_open(N_("Your journal is locked (to merge entries of your playbook)."))
        if keep_id == gone_id:
            raise PlaybookError(_("Merge an entry with another one, not with itself."))
        keep, gone = self._active(keep_id), self._active(gone_id)
        merged, away = playbook.merge(keep, gone, self.ctx.clock.now())
        self._save(merged, away)
        return merged

    def practise(self, entry_id: str, had_it: bool) -> PlaybookEntry:
        """One card practised: "had it" (up a box) or "again" (back to box 1)."""
        self._need_open(N_("Your journal is locked (to practice your answers)."))
        entry = self._active(entry_id)  # not one merged away during the round
        if not entry.answered:
            raise PlaybookError(_("Write an answer first; then it can be practiced."))
        entry = playbook.practised(entry, had_it, self.ctx.clock.now())
        self._save(entry)
        return entry

    def practice_round(
        self, limit: int = practice.PRACTICE_CARDS, budget: timedelta = practice.PRACTICE_TIME
    ) -> PracticeSession:
        """A practice round (`service/practice.py`): the due cards, or else the answers
        practised least recently; empty when no answer is written yet."""
        self._need_open(N_("Your journal is locked (to practice your answers)."))
        clock = self.ctx.clock
        cards = practice.cards_for_practice(self.ctx.store.playbook_entries(), clock.now(), limit)
        return PracticeSession(cards, elapsed=clock.elapsed, record=self.practise, budget=budget)

    def due_for_practice(self, limit: int = 5) -> list[PlaybookEntry]:
        """A few cards to practise, the longest overdue first (none while locked)."""
        if self.ctx.store.locked:
            return []
        now = self.ctx.clock.now()
        due = [e for e in self.ctx.store.playbook_entries() if playbook.is_due(e, now)]
        due.sort(key=lambda e: (e.due_at or now, e.id))
        return due[:limit]

    def card_for_now(self, skip: Sequence[str] = ()) -> PlaybookEntry | None:
        """The one card before the next call (`core.playbook.card_for_now`); none while
        the journal is locked (its answer is sealed with it). The setting that turns the
        cards off belongs to the window that shows them."""
        if self.ctx.store.locked:
            return None
        return playbook.card_for_now(
            self.ctx.store.playbook_entries(), self.ctx.clock.now(), skip=skip
        )

    def nudge_card(self) -> PlaybookEntry | None:
        """The card a nudge brings (`card_for_now`), or None: the rep turned the cards off
        (`playbook.card`), a break is on (never during the breathing), the journal is
        locked, or nothing is answered yet. A card put away with `dismiss_card` is not
        brought back for the rest of the day (another one may come instead)."""
        if not self.ctx.settings.get("playbook.card") or self.ctx.loop.phase is Phase.BREAK:
            return None
        return self.card_for_now(skip=sorted(self._dismissed_today()))

    def dismiss_card(self, entry_id: str) -> None:
        """ "Not now" on a card: not brought back today (kept in memory: a restart of the
        app forgets it)."""
        self._dismissed_today().add(entry_id)

    def _dismissed_today(self) -> set[str]:
        today = self.ctx.clock.now().astimezone().date()
        if self._dismissed[0] != today:
            self._dismissed = (today, set())
        return self._dismissed[1]

    def _save(self, *entries: PlaybookEntry) -> None:
        self.ctx.store.save_playbook_entries(list(entries))
        self.changed.emit()
        self.ctx.record_changed()
        self.ctx.schedule_changed.emit()  # a reminder may have come or gone

    # -- the one reminder -----------------------------------------------------------------

    def next_wakeup(self) -> datetime | None:
        """When the next reminder to answer an entry is due (the wake-ups room holds it for
        a call, a break, a pause and the hours)."""
        schedule = self.availability.schedule()
        times = [
            due
            for e in self.ctx.store.playbook_entries()
            if (due := self._reminder_at(e, schedule)) is not None
        ]
        return min(times) if times else None

    def _reminder_at(self, entry: PlaybookEntry, schedule: Schedule | None) -> datetime | None:
        settings = self.ctx.settings
        return playbook.reminder_at(
            entry,
            schedule,
            cool_down=timedelta(minutes=float(settings.get("playbook.reminder_wait_minutes"))),
            before_end=timedelta(
                minutes=float(settings.get("playbook.reminder_before_end_minutes"))
            ),
        )

    def tick(self) -> list[PlaybookEntry]:
        """Send each reminder that has come due, once."""
        now = self.ctx.clock.now()
        schedule = self.availability.schedule()
        sent = []
        for entry in self.ctx.store.playbook_entries():
            due = self._reminder_at(entry, schedule)
            if due is None or due > now:
                continue
            entry = replace(entry, reminded_at=now)  # recorded first: never twice
            self.ctx.store.save_playbook_entries([entry])
            sent.append(entry)
            self._deliver(entry, now)
        if sent:
            self.changed.emit()
        return sent

    def _deliver(self, entry: PlaybookEntry, now: datetime) -> None:
        if self.ctx.store.locked or not entry.said:
            message = _(
                "You kept a question for your playbook earlier. Unlock your journal and "
                "write what you would say now."
            )
        elif entry.created_at.astimezone().date() == now.astimezone().date():
            # Translators: {said} is what a customer said, in the rep's words; keep the
            # quotation marks of your language around it.
            message = _("Earlier today: “{said}” What would you say now?").format(said=entry.said)
        else:
            # Translators: {said} is what a customer said, in the rep's words; keep the
            # quotation marks of your language around it.
            message = _("From an earlier call: “{said}” What would you say now?").format(
                said=entry.said
            )
        # Translators: the title of the reminder to write an answer in the playbook.
        self.ctx.notifier.send(_("Your playbook"), message, urgent=False)
        self.reminder_sent.emit(entry)
