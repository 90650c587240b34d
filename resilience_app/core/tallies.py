"""Per-day tallies of the rep's calls: what Insights computes from, without the calls.

A `DayTally` holds, for one local day, every ingredient of the figures in `insights`: how
many calls and at which hours, the minutes to the next dial, and from the saved notes the
loss reasons, the parts, the mood pairs and the lessons (grouped as `insights` groups them,
with when each was first and last written). Tallies add up: a day whose calls lie in two
month files is the sum of two tallies, and `insights.from_tallies` computes the figures of
any period from its days exactly as `insights.summarize` computes them from the calls.

So a question about ten years reads a few thousand small tallies, never 50,000 calls. The
storage keeps one set per month file (`storage/summaries.py`), sealed with the notes when
the journal is protected: reasons, parts, moods and lessons are what the rep wrote.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from resilience_app.core.models import Incident, ReflectionStatus

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


class BadTally(ValueError):
    """A stored tally that does not read (the storage builds it again from the calls)."""


def lesson_key(text: str) -> str:
    """The same lesson in any case or punctuation (as `insights` groups them)."""
    return re.sub(r"[^\w\s]", "", text.casefold()).strip()


def local_time(when: datetime, tz: tzinfo | None) -> datetime:
    return when.astimezone(tz) if tz is not None else when.astimezone()


def micros(when: datetime) -> int:
    """A moment as whole microseconds since 1970 (exact, unlike a float timestamp)."""
    return (when - EPOCH) // MICROSECOND


def moment(us: int) -> datetime:
    return EPOCH + us * MICROSECOND


def dial_minutes(us: int) -> float:
    """Minutes to the next dial, bit for bit as `timedelta.total_seconds() / 60`."""
    return us / 10**6 / 60


# A lesson over a day, per (loss reason value or None, lesson key): [how often, first
# written (microseconds), last written, the text as written the last time].
LessonKey = tuple[str | None, str]
LessonTally = list[Any]


def add_lesson(lessons: dict[LessonKey, LessonTally], key: LessonKey, found: LessonTally) -> None:
    mine = lessons.get(key)
    if mine is None:
        lessons[key] = list(found)
        return
    mine[0] += found[0]
    mine[1] = min(mine[1], found[1])
    if found[2] >= mine[2]:
        mine[2], mine[3] = found[2], found[3]


@dataclass
class DayTally:
    """Everything the figures need about one local day's calls, kept small: a mood is a
    count and two sums (a mean of whole numbers is exact from those), a dial a whole
    number of microseconds, reasons and parts by their stored names."""

    count: int = 0
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    dials: list[int] = field(default_factory=list)  # microseconds to the next dial, sorted
    reasons: dict[str, int] = field(default_factory=dict)  # saved notes only
    parts: dict[str, int] = field(default_factory=dict)
    moods: list[int] = field(default_factory=lambda: [0, 0, 0])  # pairs, sum before, after
    lessons: dict[LessonKey, LessonTally] = field(default_factory=dict)

    def add_incident(self, incident: Incident, local: datetime) -> None:
        """Count one call (`local`: its flag in the rep's zone)."""
        self.count += 1
        self.hours[local.hour] += 1
        if incident.dialed_at is not None:
            bisect.insort(self.dials, (incident.dialed_at - incident.flagged_at) // MICROSECOND)
        if incident.reflection_status is not ReflectionStatus.SAVED:
            return
        r = incident.reflection
        reason = r.loss_reason.value if r.loss_reason is not None else None
        if reason is not None:
            self.reasons[reason] = self.reasons.get(reason, 0) + 1
        if r.my_part is not None:
            self.parts[r.my_part.value] = self.parts.get(r.my_part.value, 0) + 1
        if incident.rough is not None and r.mood_after is not None:
            self.moods[0] += 1
            self.moods[1] += 10 - incident.rough
            self.moods[2] += r.mood_after
        lesson = r.lesson.strip()
        if lesson:
            at = micros(incident.flagged_at)
            add_lesson(self.lessons, (reason, lesson_key(lesson)), [1, at, at, lesson])

    def add(self, other: DayTally) -> None:
        """Add another tally of the same day (from another month file)."""
        self.count += other.count
        self.hours = [a + b for a, b in zip(self.hours, other.hours, strict=True)]
        self.dials = sorted(self.dials + other.dials)
        for name, n in other.reasons.items():
            self.reasons[name] = self.reasons.get(name, 0) + n
        for name, n in other.parts.items():
            self.parts[name] = self.parts.get(name, 0) + n
        self.moods = [a + b for a, b in zip(self.moods, other.moods, strict=True)]
        for key, lesson in other.lessons.items():
            add_lesson(self.lessons, key, lesson)

    # -- stored form ----------------------------------------------------------------------

    def to_json(self) -> list[Any]:
        return [
            self.count,
            self.hours,
            self.dials,
            self.reasons,
            self.parts,
            self.moods,
            [[reason, key, *lesson] for (reason, key), lesson in self.lessons.items()],
        ]

    @classmethod
    def from_json(cls, data: Any) -> DayTally:
        """Checked for shape only: a tally is the app's own, sealed or proved with the
        month it comes from when the journal is protected."""
        try:
            count, hours, dials, reasons, parts, moods, lessons = data
            if not (
                isinstance(count, int)
                and isinstance(hours, list)
                and len(hours) == 24
                and isinstance(dials, list)
                and isinstance(reasons, dict)
                and isinstance(parts, dict)
                and isinstance(moods, list)
                and len(moods) == 3
            ):
                raise BadTally("not a tally")
            return cls(
                count,
                hours,
                dials,
                reasons,
                parts,
                moods,
                {(reason, key): rest for reason, key, *rest in lessons},
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, BadTally):
                raise
            raise BadTally(type(exc).__name__) from None


Days = dict[date, DayTally]


def tally(incidents: Iterable[Incident], tz: tzinfo | None = None) -> Days:
    """The tallies of these calls, per local day (in `tz`; None: the system's zone)."""
    days: Days = {}
    # Oldest first, as `insights` reads them: the last lesson written is the last counted.
    for incident in sorted(incidents, key=lambda i: i.flagged_at):
        local = local_time(incident.flagged_at, tz)
        day = local.date()
        found = days.get(day)
        if found is None:
            found = days[day] = DayTally()
        found.add_incident(incident, local)
    return days


def merge(parts: Iterable[Mapping[date, DayTally]]) -> Days:
    """Many sets of tallies (one per month file) as one, day by day. The inputs are left
    as they are."""
    days: Days = {}
    for part in parts:
        for day, found in part.items():
            mine = days.get(day)
            if mine is None:
                mine = days[day] = DayTally()
            mine.add(found)
    return days


def days_to_json(days: Mapping[date, DayTally]) -> dict[str, Any]:
    return {day.isoformat(): found.to_json() for day, found in sorted(days.items())}


def days_from_json(data: Any) -> Days:
    if not isinstance(data, dict):
        raise BadTally("not an object")
    try:
        return {date.fromisoformat(k): DayTally.from_json(v) for k, v in data.items()}
    except (TypeError, ValueError) as exc:
        if isinstance(exc, BadTally):
            raise
        raise BadTally(type(exc).__name__) from None
