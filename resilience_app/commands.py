"""What the app does with a request from `resilience <command>`.

The running app answers these over the command channel. When no app is running, the CLI
builds the same Commands (no windows) under the instance lock for the commands that make
sense without a tray (follow-ups, positives, import, settings), so there is still only one
writer at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from resilience_app.core import texts
from resilience_app.core.followups import FollowUpError, FollowUps, default_due
from resilience_app.core.loop import LoopError, RecoveryLoop
from resilience_app.core.models import (
    FollowUp,
    FollowUpKind,
    LossReason,
    MyPart,
    Positive,
    Reflection,
    new_id,
)
from resilience_app.core.settings import SettingError, Settings
from resilience_app.status import describe
from resilience_app.storage.store import Store

log = logging.getLogger(__name__)
MAX_LABEL = 200
MAX_TEXT = 2000


class Commands:
    def __init__(
        self,
        loop: RecoveryLoop,
        settings: Settings,
        followups: FollowUps,
        store: Store,
        present: Callable[[str, str], None] | None = None,
        *,
        running: bool = True,
        on_flag: Callable[[], None] | None = None,
        metrics: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.on_flag = on_flag
        self.metrics = metrics
        self.loop = loop
        self.settings = settings
        self.followups = followups
        self.store = store
        self.present = present
        self.running = running

    def handle(self, command: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_" + command.replace("-", "_"), None)
        if handler is None or command.startswith("_"):
            return {"ok": False, "usage": True, "error": f"Unknown command {command!r}."}
        try:
            result: dict[str, Any] = handler(args)
        except (LoopError, FollowUpError) as exc:
            return {"ok": False, "error": str(exc)}
        except SettingError as exc:
            return {"ok": False, "usage": True, "error": str(exc)}
        result.setdefault("ok", True)
        return result

    # -- the loop ---------------------------------------------------------------------

    def _flag(self, args: dict[str, Any]) -> dict[str, Any]:
        label = str(args.get("label") or "")[:MAX_LABEL]
        rough = args.get("rough")
        if rough is not None and (isinstance(rough, bool) or not isinstance(rough, int)):
            return {"ok": False, "usage": True, "error": "How rough it felt must be 0 to 10."}
        already = self.loop.current is not None and self.loop.current.on_break
        if self.on_flag is not None:
            self.on_flag()
        incident = self.loop.flag(label, rough)
        if already:
            message = "You're already on a break; the break window is open."
        else:
            minutes = self.loop.settings.break_minutes
            message = f"Flagged. Take {minutes:g} minutes: the break window is open."
        return {"message": message, "incident_id": incident.id}

    def _dialed(self, args: dict[str, Any]) -> dict[str, Any]:
        incident = self.loop.dialed()
        if incident is None or incident.time_to_dial is None:
            return {"message": "No tough call was waiting for a next dial; nothing to record."}
        seconds = incident.time_to_dial.total_seconds()
        after = "within a minute of" if seconds < 60 else f"{seconds / 60:.0f} min after"
        return {
            "message": f"Back on the phone {after} the tough call. Well done.",
            "incident_id": incident.id,
            "time_to_next_dial_seconds": round(seconds, 3),
        }

    def _note(self, args: dict[str, Any]) -> dict[str, Any]:
        incident_id = args.get("incident")
        if not incident_id:
            waiting = self.loop.open_reflections()
            if not waiting:
                return {"ok": False, "error": "No call is waiting for a note."}
            incident_id = waiting[0].id
        reflection = Reflection(
            what_happened=str(args.get("what") or "")[:MAX_TEXT],
            my_part=MyPart(args["my_part"]) if args.get("my_part") else None,
            loss_reason=LossReason(args["reason"]) if args.get("reason") else None,
            lesson=str(args.get("lesson") or "")[:MAX_TEXT],
            positives=[str(p)[:MAX_TEXT] for p in args.get("positives") or []],
            mood_after=args.get("feel"),
        )
        self.loop.save_reflection(str(incident_id), reflection)
        return {"message": "Note saved. Thank you for taking the time.", "incident_id": incident_id}

    def _status(self, args: dict[str, Any]) -> dict[str, Any]:
        status = describe(self.loop, running=self.running)
        status["upcoming_followups"] = [_followup_json(f) for f in self.followups.upcoming()]
        if self.metrics is not None:
            status["metrics"] = self.metrics()
        return {"status": status}

    def _config_set(self, args: dict[str, Any]) -> dict[str, Any]:
        value = self.settings.set(str(args.get("key")), args.get("value"))
        return {"value": value}

    def _show(self, args: dict[str, Any]) -> dict[str, Any]:
        window = str(args.get("window") or "")
        if self.present is not None:
            self.present(window, str(args.get("tab") or ""))
        if window == "journal":
            return {"message": "The journal is open."}
        if window == "insights":
            return {"message": "Insights is open."}
        if window == "settings":
            return {"message": "Settings are open."}
        return {"message": "Resilience is already running; it is in your tray."}

    # -- the record -------------------------------------------------------------------

    def _import(self, args: dict[str, Any]) -> dict[str, Any]:
        from resilience_app.storage.importer import ImportProblems, import_into

        try:
            text = Path(str(args.get("path"))).read_text(encoding="utf-8")
            result = import_into(self.store, text)
        except ImportProblems as exc:
            return {"ok": False, "error": str(exc)}
        except (OSError, UnicodeDecodeError) as exc:
            return {"ok": False, "error": f"Could not import: {exc}."}
        self.loop.reflections_changed.emit()
        self.followups.changed.emit()
        return {"message": result.message, "added": result.added}

    def _positive_add(self, args: dict[str, Any]) -> dict[str, Any]:
        text = str(args.get("text") or "").strip()
        if not text:
            return {
                "ok": False,
                "usage": True,
                "error": "Write the positive, e.g. "
                'resilience positive add "Booked a demo with Acme".',
            }
        positive = Positive(new_id(), self.loop.clock.now(), text[:MAX_TEXT])
        self.store.save_positive(positive)
        return {"message": "Added to your positives. Nice one.", "id": positive.id}

    # -- follow-ups -------------------------------------------------------------------

    def _followup_list(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"followups": [_followup_json(f, self.store) for f in self.followups.upcoming()]}

    def _followup_add(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            kind = FollowUpKind(str(args.get("kind")))
        except ValueError:
            kinds = ", ".join(k.value for k in FollowUpKind)
            return {"ok": False, "usage": True, "error": f"Kind must be one of: {kinds}."}
        incident_id = args.get("incident")
        incident = (
            self.loop.incident(str(incident_id)) if incident_id else self.store.latest_incident()
        )
        if incident is None:
            return {"ok": False, "error": "There is no flagged call to attach a follow-up to."}
        now = self.loop.clock.now()
        if args.get("in_minutes") is not None:
            due = now + timedelta(minutes=float(args["in_minutes"]))
        elif args.get("at"):
            due = datetime.fromisoformat(str(args["at"]))
            if due.tzinfo is None:
                due = due.astimezone()
        else:
            due = default_due(kind, incident.flagged_at, months=int(args.get("months") or 1))
        followup = self.followups.add(incident.id, kind, due, str(args.get("note") or ""))
        when = due.astimezone().strftime("%a %d %b %H:%M")
        return {
            "message": f"{texts.FOLLOW_UP_SHORT[kind]} planned for {when} (id {followup.id[:8]}).",
            "followup": _followup_json(followup, self.store),
        }

    def _resolve(self, args: dict[str, Any]) -> str:
        """Follow-ups can be named by the first few characters of their id."""
        wanted = str(args.get("id") or "").strip()
        if not wanted:
            raise FollowUpError("Name the follow-up by its id (see `resilience followup list`).")
        matches = [f.id for f in self.followups.upcoming() if f.id.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise FollowUpError(f"No upcoming follow-up has an id starting with {wanted!r}.")
        raise FollowUpError(f"Several follow-ups start with {wanted!r}; give more of the id.")

    def _followup_done(self, args: dict[str, Any]) -> dict[str, Any]:
        followup = self.followups.done(self._resolve(args))
        return {"message": f"Marked done: {texts.FOLLOW_UP_SHORT[followup.kind]}. Well done."}

    def _followup_cancel(self, args: dict[str, Any]) -> dict[str, Any]:
        followup = self.followups.cancel(self._resolve(args))
        return {"message": f"Cancelled: {texts.FOLLOW_UP_SHORT[followup.kind]}."}

    def _followup_snooze(self, args: dict[str, Any]) -> dict[str, Any]:
        minutes = float(args.get("minutes") or 60)
        followup = self.followups.snooze(self._resolve(args), minutes)
        when = followup.due_at.astimezone().strftime("%a %d %b %H:%M")
        return {"message": f"Snoozed until {when}."}


def _followup_json(followup: FollowUp, store: Store | None = None) -> dict[str, Any]:
    label = ""
    if store is not None:
        incident = store.incident(followup.incident_id)
        label = incident.label if incident else ""
    return {
        "id": followup.id,
        "kind": followup.kind.value,
        "title": texts.followup_title(followup.kind, label),
        "due_at": followup.due_at.isoformat(),
        "incident_id": followup.incident_id,
        "state": followup.state.value,
        "note": followup.note,
    }
