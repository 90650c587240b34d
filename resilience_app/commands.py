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

from resilience_app import i18n
from resilience_app.command_names import NEEDS_APP, READ_ONLY
from resilience_app.commands_notes import NoteCommands
from resilience_app.commands_playbook import PlaybookCommands
from resilience_app.core import sizes, texts, values, workhours
from resilience_app.core.errors import UserError
from resilience_app.core.models import FollowUpKind, FollowUpOutcome
from resilience_app.core.values import MAX_LABEL, MAX_TEXT
from resilience_app.i18n import _, ngettext
from resilience_app.service.service import Service
from resilience_app.service.views import UpcomingItem

log = logging.getLogger(__name__)

__all__ = ["NEEDS_APP", "READ_ONLY", "Args", "CommandTable", "followup_json"]

Reply = dict[str, Any]
E = TypeVar("E", bound=StrEnum)

WINDOWS = ("", "journal", "insights", "settings")
TABS = ("positives", "calls", "upcoming", "playbook")
# Replies kept for request ids, so a client that resends (its connection dropped before
# the answer came) gets the first answer instead of doing the thing twice.
REMEMBERED_REPLIES = 256
MAX_SECRET = values.MAX_PASSPHRASE


class Args:
    """A request's arguments, read into domain values; a sentence for anything wrong.

    `what` names an argument in the rep's language, as the subject of those sentences ("The
    label"); without it, the argument's own key stands in."""

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
            raise UserError(
                # Translators: {what} names what the rep gave, already translated ("The positives").
                _("{what} must be a list of texts.").format(what=what or key),
                usage=True,
            )
        if len(value) > values.MAX_POSITIVES:
            raise UserError(
                # Translators: {what} names a list the rep gave ("The positives"); {n} how many
                # it may hold at most.
                _("{what} may have at most {n}.").format(what=what or key, n=values.MAX_POSITIVES),
                usage=True,
            )
        return [values.text(v, what=what or key, limit=limit) for v in value]

    def secret(self, key: str, *, what: str) -> str:
        """A passphrase exactly as typed (never trimmed, never logged)."""
        value = self._get(key)
        if not isinstance(value, str) or not value:
            # Translators: {what} names a passphrase, already translated ("The new passphrase").
            raise UserError(_("{what} is missing.").format(what=what), usage=True)
        if len(value) > MAX_SECRET or not values.is_text(value):
            raise UserError(
                # Translators: {what} names a passphrase, already translated ("The passphrase").
                ngettext(
                    "{what} must be valid text of at most {n} character.",
                    "{what} must be valid text of at most {n} characters.",
                    MAX_SECRET,
                ).format(what=what, n=MAX_SECRET),
                usage=True,
            )
        return value

    def flag_(self, key: str) -> bool | None:
        value = self._get(key)
        if value is None or isinstance(value, bool):
            return value
        # Translators: {key} is the name of a request's field, as written in it ("remember").
        raise UserError(_("{key} must be true or false.").format(key=key), usage=True)

    def score(self, key: str, *, what: str) -> int | None:
        """A whole number from 0 to 10, or nothing."""
        return values.score(self._get(key), what=what)

    def number(self, key: str, *, what: str) -> float | None:
        """A positive number (minutes), or nothing."""
        value = self._get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            # Translators: {what} names a number the rep gave, already translated ("The minutes").
            raise UserError(_("{what} must be a positive number.").format(what=what), usage=True)
        if value >= 60 * 24 * 366:
            # Translators: {what} names a number of minutes, already translated ("The minutes").
            raise UserError(_("{what} must be less than a year.").format(what=what), usage=True)
        return float(value)

    def whole(self, key: str, *, allowed: tuple[int, ...], what: str) -> int | None:
        value = self._get(key)
        if value is None:
            return None
        if isinstance(value, bool) or value not in allowed:
            if len(allowed) == 2:
                # Translators: {what} names a number the rep gave ("The months"); {first} and
                # {second} the two values it may have (1 or 3).
                text = _("{what} must be {first} or {second}.").format(
                    what=what, first=allowed[0], second=allowed[1]
                )
            else:
                text = _("{what} must be one of: {known}.").format(
                    what=what, known=", ".join(str(a) for a in allowed)
                )
            raise UserError(text, usage=True)
        return int(value)

    def choice(self, key: str, enum: type[E], *, what: str) -> E | None:
        value = self._get(key)
        if value is None or value == "":
            return None
        for member in enum:
            if member.value == value:
                return member
        known = ", ".join(m.value for m in enum)
        raise UserError(
            # Translators: {what} names what the rep gave ("My part"); {known} the values it may
            # have, as typed, in English ("unprepared, pushed_too_hard, ...").
            _("{what} must be one of: {known}.").format(what=what, known=known),
            usage=True,
        )

    def one_of(self, key: str, allowed: tuple[str, ...], *, what: str) -> str:
        value = self._get(key) or ""
        if value not in allowed:
            known = ", ".join(a for a in allowed if a)
            raise UserError(
                _("{what} must be one of: {known}.").format(what=what, known=known), usage=True
            )
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
                # Translators: {what} names a moment the rep gave, already translated ("The time").
                _("{what} must be a date and time like 2026-11-26T10:00.").format(what=what),
                usage=True,
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
            "pause": self.pause,
            "resume": self.resume,
            "unlock": self.unlock,
            "lock": self.lock,
            "passphrase-set": self.passphrase_set,
            "passphrase-change": self.passphrase_change,
            "passphrase-remove": self.passphrase_remove,
            **NoteCommands(service).routes(),  # note
            **PlaybookCommands(service).routes(),  # playbook-add, -list, -answer
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
            # Translators: {command} is the name of a command as it was sent, in quotes.
            error = _("Unknown command {command}.").format(command=repr(command))
            return {"ok": False, "usage": True, "error": error}
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
            a.text("label", limit=MAX_LABEL, what=_("The label")),
            a.score("rough", what=_("How rough it felt")),
            a.choice("size", sizes.LossSize, what=_("How big it was")),
        )
        if outcome.held:
            message = _(texts.BREAK_HELD)
        elif outcome.already_on_break:
            message = _("You're already on a break; the break window is open.")
        else:
            minutes = outcome.break_minutes
            message = ngettext(
                "Flagged. Take {n} minute: the break window is open.",
                "Flagged. Take {n} minutes: the break window is open.",
                round(minutes),
            ).format(n=_number(minutes))
        return {"message": message, "incident_id": outcome.incident.id}

    def dialed(self, a: Args) -> Reply:
        incident = self.service.dialed()
        if incident is None or incident.time_to_dial is None:
            return {"message": _("No tough call was waiting for a next dial; nothing to record.")}
        seconds = incident.time_to_dial.total_seconds()
        if seconds < 60:
            message = _("Back on the phone within a minute of the tough call. Well done.")
        else:
            minutes = round(seconds / 60)
            message = ngettext(
                "Back on the phone {n} min after the tough call. Well done.",
                "Back on the phone {n} min after the tough call. Well done.",
                minutes,
            ).format(n=i18n.format_number(minutes))
        return {
            "message": message,
            "incident_id": incident.id,
            "time_to_next_dial_seconds": round(seconds, 3),
        }

    def call_start(self, a: Args) -> Reply:
        self.service.call_started(a.text("app", limit=100, what=_("The app name")))
        return {"message": _("On a call.")}

    def call_end(self, a: Args) -> Reply:
        self.service.call_ended()
        return {"message": _("Call ended.")}

    def status(self, a: Args) -> Reply:
        status = self.service.status()
        status["upcoming_followups"] = [followup_json(i) for i in self.service.upcoming()]
        return {"status": status}

    def show(self, a: Args) -> Reply:
        window = a.one_of("window", WINDOWS, what=_("The window"))
        tab = a.text("tab") if a.raw("tab") in TABS else ""
        self.service.request_window(window, tab)
        if window == "journal":
            message = _("The journal is open.")
        elif window == "insights":
            # Translators: "Insights" is the name of the window with the rep's patterns.
            message = _("Insights is open.")
        elif window == "settings":
            message = _("Settings are open.")
        else:
            message = _("Resilience is already running; it is in your tray.")
        return {"message": message}

    def config_set(self, a: Args) -> Reply:
        key = a.text("key", what=_("The setting"))
        return {"value": self.service.set_setting(key, a.raw("value"))}

    # -- the record -------------------------------------------------------------------

    def import_file(self, a: Args) -> Reply:
        path = a.text("path", limit=4096, what=_("The file"))
        if not path:
            raise UserError(_("Name the file to import."), usage=True)
        result = self.service.import_file(Path(path))
        return {"message": result.message, "added": result.added}

    def positive_add(self, a: Args) -> Reply:
        positive = self.service.add_positive(a.text("text", what=_("The positive")))
        return {"message": _("Added to your positives. Nice one."), "id": positive.id}

    # -- follow-ups -------------------------------------------------------------------

    def followup_list(self, a: Args) -> Reply:
        return {"followups": [followup_json(item) for item in self.service.upcoming()]}

    def followup_add(self, a: Args) -> Reply:
        kind = a.choice("kind", FollowUpKind, what=_("The kind of follow-up"))
        if kind is None:
            kinds = ", ".join(k.value for k in FollowUpKind)
            # Translators: {kinds} are the kinds of follow-up, as typed, in English.
            raise UserError(_("Kind must be one of: {kinds}.").format(kinds=kinds), usage=True)
        item = self.service.add_followup(
            kind,
            a.text("incident") or None,
            at=a.moment("at", what=_("The time")),
            in_minutes=a.number("in_minutes", what=_("The minutes")),
            months=a.whole("months", allowed=(1, 3), what=_("The months")),
            note=a.text("note", what=_("The note")),
        )
        # Translators: {followup} is the kind of follow-up ("Debrief call"), {when} a day and
        # time, {id} the first characters of its id (to name it in other commands).
        message = _("{followup} planned for {when} (id {id}).").format(
            followup=texts.follow_up_short(kind),
            when=i18n.format_datetime(item.followup.due_at),
            id=item.followup.id[:8],
        )
        return {"message": message, "followup": followup_json(item)}

    def followup_done(self, a: Args) -> Reply:
        """Done (with what came of it); for one already done, what came of it."""
        outcome = a.choice("outcome", FollowUpOutcome, what=_("The outcome"))
        note = a.text("note", what=_("What you heard"))
        followup, done_now = self.service.followup_done_or_outcome(a.text("id"), outcome, note)
        message = (
            # Translators: {followup} is the kind of follow-up ("Debrief call").
            _("Marked done: {followup}. Well done.")
            if done_now
            # Translators: {followup} is the kind of follow-up ("Debrief call").
            else _("Noted what came of it: {followup}.")
        )
        return {
            "message": message.format(followup=texts.follow_up_short(followup.kind)),
            "outcome": followup.outcome.value if followup.outcome else None,
        }

    def followup_cancel(self, a: Args) -> Reply:
        followup = self.service.followup_cancel(self.service.find_followup(a.text("id")))
        # Translators: {followup} is the kind of follow-up ("Debrief call").
        message = _("Canceled: {followup}.")
        return {"message": message.format(followup=texts.follow_up_short(followup.kind))}

    def followup_snooze(self, a: Args) -> Reply:
        followup_id = self.service.find_followup(a.text("id"))
        minutes = a.number("minutes", what=_("The minutes")) or 60.0
        followup = self.service.followup_snooze(followup_id, minutes)
        # Translators: {when} is a day and time.
        message = _("Snoozed until {when}.")
        return {"message": message.format(when=i18n.format_datetime(followup.due_at))}

    # -- pause ------------------------------------------------------------------------

    def pause(self, a: Args) -> Reply:
        minutes = a.number("minutes", what=_("The minutes"))
        until_text = a.text("until", limit=5, what=_("The time"))
        until = workhours.parse_time(until_text) if until_text else None
        end = self.service.pause(minutes=minutes, until=until)
        return {
            "message": _("Nudges are paused until {time}. A flag still gives you a break.").format(
                time=i18n.format_datetime(end)
            ),
            "paused_until": end.isoformat(),
        }

    def resume(self, a: Args) -> Reply:
        self.service.resume()
        return {"message": _("Nudges are back on.")}

    # -- the passphrase lock ----------------------------------------------------------

    def unlock(self, a: Args) -> Reply:
        if not self.service.protected:
            return {"message": _("Your journal has no passphrase; there is nothing to unlock.")}
        found = self.service.unlock(
            a.secret("passphrase", what=_("The passphrase")), remember=a.flag_("remember")
        )
        # What unlocking found (a record that does not open, set aside) is said with it.
        return {"message": " ".join([_("Your journal is unlocked."), *found])}

    def lock(self, a: Args) -> Reply:
        self.service.lock()
        return {"message": _("Your journal is locked.")}

    def passphrase_set(self, a: Args) -> Reply:
        self.service.set_passphrase(a.secret("passphrase", what=_("The passphrase")))
        return {
            "message": _(
                "Your journal is protected by your passphrase. Keep it safe: nobody can recover "
                "it for you."
            )
        }

    def passphrase_change(self, a: Args) -> Reply:
        self.service.change_passphrase(
            a.secret("old", what=_("The current passphrase")),
            a.secret("new", what=_("The new passphrase")),
        )
        if self.service.running and self.service.locked:  # offline, nothing is open anyway
            return {
                "message": _(
                    "Your passphrase is changed. Your journal is still locked: unlock it with "
                    "the new passphrase."
                )
            }
        return {"message": _("Your passphrase is changed.")}

    def passphrase_remove(self, a: Args) -> Reply:
        self.service.remove_passphrase(a.secret("passphrase", what=_("The passphrase")))
        return {
            "message": _("The passphrase lock is off: your journal is stored as plain text again.")
        }


def _number(value: float) -> str:
    """A number of minutes as the locale writes it ("3", "2.5" / "2,5")."""
    return i18n.format_number(value, 0 if float(value).is_integer() else 1)


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
