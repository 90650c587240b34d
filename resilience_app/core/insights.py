"""Patterns in the rep's own calls, as pure functions over the stored records.

Everything here takes incidents and a time zone and returns plain data; the Insights
window, `resilience stats` and the tests all read the same figures. Days and weeks are
calendar days in the rep's time zone (weeks start on Monday), so a call at 23:30 on a
Sunday counts for that Sunday even across a daylight-saving change.

Mood is on one scale, 0 = awful and 10 = great: "how rough it felt" before the break
(0 = fine, 10 = awful) is turned round as 10 - rough, to compare with "how I feel now".
"""

from __future__ import annotations

import bisect
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache, lru_cache
from typing import Any

from resilience_app import i18n
from resilience_app.core import texts
from resilience_app.core.models import Incident, LossReason, MyPart, ReflectionStatus
from resilience_app.core.tallies import (
    DayTally,
    LessonKey,
    LessonTally,
    add_lesson,
    dial_minutes,
    lesson_key,
    moment,
)
from resilience_app.i18n import _, ngettext

TARGET_MINUTES = 15.0
# Below these counts a statement would be a guess dressed up as a pattern.
MIN_FOR_HOURS = 8
MIN_FOR_COMPARISON = 5
MIN_FOR_MOOD = 5
MIN_FOR_REASONS = 6
MIN_LESSON_REPEATS = 3
MIN_NOTES_FOR_LESSONS = 5  # three notes that all say the same thing are not yet a habit


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


def _saved(incidents: Iterable[Incident]) -> list[Incident]:
    return [i for i in incidents if i.reflection_status is ReflectionStatus.SAVED]


def loss_reasons(incidents: Iterable[Incident]) -> dict[LossReason, int]:
    """How often each loss reason was chosen in saved notes, every reason listed."""
    counts = Counter(
        i.reflection.loss_reason for i in _saved(incidents) if i.reflection.loss_reason
    )
    return {reason: counts[reason] for reason in LossReason}


def my_parts(incidents: Iterable[Incident]) -> dict[MyPart, int]:
    counts = Counter(i.reflection.my_part for i in _saved(incidents) if i.reflection.my_part)
    return {part: counts[part] for part in MyPart}


def reasons_by_week(
    incidents: Iterable[Incident], tz: tzinfo | None = None
) -> dict[date, dict[LossReason, int]]:
    """How the loss reasons shift: per week, the count of each reason."""
    weeks: dict[date, Counter[LossReason]] = {}
    for incident in _saved(incidents):
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
        for i in _saved(incidents)
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
    for incident in sorted(_saved(incidents), key=lambda i: i.flagged_at):
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


def _hour_name(hour: int) -> str:
    """An hour on the clock as the rep's language says it: "3 pm", "15:00"."""
    hour %= 24
    if i18n.language() != "en":
        # The other languages write the time of day on the 24-hour clock ("15:00", "15 h").
        return i18n.format_time(time(hour, 0))
    if hour == 0:
        return "midnight"
    if hour == 12:
        return "noon"
    return f"{hour % 12} {'am' if hour < 12 else 'pm'}"


def _minutes(value: float) -> str:
    """A number of minutes as the locale writes it ("15", "7.5" / "7,5")."""
    return i18n.format_number(value, 0 if float(value).is_integer() else 1)


def highlights(
    incidents: Sequence[Incident],
    now: datetime,
    tz: tzinfo | None = None,
    target: float = TARGET_MINUTES,
) -> list[str]:
    """A few plain sentences about the last 30 days, each only where the data holds it up.
    Never a verdict: what the numbers show, and at most a gentle suggestion."""
    month_ago = now - timedelta(days=30)
    recent = [i for i in incidents if month_ago <= i.flagged_at <= now]
    before = [i for i in incidents if month_ago - timedelta(days=30) <= i.flagged_at < month_ago]
    said: list[str] = []

    hours = by_hour(recent, tz)
    if len(recent) >= MIN_FOR_HOURS:
        best = max(range(24), key=lambda h: (hours[h] + hours[(h + 1) % 24], -h))
        in_window = hours[best] + hours[(best + 1) % 24]
        share = in_window / len(recent)
        # Two hours of an eight-hour day hold a quarter by chance; say something only well above it.
        if share >= 0.4:
            if share > 0.5:
                # Translators: {count} of {total} tough calls came between two hours of the
                # day, {start} and {end} ("3 pm" and "5 pm", or "15:00" and "17:00").
                sentence = ngettext(
                    "Most of your tough calls this month ({count} of {total}) came between "
                    "{start} and {end}. A short pause before that stretch might help.",
                    "Most of your tough calls this month ({count} of {total}) came between "
                    "{start} and {end}. A short pause before that stretch might help.",
                    len(recent),
                )
            else:
                # Translators: {count} of {total} tough calls came between two hours of the
                # day, {start} and {end} ("3 pm" and "5 pm", or "15:00" and "17:00").
                sentence = ngettext(
                    "Many of your tough calls this month ({count} of {total}) came between "
                    "{start} and {end}. A short pause before that stretch might help.",
                    "Many of your tough calls this month ({count} of {total}) came between "
                    "{start} and {end}. A short pause before that stretch might help.",
                    len(recent),
                )
            said.append(
                sentence.format(
                    count=in_window,
                    total=len(recent),
                    start=_hour_name(best),
                    end=_hour_name(best + 2),
                )
            )

    now_dial = [m for m in map(minutes_to_dial, recent) if m is not None]
    then_dial = [m for m in map(minutes_to_dial, before) if m is not None]
    if len(now_dial) >= MIN_FOR_COMPARISON and len(then_dial) >= MIN_FOR_COMPARISON:
        now_median, then_median = median(now_dial), median(then_dial)
        assert now_median is not None and then_median is not None
        difference = round(then_median - now_median)
        if difference >= 1:
            said.append(
                ngettext(
                    "You're back on the phone {n} minute faster than the month before.",
                    "You're back on the phone {n} minutes faster than the month before.",
                    difference,
                ).format(n=difference)
            )
        elif difference <= -1:
            said.append(
                ngettext(
                    "Getting back on the phone took {n} minute longer than the month before. "
                    "Starting with an easy lead can make the next dial lighter.",
                    "Getting back on the phone took {n} minutes longer than the month before. "
                    "Starting with an easy lead can make the next dial lighter.",
                    -difference,
                ).format(n=-difference)
            )
    if len(now_dial) >= MIN_FOR_COMPARISON:
        within = sum(m <= target for m in now_dial)
        if within == len(now_dial):
            said.append(
                ngettext(
                    "Every time this month you dialed again within {minutes} minute.",
                    "Every time this month you dialed again within {minutes} minutes.",
                    round(target),
                ).format(minutes=_minutes(target))
            )
        elif within / len(now_dial) >= 0.75:
            said.append(
                # Translators: {minutes} is the target, a number of minutes (15); {count} of
                # {total} tough calls were followed by a dial within that time.
                ngettext(
                    "You dialed again within {minutes} minutes after {count} of {total} tough "
                    "call this month.",
                    "You dialed again within {minutes} minutes after {count} of {total} tough "
                    "calls this month.",
                    len(now_dial),
                ).format(minutes=_minutes(target), count=within, total=len(now_dial))
            )

    pairs = mood_pairs(recent)
    if len(pairs) >= MIN_FOR_MOOD:
        gain = statistics.fmean(after - before for _incident, before, after in pairs)
        if gain >= 1:
            said.append(
                # Translators: {points} is a number with one decimal, 1.0 or more, on a scale of
                # 0 (awful) to 10 (great).
                _(
                    "After a break and a note you feel {points} points better on average "
                    "(out of 10). The routine is doing its job."
                ).format(points=i18n.format_number(gain, 1))
            )

    reasons = loss_reasons(recent)
    total = sum(reasons.values())
    if total >= MIN_FOR_REASONS:
        top, count = max(reasons.items(), key=lambda item: item[1])
        if count / total >= 0.4:
            # Translators: {reason} is a reason why calls were lost ("Price or terms"), in
            # quotation marks; use your language's own.
            behind = ngettext(
                "“{reason}” was behind {count} of {total} lost call this month.",
                "“{reason}” was behind {count} of {total} lost calls this month.",
                total,
            ).format(reason=texts.loss_reason(top), count=count, total=total)
            said.append(f"{behind} {texts.loss_reason_hint(top)}")

    repeated = repeated_lessons(recent, tz) if len(_saved(recent)) >= MIN_NOTES_FOR_LESSONS else []
    # Only the one written most often (the latest among equals): a list would nag.
    for lesson in sorted(repeated, key=lambda x: (-x.count, -x.last.toordinal()))[:1]:
        said.append(
            # Translators: {lesson} is a lesson the rep wrote in their notes, in quotation marks
            # (use your language's own); {n} how many times they wrote it.
            ngettext(
                "You wrote “{lesson}” {n} time this month. It may be the one to practise this "
                "week.",
                "You wrote “{lesson}” {n} times this month. It may be the one to practise this "
                "week.",
                lesson.count,
            ).format(lesson=lesson.text, n=lesson.count)
        )
    return said


def repeated_lessons(incidents: Iterable[Incident], tz: tzinfo | None = None) -> list[Lesson]:
    """Lessons written at least MIN_LESSON_REPEATS times, whatever the loss reason."""
    found: dict[str, list[Incident]] = {}
    for incident in sorted(_saved(incidents), key=lambda i: i.flagged_at):
        lesson = incident.reflection.lesson.strip()
        if lesson:
            found.setdefault(_lesson_key(lesson), []).append(incident)
    return [
        Lesson(group[-1].reflection.lesson.strip(), len(group), local_day(group[-1].flagged_at, tz))
        for group in found.values()
        if len(group) >= MIN_LESSON_REPEATS
    ]


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
        lessons=_lessons_from_tallies(lessons, tz),
        highlights=highlights(recent, now, tz, target),
        target_minutes=target,
    )


def _lessons_from_tallies(
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
