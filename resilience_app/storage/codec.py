"""The codec between domain objects and the dicts stored on disk (and exported)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from resilience_app.core.models import (
    FollowUp,
    FollowUpKind,
    FollowUpState,
    Incident,
    LossReason,
    MyPart,
    Nudge,
    NudgeKind,
    NudgeState,
    Positive,
    Reflection,
    ReflectionStatus,
)

# Enum(value) walks a slow path; a plain dict lookup decodes 50,000 records much faster.
_MY_PART = {member.value: member for member in MyPart}
_LOSS_REASON = {member.value: member for member in LossReason}
_STATUS = {member.value: member for member in ReflectionStatus}
_parse = datetime.fromisoformat


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_when(value: Any) -> datetime | None:
    return _parse(value) if value else None


def reflection_to_dict(reflection: Reflection) -> dict[str, Any]:
    return {
        "what_happened": reflection.what_happened,
        "my_part": reflection.my_part.value if reflection.my_part else None,
        "loss_reason": reflection.loss_reason.value if reflection.loss_reason else None,
        "lesson": reflection.lesson,
        "positives": list(reflection.positives),
        "mood_after": reflection.mood_after,
    }


def reflection_from_dict(data: dict[str, Any]) -> Reflection:
    return Reflection(
        what_happened=data.get("what_happened") or "",
        my_part=_MY_PART[data["my_part"]] if data.get("my_part") else None,
        loss_reason=_LOSS_REASON[data["loss_reason"]] if data.get("loss_reason") else None,
        lesson=data.get("lesson") or "",
        positives=[str(p) for p in data.get("positives") or []],
        mood_after=data.get("mood_after"),
    )


def incident_to_dict(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "flagged_at": _when(incident.flagged_at),
        "label": incident.label,
        "rough": incident.rough,
        "break_started_at": _when(incident.break_started_at),
        "break_ends_at": _when(incident.break_ends_at),
        "break_ended_at": _when(incident.break_ended_at),
        "dialed_at": _when(incident.dialed_at),
        "reflection": reflection_to_dict(incident.reflection),
        "reflection_status": incident.reflection_status.value,
        "reflection_saved_at": _when(incident.reflection_saved_at),
    }


def incident_from_dict(data: dict[str, Any]) -> Incident:
    flagged_at = _parse_when(data["flagged_at"])
    assert flagged_at is not None
    return Incident(
        id=data["id"],
        flagged_at=flagged_at,
        label=data.get("label") or "",
        rough=data.get("rough"),
        break_started_at=_parse_when(data.get("break_started_at")),
        break_ends_at=_parse_when(data.get("break_ends_at")),
        break_ended_at=_parse_when(data.get("break_ended_at")),
        dialed_at=_parse_when(data.get("dialed_at")),
        reflection=reflection_from_dict(data.get("reflection") or {}),
        reflection_status=_STATUS[data.get("reflection_status") or "pending"],
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


def nudge_from_dict(data: dict[str, Any]) -> Nudge:
    due_at = _parse_when(data["due_at"])
    assert due_at is not None
    return Nudge(
        id=data["id"],
        incident_id=data["incident_id"],
        kind=NudgeKind(data["kind"]),
        due_at=due_at,
        state=NudgeState(data["state"]),
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
    }


def followup_from_dict(data: dict[str, Any]) -> FollowUp:
    due_at = _parse_when(data["due_at"])
    created_at = _parse_when(data.get("created_at")) or due_at
    assert due_at is not None and created_at is not None
    return FollowUp(
        id=data["id"],
        incident_id=data["incident_id"],
        kind=FollowUpKind(data["kind"]),
        due_at=due_at,
        created_at=created_at,
        state=FollowUpState(data.get("state") or "pending"),
        note=data.get("note") or "",
        reminded_at=_parse_when(data.get("reminded_at")),
        done_at=_parse_when(data.get("done_at")),
    )


def positive_to_dict(positive: Positive) -> dict[str, Any]:
    return {"id": positive.id, "created_at": _when(positive.created_at), "text": positive.text}


def positive_from_dict(data: dict[str, Any]) -> Positive:
    created_at = _parse_when(data["created_at"])
    assert created_at is not None
    return Positive(id=data["id"], created_at=created_at, text=data.get("text") or "")
