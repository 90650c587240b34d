"""The lessons the rep wrote after bad calls: the same lesson counted together, grouped by
loss reason, and those written often enough to be a habit worth practising."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, tzinfo

from resilience_app.core.models import Incident, LossReason
from resilience_app.core.tallies import LessonKey, LessonTally, lesson_key, moment
from resilience_app.core.trends import local_day, saved

MIN_LESSON_REPEATS = 3


@dataclass(frozen=True)
class Lesson:
    text: str  # as written the last time
    count: int
    last: date


def _lesson_key(text: str) -> str:
    return lesson_key(text)


def lessons_by_reason(
    incidents: Iterable[Incident], tz: tzinfo | None = None
) -> dict[LossReason | None, list[Lesson]]:
    """Lessons written, grouped by loss reason; the same lesson (any case or punctuation)
    counted together, most repeated first, so a recurring one stands out."""
    groups: dict[LossReason | None, dict[str, list[Incident]]] = {}
    for incident in sorted(saved(incidents), key=lambda i: i.flagged_at):
        lesson = incident.reflection.lesson.strip()
        if lesson:
            by_text = groups.setdefault(incident.reflection.loss_reason, {})
            by_text.setdefault(_lesson_key(lesson), []).append(incident)
    result: dict[LossReason | None, list[Lesson]] = {}
    for reason, by_text in groups.items():
        lessons = [
            Lesson(
                found[-1].reflection.lesson.strip(), len(found), local_day(found[-1].flagged_at, tz)
            )
            for found in by_text.values()
        ]
        lessons.sort(key=lambda lesson: (-lesson.count, -lesson.last.toordinal()))
        result[reason] = lessons
    return result


def repeated_lessons(incidents: Iterable[Incident], tz: tzinfo | None = None) -> list[Lesson]:
    """Lessons written at least MIN_LESSON_REPEATS times, whatever the loss reason."""
    found: dict[str, list[Incident]] = {}
    for incident in sorted(saved(incidents), key=lambda i: i.flagged_at):
        lesson = incident.reflection.lesson.strip()
        if lesson:
            found.setdefault(_lesson_key(lesson), []).append(incident)
    return [
        Lesson(group[-1].reflection.lesson.strip(), len(group), local_day(group[-1].flagged_at, tz))
        for group in found.values()
        if len(group) >= MIN_LESSON_REPEATS
    ]


def lessons_from_tallies(
    found: Mapping[LessonKey, LessonTally], tz: tzinfo | None
) -> dict[LossReason | None, list[Lesson]]:
    """`lessons_by_reason` from tallies: reasons, and lessons within each, in the order they
    were first written, then the most repeated (latest among equals) first."""
    result: dict[LossReason | None, list[Lesson]] = {}
    for (reason, _key), (count, _first, last, text) in sorted(
        found.items(), key=lambda item: item[1][1]
    ):
        result.setdefault(LossReason(reason) if reason else None, []).append(
            Lesson(text, count, local_day(moment(last), tz))
        )
    for lessons in result.values():
        lessons.sort(key=lambda lesson: (-lesson.count, -lesson.last.toordinal()))
    return result
