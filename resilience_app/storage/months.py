"""The month files of the journal (``journal/YYYY-MM.json``): which exist, which are
read, the calls, nudges and positives in them, and the last months' calls kept decoded.

A month is read the first time a question needs it and kept in memory until it is let go
(`release`); `owner` says which loaded month holds each call."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from resilience_app.core.models import Incident, Nudge, NudgeState, Positive
from resilience_app.storage.codec import (
    BadRecord,
    incident_from_dict,
    nudge_from_dict,
    positive_from_dict,
)
from resilience_app.storage.journal_file import MONTH_TABLES, JournalFile
from resilience_app.storage.layout import shard_name
from resilience_app.storage.sealing import BadSeal, Sealer
from resilience_app.storage.summary_upkeep import Counted

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store

RECENT_MONTHS = 4  # months of calls kept decoded (the tray's unfinished notes, a break's)


@dataclass(frozen=True)
class MonthRecords:
    """A month's records as they are now, to decode in any thread (`decode`): the store
    replaces records, it never edits one in place, so these stay whole whatever is saved
    meanwhile. `version` names this state of the month."""

    name: str
    version: tuple[int, int]
    incidents: tuple[Any, ...]
    positives: tuple[Any, ...]
    sealer: Sealer

    def decode(self) -> tuple[list[Incident], list[Positive], bool]:
        """(calls, positives, whole): seals opened, records decoded. A record that does not
        decode (or a seal that does not open) is skipped and `whole` is False: the store
        sets it aside (or the file) when it reads the month itself (`Store.incidents...`)."""
        whole = True
        found: list[list[Any]] = [[], []]
        for table, docs, decode, into in (
            ("incidents", self.incidents, incident_from_dict, found[0]),
            ("positives", self.positives, positive_from_dict, found[1]),
        ):
            for doc in docs:
                try:
                    opened, kept = (
                        self.sealer.open_doc(self.name, table, doc)
                        if isinstance(doc, dict)
                        else (doc, None)
                    )
                    item = decode(opened)
                except (BadRecord, BadSeal):
                    whole = False
                    continue
                if kept is not None:
                    setattr(item, "sealed", kept)  # noqa: B010 - every sealed kind has it
                into.append(item)
        return found[0], found[1], whole


@dataclass
class KnownIds:
    """The ids already in the journal (an import must not take them for something else)."""

    incidents: set[str]
    nudges: dict[str, Any]  # nudge id -> its call's id
    followups: dict[str, Any]  # follow-up id -> its call's id
    positives: set[str]


class Months:
    """The month files: which exist and are read, and the calls, nudges and positives in
    them."""

    def __init__(self, store: Store) -> None:
        # The Store this part belongs to: its other parts, its lock, its notices.
        self.store = store
        self.loaded: dict[str, JournalFile] = {}
        self.owner: dict[str, str] = {}  # incident id -> month, for loaded months
        self.on_disk: set[str] = set()  # the month files in the journal folder
        # The calls of the last months read, decoded, while their file and the lock stay
        # as they were: the tray asks for the unfinished notes of the last 30 days at each
        # refresh, and should not decode two months each time.
        self.recent: OrderedDict[
            str, tuple[tuple[tuple[int, int], int], list[tuple[dict[str, Any], Incident]]]
        ] = OrderedDict()
        self.key_epoch = 0  # changes with the lock: what was decoded before is not reused

    def names_on_disk(self) -> Iterator[str]:
        if self.store.journal_dir.is_dir():
            for path in self.store.journal_dir.glob("????-??.json"):
                yield path.stem

    def month(self, name: str, *, create: bool = False) -> JournalFile | None:
        month = self.loaded.get(name)
        if month is not None:
            return month
        if name not in self.on_disk and not create:
            return None
        opened: JournalFile = self.store.damaged.open(
            self.store.journal_dir / f"{name}.json", MONTH_TABLES
        )
        self.loaded[name] = opened
        self.on_disk.add(name)
        for incident_id in opened.keys("incidents"):
            self.owner[incident_id] = name
        return opened

    def writable(self, name: str) -> JournalFile:
        month = self.month(name, create=True)
        assert month is not None
        self.store.backups.before_change(month)
        return month

    def load_all(self) -> list[JournalFile]:
        for name in sorted(self.on_disk):
            self.month(name)
        return [self.loaded[name] for name in sorted(self.loaded)]

    def load_between(self, since: datetime | None, until: datetime | None) -> list[JournalFile]:
        first = shard_name(since) if since else ""
        last = shard_name(until) if until else "9999-99"
        for name in sorted(self.on_disk):
            if first <= name <= last:
                self.month(name)
        return [self.loaded[n] for n in sorted(self.loaded) if first <= n <= last]

    def newest(self) -> JournalFile | None:
        for name in sorted(self.on_disk, reverse=True):
            month = self.month(name)
            if month is not None and month.count("incidents"):
                return month
        return None

    def month_of(self, incident_id: str, fallback: datetime) -> str:
        name = self.owner.get(incident_id)
        if name is None:
            self.load_all()
            name = self.owner.get(incident_id) or shard_name(fallback)
        return name

    def known_ids(self) -> KnownIds:
        """Every id in the journal, read a month at a time: a month that was not in memory
        is let go again, so this costs no more memory than one month whatever the size."""
        known = KnownIds(set(), {}, {}, set())
        for name in sorted(self.on_disk | set(self.loaded)):
            was_loaded = name in self.loaded
            month = self.month(name)
            if month is None:
                continue
            known.incidents.update(month.keys("incidents"))
            known.positives.update(month.keys("positives"))
            for doc in month.docs("nudges"):
                known.nudges[str(doc.get("id"))] = doc.get("incident_id")
            if not was_loaded:
                self.release(name)
        for doc in self.store.followup_file.book().docs("followups"):
            known.followups[str(doc.get("id"))] = doc.get("incident_id")
        return known

    def loaded_months(self) -> set[str]:
        return set(self.loaded)

    def release_months(self, keep: Iterable[str] = ()) -> None:
        """Let go of the month files held in memory but `keep` (each is read again when
        needed); those with changes the disk has not taken yet stay."""
        kept = set(keep)
        for name in list(self.loaded):
            if name not in kept:
                self.release(name)

    def release(self, name: str) -> None:
        month = self.loaded.get(name)
        if month is None or month.dirty:
            return
        del self.loaded[name]
        self.recent.pop(name, None)  # its calls, decoded, go with it
        for key in month.keys("incidents"):
            if self.owner.get(key) == name:
                del self.owner[key]
        counted = self.store.tallies.counted.get(name)
        if counted is not None and counted.file is month:
            # Kept as counted from the file on disk (checked against it when next used).
            self.store.tallies.counted[name] = Counted(None, 0, counted.source, counted.days)
        month.close()
        month.storage.forget()

    def month_names(self) -> list[str]:
        """Every month file, newest first."""
        return sorted(self.on_disk | set(self.loaded), reverse=True)

    def records(self, name: str) -> MonthRecords | None:
        """A month's records as they are now (the file is read if it was not yet: a few
        milliseconds), for `MonthRecords.decode` in another thread."""
        month = self.month(name)
        if month is None:
            return None
        return MonthRecords(
            name,
            month.version,
            tuple(month.docs("incidents")),
            tuple(month.docs("positives")),
            self.store.sealer,
        )

    def check_month(self, name: str) -> None:
        """Read a month here, so what does not decode is set aside as usual (after a
        `MonthRecords.decode` found something it could not read)."""
        month = self.month(name)
        if month is not None:
            self.store.aside.decoded(month, "incidents", incident_from_dict)
        month = self.loaded.get(name)
        if month is not None:
            self.store.aside.decoded(month, "positives", positive_from_dict)

    def incident(self, incident_id: str) -> Incident | None:
        name = self.owner.get(incident_id)
        if name is None:
            self.load_all()
            name = self.owner.get(incident_id)
            if name is None:
                return None
        month = self.loaded[name]
        doc = month.get("incidents", incident_id)
        found = self.store.aside.decoded(
            month, "incidents", incident_from_dict, [doc] if doc else []
        )
        return found[0] if found else None

    def incidents(self) -> list[Incident]:
        """Every incident, oldest first. Reads the whole history (once)."""
        found = [
            i
            for m in self.load_all()
            for i in self.store.aside.decoded(m, "incidents", incident_from_dict)
        ]
        found.sort(key=lambda incident: incident.flagged_at)
        return found

    def incidents_between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Incident]:
        """Incidents flagged in [since, until), oldest first; reads only those months."""
        found = (
            incident
            for month in self.load_between(since, until)
            for incident in self.incidents_of(month)
        )
        return sorted(
            (
                i
                for i in found
                if (since is None or i.flagged_at >= since)
                and (until is None or i.flagged_at < until)
            ),
            key=lambda i: i.flagged_at,
        )

    def incidents_of(self, month: JournalFile) -> list[Incident]:
        """A month's calls, decoded once while the month and the lock stay as they are (the
        last RECENT_MONTHS months asked for). After a save only the records it replaced are
        decoded again: a record is never changed in place (JournalFile.upsert replaces it),
        so a stored record that is the same object as before decodes to the same call. The
        calls are shared between callers: a change to one is saved with save_incident."""
        key = (month.version, self.key_epoch)
        kept = self.recent.get(month.name)
        if kept is not None and kept[0] == key:
            self.recent.move_to_end(month.name)
            return [call for _doc, call in kept[1]]
        same_file = kept is not None and kept[0][0][0] == month.serial and kept[0][1] == key[1]
        before = {id(doc): call for doc, call in kept[1]} if kept is not None and same_file else {}
        docs = list(month.docs("incidents"))
        new = [doc for doc in docs if id(doc) not in before]
        decoded = self.store.aside.decoded(month, "incidents", incident_from_dict, new)
        replaced = self.loaded.get(month.name) is not month
        if replaced or len(decoded) != len(new) or (month.version, self.key_epoch) != key:
            # Records set aside, or the file replaced by a backup: read it whole.
            self.recent.pop(month.name, None)
            found: list[Incident] = self.store.aside.decoded(
                self.month(month.name) or month, "incidents", incident_from_dict
            )
            return found
        made = iter(decoded)
        pairs = [(doc, before[id(doc)] if id(doc) in before else next(made)) for doc in docs]
        self.recent[month.name] = (key, pairs)
        self.recent.move_to_end(month.name)
        while len(self.recent) > RECENT_MONTHS:
            self.recent.popitem(last=False)
        return [call for _doc, call in pairs]

    def incidents_since(self, since: datetime) -> list[Incident]:
        return self.incidents_between(since, None)

    def latest_incident(self, until: datetime | None = None) -> Incident | None:
        """The newest incident (flagged at or before `until`, if given)."""
        for name in sorted(self.on_disk, reverse=True):
            if until is not None and name > shard_name(until):
                continue
            month = self.month(name)
            if month is None:
                continue
            found: list[Incident] = [
                i
                for i in self.store.aside.decoded(month, "incidents", incident_from_dict)
                if until is None or i.flagged_at <= until
            ]
            if found:
                return max(found, key=lambda i: i.flagged_at)
        return None

    def nudges(
        self, *, state: NudgeState | None = None, incident_id: str | None = None
    ) -> list[Nudge]:
        """Nudges, soonest first. Pending ones only ever belong to the newest incident
        (a new flag settles the one before), so asking for those reads the newest month;
        any other question reads every month."""
        if state is NudgeState.PENDING:
            self.newest()
            months = [self.loaded[name] for name in sorted(self.loaded)]
        elif incident_id is not None and incident_id in self.owner:
            months = [self.loaded[self.owner[incident_id]]]
        else:
            months = self.load_all()
        found = []
        for month in months:
            wanted = [
                doc
                for doc in month.docs("nudges")
                if (state is None or doc.get("state") == state.value)
                and (incident_id is None or doc.get("incident_id") == incident_id)
            ]
            found += self.store.aside.decoded(month, "nudges", nudge_from_dict, wanted)
        found.sort(key=lambda nudge: nudge.due_at)
        return found

    def positives(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Positive]:
        """Positives written on their own, oldest first."""
        found = [
            positive
            for month in self.load_between(since, until)
            for positive in self.store.aside.decoded(month, "positives", positive_from_dict)
        ]
        return sorted(
            (
                p
                for p in found
                if (since is None or p.created_at >= since)
                and (until is None or p.created_at < until)
            ),
            key=lambda p: p.created_at,
        )
