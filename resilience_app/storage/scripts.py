"""The rep's own follow-up scripts, kept in the follow-ups file (table ``scripts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from resilience_app.storage.codec import BadRecord

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store


@dataclass
class Script:
    text: str
    sealed: str | None = None  # read while locked


def script_from_dict(data: Any) -> Script:
    if not isinstance(data, dict) or not isinstance(data.get("text", ""), str):
        raise BadRecord("a script that is not text")
    return Script(str(data.get("text", "")))


class Scripts:
    """The rep's own script for each follow-up kind (None: the app's own is used)."""

    def __init__(self, store: Store) -> None:
        # The Store this part belongs to: its other parts, its lock, its notices.
        self.store = store

    def script(self, kind: str) -> str | None:
        """The rep's own script for a follow-up kind, or None (the app's is used)."""
        book = self.store.followup_file.book()
        doc = book.get("scripts", kind)
        found = self.store.aside.decoded(book, "scripts", script_from_dict, [doc] if doc else [])
        return found[0].text if found and found[0].text else None

    def save_script(self, kind: str, text: str | None) -> None:
        """Keep the rep's version of a kind's script (None: back to the app's own)."""
        self.store.generation += 1
        book = self.store.followup_file.book()
        self.store.backups.before_change(book)
        if text is None:
            self.store.durability.durably(lambda: book.remove({"scripts": [kind]}))
            return
        doc = self.store.writes.encode(book.name, "scripts", {"id": kind, "text": text}, None)
        self.store.durability.durably(lambda: book.upsert("scripts", kind, doc))
