"""A believable record for screenshots, demos and benchmarks (never used by the app itself).

A few months of one rep's tough calls with patterns worth finding: they bunch up late in
the afternoon and on Mondays, price and a product gap lose most deals, the rep gets back
on the phone a little faster week by week, feels better after the routine, and keeps
writing one lesson.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from resilience_app.core.models import (
    Incident,
    LossReason,
    MyPart,
    Nudge,
    NudgeKind,
    NudgeState,
    Reflection,
    ReflectionStatus,
    new_id,
)

COMPANIES = (
    "Northwind",
    "Fabrikam",
    "Contoso",
    "Tailspin Toys",
    "Litware",
    "Adventure Works",
    "Wide World Importers",
    "Proseware",
    "Lucerne Publishing",
    "Margie's Travel",
)
WHAT = {
    LossReason.PRICE_OR_TERMS: "They said we cost more than the tool they have",
    LossReason.PRODUCT_GAP: "They needed an integration we don't offer",
    LossReason.TIMING: "Budget is frozen until next quarter",
    LossReason.PROSPECT_BEHAVIOUR: "The buyer was rude and hung up",
    LossReason.MY_APPROACH: "I rushed to the demo before asking questions",
    LossReason.OTHER: "They were bought by another company last week",
}
LESSONS = {
    LossReason.PRICE_OR_TERMS: "Lead with value before price",
    LossReason.PRODUCT_GAP: "Pass integration requests to product",
    LossReason.TIMING: "Ask about budget cycles early",
    LossReason.PROSPECT_BEHAVIOUR: "Don't take the tone home",
    LossReason.MY_APPROACH: "Ask two questions before the demo",
    LossReason.OTHER: "Check the news before calling",
}
POSITIVES = (
    "Got past the gatekeeper",
    "They laughed at my opener",
    "Booked a follow-up call",
    "Stayed calm the whole time",
    "They asked for a brochure",
    "Learned who decides",
)
REASONS = (
    [LossReason.PRICE_OR_TERMS] * 5
    + [LossReason.PRODUCT_GAP] * 4
    + [LossReason.TIMING] * 2
    + [LossReason.PROSPECT_BEHAVIOUR] * 2
    + [LossReason.MY_APPROACH] * 2
    + [LossReason.OTHER]
)
HOURS = [9, 10, 11, 11, 13, 14, 15, 15, 16, 16, 16, 16, 16, 17, 17, 17, 17, 17, 17]


def generate(
    end: datetime, days: int, per_day: float = 2.5, seed: int = 7
) -> tuple[list[Incident], list[Nudge]]:
    """Calls on working days over the `days` before `end` (local time), oldest first."""
    rng = random.Random(seed)
    incidents: list[Incident] = []
    nudges: list[Nudge] = []
    start = end.astimezone() - timedelta(days=days)
    for offset in range(days):
        day = (start + timedelta(days=offset)).date()
        if day.weekday() >= 5:
            continue
        progress = offset / max(days, 1)
        count = rng.randint(0, int(per_day * (1.6 if day.weekday() == 0 else 1) * 2))
        for _ in range(count):
            hour = rng.choice(HOURS)
            when = datetime(day.year, day.month, day.day, hour, rng.randint(0, 59)).astimezone()
            if when >= end:
                continue
            reason = rng.choice(REASONS)
            rough = rng.randint(5, 9)
            dial = max(2.0, rng.gauss(16 - 8 * progress, 4))
            part = rng.choice(
                [
                    MyPart.NOT_ME,
                    MyPart.NOT_ME,
                    MyPart.UNPREPARED,
                    MyPart.PUSHED_TOO_HARD,
                    MyPart.COULDNT_ANSWER,
                    MyPart.TALKED_TOO_MUCH,
                ]
            )
            incident = Incident(
                id=new_id(),
                flagged_at=when,
                label=rng.choice(COMPANIES),
                rough=rough,
                break_started_at=when,
                break_ends_at=when + timedelta(minutes=3),
                break_ended_at=when + timedelta(minutes=3),
                dialed_at=when + timedelta(minutes=dial),
                reflection=Reflection(
                    WHAT[reason],
                    part,
                    reason,
                    LESSONS[reason] if rng.random() < 0.7 else "",
                    [rng.choice(POSITIVES)],
                    min(10, 10 - rough + rng.randint(1, 4)),
                ),
                reflection_status=ReflectionStatus.SAVED,
                reflection_saved_at=when + timedelta(minutes=dial - 1),
            )
            incidents.append(incident)
            for kind, minutes in ((NudgeKind.FIRST, 10.0), (NudgeKind.SECOND, 15.0)):
                state = NudgeState.FIRED if dial >= minutes else NudgeState.CANCELLED
                due = when + timedelta(minutes=minutes)
                nudges.append(
                    Nudge(
                        new_id(),
                        incident.id,
                        kind,
                        due,
                        state,
                        due if state is NudgeState.FIRED else None,
                    )
                )
    incidents.sort(key=lambda i: i.flagged_at)
    return incidents, nudges
