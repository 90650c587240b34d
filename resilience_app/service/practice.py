"""`PracticeSession`: one practice round of the playbook, as the practice window (and the
channel, for the terminal) runs it: a few cards (`core.practice.cards_for_practice`),
recall first, then the rep's own mark ("had it" / "again") recorded through
`PlaybookDesk.practise`, and two minutes at most (`core.practice.PRACTICE_TIME`, on the
clock that is never stepped): after that no new card is offered; the one on screen can be
finished. Nothing is kept but each card's box; nothing goes to anyone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from resilience_app.core.playbook import PlaybookEntry, PlaybookError
from resilience_app.core.practice import PracticeRound
from resilience_app.i18n import _


class PracticeSession:
    """`next_card()` the card to show (None: the round is over: `time_up` says whether the
    time ran out); `mark(had_it)` records the card shown and moves on."""

    def __init__(
        self,
        cards: list[PlaybookEntry],
        *,
        elapsed: Callable[[], float],
        record: Callable[[str, bool], PlaybookEntry],
        budget: timedelta,
    ) -> None:
        self._elapsed = elapsed
        self._record = record
        self._round: PracticeRound[PlaybookEntry] = PracticeRound(cards, elapsed(), budget)

    @property
    def cards(self) -> list[PlaybookEntry]:
        return list(self._round.cards)

    @property
    def empty(self) -> bool:
        """No card at all: no answer is written yet."""
        return not self._round.cards

    @property
    def time_up(self) -> bool:
        return self._round.time_up(self._elapsed())

    @property
    def done(self) -> int:
        """The cards marked in this round (for "card 2 of 5"; not kept)."""
        return self._round.position

    def next_card(self) -> PlaybookEntry | None:
        return self._round.offer(self._elapsed())

    def mark(self, had_it: bool) -> PlaybookEntry:
        """The card shown, marked: "had it" one box up, "again" back to box 1; saved
        before it returns."""
        shown = self._round.shown
        if shown is None:
            raise PlaybookError(_("There is no card to mark; the practice is over."))
        entry = self._record(shown.id, had_it)
        self._round.marked()
        return entry
