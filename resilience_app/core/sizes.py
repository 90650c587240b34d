"""How much a lost call mattered (small, big, make-or-break): its names in the rep's
language, and the time back to the phone by size, as a pure function over the records.

A big loss calls for an easy next call: `is_big` says when the nudge leads with one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from resilience_app import i18n
from resilience_app.core.models import Incident, LossSize
from resilience_app.core.trends import median, minutes_to_dial
from resilience_app.i18n import N_, _, ngettext

__all__ = ["LossSize", "SizeDial", "is_big", "not_said", "size_name"]
__all__ += ["as_json", "in_words", "time_to_dial_by_size"]

SIZE_NAME: dict[LossSize, str] = {
    # Translators: how much a lost call mattered: a small one.
    LossSize.SMALL: N_("Small"),
    # Translators: how much a lost call mattered: a big one.
    LossSize.BIG: N_("Big"),
    # Translators: how much a lost call mattered: the deal that made or broke the month.
    LossSize.MAKE_OR_BREAK: N_("Make-or-break"),
}


def size_name(size: LossSize) -> str:
    return _(SIZE_NAME[size])


def not_said() -> str:
    # Translators: a call whose size (small, big, make-or-break) the rep did not give.
    return _("Not said")


def is_big(size: LossSize | None) -> bool:
    """A loss after which the next call should be an easy one."""
    return size in (LossSize.BIG, LossSize.MAKE_OR_BREAK)


@dataclass(frozen=True)
class SizeDial:
    """The calls of one size (None: not said) and their median time to the next dial."""

    size: LossSize | None
    count: int  # calls of this size in the period
    dialed: int  # of them, how many were followed by a next dial
    median_minutes: float | None  # from the flag to the next dial; None when none dialed


def time_to_dial_by_size(incidents: Iterable[Incident]) -> list[SizeDial]:
    """Per size (small, big, make-or-break, then not said): how many calls and the median
    minutes from the flag to the next dial. Sizes with no call are left out."""
    counts: dict[LossSize | None, int] = {}
    minutes: dict[LossSize | None, list[float]] = {}
    for incident in incidents:
        counts[incident.size] = counts.get(incident.size, 0) + 1
        value = minutes_to_dial(incident)
        if value is not None:
            minutes.setdefault(incident.size, []).append(value)
    order: list[LossSize | None] = [*LossSize, None]
    return [
        SizeDial(size, counts[size], len(minutes.get(size, [])), median(minutes.get(size, [])))
        for size in order
        if counts.get(size)
    ]


def in_words(rows: Iterable[SizeDial]) -> str:
    """The time back to the phone by size, as one line ("Big: 12 min (3 calls), ...")."""
    parts = []
    for row in rows:
        name = size_name(row.size) if row.size else not_said()
        if row.median_minutes is None:
            # Translators: {size} is how much calls mattered ("Big"), {n} how many calls
            # there were; none of them was followed by a next dial yet.
            text = ngettext(
                "{size}: {n} call, no next dial yet",
                "{size}: {n} calls, no next dial yet",
                row.count,
            )
        else:
            # Translators: {size} is how much calls mattered ("Big"), {minutes} the median
            # minutes from the flag to the next dial, {n} how many calls there were.
            text = ngettext(
                "{size}: {minutes} min ({n} call)", "{size}: {minutes} min ({n} calls)", row.count
            )
        minutes = i18n.format_number(row.median_minutes or 0, 1)
        parts.append(text.format(size=name, minutes=minutes, n=i18n.format_number(row.count)))
    return ", ".join(parts)


def as_json(rows: Iterable[SizeDial]) -> list[dict[str, object]]:
    """The figures as `stats --json` prints them (size null: not said)."""
    return [
        {
            "size": row.size.value if row.size else None,
            "calls": row.count,
            "dialed": row.dialed,
            "median_minutes_to_next_dial": row.median_minutes,
        }
        for row in rows
    ]
