"""Practise my answers (from the tray and the journal's Playbook tab): a round of the
playbook (`service.playbook.practice_round`) shown card by card in the practice window,
each mark recorded through the service before the next card comes."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from resilience_app.core.errors import UserError
from resilience_app.i18n import N_, _
from resilience_app.service import Service
from resilience_app.service.practice import PracticeSession
from resilience_app.ui.presenters.base import BasePresenter, bring_forward

if TYPE_CHECKING:
    from resilience_app.ui.practice_window import PracticeWindow


class PracticePresenter(BasePresenter):
    def __init__(
        self,
        service: Service,
        owner: QObject,
        *,
        when_unlocked: Callable[[str, Callable[[], None]], None],
    ) -> None:
        super().__init__(service, owner)
        self._when_unlocked = when_unlocked
        self.session: PracticeSession | None = None

    @cached_property
    def practice_window(self) -> PracticeWindow:
        from resilience_app.ui.practice_window import PracticeWindow

        window = PracticeWindow()
        window.marked.connect(self._marked)
        return window

    def open(self) -> None:
        self._when_unlocked(N_("Type your passphrase to practice your answers."), self.show)

    def show(self) -> None:
        """A new round (a round still on screen goes on where it was)."""
        window = self.practice_window
        if self.session is None or not window.isVisible():
            try:
                self.session = self.service.playbook.practice_round()
            except UserError as exc:
                self.session = None
                window.show_end(exc.message)
            else:
                self._next()
        window.show()
        bring_forward(window)

    def _next(self) -> None:
        session, window = self.session, self.practice_window
        if session is None:
            return
        card = session.next_card()
        if card is not None:
            window.show_card(card.said, card.answer, session.done + 1, len(session.cards))
        elif session.empty:
            window.show_end(
                _(
                    "Practice needs an answer first. Open your journal's Playbook tab, choose "
                    "what they said and write what you would say now; it comes here from then "
                    "on."
                )
            )
        elif session.done < len(session.cards):
            window.show_end(
                _("Two minutes are up; that's plenty for now. The rest will come back soon.")
            )
        else:
            window.show_end(_("That's all for now. Each answer comes back when it is due."))

    def _marked(self, had_it: bool) -> None:
        if self.session is None:
            return
        try:
            self.session.mark(had_it)
        except UserError as exc:
            self.practice_window.show_status(exc.message)
            return
        self._next()

    def locked(self) -> None:
        """Their words and my answers leave the screen with the key."""
        self.session = None
        self.hide("practice_window")

    def windows(self) -> list[PracticeWindow]:
        return [w for w in (self.built("practice_window"),) if w is not None]

    def forget(self) -> Callable[[], None]:
        """Drop the window for a new language; the callable shows a round again."""
        shown = self.visible("practice_window")
        for window in self.drop("practice_window"):
            window.hide()
            window.deleteLater()
        self.session = None
        return self.show if shown else lambda: None
