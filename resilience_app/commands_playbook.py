"""The channel's playbook commands (`resilience playbook add|list|answer|tag|merge|talk|
practise`): each a thin call into the playbook room (`service/playbook.py`), its arguments
read into domain values first. Kept beside `commands.py`, whose table takes these routes as
its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from resilience_app import i18n
from resilience_app.core import texts
from resilience_app.core.playbook import MAX_TAGS, PlaybookEntry, PlaybookError
from resilience_app.core.practice import PRACTICE_TIME
from resilience_app.core.values import MAX_LABEL
from resilience_app.i18n import _, ngettext
from resilience_app.service.service import Service

if TYPE_CHECKING:  # for the annotations only: commands.py imports this module
    from resilience_app.commands import Args

Reply = dict[str, Any]


def entry_json(entry: PlaybookEntry) -> dict[str, Any]:
    """An entry as `playbook list --json` prints it."""

    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": entry.id,
        "said": entry.said,
        "answer": entry.answer,
        "tags": list(entry.tags),
        "times": entry.times,
        "call_ids": list(entry.call_ids),
        "also_said": list(entry.also_said),
        "earlier": [{"text": w.text, "until": w.until.isoformat()} for w in entry.earlier],
        "created_at": entry.created_at.isoformat(),
        "answered_at": when(entry.answered_at),
        "practised_at": when(entry.practised_at),
        "box": entry.box,
        "due_at": when(entry.due_at),
    }


class PlaybookCommands:
    """`playbook-add`, `playbook-list`, `playbook-answer`, `playbook-tag`, `playbook-merge`,
    `playbook-talk`, `playbook-due` (the cards of a practice round, and its time),
    `playbook-practise` (one card marked)."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def routes(self) -> dict[str, Callable[[Args], Reply]]:
        return {
            "playbook-add": self.add,
            "playbook-list": self.list,
            "playbook-answer": self.answer,
            "playbook-tag": self.tag,
            "playbook-merge": self.merge,
            "playbook-talk": self.talk,
            "playbook-due": self.due,
            "playbook-practise": self.practise,
        }

    def add(self, a: Args) -> Reply:
        tags = a.texts("tags", limit=MAX_LABEL, what=_("The tags"))[:MAX_TAGS]
        entry = self.service.playbook.add(
            a.text("said", limit=MAX_LABEL * 4, what=_("What they said")),
            answer=a.text("answer", what=_("Your answer")),
            tags=tags,
            call_id=a.text("incident", limit=MAX_LABEL, what=_("The call")) or None,
        )
        # Translators: {id} is the first characters of the entry's id.
        message = _("Kept in your playbook (id {id}).").format(id=entry.id[:8])
        return {"message": message, "entry": entry_json(entry)}

    def list(self, a: Args) -> Reply:
        found = self.service.playbook.entries(
            a.text("search", limit=MAX_LABEL, what=_("The search"))
        )
        return {"entries": [entry_json(e) for e in found]}

    def answer(self, a: Args) -> Reply:
        book = self.service.playbook
        entry = book.answer(
            book.find(a.text("id", limit=MAX_LABEL)),
            a.text("text", what=_("Your answer")),
        )
        # Translators: {id} is the first characters of the entry's id.
        said = _("Your answer is kept (id {id}).").format(id=entry.id[:8])
        if entry.earlier:
            said += " " + _("The earlier wording is kept too.")
        return {"message": said, "entry": entry_json(entry)}

    def due(self, a: Args) -> Reply:
        session = self.service.playbook.practice_round()
        reply: Reply = {
            "cards": [entry_json(e) for e in session.cards],
            "seconds": int(PRACTICE_TIME.total_seconds()),
        }
        if session.empty:
            reply["message"] = _(
                "Practice needs an answer first. Write one with `resilience playbook answer "
                "ID TEXT` (the ids are in `resilience playbook list`), or in your journal's "
                "Playbook tab."
            )
        return reply

    def practise(self, a: Args) -> Reply:
        book = self.service.playbook
        had_it = a.flag_("had_it")
        if had_it is None:
            raise PlaybookError(
                _("Say whether you had it (true) or want it again (false)."), usage=True
            )
        entry = book.practise(book.find(a.text("id", limit=MAX_LABEL)), had_it)
        return {"message": _("Marked."), "entry": entry_json(entry)}

    def tag(self, a: Args) -> Reply:
        book = self.service.playbook
        tags = a.texts("tags", limit=MAX_LABEL, what=_("The tags"))[:MAX_TAGS]
        if not tags:
            raise PlaybookError(_("Give at least one tag."), usage=True)
        entry = book.tag(book.find(a.text("id", limit=MAX_LABEL)), tags)
        # Translators: {id} is the first characters of the entry's id; {tags} its tags.
        message = _("Entry {id} is tagged: {tags}.").format(
            id=entry.id[:8], tags=", ".join(texts.playbook_tag(t) for t in entry.tags)
        )
        return {"message": message, "entry": entry_json(entry)}

    def merge(self, a: Args) -> Reply:
        book = self.service.playbook
        keep = book.find(a.text("keep", limit=MAX_LABEL))
        gone = book.find(a.text("gone", limit=MAX_LABEL))
        entry = book.merge(keep, gone)
        n = entry.times
        # Translators: {id} is the first characters of the entry kept; {n} how often the
        # question came up, counting both entries.
        message = ngettext(
            "Merged into {id}: it came up {n} time.", "Merged into {id}: it came up {n} times.", n
        ).format(id=entry.id[:8], n=n)
        return {"message": message, "entry": entry_json(entry)}

    def talk(self, a: Args) -> Reply:
        book = self.service.playbook
        followup = self.service.followup_desk.talk_it_over(
            book.find(a.text("id", limit=MAX_LABEL)),
            at=a.moment("at", what=_("The time")),
            in_minutes=a.number("in_minutes", what=_("The minutes")),
        )
        # Translators: {when} is the day and time the rep plans to talk an entry over.
        message = _("Talk it over: planned for {when}.").format(
            when=i18n.format_datetime(followup.due_at)
        )
        return {
            "message": message,
            "followup_id": followup.id,
            "due_at": followup.due_at.isoformat(),
        }
