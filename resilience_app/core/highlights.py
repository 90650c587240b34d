"""The few plain sentences Insights says about the last 30 days, each only where the data
holds it up: when the tough calls come, time back to the phone, mood, the loss reason
behind most, a lesson written again and again."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime, time, timedelta, tzinfo

from resilience_app import i18n
from resilience_app.core import texts
from resilience_app.core.lessons import repeated_lessons
from resilience_app.core.models import Incident
from resilience_app.core.trends import (
    TARGET_MINUTES,
    by_hour,
    loss_reasons,
    median,
    minutes_to_dial,
    mood_pairs,
    saved,
)
from resilience_app.i18n import _, ngettext

# Below these counts a statement would be a guess dressed up as a pattern.
MIN_FOR_HOURS = 8
MIN_FOR_COMPARISON = 5
MIN_FOR_MOOD = 5
MIN_FOR_REASONS = 6
MIN_NOTES_FOR_LESSONS = 5  # three notes that all say the same thing are not yet a habit


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

    repeated = repeated_lessons(recent, tz) if len(saved(recent)) >= MIN_NOTES_FOR_LESSONS else []
    # Only the one written most often (the latest among equals): a list would nag.
    for lesson in sorted(repeated, key=lambda x: (-x.count, -x.last.toordinal()))[:1]:
        said.append(
            # Translators: {lesson} is a lesson the rep wrote in their notes, in quotation marks
            # (use your language's own); {n} how many times they wrote it.
            ngettext(
                "You wrote “{lesson}” {n} time this month. It may be the one to practice this "
                "week.",
                "You wrote “{lesson}” {n} times this month. It may be the one to practice this "
                "week.",
                lesson.count,
            ).format(lesson=lesson.text, n=lesson.count)
        )
    return said
