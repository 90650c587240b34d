"""The command channel's table: what each `resilience <command>` asks of the service.

The running app answers these over its local channel; with no app running, the CLI builds
the same table over a service of its own (holding the instance lock, so there is still
one writer). Each command is one line in `CommandTable.routes` and one short method that
reads its arguments and calls the service. The channel is a boundary where anything may
arrive, so arguments are read into domain values here, once, and anything wrong comes back
as a sentence, never as an "internal error".
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from resilience_app.command_names import NEEDS_APP, READ_ONLY
from resilience_app.core import texts, values
from resilience_app.core.errors import UserError
from resilience_app.core.models import FollowUpKind, LossReason, MyPart, Reflection
from resilience_app.core.values import MAX_LABEL, MAX_TEXT
from resilience_app.service.service import Service
from resilience_app.service.views import UpcomingItem

log = logging.getLogger(__name__)

__all__ = ["NEEDS_APP", "READ_ONLY", "Args", "CommandTable", "followup_json"]

Reply = dict[str, Any]
E = TypeVar("E", bound=StrEnum)

WINDOWS = ("", "journal", "insights", "settings")
TABS = ("positives", "calls", "upcoming")
# Replies kept for request ids, so a client that resends (its connection dropped before
# the answer came) gets the first answer instead of doing the thing twice.
REMEMBERED_REPLIES = 256
MAX_SECRET = 1024


class Args:
    """A request's arguments, read into domain values; a sentence for anything wrong."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    def _get(self, key: str) -> Any:
        return self._raw.get(key)

    def text(self, key: str, *, limit: int = MAX_TEXT, what: str = "") -> str:
        value = self._get(key)
        if value is None:
            return ""
        return values.text(value, what=what or key, limit=limit)

    def texts(self, key: str, *, limit: int = MAX_TEXT, what: str = "") -> list[str]:
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UserError(f"{what or key} must be a list of texts.", usage=True)
        if len(value) > values.MAX_POSITIVES:
            raise UserError(f"{what or key} may have at most {values.MAX_POSITIVES}.", usage=True)
        return [values.text(v, what=what or key, limit=limit) for v in value]

    def secret(self, key: str, *, what: str) -> str:
        """A passphrase exactly as typed (never trimmed, never logged)."""
        value = self._get(key)
        if not isinstance(value, str) or not value:
            raise UserError(f"{what} is missing.", usage=True)
        if len(value) > MAX_SECRET or not values.is_text(value):
            raise UserError(
                f"{what} must be valid text of at most {MAX_SECRET} characters.", usage=True
            )
        return value

    def flag_(self, key: str) -> bool | None:
        value = self._get(key)
        if value is None or isinstance(value, bool):
            return value
        raise UserError(f"{key} must be true or false.", usage=True)

    def score(self, key: str, *, what: str) -> int | None:
        """A whole number from 0 to 10, or nothing."""
        return values.score(self._get(key), what=what)

    def number(self, key: str, *, what: str) -> float | None:
        """A positive number (minutes), or nothing."""
        value = self._get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise UserError(f"{what} must be a positive number.", usage=True)
        if value >= 60 * 24 * 366:
            raise UserError(f"{what} must be less than a year.", usage=True)
        return float(value)

    def whole(self, key: str, *, allowed: tuple[int, ...], what: str) -> int | None:
        value = self._get(key)
        if value is None:
            return None
        if isinstance(value, bool) or value not in allowed:
            shown = " or ".join(str(a) for a in allowed)
            raise UserError(f"{what} must be {shown}.", usage=True)
        return int(value)

    def choice(self, key: str, enum: type[E], *, what: str) -> E | None:
        value = self._get(key)
        if value is None or value == "":
            return None
        for member in enum:
            if member.value == value:
                return member
        known = ", ".join(m.value for m in enum)
        raise UserError(f"{what} must be one of: {known}.", usage=True)

    def one_of(self, key: str, allowed: tuple[str, ...], *, what: str) -> str:
        value = self._get(key) or ""
        if value not in allowed:
            known = ", ".join(a for a in allowed if a)
            raise UserError(f"{what} must be one of: {known}.", usage=True)
        return str(value)

    def moment(self, key: str, *, what: str) -> datetime | None:
        """A date and time; without a zone it is the rep's local time."""
        value = self._get(key)
        if value is None or value == "":
            return None
        try:
            moment = datetime.fromisoformat(str(value))
            moment = moment if moment.tzinfo is not None else moment.astimezone()
        except (ValueError, OverflowError, OSError):
            raise UserError(
                f"{what} must be a date and time like 2026-11-26T10:00.", usage=True
            ) from None
        return values.moment(moment, what=what)

    def raw(self, key: str) -> Any:
        return self._get(key)


class CommandTable:
    """Every command the channel answers, each a thin call into the service."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._replies: OrderedDict[tuple[str, str], Reply] = OrderedDict()
        # Remembered replies may hold what the rep wrote (a status names the call): they
        # go when the journal is locked.
        service.lock_changed.connect(lambda locked: self._replies.clear() if locked else None)
        self.routes: dict[str, Callable[[Args], Reply]] = {
            "flag": self.flag,
            "dialed": self.dialed,
            "call-start": self.call_start,
            "call-end": self.call_end,
            "note": self.note,
            "status": self.status,
            "show": self.show,
            "config-set": self.config_set,
            "import": self.import_file,
            "positive-add": self.positive_add,
            "followup-list": self.followup_list,
            "followup-add": self.followup_add,
            "followup-done": self.followup_done,
            "followup-cancel": self.followup_cancel,
            "followup-snooze": self.followup_snooze,
            "unlock": self.unlock,
            "lock": self.lock,
            "passphrase-set": self.passphrase_set,
            "passphrase-change": self.passphrase_change,
            "passphrase-remove": self.passphrase_remove,
        }

    def handle(self, command: str, args: Mapping[str, Any], request_id: str | None = None) -> Reply:
        """Run one command. A request id seen before gets the reply it got then."""
        key = (request_id, command) if request_id is not None else None
        if key is not None and key in self._replies:
            return self._replies[key]
        reply = self._run(command, args)
        if key is not None:
            self._replies[key] = reply
            while len(self._replies) > REMEMBERED_REPLIES:
                self._replies.popitem(last=False)
        return reply

    def _run(self, command: str, args: Mapping[str, Any]) -> Reply:
        route = self.routes.get(command)
        if route is None:
            return {"ok": False, "usage": True, "error": f"Unknown command {command!r}."}
        try:
            reply = route(Args(args))
        except UserError as exc:
            return {"ok": False, "usage": exc.usage, "error": exc.message}
        reply.setdefault("ok", True)
        reply["saved"] = self.service.durable
        if not reply["saved"]:
            reply["unsaved"] = self.service.unsaved_sentence()
        return reply

    # -- the loop ---------------------------------------------------------------------

    def flag(self, a: Args) -> Reply:
        outcome = self.service.flag(
            a.text("label", limit=MAX_LABEL, what="The label"),
            a.score("rough", what="How rough it felt"),
        )
        if outcome.already_on_break:
            message = "You're already on a break; the break window is open."
        else:
            message = f"Flagged. Take {outcome.break_minutes:g} minutes: the break window is open."
        return {"message": message, "incident_id": outcome.incident.id}

    def dialed(self, a: Args) -> Reply:
        incident = self.service.dialed()
        if incident is None or incident.time_to_dial is None:
            return {"message": "No tough call was waiting for a next dial; nothing to record."}
        seconds = incident.time_to_dial.total_seconds()
        after = "within a minute of" if seconds < 60 else f"{seconds / 60:.0f} min after"
        return {
            "message": f"Back on the phone {after} the tough call. Well done.",
            "incident_id": incident.id,
            "time_to_next_dial_seconds": round(seconds, 3),
        }

    def call_start(self, a: Args) -> Reply:
        self.service.call_started(a.text("app", limit=100, what="The app name"))
        return {"message": "On a call."}

    def call_end(self, a: Args) -> Reply:
        self.service.call_ended()
        return {"message": "Call ended."}

    def note(self, a: Args) -> Reply:
        reflection = Reflection(
            what_happened=a.text("what", what="What happened"),
            my_part=a.choice("my_part", MyPart, what="My part"),
            loss_reason=a.choice("reason", LossReason, what="The loss reason"),
            lesson=a.text("lesson", what="The lesson"),
            positives=a.texts("positives", what="The positives"),
            mood_after=a.score("feel", what="How you feel now"),
        )
        incident = self.service.save_note(a.text("incident") or None, reflection)
        kept = "Note saved." if self.service.durable else "Note kept."
        return {"message": f"{kept} Thank you for taking the time.", "incident_id": incident.id}

    def status(self, a: Args) -> Reply:
        status = self.service.status()
        status["upcoming_followups"] = [followup_json(i) for i in self.service.upcoming()]
        return {"status": status}

    def show(self, a: Args) -> Reply:
        window = a.one_of("window", WINDOWS, what="The window")
        tab = a.text("tab") if a.raw("tab") in TABS else ""
        self.service.request_window(window, tab)
        return {
            "message": {
                "journal": "The journal is open.",
                "insights": "Insights is open.",
                "settings": "Settings are open.",
            }.get(window, "Resilience is already running; it is in your tray.")
        }

    def config_set(self, a: Args) -> Reply:
        key = a.text("key", what="The setting")
        return {"value": self.service.set_setting(key, a.raw("value"))}

    # -- the record -------------------------------------------------------------------

    def import_file(self, a: Args) -> Reply:
        path = a.text("path", limit=4096, what="The file")
        if not path:
            raise UserError("Name the file to import.", usage=True)
        result = self.service.import_file(Path(path))
        return {"message": result.message, "added": result.added}

    def positive_add(self, a: Args) -> Reply:
        positive = self.service.add_positive(a.text("text", what="The positive"))
        return {"message": "Added to your positives. Nice one.", "id": positive.id}

    # -- follow-ups -------------------------------------------------------------------

    def followup_list(self, a: Args) -> Reply:
        return {"followups": [followup_json(item) for item in self.service.upcoming()]}

    def followup_add(self, a: Args) -> Reply:
        kind = a.choice("kind", FollowUpKind, what="The kind of follow-up")
        if kind is None:
            kinds = ", ".join(k.value for k in FollowUpKind)
            raise UserError(f"Kind must be one of: {kinds}.", usage=True)
        item = self.service.add_followup(
            kind,
            a.text("incident") or None,
            at=a.moment("at", what="The time"),
            in_minutes=a.number("in_minutes", what="The minutes"),
            months=a.whole("months", allowed=(1, 3), what="The months"),
            note=a.text("note", what="The note"),
        )
        when = item.followup.due_at.astimezone().strftime("%a %d %b %H:%M")
        return {
            "message": f"{texts.FOLLOW_UP_SHORT[kind]} planned for {when} "
            f"(id {item.followup.id[:8]}).",
            "followup": followup_json(item),
        }

    def followup_done(self, a: Args) -> Reply:
        followup = self.service.followup_done(self.service.find_followup(a.text("id")))
        return {"message": f"Marked done: {texts.FOLLOW_UP_SHORT[followup.kind]}. Well done."}

    def followup_cancel(self, a: Args) -> Reply:
        followup = self.service.followup_cancel(self.service.find_followup(a.text("id")))
        return {"message": f"Cancelled: {texts.FOLLOW_UP_SHORT[followup.kind]}."}

    def followup_snooze(self, a: Args) -> Reply:
        followup_id = self.service.find_followup(a.text("id"))
        minutes = a.number("minutes", what="The minutes") or 60.0
        followup = self.service.followup_snooze(followup_id, minutes)
        when = followup.due_at.astimezone().strftime("%a %d %b %H:%M")
        return {"message": f"Snoozed until {when}."}

    # -- the passphrase lock ----------------------------------------------------------

    def unlock(self, a: Args) -> Reply:
        if not self.service.protected:
            return {"message": "Your journal has no passphrase; there is nothing to unlock."}
        self.service.unlock(
            a.secret("passphrase", what="The passphrase"), remember=a.flag_("remember")
        )
        return {"message": "Your journal is unlocked."}

    def lock(self, a: Args) -> Reply:
        self.service.lock()
        return {"message": "Your journal is locked."}

    def passphrase_set(self, a: Args) -> Reply:
        self.service.set_passphrase(a.secret("passphrase", what="The passphrase"))
        return {
            "message": "Your journal is protected by your passphrase. Keep it safe: nobody "
            "can recover it for you."
        }

    def passphrase_change(self, a: Args) -> Reply:
        self.service.change_passphrase(
            a.secret("old", what="The current passphrase"),
            a.secret("new", what="The new passphrase"),
        )
        return {"message": "Your passphrase is changed."}

    def passphrase_remove(self, a: Args) -> Reply:
        self.service.remove_passphrase(a.secret("passphrase", what="The passphrase"))
        return {
            "message": "The passphrase lock is off: your journal is stored as plain text again."
        }


def followup_json(item: UpcomingItem) -> dict[str, Any]:
    followup = item.followup
    return {
        "id": followup.id,
        "kind": followup.kind.value,
        "title": item.title,
        "due_at": followup.due_at.isoformat(),
        "incident_id": followup.incident_id,
        "state": followup.state.value,
        "note": followup.note,
    }
