"""What the running app does with a request from `resilience <command>`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from resilience_app.core.loop import LoopError, RecoveryLoop
from resilience_app.core.settings import SettingError, Settings
from resilience_app.status import describe

log = logging.getLogger(__name__)
MAX_LABEL = 200


class Commands:
    def __init__(self, loop: RecoveryLoop, settings: Settings, present: Callable[[], None]) -> None:
        self.loop = loop
        self.settings = settings
        self.present = present

    def handle(self, command: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_" + command.replace("-", "_"), None)
        if handler is None or command.startswith("_"):
            return {"ok": False, "usage": True, "error": f"Unknown command {command!r}."}
        try:
            result: dict[str, Any] = handler(args)
        except (LoopError, SettingError) as exc:
            return {"ok": False, "usage": isinstance(exc, SettingError), "error": str(exc)}
        result.setdefault("ok", True)
        return result

    def _flag(self, args: dict[str, Any]) -> dict[str, Any]:
        label = str(args.get("label") or "")[:MAX_LABEL]
        rough = args.get("rough")
        if rough is not None and (isinstance(rough, bool) or not isinstance(rough, int)):
            return {"ok": False, "usage": True, "error": "How rough it felt must be 0 to 10."}
        already = self.loop.current is not None and self.loop.current.on_break
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
            "time_to_next_dial_seconds": round(incident.time_to_dial.total_seconds(), 3),
        }

    def _status(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"status": describe(self.loop, running=True)}

    def _config_set(self, args: dict[str, Any]) -> dict[str, Any]:
        value = self.settings.set(str(args.get("key")), args.get("value"))
        return {"value": value}

    def _import(self, args: dict[str, Any]) -> dict[str, Any]:
        from pathlib import Path

        from resilience_app.storage.importer import ImportProblems, import_into
        from resilience_app.storage.store import Store

        store = self.loop.store
        if not isinstance(store, Store):
            return {"ok": False, "error": "This app cannot import."}
        try:
            text = Path(str(args.get("path"))).read_text(encoding="utf-8")
            result = import_into(store, text)
        except ImportProblems as exc:
            return {"ok": False, "error": str(exc)}
        except (OSError, UnicodeDecodeError) as exc:
            return {"ok": False, "error": f"Could not import: {exc}."}
        self.loop.reflections_changed.emit()
        return {"message": result.message, "added": result.added}

    def _show(self, args: dict[str, Any]) -> dict[str, Any]:
        self.present()
        return {"message": "Resilience is already running; it is in your tray."}
