"""The journal window: its calls and positives (searched on a thread of their own), the
upcoming follow-ups and their scripts, the playbook (`service.playbook`), delete and undo,
export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from resilience_app.core import texts
from resilience_app.core.errors import UserError
from resilience_app.core.models import Incident
from resilience_app.i18n import N_, _, ngettext
from resilience_app.service import Service
from resilience_app.ui.presenters.base import BasePresenter, attempt, bring_forward
from resilience_app.ui.presenters.playbook_actions import PlaybookActions

if TYPE_CHECKING:
    from resilience_app.ui.journal_model import JournalSearch
    from resilience_app.ui.journal_window import JournalWindow

JOURNAL_TABS = {"positives": 0, "calls": 1, "upcoming": 2, "playbook": 3}


class JournalPresenter(BasePresenter):
    """Shows the journal (once unlocked) and forwards what the rep does in it."""

    def __init__(
        self,
        service: Service,
        owner: QObject,
        *,
        when_unlocked: Callable[[str, Callable[[], None]], None],
        open_incident: Callable[[str], None],
        followup_action: Callable[[str, str], None],
        followups_changed: Callable[[], None],
        practise: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(service, owner)
        self._when_unlocked = when_unlocked
        self._open_incident = open_incident
        self._followup_action = followup_action
        self._followups_changed = followups_changed  # the tray's menu and the journal's list
        self._practise = practise  # the Playbook tab's "Practise my answers"
        service.journal_changed.connect(self.refresh)
        service.playbook.changed.connect(self.refresh_playbook)  # added, answered, merged…
        service.followups_changed.connect(self.refresh_playbook)  # a talk it over planned

    @cached_property
    def journal_window(self) -> JournalWindow:
        from resilience_app.ui.journal_window import JournalWindow

        window = JournalWindow()
        service = self.service
        window.refresh_requested.connect(self.refresh)
        window.hidden.connect(self._stop_search)
        window.add_positive_requested.connect(
            lambda text: attempt(lambda: service.add_positive(text))
        )
        window.open_incident_requested.connect(self._open_incident)
        window.delete_requested.connect(self._delete_incident)
        window.undo_requested.connect(self._undo_delete)
        window.followup_done_requested.connect(lambda i: self._followup_action(i, "done"))
        window.followup_cancel_requested.connect(lambda i: self._followup_action(i, "cancel"))
        window.followup_snooze_requested.connect(
            lambda i, minutes: attempt(lambda: service.followup_snooze(i, minutes))
        )
        window.followup_move_requested.connect(
            lambda i, due: attempt(lambda: service.followup_move(i, due))
        )
        window.export_requested.connect(self._export)
        window.script_requested.connect(self._show_script)
        window.script_saved.connect(lambda kind, text: self._keep_script(kind, text))
        window.script_reset.connect(lambda kind: self._keep_script(kind, None))
        window.playbook_search_changed.connect(lambda _text: self.refresh_playbook())
        window.playbook_answer_saved.connect(self._answer)
        window.playbook.practise_requested.connect(lambda: self._practise())
        self.playbook_actions = PlaybookActions(service, window.playbook)  # tags, merge, talk
        return window

    @cached_property
    def journal_search(self) -> JournalSearch:
        """Fills the journal's lists from a thread of its own (built with the window)."""
        from resilience_app.ui.journal_model import JournalSearch

        search = JournalSearch(self.service, self.owner)
        search.calls_found.connect(self._calls_found)
        search.positives_found.connect(self._positives_found)
        search.finished.connect(self._search_finished)
        return search

    def open(self, tab: str | None = None) -> None:
        self._when_unlocked(N_("Type your passphrase to read it."), self.show)
        if tab is not None:
            tabs = self.journal_window.tabs
            tabs.setCurrentIndex(JOURNAL_TABS.get(tab, 0))
            page = tabs.currentWidget()
            if page is not None and page.focusProxy() is not None:
                page.setFocus(Qt.FocusReason.OtherFocusReason)  # the keys where the tab starts

    def open_entry(self, entry_id: str) -> None:
        """The Playbook tab with this entry chosen and its answer box focused."""
        self.open("playbook")
        tab = self.journal_window.playbook
        if not tab.select(entry_id) and tab.search.text():
            tab.search.clear()  # searched away: the whole playbook again, then the entry
            tab.select(entry_id)

    def show(self) -> None:
        window = self.journal_window
        self._followups_changed()
        window.show()
        bring_forward(window)
        self.refresh()  # the lists fill in as the search goes
        self.refresh_playbook()

    def show_upcoming(self, items: list[Any]) -> None:
        window = self.built("journal_window")
        if window is not None:
            window.show_upcoming(items)

    def refresh(self) -> None:
        window = self.built("journal_window")
        if window is None or not window.isVisible() or self.service.locked:
            return  # searched again when it is shown
        window.begin_search()
        self.journal_search.start(window.call_filter(), window.positive_query())

    # -- the playbook -----------------------------------------------------------------------

    def refresh_playbook(self) -> None:
        """The playbook's entries found by what is typed in its search."""
        window = self.built("journal_window")
        if window is None or not window.isVisible() or self.service.locked:
            return  # read again when it is shown
        try:
            found = self.service.playbook.entries(window.playbook.search.text())
        except UserError as exc:
            window.playbook.show_status(exc.message)
            return
        window.playbook.show_entries(found, self.service.followup_desk.talks())

    def _answer(self, entry_id: str, text: str) -> None:
        window = self.journal_window
        try:
            self.service.playbook.answer(entry_id, text)  # shown again when it says so
        except UserError as exc:
            window.playbook.show_status(exc.message)
            return
        window.playbook.show_status(_("Your answer is kept; so is the wording before it."))

    def locked(self) -> None:
        """What the rep wrote leaves the screen with the key."""
        search = self.built("journal_search")
        if search is not None:
            search.stop()
        if self.built("journal_window") is not None:
            self.playbook_actions.locked()  # its merge dialog, a window of its own
        self.hide("journal_window")

    def _stop_search(self) -> None:
        """The journal went out of view: its search stops and what it decoded goes (all
        read again when it is shown)."""
        search = self.built("journal_search")
        if search is not None:
            search.release()

    def _current(self, token: int) -> JournalWindow | None:
        window = self.built("journal_window")
        return window if window is not None and token == self.journal_search.token else None

    def _calls_found(self, token: int, found: list[Incident]) -> None:
        if (window := self._current(token)) is not None:
            window.add_calls(found)

    def _positives_found(self, token: int, found: list[Any]) -> None:
        if (window := self._current(token)) is not None:
            window.add_positives(found)

    def _search_finished(self, token: int) -> None:
        if (window := self._current(token)) is not None:
            window.search_finished()

    def _delete_incident(self, incident_id: str) -> None:
        try:
            removed = self.service.delete_call(incident_id)
        except UserError as exc:
            self.journal_window.show_undo(exc.message)
            self.journal_window.undo_button.hide()
            return
        label = removed.incident.label
        self.journal_window.show_undo(
            _("Deleted the call with {label}.").format(label=label)
            if label
            else _("Deleted the call.")
        )

    def _undo_delete(self) -> None:
        attempt(self.service.undo_delete)
        self.journal_window.hide_undo()

    def _export(self, fmt: str, path: str, since: datetime | None, until: datetime | None) -> None:
        try:
            result = self.service.export(fmt, since, until, path=Path(path))
        except UserError as exc:
            self.journal_window.status.setText(exc.message)
            return
        self.journal_window.status.setText(
            ngettext(
                "Exported {n} call to {path}.", "Exported {n} calls to {path}.", result.calls
            ).format(n=result.calls, path=path)
            + (" " + result.unprotected if result.unprotected else "")
        )

    # -- the follow-ups' scripts ----------------------------------------------------------

    def _show_script(self, followup_id: str) -> None:
        found = next((i for i in self.service.upcoming() if i.followup.id == followup_id), None)
        window = self.built("journal_window")
        if found is None or window is None:
            return
        kind = found.followup.kind
        text, own = self.service.script(kind)
        window.show_script(kind.value, texts.follow_up_short(kind), text, own)

    def _keep_script(self, kind: str, text: str | None) -> None:
        from resilience_app.core.kinds import FollowUpKind

        window = self.built("journal_window")
        try:
            self.service.save_script(FollowUpKind(kind), text)
        except UserError as exc:
            if window is not None:
                window.status.setText(exc.message)
            return
        if window is not None:
            shown, own = self.service.script(FollowUpKind(kind))
            window.show_script(kind, texts.follow_up_short(FollowUpKind(kind)), shown, own)
            window.status.setText(
                _("Your version is kept for every follow-up of this kind.")
                if own
                else _("Back to the app's version.")
            )

    # -- restyle, a new language, quit ----------------------------------------------------

    def windows(self) -> list[Any]:
        return [w for w in (self.built("journal_window"),) if w is not None]

    def forget(self) -> Callable[[], None]:
        """Drop the window for a new language; the callable shows it again, on the same
        tab, with the playbook's entry chosen and the answer as typed (not saved yet)."""
        shown = self.visible("journal_window")
        kept: tuple[int, str | None, str] | None = None
        for window in self.drop("journal_window"):
            if shown:
                tab = window.playbook
                kept = (window.tabs.currentIndex(), tab.selected(), tab.answer_edit.toPlainText())
            window.hide()
            window.deleteLater()
        return (lambda: self._again(*kept)) if kept is not None else lambda: None

    def _again(self, index: int, entry_id: str | None, typed: str) -> None:
        self.show()
        window = self.journal_window
        window.tabs.setCurrentIndex(index)
        if entry_id is not None and window.playbook.select(entry_id):
            window.playbook.answer_edit.setPlainText(typed)

    def shutdown(self) -> list[Any]:
        search = self.built("journal_search")
        if search is not None:
            search.shutdown()
        return self.drop("journal_window")
