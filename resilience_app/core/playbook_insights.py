"""What the rep's notes and playbook add up to over a period: the product gaps (what was
missing when a need was not met), how often each objection came up, answered versus not,
and what practice covered.

Pure: lists of calls and entries in, plain data out. The service (`service/gaps.py`)
reads the store and calls these for `resilience gaps`, the manager's report and Insights.
Nothing here holds a call's label: a customer's name never reaches a report this way.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from resilience_app.core.kinds import LossReason, ReflectionStatus
from resilience_app.core.models import Incident
from resilience_app.core.playbook import PlaybookEntry

TOP_OBJECTIONS = 5


def gap_key(text: str) -> str:
    """The same words in any case, with any spacing, are one gap."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Gap:
    """A need the product did not meet, in the rep's words, and how often and when."""

    key: str  # `gap_key` of the words
    text: str  # the words as last written
    count: int
    first: datetime
    last: datetime


@dataclass(frozen=True)
class Objection:
    """A playbook entry and how often it came up in a period (never which customer)."""

    entry_id: str
    said: str
    times: int
    answer: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.answer)


@dataclass(frozen=True)
class PlaybookFigures:
    """The playbook part of Insights."""

    top: list[Objection] = field(default_factory=list)  # came up most, at most TOP_OBJECTIONS
    answered: int = 0  # entries that came up in the period, answered
    unanswered: int = 0
    practised: int = 0  # answered entries practised in the period
    answered_all: int = 0  # every answered entry (what practice could cover)
    gaps: list[Gap] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.top or self.answered_all or self.gaps)


def product_gaps(incidents: Iterable[Incident]) -> list[Gap]:
    """What was missing, from the saved notes whose reason is a product gap: one item per
    wording (case and spacing aside), the most frequent first, then the newest."""
    found: dict[str, Gap] = {}
    for incident in sorted(incidents, key=lambda i: i.flagged_at):
        r = incident.reflection
        if incident.reflection_status is not ReflectionStatus.SAVED:
            continue
        if r.loss_reason is not LossReason.PRODUCT_GAP:
            continue
        key = gap_key(r.missing)
        if not key:
            continue
        text = " ".join(r.missing.split())
        when = incident.flagged_at
        seen = found.get(key)
        if seen is None:
            found[key] = Gap(key, text, 1, when, when)
        else:
            found[key] = Gap(key, text, seen.count + 1, seen.first, when)
    return sorted(found.values(), key=lambda g: (-g.count, -g.last.timestamp(), g.key))


def objections(
    entries: Iterable[PlaybookEntry],
    calls_in_period: Container[str],
    first: datetime,
    until: datetime,
) -> list[Objection]:
    """How often each entry came up from `first` to `until` (exclusive): its calls flagged
    then, or once when it was written on its own then. Entries that did not come up are
    left out; merged ones are counted in the entry they were merged into. The most
    frequent first, then the newest."""
    counted: list[tuple[Objection, datetime]] = []
    for entry in entries:
        if not entry.active:
            continue
        times = sum(1 for c in entry.call_ids if c in calls_in_period)
        if not entry.call_ids and first <= entry.created_at < until:
            times = 1
        if times:
            counted.append((Objection(entry.id, entry.said, times, entry.answer), entry.created_at))
    counted.sort(key=lambda pair: (-pair[0].times, -pair[1].timestamp(), pair[0].entry_id))
    return [objection for objection, _ in counted]


def figures(
    entries: Iterable[PlaybookEntry],
    incidents: Iterable[Incident],
    first: datetime,
    until: datetime,
) -> PlaybookFigures:
    """The playbook's figures for a period; `incidents` are the calls flagged in it."""
    calls = list(incidents)
    entries = list(entries)
    came_up = objections(entries, {i.id for i in calls}, first, until)
    answered_all = [e for e in entries if e.active and e.answered]
    return PlaybookFigures(
        top=came_up[:TOP_OBJECTIONS],
        answered=sum(1 for o in came_up if o.answered),
        unanswered=sum(1 for o in came_up if not o.answered),
        practised=sum(
            1
            for e in answered_all
            if e.practised_at is not None and first <= e.practised_at < until
        ),
        answered_all=len(answered_all),
        gaps=product_gaps(calls),
    )


def _within(when: datetime | None, first: datetime, until: datetime) -> bool:
    return when is not None and first <= when < until
