"""Domain objects: what the rest of the app talks in (never raw database dicts)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from resilience_app.core.kinds import (
    DialSource,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpState,
    LossReason,
    LossSize,
    MyPart,
    NudgeKind,
    NudgeState,
    Phase,
    ReflectionStatus,
)

__all__ = [
    "DialSource",
    "FollowUp",
    "FollowUpKind",
    "FollowUpOutcome",
    "FollowUpState",
    "Incident",
    "LossReason",
    "LossSize",
    "MyPart",
    "Nudge",
    "NudgeKind",
    "NudgeState",
    "Phase",
    "Positive",
    "Reflection",
    "ReflectionStatus",
    "Removed",
    "new_id",
]


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Reflection:
    """The private note about one call; also used for drafts."""

    what_happened: str = ""
    my_part: MyPart | None = None
    loss_reason: LossReason | None = None
    lesson: str = ""
    positives: list[str] = field(default_factory=list)
    mood_after: int | None = None
    # What they said or asked that the rep could not answer (for the playbook), and, when
    # the reason is a product gap, what was missing (a few words). Private, like the rest.
    said: str = ""
    missing: str = ""

    def is_empty(self) -> bool:
        return not (
            self.what_happened.strip()
            or self.my_part
            or self.loss_reason
            or self.lesson.strip()
            or any(p.strip() for p in self.positives)
            or self.mood_after is not None
            or self.said.strip()
            or self.missing.strip()
        )


@dataclass
class Incident:
    """One call that went south, from the flag to the next dial."""

    id: str
    flagged_at: datetime
    label: str = ""
    rough: int | None = None
    size: LossSize | None = None  # how much it mattered, if the rep said (private, like rough)
    break_started_at: datetime | None = None
    break_ends_at: datetime | None = None
    break_ended_at: datetime | None = None
    dialed_at: datetime | None = None
    dial_source: DialSource | None = None
    reflection: Reflection = field(default_factory=Reflection)
    reflection_status: ReflectionStatus = ReflectionStatus.PENDING
    reflection_saved_at: datetime | None = None
    # Read while the journal was locked: the private part (label, rough, size, note) as stored,
    # kept as it is; those fields are empty meanwhile.
    sealed: str | None = None

    @property
    def on_break(self) -> bool:
        return self.break_started_at is not None and self.break_ended_at is None

    @property
    def held(self) -> bool:
        """Flagged during the call, which still goes on: the break has not started yet."""
        return self.break_started_at is None and self.dialed_at is None

    @property
    def time_to_dial(self) -> timedelta | None:
        """From the break's start to the next dial: the flag, or, for a call flagged before
        it ended, the end of that call (the minutes still spent on it are no wait)."""
        if self.dialed_at is None:
            return None
        started = self.break_started_at
        since = started if started is not None and started > self.flagged_at else self.flagged_at
        return self.dialed_at - since

    @property
    def reflection_open(self) -> bool:
        """True while the note is still waiting to be written or finished."""
        return self.reflection_status in (ReflectionStatus.PENDING, ReflectionStatus.DRAFT)


@dataclass
class Nudge:
    """A scheduled push back to the phone. The store, not the scheduler, owns these."""

    id: str
    incident_id: str
    kind: NudgeKind
    due_at: datetime
    state: NudgeState = NudgeState.PENDING
    fired_at: datetime | None = None


@dataclass
class FollowUp:
    """A reminder the rep chose after a reflection; it stays in the record once done."""

    id: str
    incident_id: str
    kind: FollowUpKind
    due_at: datetime
    created_at: datetime
    state: FollowUpState = FollowUpState.PENDING
    note: str = ""
    reminded_at: datetime | None = None  # when the notification went out (once per due time)
    done_at: datetime | None = None
    outcome: FollowUpOutcome | None = None  # what came of it (chosen when marked done)
    outcome_note: str = ""  # the line heard (feedback), if the rep wrote one
    sealed: str | None = None  # read while locked: the notes as stored (see Incident.sealed)
    playbook_id: str | None = None  # the playbook entry it is about ("talk it over")


@dataclass
class Positive:
    """A positive written on its own, not after a bad call (a good call, a referral)."""

    id: str
    created_at: datetime
    text: str
    sealed: str | None = None  # read while locked: the text as stored (see Incident.sealed)


@dataclass
class Removed:
    """What deleting a call took out, kept so that "undo" can put it back exactly."""

    incident: Incident
    nudges: list[Nudge]
    followups: list[FollowUp]
