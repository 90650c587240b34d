"""The playbook outside the journal: "Add to my playbook…" from the tray (kept through
`service.playbook.add`, locked or not), and the reminder to write an answer, which opens
the entry in the journal's Playbook tab."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from resilience_app.core.errors import UserError
from resilience_app.core.models import Phase
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.service import Service
from resilience_app.ui.presenters.base import BasePresenter

if TYPE_CHECKING:
    from resilience_app.ui.playbook_add import PlaybookAddDialog


class PlaybookPresenter(BasePresenter):
    def __init__(
        self, service: Service, owner: QObject, *, open_entry: Callable[[str], None]
    ) -> None:
        super().__init__(service, owner)
        self._open_entry = open_entry  # the journal, on its Playbook tab, at this entry
        self._kept: tuple[str, str, str] | None = None  # typed in the dialog when it locked
        service.playbook.reminder_sent.connect(self._reminded)

    @cached_property
    def add_dialog(self) -> PlaybookAddDialog:
        from resilience_app.ui.playbook_add import PlaybookAddDialog

        dialog = PlaybookAddDialog()
        dialog.save_requested.connect(self._add)
        return dialog

    def open_add(self) -> None:
        self.add_dialog.ask()

    def _add(self, said: str, answer: str, tag: str) -> None:
        dialog = self.add_dialog
        try:
            self.service.playbook.add(said, answer=answer, tags=[tag] if tag.strip() else [])
        except UserError as exc:
            dialog.show_error(exc.message)
            return
        dialog.saved()

    def _reminded(self, entry: PlaybookEntry) -> None:
        """The reminder opens the entry, its answer box ready; not while locked (the
        reminder asks to unlock then), nor during a break or a call (the service holds
        the reminder then; this makes sure)."""
        service = self.service
        if service.locked or service.phase is Phase.BREAK or service.calls.on_call:
            return
        self._open_entry(entry.id)

    def locked(self) -> None:
        """The journal locked: what was typed in the dialog leaves the screen with the key
        (kept in memory, nothing saved), and comes back once it is unlocked."""
        dialog = self.built("add_dialog")
        if dialog is None or not dialog.isVisible():
            return
        self._kept = (dialog.said.text(), dialog.answer.toPlainText(), dialog.tag.currentText())
        dialog.said.clear()
        dialog.answer.clear()
        dialog.tag.setCurrentIndex(0)
        dialog.hide()

    def unlocked(self) -> None:
        kept, self._kept = self._kept, None
        if kept is not None:
            self._again(*kept)

    def windows(self) -> list[Any]:
        return [w for w in (self.built("add_dialog"),) if w is not None]

    def forget(self) -> Callable[[], None]:
        """Drop the dialog for a new language; the callable shows it again, with what was
        typed in it."""
        typed = None
        for dialog in self.drop("add_dialog"):
            if dialog.isVisible():
                typed = (dialog.said.text(), dialog.answer.toPlainText(), dialog.tag.currentText())
            dialog.hide()
            dialog.deleteLater()
        return (lambda: self._again(*typed)) if typed is not None else lambda: None

    def _again(self, said: str, answer: str, tag: str) -> None:
        dialog = self.add_dialog
        dialog.said.setText(said)
        dialog.answer.setPlainText(answer)
        dialog.tag.setCurrentText(tag)
        dialog.ask()
