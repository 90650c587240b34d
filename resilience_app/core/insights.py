"""Every figure of a period in one place: `Insights`, from the calls or from the tallies.

Everything here takes incidents and a time zone and returns plain data; the Insights
window, `resilience stats` and the tests all read the same figures. Days and weeks are
calendar days in the rep's time zone (weeks start on Monday), so a call at 23:30 on a
Sunday counts for that Sunday even across a daylight-saving change.

Mood is on one scale, 0 = awful and 10 = great: "how rough it felt" before the break
(0 = fine, 10 = awful) is turned round as 10 - rough, to compare with "how I feel now".

The figures themselves live in `trends`, the lessons in `lessons`, the sentences about the
last month in `highlights`; this module gathers them for the window, `resilience stats` and
the manager's report.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from resilience_app.core.highlights import MIN_FOR_HOURS as MIN_FOR_HOURS
from resilience_app.core.highlights import highlights
from resilience_app.core.lessons import Lesson, lessons_by_reason, lessons_from_tallies
from resilience_app.core.models import Incident, LossReason, MyPart
from resilience_app.core.tallies import DayTally, LessonKey, LessonTally, add_lesson, dial_minutes
from resilience_app.core.trends import (
    TARGET_MINUTES,
    DialWeek,
    MoodWeek,
    by_hour,
    by_weekday,
    forget_conversions,
    local_day,
    loss_reasons,
    median,
    minutes_to_dial,
    mood_by_week,
    my_parts,
    per_day,
    per_week,
    quartiles,
    reasons_by_week,
    time_to_dial_by_week,
    week_of,
)


@dataclass
class Insights:
    """Every figure for a period, for the window and for `resilience stats`."""

    first: date
    last: date
    total: int
    per_day: list[tuple[date, int]]
    per_week: list[tuple[date, int]]
    by_hour: list[int]
    by_weekday: list[int]
    loss_reasons: dict[LossReason, int]
    my_parts: dict[MyPart, int]
    reasons_by_week: dict[date, dict[LossReason, int]]
    dial_weeks: list[DialWeek]
    dial_median: float | None
    dial_within_target: int
    dial_count: int
    mood_weeks: list[MoodWeek]
    lessons: dict[LossReason | None, list[Lesson]]
    highlights: list[str] = field(default_factory=list)
    target_minutes: float = TARGET_MINUTES  # "back on the phone within" (the firm nudge)

    @property
    def busiest_weekday(self) -> int | None:
        """Monday = 0; the earliest of equals; None with no calls."""
        if not self.total:
            return None
        return max(range(7), key=lambda d: (self.by_weekday[d], -d))

    @property
    def busiest_hour(self) -> int | None:
        if not self.total:
            return None
        return max(range(24), key=lambda h: (self.by_hour[h], -h))

    @property
    def mood_notes(self) -> int:
        """Calls with a mood before the break and after the note."""
        return sum(w.count for w in self.mood_weeks)

    @property
    def mood_change(self) -> float | None:
        """Average points gained from before the break to after the note."""
        pairs = self.mood_notes
        if not pairs:
            return None
        return sum(w.change * w.count for w in self.mood_weeks) / pairs

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "bad_calls": self.total,
            "per_day": {d.isoformat(): n for d, n in self.per_day},
            "per_week": {d.isoformat(): n for d, n in self.per_week},
            "by_hour": self.by_hour,
            "by_weekday": dict(
                zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), self.by_weekday, strict=True)
            ),
            "loss_reasons": {r.value: n for r, n in self.loss_reasons.items()},
            "my_part": {p.value: n for p, n in self.my_parts.items()},
            "loss_reasons_by_week": {
                w.isoformat(): {r.value: n for r, n in counts.items() if n}
                for w, counts in self.reasons_by_week.items()
            },
            "time_to_next_dial": {
                "median_minutes": _round(self.dial_median),
                "within_target": self.dial_within_target,
                "count": self.dial_count,
                "target_minutes": self.target_minutes,
                "weeks": [
                    {
                        "week": w.week.isoformat(),
                        "count": w.count,
                        "median_minutes": _round(w.median_minutes),
                        "quartiles": [_round(q) for q in w.quartiles] if w.quartiles else None,
                        "within_target": w.within_target,
                    }
                    for w in self.dial_weeks
                ],
            },
            "mood": [
                {
                    "week": m.week.isoformat(),
                    "count": m.count,
                    "before": _round(m.before),
                    "after": _round(m.after),
                }
                for m in self.mood_weeks
            ],
            "lessons": {
                (reason.value if reason else "none"): [
                    {"lesson": lesson.text, "times": lesson.count, "last": lesson.last.isoformat()}
                    for lesson in lessons
                ]
                for reason, lessons in self.lessons.items()
            },
            "highlights": self.highlights,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def summarize(
    incidents: Sequence[Incident],
    first: date,
    last: date,
    now: datetime,
    tz: tzinfo | None = None,
    target: float = TARGET_MINUTES,
) -> Insights:
    """All figures for the calls flagged on local days `first`..`last` (inclusive);
    highlights look at the 60 days up to `now` among the incidents given.

    The reference, straight from the calls: the app answers with `from_tallies` (the same
    figures from per-day tallies), and the tests hold the two equal on random journals.
    Nothing in the app calls this; it is kept as the plain statement of what each figure
    means."""
    try:
        return _summarize(incidents, first, last, now, tz, target)
    finally:
        forget_conversions()


def _summarize(
    incidents: Sequence[Incident],
    first: date,
    last: date,
    now: datetime,
    tz: tzinfo | None,
    target: float,
) -> Insights:
    chosen = [i for i in incidents if first <= local_day(i.flagged_at, tz) <= last]
    dials = [m for m in map(minutes_to_dial, chosen) if m is not None]
    return Insights(
        first=first,
        last=last,
        total=len(chosen),
        per_day=per_day(chosen, first, last, tz),
        per_week=per_week(chosen, first, last, tz),
        by_hour=by_hour(chosen, tz),
        by_weekday=by_weekday(chosen, tz),
        loss_reasons=loss_reasons(chosen),
        my_parts=my_parts(chosen),
        reasons_by_week=reasons_by_week(chosen, tz),
        dial_weeks=time_to_dial_by_week(chosen, tz, target),
        dial_median=median(dials),
        dial_within_target=sum(m <= target for m in dials),
        dial_count=len(dials),
        mood_weeks=mood_by_week(chosen, tz),
        lessons=lessons_by_reason(chosen, tz),
        highlights=highlights(incidents, now, tz, target),
        target_minutes=target,
    )


def from_tallies(
    days: Iterable[tuple[date, DayTally]],
    first: date,
    last: date,
    now: datetime,
    recent: Sequence[Incident],
    tz: tzinfo | None = None,
    target: float = TARGET_MINUTES,
) -> Insights:
    """The same figures as `summarize`, from per-day tallies (`core.tallies`) instead of the
    calls themselves, so the cost follows the days asked about, not the calls behind them.
    `days` may name a day more than once (a day whose calls lie in two month files);
    `recent` are the calls the highlights look at (the 60 days up to `now`)."""
    try:
        return _from_tallies(days, first, last, now, recent, tz, target)
    finally:
        forget_conversions()


def _from_tallies(
    days: Iterable[tuple[date, DayTally]],
    first: date,
    last: date,
    now: datetime,
    recent: Sequence[Incident],
    tz: tzinfo | None,
    target: float,
) -> Insights:
    counts: dict[date, int] = {}
    weeks: dict[date, int] = {}
    hours = [0] * 24
    weekdays = [0] * 7
    reasons: dict[str, int] = {}
    parts: dict[str, int] = {}
    reason_weeks: dict[date, dict[str, int]] = {}
    dial_weeks: dict[date, list[int]] = {}
    mood_weeks: dict[date, list[int]] = {}
    lessons: dict[LessonKey, LessonTally] = {}
    for day, found in days:
        if not (first <= day <= last and found.count):
            continue
        week = week_of(day)
        counts[day] = counts.get(day, 0) + found.count
        weeks[week] = weeks.get(week, 0) + found.count
        weekdays[day.weekday()] += found.count
        hours = [a + b for a, b in zip(hours, found.hours, strict=True)]
        if found.reasons:
            in_week = reason_weeks.setdefault(week, {})
            for name, n in found.reasons.items():
                reasons[name] = reasons.get(name, 0) + n
                in_week[name] = in_week.get(name, 0) + n
        for name, n in found.parts.items():
            parts[name] = parts.get(name, 0) + n
        if found.dials:
            dial_weeks.setdefault(week, []).extend(found.dials)
        if found.moods[0]:
            mood = mood_weeks.setdefault(week, [0, 0, 0])
            mood[:] = [a + b for a, b in zip(mood, found.moods, strict=True)]
        for key, lesson in found.lessons.items():
            add_lesson(lessons, key, lesson)
    start, end = week_of(first), week_of(last)
    minutes = {week: sorted(map(dial_minutes, us)) for week, us in sorted(dial_weeks.items())}
    every_dial = sorted(m for values in minutes.values() for m in values)
    return Insights(
        first=first,
        last=last,
        total=sum(counts.values()),
        per_day=[
            (first + timedelta(days=n), counts.get(first + timedelta(days=n), 0))
            for n in range((last - first).days + 1)
        ],
        per_week=[
            (start + timedelta(weeks=n), weeks.get(start + timedelta(weeks=n), 0))
            for n in range((end - start).days // 7 + 1)
        ],
        by_hour=hours,
        by_weekday=weekdays,
        loss_reasons={reason: reasons.get(reason.value, 0) for reason in LossReason},
        my_parts={part: parts.get(part.value, 0) for part in MyPart},
        reasons_by_week={
            week: {r: c.get(r.value, 0) for r in LossReason}
            for week, c in sorted(reason_weeks.items())
        },
        dial_weeks=[
            DialWeek(
                week,
                len(values),
                statistics.median(values),
                quartiles(values),
                bisect.bisect_right(values, target),  # sorted: those within the target
            )
            for week, values in minutes.items()
        ],
        dial_median=median(every_dial),
        dial_within_target=bisect.bisect_right(every_dial, target),
        dial_count=len(every_dial),
        # A mean of whole numbers from their exact sum, as statistics.fmean (math.fsum).
        mood_weeks=[
            MoodWeek(week, n, before / n, after / n)
            for week, (n, before, after) in sorted(mood_weeks.items())
        ],
        lessons=lessons_from_tallies(lessons, tz),
        highlights=highlights(recent, now, tz, target),
        target_minutes=target,
    )
