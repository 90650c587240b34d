"""Calls for the Insights tests: one bad call as the journal holds it, a month of them."""

from __future__ import annotations

from datetime import datetime, timedelta

from resilience_app.core.models import Incident, LossReason, MyPart, Reflection, ReflectionStatus


def call(
    when: datetime,
    dial_minutes: float | None = None,
    *,
    rough: int | None = None,
    after: int | None = None,
    reason: LossReason | None = None,
    part: MyPart | None = None,
    lesson: str = "",
    saved: bool = True,
) -> Incident:
    return Incident(
        id=f"{when.isoformat()}-{dial_minutes}",
        flagged_at=when,
        rough=rough,
        dialed_at=None if dial_minutes is None else when + timedelta(minutes=dial_minutes),
        reflection=Reflection(loss_reason=reason, my_part=part, lesson=lesson, mood_after=after),
        reflection_status=ReflectionStatus.SAVED if saved else ReflectionStatus.DRAFT,
    )


def month_of_calls(
    now: datetime, hours: list[int], dial: float, rough: int, after: int
) -> list[Incident]:
    return [
        call(
            now - timedelta(days=1 + n, hours=now.hour - hour),
            dial,
            rough=rough,
            after=after,
            reason=LossReason.PRODUCT_GAP if n % 3 else LossReason.TIMING,
            lesson="Ask about integrations early" if n < 3 else "",
        )
        for n, hour in enumerate(hours)
    ]
