"""Small choices drawn from the rep's own record: a past positive, the tip to show."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from resilience_app.core import texts
from resilience_app.core.models import Incident, ReflectionStatus


def positives(incidents: Iterable[Incident]) -> list[str]:
    """Every positive from saved notes, newest first."""
    found: list[str] = []
    for incident in sorted(incidents, key=lambda i: i.flagged_at, reverse=True):
        if incident.reflection_status is ReflectionStatus.SAVED:
            found.extend(p for p in incident.reflection.positives if p.strip())
    return found


def pick_positive(
    incidents: Iterable[Incident], recently_shown: Sequence[str], rng: random.Random
) -> str | None:
    """One of the rep's own positives, avoiding the ones shown lately where possible."""
    pool = positives(incidents)
    if not pool:
        return None
    fresh = [p for p in pool if p not in recently_shown]
    return rng.choice(fresh or pool)


def tip_for(break_number: int) -> str:
    """Tips take turns, so the same one does not greet the rep twice in a row."""
    return texts.BREAK_TIPS[break_number % len(texts.BREAK_TIPS)]
