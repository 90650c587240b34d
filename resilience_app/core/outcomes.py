"""What follow-ups brought: per kind and period, the outcomes, the deals won back and the
referrals, and the feedback heard, grouped by why the call was lost.

Pure: follow-ups and the calls they belong to in, figures and sentences out. Highlights
are said only where the data holds them up (enough follow-ups of a kind to speak of).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from resilience_app.core import texts
from resilience_app.core.kinds import FollowUpKind, FollowUpOutcome, FollowUpState, LossReason
from resilience_app.core.models import FollowUp, Incident
from resilience_app.i18n import ngettext

RECENT = 10  # "3 of your last 10 debrief calls…"
ENOUGH = 5  # fewer done follow-ups of a kind than this: no sentence about that kind
GOOD = (FollowUpOutcome.WON_BACK, FollowUpOutcome.REOPENED)


@dataclass(frozen=True)
class KindResults:
    kind: FollowUpKind
    done: int
    outcomes: Mapping[FollowUpOutcome, int]  # every outcome, 0 when none
    not_said: int  # done without an outcome chosen


@dataclass(frozen=True)
class Feedback:
    text: str
    kind: FollowUpKind
    outcome: FollowUpOutcome | None
    done_on: date
    followup_id: str


@dataclass(frozen=True)
class FollowUpResults:
    first: date
    last: date
    by_kind: Mapping[FollowUpKind, KindResults]
    done: int
    won_back: int
    reopened: int
    referrals: int
    feedback: Mapping[LossReason | None, list[Feedback]] = field(default_factory=dict)
    highlights: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "done": self.done,
            "won_back": self.won_back,
            "reopened": self.reopened,
            "referrals": self.referrals,
            "by_kind": {
                k.value: {
                    "done": r.done,
                    "outcomes": {o.value: n for o, n in r.outcomes.items()},
                    "not_said": r.not_said,
                }
                for k, r in self.by_kind.items()
            },
            "feedback": {
                (reason.value if reason else "none"): [f.text for f in lines]
                for reason, lines in self.feedback.items()
            },
            "highlights": self.highlights,
        }


def follow_up_results(
    followups: Iterable[FollowUp],
    incidents: Mapping[str, Incident],
    first: date,
    last: date,
) -> FollowUpResults:
    """Follow-ups marked done from `first` to `last` (local days, inclusive)."""
    done = sorted(
        (
            f
            for f in followups
            if f.state is FollowUpState.DONE
            and f.done_at is not None
            and first <= f.done_at.astimezone().date() <= last
        ),
        key=lambda f: f.done_at,  # type: ignore[arg-type, return-value]
    )
    by_kind: dict[FollowUpKind, KindResults] = {}
    for kind in FollowUpKind:
        mine = [f for f in done if f.kind is kind]
        counts = Counter(f.outcome for f in mine if f.outcome is not None)
        by_kind[kind] = KindResults(
            kind,
            len(mine),
            {o: counts.get(o, 0) for o in FollowUpOutcome},
            sum(1 for f in mine if f.outcome is None),
        )
    outcomes = Counter(f.outcome for f in done)
    feedback: dict[LossReason | None, list[Feedback]] = {}
    for f in reversed(done):  # newest first
        if not f.outcome_note.strip():
            continue
        incident = incidents.get(f.incident_id)
        reason = incident.reflection.loss_reason if incident is not None else None
        assert f.done_at is not None
        feedback.setdefault(reason, []).append(
            Feedback(f.outcome_note, f.kind, f.outcome, f.done_at.astimezone().date(), f.id)
        )
    results = FollowUpResults(
        first,
        last,
        by_kind,
        len(done),
        outcomes.get(FollowUpOutcome.WON_BACK, 0),
        outcomes.get(FollowUpOutcome.REOPENED, 0),
        outcomes.get(FollowUpOutcome.REFERRAL, 0),
        feedback,
    )
    results.highlights.extend(_highlights(done, results))
    return results


def _highlights(done: list[FollowUp], results: FollowUpResults) -> list[str]:
    said: list[str] = []
    for kind in FollowUpKind:
        recent = [f for f in done if f.kind is kind][-RECENT:]
        if len(recent) < ENOUGH:
            continue
        good = sum(1 for f in recent if f.outcome in GOOD)
        if good >= 2:
            said.append(
                ngettext(
                    "{n} of your last {m} “{kind}” follow-ups reopened talks or won the deal back.",
                    "{n} of your last {m} “{kind}” follow-ups reopened talks or won the deal back.",
                    good,
                ).format(n=good, m=len(recent), kind=texts.follow_up_short(kind))
            )
    if results.won_back:
        said.append(
            ngettext(
                "{n} deal came back after a follow-up.",
                "{n} deals came back after a follow-up.",
                results.won_back,
            ).format(n=results.won_back)
        )
    if results.referrals >= 2:
        said.append(
            ngettext(
                "Follow-ups brought you {n} referral.",
                "Follow-ups brought you {n} referrals.",
                results.referrals,
            ).format(n=results.referrals)
        )
    return said


def once_each(lines: list[str]) -> list[tuple[str, int]]:
    """Each line heard once, with how often (as the lessons show theirs): the same words
    from several follow-ups, spaced or cased apart, are one line."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for line in lines:
        words = " ".join(line.split())
        if not words:
            continue
        key = words.casefold()
        shown.setdefault(key, words)
        counts[key] = counts.get(key, 0) + 1
    return [(shown[key], n) for key, n in counts.items()]
