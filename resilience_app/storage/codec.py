"""The codec between domain objects and the dicts stored on disk (and exported).

Decoding is strict: a record with a missing field, a wrong type, a moment the app cannot
compute with or text that cannot be saved again raises `BadRecord`, so one bad record
(a hand-edited file, an old bug) is set aside instead of breaking every later question.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from resilience_app.core.models import (
    DialSource,
    FollowUp,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpState,
    Incident,
    LossReason,
    LossSize,
    MyPart,
    Nudge,
    NudgeKind,
    NudgeState,
    Positive,
    Reflection,
    ReflectionStatus,
)
from resilience_app.core.values import EARLIEST, LATEST, MAX_POSITIVES


class BadRecord(ValueError):
    """A stored record that does not decode into a valid domain object."""


# Enum(value) walks a slow path; a plain dict lookup decodes 50,000 records much faster.
_MY_PART = {member.value: member for member in MyPart}
_LOSS_REASON = {member.value: member for member in LossReason}
_SIZE = {member.value: member for member in LossSize}
_STATUS = {member.value: member for member in ReflectionStatus}
_NUDGE_KIND = {member.value: member for member in NudgeKind}
_NUDGE_STATE = {member.value: member for member in NudgeState}
_FOLLOWUP_KIND = {member.value: member for member in FollowUpKind}
_FOLLOWUP_STATE = {member.value: member for member in FollowUpState}
_FOLLOWUP_OUTCOME = {member.value: member for member in FollowUpOutcome}
_DIAL_SOURCE = {member.value: member for member in DialSource}
_parse = datetime.fromisoformat


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_when(value: Any) -> datetime | None:
    if not value:
        return None
    moment = _parse(value)
    if moment.tzinfo is None or not EARLIEST <= moment <= LATEST:
        raise BadRecord(f"a time out of range: {str(value)[:40]}")
    return moment


def _required_when(value: Any) -> datetime:
    moment = _parse_when(value)
    if moment is None:
        raise BadRecord("a required time is missing")
    return moment


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRecord("a text field holds something else")
    return value


def _id(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise BadRecord("a record without an id")
    return value


def _score(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise BadRecord("a score out of range")
    return value


def _member(table: dict[str, Any], value: Any) -> Any:
    try:
        return table[value]
    except (KeyError, TypeError):
        raise BadRecord(f"an unknown value: {str(value)[:40]}") from None


R = TypeVar("R")


def decoding(what: str) -> Callable[[Callable[[dict[str, Any]], R]], Callable[[Any], R]]:
    """Turn any decoding mistake of a record into BadRecord."""

    def wrap(function: Callable[[dict[str, Any]], R]) -> Callable[[Any], R]:
        def decode(data: Any) -> R:
            if not isinstance(data, dict):
                raise BadRecord(f"a {what} that is not an object")
            try:
                return function(data)
            except BadRecord:
                raise
            except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
                raise BadRecord(f"a {what} that does not read ({type(exc).__name__})") from None

        decode.__doc__ = function.__doc__
        return decode

    return wrap


def reflection_to_dict(reflection: Reflection) -> dict[str, Any]:
    return {
        "what_happened": reflection.what_happened,
        "my_part": reflection.my_part.value if reflection.my_part else None,
        "loss_reason": reflection.loss_reason.value if reflection.loss_reason else None,
        "lesson": reflection.lesson,
        "positives": list(reflection.positives),
        "mood_after": reflection.mood_after,
        "said": reflection.said,
        "missing": reflection.missing,
    }


def reflection_from_dict(data: dict[str, Any]) -> Reflection:
    positives = data.get("positives") or []
    if not isinstance(positives, list) or len(positives) > MAX_POSITIVES:
        raise BadRecord("positives that are not a short list")
    return Reflection(
        what_happened=_text(data.get("what_happened")),
        my_part=_member(_MY_PART, data["my_part"]) if data.get("my_part") else None,
        loss_reason=(
            _member(_LOSS_REASON, data["loss_reason"]) if data.get("loss_reason") else None
        ),
        lesson=_text(data.get("lesson")),
        positives=[_text(p) for p in positives],
        mood_after=_score(data.get("mood_after")),
        said=_text(data.get("said")),  # absent in records written before them
        missing=_text(data.get("missing")),
    )


def incident_to_dict(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "flagged_at": _when(incident.flagged_at),
        "label": incident.label,
        "rough": incident.rough,
        "size": incident.size.value if incident.size else None,
        "break_started_at": _when(incident.break_started_at),
        "break_ends_at": _when(incident.break_ends_at),
        "break_ended_at": _when(incident.break_ended_at),
        "dialed_at": _when(incident.dialed_at),
        "dial_source": incident.dial_source.value if incident.dial_source else None,
        "reflection": reflection_to_dict(incident.reflection),
        "reflection_status": incident.reflection_status.value,
        "reflection_saved_at": _when(incident.reflection_saved_at),
    }


@decoding("call")
def incident_from_dict(data: dict[str, Any]) -> Incident:
    reflection = data.get("reflection") or {}
    if not isinstance(reflection, dict):
        raise BadRecord("a note that is not an object")
    return Incident(
        id=_id(data["id"]),
        flagged_at=_required_when(data["flagged_at"]),
        label=_text(data.get("label")),
        rough=_score(data.get("rough")),
        size=_member(_SIZE, data["size"]) if data.get("size") else None,  # None in old records
        break_started_at=_parse_when(data.get("break_started_at")),
        break_ends_at=_parse_when(data.get("break_ends_at")),
        break_ended_at=_parse_when(data.get("break_ended_at")),
        dialed_at=_parse_when(data.get("dialed_at")),
        dial_source=_member(_DIAL_SOURCE, data["dial_source"]) if data.get("dial_source") else None,
        reflection=reflection_from_dict(reflection),
        reflection_status=_member(_STATUS, data.get("reflection_status") or "pending"),
        reflection_saved_at=_parse_when(data.get("reflection_saved_at")),
    )


def nudge_to_dict(nudge: Nudge) -> dict[str, Any]:
    return {
        "id": nudge.id,
        "incident_id": nudge.incident_id,
        "kind": nudge.kind.value,
        "due_at": _when(nudge.due_at),
        "state": nudge.state.value,
        "fired_at": _when(nudge.fired_at),
    }


@decoding("nudge")
def nudge_from_dict(data: dict[str, Any]) -> Nudge:
    return Nudge(
        id=_id(data["id"]),
        incident_id=_id(data["incident_id"]),
        kind=_member(_NUDGE_KIND, data["kind"]),
        due_at=_required_when(data["due_at"]),
        state=_member(_NUDGE_STATE, data["state"]),
        fired_at=_parse_when(data.get("fired_at")),
    )


def followup_to_dict(followup: FollowUp) -> dict[str, Any]:
    return {
        "id": followup.id,
        "incident_id": followup.incident_id,
        "kind": followup.kind.value,
        "due_at": _when(followup.due_at),
        "created_at": _when(followup.created_at),
        "state": followup.state.value,
        "note": followup.note,
        "reminded_at": _when(followup.reminded_at),
        "done_at": _when(followup.done_at),
        "outcome": followup.outcome.value if followup.outcome else None,
        "outcome_note": followup.outcome_note,
        "playbook_id": followup.playbook_id,
    }


@decoding("follow-up")
def followup_from_dict(data: dict[str, Any]) -> FollowUp:
    due_at = _required_when(data["due_at"])
    return FollowUp(
        id=_id(data["id"]),
        incident_id=_id(data["incident_id"]),
        kind=_member(_FOLLOWUP_KIND, data["kind"]),
        due_at=due_at,
        created_at=_parse_when(data.get("created_at")) or due_at,
        state=_member(_FOLLOWUP_STATE, data.get("state") or "pending"),
        note=_text(data.get("note")),
        reminded_at=_parse_when(data.get("reminded_at")),
        done_at=_parse_when(data.get("done_at")),
        # Files and exports from before outcomes have neither field.
        outcome=_member(_FOLLOWUP_OUTCOME, outcome) if (outcome := data.get("outcome")) else None,
        outcome_note=_text(data.get("outcome_note")),
        # Files and exports from before the playbook have none.
        playbook_id=_id(linked) if (linked := data.get("playbook_id")) else None,
    )


def positive_to_dict(positive: Positive) -> dict[str, Any]:
    return {"id": positive.id, "created_at": _when(positive.created_at), "text": positive.text}


@decoding("positive")
def positive_from_dict(data: dict[str, Any]) -> Positive:
    return Positive(
        id=_id(data["id"]),
        created_at=_required_when(data["created_at"]),
        text=_text(data.get("text")),
    )
