"""Changes to the journal: calls with their nudges, positives, follow-ups, deletions and
their undo, bulk inserts and rescued copies put back; each in one durable write per file
touched, sealed when the journal is protected."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from resilience_app.core.models import FollowUp, Incident, Nudge, Positive, Removed
from resilience_app.storage.codec import (
    followup_to_dict,
    incident_to_dict,
    nudge_to_dict,
    positive_to_dict,
)
from resilience_app.storage.layout import local_day, shard_name
from resilience_app.storage.summary_upkeep import Counted

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store


class Writes:
    """Every change to the journal, each in one durable write per file touched."""

    def __init__(self, store: Store) -> None:
        # The Store this part belongs to: its other parts, its lock, its notices.
        self.store = store

    def encode(
        self, file: str, table: str, doc: dict[str, Any], kept: str | None
    ) -> dict[str, Any]:
        """A record as it is stored: sealed when the journal is protected."""
        sealed: dict[str, Any] = self.store.sealer.seal_doc(file, table, doc, kept)
        return sealed

    def save_incident(self, incident: Incident) -> None:
        self.save_with_nudges(incident, [])

    def save_with_nudges(self, incident: Incident, nudges: list[Nudge]) -> None:
        """A call (and the nudges given with it) in one durable write: a flag costs one
        write of its month, not three, and the disk never holds the call without its
        nudges. Nudges live in the month file of their incident."""
        self.store.generation += 1
        name = self.store.months.owner.get(incident.id) or shard_name(incident.flagged_at)
        month = self.store.months.writable(name)
        self.store.months.owner[incident.id] = name
        before = self.store.tallies.fresh(month)
        changed: set[date | None] = {
            local_day(d) for d in (month.get("incidents", incident.id),) if d
        }
        changed.add(incident.flagged_at.astimezone().date())
        doc = self.encode(name, "incidents", incident_to_dict(incident), incident.sealed)
        rows: dict[str, list[tuple[str, dict[str, Any]]]] = {"incidents": [(incident.id, doc)]}
        if nudges:
            rows["nudges"] = [(nudge.id, nudge_to_dict(nudge)) for nudge in nudges]
        self.store.durability.durably(lambda: month.put_many(rows))
        self.store.tallies.recount(month, before, changed, {incident.id: incident})

    def save_nudge(self, nudge: Nudge) -> None:
        """A nudge lives in the month file of its incident."""
        self.store.generation += 1
        month = self.store.months.writable(
            self.store.months.month_of(nudge.incident_id, nudge.due_at)
        )
        before = self.store.tallies.fresh(month)
        self.store.durability.durably(
            lambda: month.upsert("nudges", nudge.id, nudge_to_dict(nudge))
        )
        self.store.tallies.recount(month, before, set())

    def save_positive(self, positive: Positive) -> None:
        self.store.generation += 1
        name = shard_name(positive.created_at)
        for loaded in self.store.months.load_all():
            if loaded.has("positives", positive.id):
                name = loaded.name
        month = self.store.months.writable(name)
        before = self.store.tallies.fresh(month)
        doc = self.encode(name, "positives", positive_to_dict(positive), positive.sealed)
        self.store.durability.durably(lambda: month.upsert("positives", positive.id, doc))
        self.store.tallies.recount(month, before, set())

    def delete_incident(self, incident_id: str) -> Removed | None:
        """Remove an incident with its nudges and follow-ups; returns them for an undo."""
        incident = self.store.months.incident(incident_id)
        if incident is None:
            return None
        self.store.generation += 1
        nudges = self.store.months.nudges(incident_id=incident_id)
        followups = [
            f for f in self.store.followup_file.followups() if f.incident_id == incident_id
        ]
        month = self.store.months.writable(
            self.store.months.month_of(incident_id, incident.flagged_at)
        )
        before = self.store.tallies.fresh(month)
        changed: set[date | None] = {
            local_day(d) for d in (month.get("incidents", incident_id),) if d
        }
        self.store.durability.durably(
            lambda: month.remove({"nudges": [n.id for n in nudges], "incidents": [incident_id]})
        )
        self.store.tallies.recount(month, before, changed)
        self.store.months.owner.pop(incident_id, None)
        if followups:
            book = self.store.followup_file.book()
            self.store.backups.before_change(book)
            self.store.durability.durably(
                lambda: book.remove({"followups": [f.id for f in followups]})
            )
        return Removed(incident, nudges, followups)

    def restore(self, removed: Removed) -> None:
        """Put back what `delete_incident` removed (undo)."""
        self.add_many([removed.incident], removed.nudges, removed.followups)

    def add_many(
        self,
        incidents: Iterable[Incident],
        nudges: Iterable[Nudge] = (),
        followups: Iterable[FollowUp] = (),
        positives: Iterable[Positive] = (),
    ) -> None:
        """Bulk insert (import, undo, migrations): one durable write per file touched."""
        self.store.generation += 1
        by_month: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]] = {}
        owner = dict(self.store.months.owner)
        known: dict[str, dict[str, Incident]] = {}  # month -> the calls added to it

        def put(name: str, table: str, key: str, doc: dict[str, Any]) -> None:
            by_month.setdefault(name, {}).setdefault(table, []).append((key, doc))

        for incident in incidents:
            name = owner.setdefault(incident.id, shard_name(incident.flagged_at))
            known.setdefault(name, {})[incident.id] = incident
            put(
                name,
                "incidents",
                incident.id,
                self.encode(name, "incidents", incident_to_dict(incident), incident.sealed),
            )
        for nudge in nudges:
            name = owner.get(nudge.incident_id) or shard_name(nudge.due_at)
            put(name, "nudges", nudge.id, nudge_to_dict(nudge))
        for positive in positives:
            name = shard_name(positive.created_at)
            put(
                name,
                "positives",
                positive.id,
                self.encode(name, "positives", positive_to_dict(positive), positive.sealed),
            )
        for name, rows in sorted(by_month.items()):
            month = self.store.months.writable(name)
            added = known.get(name, {})
            # A month that had no calls is counted from those added; one that had, from its
            # summary brought up to date on the days the new ones fall on.
            before = (
                Counted(month, month.writes, None, {})
                if not month.count("incidents")
                else self.store.tallies.fresh(month, prime=bool(added))
            )
            changed: set[date | None] = {i.flagged_at.astimezone().date() for i in added.values()}
            changed |= {
                local_day(month.get("incidents", key))
                for key in added
                if month.has("incidents", key)
            }
            self.store.durability.durably(partial(month.put_many, rows))
            self.store.tallies.recount(month, before, changed, added)
            for key, _doc in rows.get("incidents", []):
                self.store.months.owner[key] = name
        followup_rows = [
            (f.id, self.encode("followups", "followups", followup_to_dict(f), f.sealed))
            for f in followups
        ]
        if followup_rows:
            book = self.store.followup_file.book()
            self.store.backups.before_change(book)
            self.store.durability.durably(lambda: book.put_many({"followups": followup_rows}))

    def merge_rows(
        self,
        month: str | None,
        rows: dict[str, list[tuple[str, dict[str, Any]]]],
        *,
        written_at: datetime,
    ) -> int:
        """Put a rescued copy of a month (or, with None, of the follow-ups) back.

        If the file on disk was not written after the copy was made, the copy is the
        newer whole: the file becomes exactly the copy (records deleted before the rescue
        stay deleted). Otherwise the disk holds later saves, and only records missing
        from it are added, never over a newer one. Returns how many records were put."""
        self.store.generation += 1
        if month is None:
            target = self.store.followup_file.book()
            self.store.backups.before_change(target)
        elif re.fullmatch(r"\d{4}-\d{2}", month):
            target = self.store.months.writable(month)
        else:
            return 0
        if self.store.protected:
            # A rescue file from before protection holds plain records: seal them now.
            rows = {
                table: [
                    (k, d if "sealed" in d else self.encode(target.name, table, dict(d), None))
                    for k, d in items
                ]
                for table, items in rows.items()
            }
        try:
            saved_later = target.path.stat().st_mtime > written_at.timestamp()
        except OSError:
            saved_later = False
        if saved_later:
            rows = {
                table: [(k, d) for k, d in items if not target.has(table, k)]
                for table, items in rows.items()
            }
            self.store.durability.durably(lambda: target.put_many(rows))
        else:
            if month is not None:
                for key in list(target.keys("incidents")):
                    self.store.months.owner.pop(key, None)
            self.store.durability.durably(lambda: target.replace(rows))
        if month is not None:
            for key, _doc in rows.get("incidents", []):
                self.store.months.owner[key] = month
        return sum(len(items) for items in rows.values())
