"""A practice round of the playbook: a few cards, recall first, and two minutes at most.

Pure, like `core/playbook.py`: which cards a round gives is a function of the entries and
the moment; how far the round has come is a function of the elapsed seconds it is handed
(a clock that is never stepped: the service's `clock.elapsed()`, the terminal's
`time.monotonic()`).

Which cards: those due for practice (Leitner boxes, `core.playbook.practised`), the
longest overdue first. When none is due but some answers are written, the ones practised
least recently (never practised first, then the oldest practice), so that "Practise my
answers" never shows nothing to a rep who has answers. Practising one early moves its box
like any other practice: the rep chose to.

The time: once PRACTICE_TIME has passed since the round began, no new card is offered; the
card on screen can still be finished. Nothing of the round is kept but each card's box
(no streaks, no scores).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from resilience_app.core.playbook import PlaybookEntry, is_due

PRACTICE_CARDS = 5  # a few cards: a round is over before it is a chore
PRACTICE_TIME = timedelta(minutes=2)

Card = TypeVar("Card")


def cards_for_practice(
    entries: Iterable[PlaybookEntry], now: datetime, limit: int = PRACTICE_CARDS
) -> list[PlaybookEntry]:
    """The cards of a round: the due ones, longest overdue first; when none is due, the
    answered ones practised least recently. Empty only when no answer is written."""
    answered = [e for e in entries if e.active and e.answered]
    due = [e for e in answered if is_due(e, now)]
    if due:
        due.sort(key=lambda e: (e.due_at or now, e.id))
        return due[: max(0, limit)]

    def least_recent(e: PlaybookEntry) -> tuple[bool, float, str]:
        last = e.practised_at or e.answered_at or e.created_at
        return (e.practised_at is not None, last.timestamp(), e.id)

    return sorted(answered, key=least_recent)[: max(0, limit)]


class PracticeRound(Generic[Card]):
    """The cards in their order and the time budget. `offer(elapsed)` gives the card to
    show (the same one until it is marked), or None: every card is done, or the time is
    up (`time_up`). `marked()` moves past the card shown."""

    def __init__(
        self, cards: Sequence[Card], started: float, budget: timedelta = PRACTICE_TIME
    ) -> None:
        self.cards = list(cards)
        self.started = started
        self.budget = budget.total_seconds()
        self.position = 0  # the cards marked so far
        self.shown: Card | None = None  # offered and not marked yet

    def time_up(self, elapsed: float) -> bool:
        return elapsed - self.started >= self.budget

    @property
    def left(self) -> int:
        """The cards not marked yet."""
        return len(self.cards) - self.position

    def offer(self, elapsed: float) -> Card | None:
        if self.shown is not None:
            return self.shown  # the card on screen can always be finished
        if self.position >= len(self.cards) or self.time_up(elapsed):
            return None
        self.shown = self.cards[self.position]
        return self.shown

    def marked(self) -> None:
        if self.shown is not None:
            self.shown = None
            self.position += 1
