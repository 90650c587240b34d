"""The rep's own record, read back: positives, filters over calls, a positive for a break."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from resilience_app.core import texts
from resilience_app.core.models import Incident, LossReason, MyPart, Positive, ReflectionStatus


def positives(incidents: Iterable[Incident]) -> list[str]:
    """Every positive from saved notes, newest first."""
    found: list[str] = []
    for incident in sorted(incidents, key=lambda i: i.flagged_at, reverse=True):
        if incident.reflection_status is ReflectionStatus.SAVED:
            found.extend(p for p in incident.reflection.positives if p.strip())
    return found


def pick_positive(
    pool: Sequence[str], recently_shown: Sequence[str], rng: random.Random
) -> str | None:
    """One of the rep's own positives, avoiding the ones shown lately where possible."""
    if not pool:
        return None
    fresh = [p for p in pool if p not in recently_shown]
    return rng.choice(fresh or pool)


def tip_for(break_number: int) -> str:
    """Tips take turns, so the same one does not greet the rep twice in a row."""
    return texts.break_tip(break_number)


@dataclass(frozen=True)
class PositiveEntry:
    """One line of the positives journal: what went right, when, and after which call."""

    text: str
    when: datetime
    incident_id: str | None = None  # None: written on its own, not after a tough call
    label: str = ""
    positive_id: str | None = None


def positive_entries(
    incidents: Iterable[Incident], standalone: Iterable[Positive]
) -> list[PositiveEntry]:
    """Every positive, newest first: from saved notes and those written on their own."""
    entries = [
        PositiveEntry(text, i.reflection_saved_at or i.flagged_at, i.id, i.label)
        for i in incidents
        if i.reflection_status is ReflectionStatus.SAVED
        for text in i.reflection.positives
        if text.strip()
    ]
    entries += [PositiveEntry(p.text, p.created_at, positive_id=p.id) for p in standalone]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def search_positives(
    entries: Iterable[PositiveEntry],
    text: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[PositiveEntry]:
    needle = text.casefold().strip()
    return [
        e
        for e in entries
        if (not needle or needle in e.text.casefold() or needle in e.label.casefold())
        and (since is None or e.when >= since)
        and (until is None or e.when < until)
    ]


@dataclass(frozen=True)
class IncidentFilter:
    """What the rep is looking for in the list of calls; empty fields match everything."""

    text: str = ""
    label: str = ""
    loss_reason: LossReason | None = None
    my_part: MyPart | None = None
    since: datetime | None = None
    until: datetime | None = None
    unfinished_only: bool = False

    def matches(self, incident: Incident) -> bool:
        r = incident.reflection
        if self.since is not None and incident.flagged_at < self.since:
            return False
        if self.until is not None and incident.flagged_at >= self.until:
            return False
        if self.label and self.label.casefold() not in incident.label.casefold():
            return False
        if self.loss_reason is not None and r.loss_reason is not self.loss_reason:
            return False
        if self.my_part is not None and r.my_part is not self.my_part:
            return False
        if self.unfinished_only and not incident.reflection_open:
            return False
        if self.text:
            haystack = "\n".join(
                (incident.label, r.what_happened, r.lesson, *r.positives, r.said, r.missing)
            ).casefold()
            if self.text.casefold().strip() not in haystack:
                return False
        return True


def filter_incidents(incidents: Iterable[Incident], wanted: IncidentFilter) -> list[Incident]:
    """Matching incidents, newest first."""
    found = [i for i in incidents if wanted.matches(i)]
    found.sort(key=lambda i: i.flagged_at, reverse=True)
    return found
