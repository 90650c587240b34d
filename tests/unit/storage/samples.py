"""Calls to store and a clock of days, shared by the storage tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from resilience_app.core.models import (
    Incident,
    LossReason,
    MyPart,
    Reflection,
    ReflectionStatus,
)

WHEN = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def sample(incident_id: str = "abc", when: datetime = WHEN, **changes: object) -> Incident:
    incident = Incident(
        id=incident_id,
        flagged_at=when,
        label="Acme — “big” deal",
        rough=8,
        break_started_at=when,
        reflection=Reflection(
            what_happened="Pricing question I couldn't answer",
            my_part=MyPart.COULDNT_ANSWER,
            loss_reason=LossReason.PRICE_OR_TERMS,
            lesson="Keep the price sheet open",
            positives=["Stayed polite", "Booked a debrief"],
            mood_after=6,
        ),
        reflection_status=ReflectionStatus.SAVED,
        reflection_saved_at=when,
    )
    for key, value in changes.items():
        setattr(incident, key, value)
    return incident


def days(start: date):  # type: ignore[no-untyped-def]
    current = [start]

    def today() -> date:
        return current[0]

    def advance() -> None:
        current[0] += timedelta(days=1)

    return today, advance
