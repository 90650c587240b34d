"""The follow-ups file (``journal/followups.json``): every follow-up in one file, so
reminders months away are found at start. It holds the rep's own scripts too
(`storage/scripts.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resilience_app.core.models import FollowUp, FollowUpState
from resilience_app.storage.codec import followup_from_dict, followup_to_dict
from resilience_app.storage.journal_file import FOLLOWUP_TABLES, JournalFile
from resilience_app.storage.layout import FOLLOWUPS_FILE

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store


class FollowupFile:
    """The follow-ups, in their own file, read when first asked for."""

    def __init__(self, store: Store) -> None:
        # The Store this part belongs to: its other parts, its lock, its notices.
        self.store = store
        self.book_file: JournalFile | None = None  # read when first needed

    def book(self) -> JournalFile:
        if self.book_file is None:
            self.book_file = self.store.damaged.open(
                self.store.journal_dir / FOLLOWUPS_FILE, FOLLOWUP_TABLES
            )
        return self.book_file

    def save_followup(self, followup: FollowUp) -> None:
        self.store.generation += 1
        book = self.book()
        self.store.backups.before_change(book)
        doc = self.store.writes.encode(
            book.name, "followups", followup_to_dict(followup), followup.sealed
        )
        self.store.durability.durably(lambda: book.upsert("followups", followup.id, doc))

    def followup(self, followup_id: str) -> FollowUp | None:
        book = self.book()
        doc = book.get("followups", followup_id)
        found = self.store.aside.decoded(
            book, "followups", followup_from_dict, [doc] if doc else []
        )
        return found[0] if found else None

    def followups(self, *, state: FollowUpState | None = None) -> list[FollowUp]:
        book = self.book()
        wanted = [
            doc
            for doc in book.docs("followups")
            if state is None or doc.get("state") == state.value
        ]
        return sorted(
            self.store.aside.decoded(book, "followups", followup_from_dict, wanted),
            key=lambda f: f.due_at,
        )
