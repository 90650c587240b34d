"""The Playbook tab's tags, merge and talk it over (`ui/playbook_edit.py`): what the rep
asked for, passed to the service (`service.playbook`, `service.followup_desk`); a refusal
is shown as its sentence, and what the rep ticked, typed or picked stays as it was."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resilience_app.core.errors import UserError
from resilience_app.i18n import _, ngettext
from resilience_app.service import Service
from resilience_app.ui.playbook_edit import talk_text

if TYPE_CHECKING:
    from resilience_app.ui.playbook_edit import MergeDialog
    from resilience_app.ui.playbook_tab import PlaybookTab


class PlaybookActions:
    """Wires one Playbook tab to the service."""

    def __init__(self, service: Service, tab: PlaybookTab) -> None:
        self.service = service
        self.tab = tab
        self.dialog: MergeDialog | None = None  # the merge being picked, if any
        tab.tags_saved.connect(self._tag)
        tab.merge_wanted.connect(self._pick_merge)
        tab.talk_wanted.connect(self._talk)

    def _tag(self, entry_id: str, tags: list[str]) -> None:
        try:
            self.service.playbook.tag(entry_id, tags, only=True)  # shown again when it says so
        except UserError as exc:
            self.tab.show_status(exc.message)
            return
        self.tab.show_status(_("The tags are kept."))

    def _pick_merge(self, keep_id: str) -> None:
        dialog = self.tab.merge_dialog(keep_id)
        if dialog is None:
            return
        self.dialog = dialog
        dialog.search_changed.connect(lambda text: self._search(dialog, text))
        dialog.merge_chosen.connect(lambda keep, gone: self._merge(dialog, keep, gone))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self._search(dialog, "")
        dialog.open()
        dialog.search.setFocus()

    def locked(self) -> None:
        """The merge being picked shows their words: it goes with the key."""
        if self.dialog is not None:
            self.dialog.reject()

    def _closed(self, dialog: MergeDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _search(self, dialog: MergeDialog, text: str) -> None:
        try:
            dialog.show_entries(self.service.playbook.entries(text))
        except UserError as exc:
            dialog.show_status(exc.message)

    def _merge(self, dialog: MergeDialog, keep_id: str, gone_id: str) -> None:
        try:
            merged = self.service.playbook.merge(keep_id, gone_id)
        except UserError as exc:
            dialog.show_status(exc.message)  # the dialog stays, the choice with it
            return
        dialog.accept()
        n = merged.times
        self.tab.show_status(
            # Translators: two playbook entries were made one; {n} how often it came up.
            ngettext(
                "Merged: one entry now, it came up {n} time.",
                "Merged: one entry now, it came up {n} times.",
                n,
            ).format(n=n)
        )

    def _talk(self, entry_id: str) -> None:
        try:
            talk = self.service.followup_desk.talk_it_over(entry_id)
        except UserError as exc:
            self.tab.show_status(exc.message)
            return
        self.tab.show_status(talk_text(talk) + ". " + _("You can move it under Upcoming."))
