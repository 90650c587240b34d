"""The rep's playbook, kept in the follow-ups file (table ``playbook``): every entry in
one file, so the card before a call and the reminders are found at start without reading
the months. Their words, the answer, its earlier wordings and the tags are private (see
`sealing.PRIVATE`): sealed when the journal is protected.

Written like a follow-up: one durable write of that file per change, a backup of the day
taken first, a record that does not decode set aside alone."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from resilience_app.core.playbook import BOX_DAYS, PlaybookEntry, Wording
from resilience_app.storage.codec import BadRecord, decoding
from resilience_app.storage.codec import _parse_when as parse_when

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store

TABLE = "playbook"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def entry_to_dict(entry: PlaybookEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "said": entry.said,
        "created_at": entry.created_at.isoformat(),
        "answer": entry.answer,
        "answered_at": _when(entry.answered_at),
        "earlier": [{"text": w.text, "until": w.until.isoformat()} for w in entry.earlier],
        "also_said": list(entry.also_said),
        "tags": list(entry.tags),
        "call_ids": list(entry.call_ids),
        "alone": entry.alone,
        "practised_at": _when(entry.practised_at),
        "box": entry.box,
        "due_at": _when(entry.due_at),
        "reminded_at": _when(entry.reminded_at),
        "merged_into": entry.merged_into,
    }


def _moment(value: Any) -> datetime | None:
    return parse_when(value)


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRecord("a list of texts holds something else")
    return list(value)


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRecord("a text field holds something else")
    return value


@decoding("playbook entry")
def entry_from_dict(data: dict[str, Any]) -> PlaybookEntry:
    if not isinstance(data.get("id"), str) or not data["id"]:
        raise BadRecord("a record without an id")
    created = _moment(data.get("created_at"))
    if created is None:
        raise BadRecord("a required time is missing")
    box = data.get("box", 0)
    if isinstance(box, bool) or not isinstance(box, int) or not 0 <= box <= len(BOX_DAYS):
        raise BadRecord("a box out of range")
    earlier = data.get("earlier") or []
    if not isinstance(earlier, list):
        raise BadRecord("earlier wordings that are not a list")
    wordings = []
    for item in earlier:
        until = _moment(item.get("until")) if isinstance(item, dict) else None
        if until is None:
            raise BadRecord("an earlier wording without its time")
        wordings.append(Wording(_str(item.get("text")), until))
    alone = data.get("alone", 0)
    if isinstance(alone, bool) or not isinstance(alone, int) or alone < 0:
        raise BadRecord("a count that is not a whole number")
    merged_into = data.get("merged_into")
    if merged_into is not None and (not isinstance(merged_into, str) or not merged_into):
        raise BadRecord("merged into something that is not an id")
    return PlaybookEntry(
        id=data["id"],
        said=_str(data.get("said")),
        created_at=created,
        answer=_str(data.get("answer")),
        answered_at=_moment(data.get("answered_at")),
        earlier=wordings,
        also_said=_texts(data.get("also_said")),
        tags=_texts(data.get("tags")),
        call_ids=_texts(data.get("call_ids")),
        alone=alone,
        practised_at=_moment(data.get("practised_at")),
        box=box,
        due_at=_moment(data.get("due_at")),
        reminded_at=_moment(data.get("reminded_at")),
        merged_into=merged_into,
    )


class Playbook:
    """The playbook's entries, in the follow-ups file."""

    def __init__(self, store: Store) -> None:
        # The Store this part belongs to: its other parts, its lock, its notices.
        self.store = store
        # What was decoded last, and from which version of the file under which key: the
        # wake-ups ask for every entry often, and opening thousands of seals each time
        # would cost the rep's idle CPU for nothing.
        self._decoded: tuple[Any, list[PlaybookEntry]] | None = None

    def save_entry(self, entry: PlaybookEntry) -> None:
        self.save_entries([entry])

    def save_entries(self, entries: list[PlaybookEntry]) -> None:
        """One durable write for them all (a merge changes two entries at once)."""
        self.store.generation += 1
        book = self.store.followup_file.book()
        self.store.backups.before_change(book)
        rows = [
            (e.id, self.store.writes.encode(book.name, TABLE, entry_to_dict(e), e.sealed))
            for e in entries
        ]
        self.store.durability.durably(lambda: book.put_many({TABLE: rows}))

    def entry(self, entry_id: str) -> PlaybookEntry | None:
        book = self.store.followup_file.book()
        doc = book.get(TABLE, entry_id)
        found = self.store.aside.decoded(book, TABLE, entry_from_dict, [doc] if doc else [])
        return found[0] if found else None

    def entries(self) -> list[PlaybookEntry]:
        """Every entry (merged ones too), the oldest first. Entries are shared with later
        callers until the file changes: change one with `dataclasses.replace` and save it,
        never in place."""
        book = self.store.followup_file.book()
        key = (book.version, self.store.months.key_epoch, self.store.locked)
        if self._decoded is not None and self._decoded[0] == key:
            return list(self._decoded[1])
        found = self.store.aside.decoded(book, TABLE, entry_from_dict)
        entries = sorted(found, key=lambda e: (e.created_at, e.id))
        # Setting a bad record aside changed the file: keyed by what it is now.
        self._decoded = ((book.version, self.store.months.key_epoch, self.store.locked), entries)
        return list(entries)
