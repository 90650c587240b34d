"""Follow-ups from the tray's menu, the nudge card and the journal: done (and what came of
it), snoozed, cancelled."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from resilience_app.ui.presenters.base import BasePresenter, attempt

if TYPE_CHECKING:
    from resilience_app.ui.outcome_dialog import OutcomeDialog


class FollowUpPresenter(BasePresenter):
    """A follow-up's action forwarded to the service; "done" asks for the outcome first."""

    @cached_property
    def outcome_dialog(self) -> OutcomeDialog:
        from resilience_app.ui.outcome_dialog import OutcomeDialog

        dialog = OutcomeDialog()
        dialog.chosen.connect(self._outcome_chosen)
        return dialog

    def action(self, followup_id: str, action: str) -> None:
        service = self.service
        actions: dict[str, Callable[[], object]] = {
            "done": lambda: self.ask_outcome(followup_id),
            "cancel": lambda: service.followup_cancel(followup_id),
            "hour": lambda: service.followup_snooze(followup_id, 60),
            "tomorrow": lambda: service.followup_snooze(followup_id, 24 * 60),
        }
        if action in actions:
            attempt(actions[action])

    def ask_outcome(self, followup_id: str) -> None:
        """Done, and what came of it, in one more click."""
        titles = {i.followup.id: i.title for i in self.service.upcoming()}
        self.outcome_dialog.ask(followup_id, titles.get(followup_id, ""))

    def locked(self) -> None:
        """The line heard, half typed, leaves the screen with the key (it cannot be kept
        while the journal is locked)."""
        dialog = self.built("outcome_dialog")
        if dialog is not None and dialog.isVisible():
            dialog.heard.clear()
            dialog.reject()

    def _outcome_chosen(self, followup_id: str, outcome: str, heard: str) -> None:
        from resilience_app.core.kinds import FollowUpOutcome

        attempt(
            lambda: self.service.followup_done(
                followup_id, FollowUpOutcome(outcome) if outcome else None, heard
            )
        )
