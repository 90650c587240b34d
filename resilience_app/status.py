"""The state of the loop as plain data, for `resilience status` and the tray tooltip."""

from __future__ import annotations

from typing import Any

from resilience_app.core.loop import RecoveryLoop, incidents_on, start_of_local_day
from resilience_app.core.models import Phase


def describe(loop: RecoveryLoop, *, running: bool) -> dict[str, Any]:
    now = loop.clock.now()
    today = loop.store.incidents_since(start_of_local_day(now))
    current = loop.current
    status: dict[str, Any] = {
        "running": running,
        "phase": loop.phase.value,
        "now": now.isoformat(),
        "current_incident": None,
        "pending_nudges": [
            {"kind": n.kind.value, "due_at": n.due_at.isoformat(), "incident_id": n.incident_id}
            for n in loop.pending_nudges()
        ],
        "incidents_today": incidents_on(now, today),
        "unfinished_reflections": len(loop.open_reflections()),
    }
    if current is not None:
        status["current_incident"] = {
            "id": current.id,
            "label": current.label,
            "rough": current.rough,
            "flagged_at": current.flagged_at.isoformat(),
            "minutes_since_flag": round((now - current.flagged_at).total_seconds() / 60, 2),
            "break_ends_at": (
                current.break_ends_at.isoformat()
                if loop.phase is Phase.BREAK and current.break_ends_at
                else None
            ),
        }
    return status
