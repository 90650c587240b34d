"""`Journal`: the rep's record read back: months, search, and delete with undo.

The journal window reads a month at a time (`journal_records` on the GUI thread,
`journal_month` in its search thread); what is decoded is kept until the month or the
lock changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from resilience_app.core import journal
from resilience_app.core.models import Incident, Removed
from resilience_app.i18n import N_
from resilience_app.service.context import Context
from resilience_app.service.views import JournalMonth
from resilience_app.storage.store import MonthRecords


class Journal:
    """Reading and deleting what was recorded; needs the journal unlocked (`need_open`)."""

    def __init__(self, ctx: Context, need_open: Callable[[str], None]) -> None:
        self.ctx = ctx
        self._need_open = need_open
        self._last_removed: Removed | None = None
        self._record_cache: tuple[int, list[Incident], list[journal.PositiveEntry]] | None = None
        # Months the journal window decoded (in its search thread), until they change.
        self._months_decoded: dict[str, tuple[tuple[tuple[int, int], int], JournalMonth]] = {}
        self._journal_epoch = 0  # moves when the lock does: nothing decoded survives it

    def let_go(self, *, everything: bool) -> None:
        """The lock moved: what was decoded goes; when locking, all that held the rep's
        words (the whole record read, a deleted call kept for undo) goes too."""
        if everything:
            self._record_cache = None
            self._last_removed = None
        self.forget_decoded()

    def forget_decoded(self) -> None:
        self._journal_epoch += 1
        self._months_decoded = {}

    def journal_closed(self) -> None:
        """The journal window went away: what its search decoded is let go (read again,
        a month at a time, when it opens next)."""
        self.forget_decoded()

    def journal_positives(
        self, text: str = "", since: datetime | None = None, until: datetime | None = None
    ) -> list[journal.PositiveEntry]:
        self._need_open(N_("Your journal is locked (to show your positives)."))
        return journal.search_positives(self._record()[1], text, since, until)

    def journal_calls(self, wanted: journal.IncidentFilter) -> list[Incident]:
        self._need_open(N_("Your journal is locked (to show your calls)."))
        return journal.filter_incidents(self._record()[0], wanted)

    def _record(self) -> tuple[list[Incident], list[journal.PositiveEntry]]:
        """Every call and positive, decoded once per change to the store: typing in a
        search box must not re-read ten years of history on every key."""
        generation = self.ctx.store.generation
        if self._record_cache is None or self._record_cache[0] != generation:
            incidents = self.ctx.store.incidents()
            entries = journal.positive_entries(incidents, self.ctx.store.positives())
            self._record_cache = (generation, incidents, entries)
        return self._record_cache[1], self._record_cache[2]

    def journal_months(self) -> list[str]:
        """Every month of the journal, newest first: the journal window reads them in turn,
        one `journal_records` on the GUI thread, one `journal_month` in its search thread."""
        self._need_open(N_("Your journal is locked (to show your calls)."))
        return self.ctx.store.month_names()

    def journal_records(self, name: str) -> MonthRecords | None:
        """One month's records as they are now (a few milliseconds: the file is read if it
        was not yet), to decode in another thread with `journal_month`."""
        self._need_open(N_("Your journal is locked (to show your calls)."))
        return self.ctx.store.records(name)

    def journal_month(self, records: MonthRecords) -> JournalMonth:
        """A month's calls and positives, decoded, newest first. Safe in one other thread
        (the journal window's search): it touches no file and no store, only the records
        handed over; what it decodes is kept until the month or the lock changes."""
        epoch = self._journal_epoch
        key = (records.version, epoch)
        cached = self._months_decoded.get(records.name)
        if cached is not None and cached[0] == key:
            return cached[1]
        incidents, positives, whole = records.decode()
        incidents.sort(key=lambda i: i.flagged_at, reverse=True)
        month = JournalMonth(
            records.name, incidents, journal.positive_entries(incidents, positives), whole
        )
        if whole and not records.sealer.locked and epoch == self._journal_epoch:
            self._months_decoded[records.name] = (key, month)
        return month

    def journal_check(self, name: str) -> None:
        """A month held a record `journal_month` could not read: the store reads it here and
        sets it aside, telling the rep (GUI thread)."""
        self._need_open(N_("Your journal is locked (to show your calls)."))
        self.ctx.store.check_month(name)

    def delete_call(self, incident_id: str) -> Removed:
        """Delete a call with its note, nudges and follow-ups; `undo_delete` puts it back."""
        self._need_open(N_("Your journal is locked (to delete a call)."))
        removed = self.ctx.loop.delete(incident_id)
        self._last_removed = removed
        self.ctx.record_changed()
        self.ctx.followups_changed.emit()
        return removed

    def undo_delete(self) -> None:
        self._need_open(N_("Your journal is locked (to undo)."))
        removed, self._last_removed = self._last_removed, None
        if removed is not None:
            self.ctx.loop.undo_delete(removed)
        self.ctx.record_changed()
        self.ctx.followups_changed.emit()
