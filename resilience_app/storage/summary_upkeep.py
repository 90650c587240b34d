"""The upkeep of each month's day tallies: read from the stored summary
(`storage/summaries.py`) while it holds, counted again from the calls when not, and
brought up to date after each write on the days it touched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from resilience_app.core.models import Incident
from resilience_app.core.tallies import Days, DayTally, tally
from resilience_app.storage.codec import incident_from_dict
from resilience_app.storage.journal_file import JournalFile
from resilience_app.storage.layout import local_day, shard_name
from resilience_app.storage.proofs import generation_of, meta_of
from resilience_app.storage.sealing import Locked
from resilience_app.storage.summaries import Source, Summaries, source_of

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store


@dataclass
class Counted:
    """A month's tallies and what they were counted from: the month as loaded (`file`,
    after `writes` writes) or, for a month not loaded, the file on disk (`source`)."""

    file: JournalFile | None
    writes: int
    source: Source | None
    days: Days


class SummaryUpkeep:
    """Each month's day tallies: read, counted, kept and brought up to date."""

    def __init__(self, store: Store) -> None:
        # The Store this part belongs to: its other parts, its lock, its notices.
        self.store = store
        # Each month's day tallies (storage/summaries.py), kept while they hold.
        self.summaries = Summaries(store.journal_dir, store.sealer, readonly=store.readonly)
        self.counted: dict[str, Counted] = {}

    def day_tallies(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[tuple[date, DayTally]]:
        """The day tallies of every month file overlapping [since, until), oldest month
        first; a local day may come twice (its calls lie in two files). Each month's stored
        summary is read; one missing or stale is counted again from its calls. Unlocked
        only: they are counted from what the rep wrote."""
        if self.store.locked:
            raise Locked()
        first = shard_name(since) if since else ""
        last = shard_name(until) if until else "9999-99"
        names = sorted(
            n
            for n in self.store.months.on_disk | set(self.store.months.loaded)
            if first <= n <= last
        )
        return [pair for name in names for pair in self.month_tallies(name).items()]

    def month_tallies(self, name: str) -> Days:
        """The day tallies of one month file (see `day_tallies`)."""
        if self.store.locked:
            raise Locked()
        month = self.store.months.loaded.get(name)
        counted = self.counted.get(name)
        if counted is not None:
            if month is not None and self.holds(counted, month):
                return counted.days
            # A month not loaded only changes on disk (another process, a restored copy).
            on_disk = self.source(name, None) if month is None and counted.file is None else None
            if on_disk is not None and on_disk == counted.source:
                return counted.days
        if month is None or not month.dirty:
            # What is in memory is what is on disk: the stored summary may do.
            source = self.source(name, month)
            days = None if source is None else self.summaries.read(name, source)
            if days is not None and source is not None:
                self.counted[name] = Counted(
                    month, month.writes if month is not None else 0, source, days
                )
                return days
        return self.count(name)

    def count(self, name: str) -> Days:
        """Count a month's tallies from its calls, and keep them (on disk too, if it can)."""
        month = self.store.months.month(name)
        if month is None:
            return {}
        incidents = self.store.aside.decoded(month, "incidents", incident_from_dict)
        month = self.store.months.loaded.get(name)  # another, if a changed file was just set aside
        days = tally(incidents)
        if month is not None:
            self.keep(month, days)
        return days

    def keep(self, month: JournalFile, days: Days) -> None:
        source = None if month.dirty else self.source(month.name, month)
        self.counted[month.name] = Counted(month, month.writes, source, days)
        if source is not None:
            self.summaries.write(month.name, source, days)

    def holds(self, counted: Counted, month: JournalFile) -> bool:
        return counted.file is month and counted.writes == month.writes and not month.dirty

    def source(self, name: str, month: JournalFile | None) -> Source | None:
        generation = 0
        if self.store.protected:
            if month is not None:
                generation = generation_of(meta_of(month.storage.read()))
            else:
                generation = self.store.proofs.trusted().get(name, 0)
        return source_of(self.store.journal_dir / f"{name}.json", generation)

    def fresh(self, month: JournalFile, *, prime: bool = False) -> Counted | None:
        """The month's tallies as they stand before a write, if known (with `prime`, read
        or counted now), so the write can bring them up to date."""
        if self.store.readonly or self.store.locked:
            return None
        counted = self.counted.get(month.name)
        if (counted is None or not self.holds(counted, month)) and prime and not month.dirty:
            self.month_tallies(month.name)
            counted = self.counted.get(month.name)
        if counted is None or self.store.months.loaded.get(month.name) is not month:
            return None
        return counted if self.holds(counted, month) else None

    def recount(
        self,
        month: JournalFile,
        before: Counted | None,
        changed: set[date | None],
        known: dict[str, Incident] | None = None,
    ) -> None:
        """After a write to a month: count again the days it touched (from the calls added,
        `known`, or decoded), or, when the tallies before it were not at hand, let the
        stored summary go stale (it is counted again when a question needs it)."""
        if before is None or month.dirty or self.store.locked or self.store.readonly:
            self.counted.pop(month.name, None)
            if not month.dirty:
                # The month on disk changed under it: the stored summary goes now rather
                # than trust size, time and inode to tell (a coarse clock, a reused inode).
                self.summaries.drop(month.name)
            return
        days = dict(before.days)
        if changed:
            known = known or {}
            docs = [d for d in month.docs("incidents") if local_day(d) in changed]
            fresh = [known[d["id"]] for d in docs if d.get("id") in known]
            others = [d for d in docs if d.get("id") not in known]
            fresh += self.store.aside.decoded(month, "incidents", incident_from_dict, others)
            if self.store.months.loaded.get(month.name) is not month:
                self.counted.pop(month.name, None)
                return
            for day in changed:
                days.pop(day, None)  # type: ignore[arg-type]
            days.update(tally(fresh))
        self.keep(month, days)
