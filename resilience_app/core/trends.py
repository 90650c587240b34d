"""The figures of the Insights window: counts by day, week, hour and weekday, loss reasons,
time back to the phone and mood, as pure functions over the stored records.

Everything here takes incidents and a time zone and returns plain data; `insights` gathers
them for a period. Days and weeks are calendar days in the rep's time zone (weeks start on
Monday), so a call at 23:30 on a Sunday counts for that Sunday even across a daylight-saving
change.

Mood is on one scale, 0 = awful and 10 = great: "how rough it felt" before the break
(0 = fine, 10 = awful) is turned round as 10 - rough, to compare with "how I feel now".
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import cache, lru_cache

from resilience_app.core.models import Incident, LossReason, MyPart, ReflectionStatus

TARGET_MINUTES = 15.0


# Each figure converts every incident's time to the rep's zone; over ten years that is
# half a million conversions, so `summarize` remembers them for the length of one call.
@cache
def local(when: datetime, tz: tzinfo | None) -> datetime:
    """`when` in the rep's zone; with tz=None the system's rules at that very instant."""
    return when.astimezone(tz) if tz is not None else when.astimezone()


@cache
def local_day(when: datetime, tz: tzinfo | None) -> date:
    return local(when, tz).date()


@lru_cache(maxsize=4096)
def week_of(day: date) -> date:
    """The Monday starting the week of `day`."""
    return day - timedelta(days=day.weekday())


def forget_conversions() -> None:
    local.cache_clear()
    local_day.cache_clear()


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None if empty."""
    return statistics.median(values) if values else None


def quartiles(values: Sequence[float]) -> tuple[float, float] | None:
    """First and third quartile (inclusive method); None with fewer than two values."""
    if len(values) < 2:
        return None
    q1, _median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def per_day(
    incidents: Iterable[Incident], first: date, last: date, tz: tzinfo | None = None
) -> list[tuple[date, int]]:
    """Bad calls on every day from `first` to `last` inclusive, zeros included."""
    counts = Counter(local_day(i.flagged_at, tz) for i in incidents)
    days = (last - first).days + 1
    return [(first + timedelta(days=n), counts[first + timedelta(days=n)]) for n in range(days)]


def per_week(
    incidents: Iterable[Incident], first: date, last: date, tz: tzinfo | None = None
) -> list[tuple[date, int]]:
    """Bad calls per week (Monday dates) covering `first`..`last`, zeros included."""
    counts = Counter(week_of(local_day(i.flagged_at, tz)) for i in incidents)
    start, end = week_of(first), week_of(last)
    weeks = (end - start).days // 7 + 1
    return [(start + timedelta(weeks=n), counts[start + timedelta(weeks=n)]) for n in range(weeks)]


def by_hour(incidents: Iterable[Incident], tz: tzinfo | None = None) -> list[int]:
    counts = [0] * 24
    for incident in incidents:
        counts[local(incident.flagged_at, tz).hour] += 1
    return counts


def by_weekday(incidents: Iterable[Incident], tz: tzinfo | None = None) -> list[int]:
    """Monday first."""
    counts = [0] * 7
    for incident in incidents:
        counts[local(incident.flagged_at, tz).weekday()] += 1
    return counts


def saved(incidents: Iterable[Incident]) -> list[Incident]:
    return [i for i in incidents if i.reflection_status is ReflectionStatus.SAVED]


def loss_reasons(incidents: Iterable[Incident]) -> dict[LossReason, int]:
    """How often each loss reason was chosen in saved notes, every reason listed."""
    counts = Counter(i.reflection.loss_reason for i in saved(incidents) if i.reflection.loss_reason)
    return {reason: counts[reason] for reason in LossReason}


def my_parts(incidents: Iterable[Incident]) -> dict[MyPart, int]:
    counts = Counter(i.reflection.my_part for i in saved(incidents) if i.reflection.my_part)
    return {part: counts[part] for part in MyPart}


def reasons_by_week(
    incidents: Iterable[Incident], tz: tzinfo | None = None
) -> dict[date, dict[LossReason, int]]:
    """How the loss reasons shift: per week, the count of each reason."""
    weeks: dict[date, Counter[LossReason]] = {}
    for incident in saved(incidents):
        reason = incident.reflection.loss_reason
        if reason is not None:
            week = week_of(local_day(incident.flagged_at, tz))
            weeks.setdefault(week, Counter())[reason] += 1
    return {week: {r: c[r] for r in LossReason} for week, c in sorted(weeks.items())}


@dataclass(frozen=True)
class DialWeek:
    week: date
    count: int
    median_minutes: float
    quartiles: tuple[float, float] | None
    within_target: int  # how many were back on the phone within the target


def minutes_to_dial(incident: Incident) -> float | None:
    delta = incident.time_to_dial
    return None if delta is None else delta.total_seconds() / 60


def time_to_dial_by_week(
    incidents: Iterable[Incident], tz: tzinfo | None = None, target: float = TARGET_MINUTES
) -> list[DialWeek]:
    weeks: dict[date, list[float]] = {}
    for incident in incidents:
        minutes = minutes_to_dial(incident)
        if minutes is not None:
            weeks.setdefault(week_of(local_day(incident.flagged_at, tz)), []).append(minutes)
    result = []
    for week, values in sorted(weeks.items()):
        middle = median(values)
        assert middle is not None
        result.append(
            DialWeek(week, len(values), middle, quartiles(values), sum(v <= target for v in values))
        )
    return result


@dataclass(frozen=True)
class MoodWeek:
    week: date
    count: int
    before: float  # mean mood before the break, 0 = awful, 10 = great
    after: float  # mean mood after the note

    @property
    def change(self) -> float:
        return self.after - self.before


def mood_pairs(incidents: Iterable[Incident]) -> list[tuple[Incident, int, int]]:
    """(incident, before, after) where both moods were given."""
    return [
        (i, 10 - i.rough, i.reflection.mood_after)
        for i in saved(incidents)
        if i.rough is not None and i.reflection.mood_after is not None
    ]


def mood_by_week(incidents: Iterable[Incident], tz: tzinfo | None = None) -> list[MoodWeek]:
    weeks: dict[date, list[tuple[int, int]]] = {}
    for incident, before, after in mood_pairs(incidents):
        weeks.setdefault(week_of(local_day(incident.flagged_at, tz)), []).append((before, after))
    return [
        MoodWeek(
            week,
            len(pairs),
            statistics.fmean(b for b, _after in pairs),
            statistics.fmean(a for _before, a in pairs),
        )
        for week, pairs in sorted(weeks.items())
    ]
