"""A practice round through the service, with a fake clock: the due cards first (the
longest overdue first), the least recently practised when none is due, two minutes at most
(the card on screen can be finished), and each mark moving its Leitner box."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.service import Service
from tests.doubles import local_zone


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    with local_zone("UTC"):
        yield


def days(n: float) -> float:
    return n * 24 * 60


def test_a_round_gives_the_due_cards_longest_overdue_first(
    service: Service, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    book = service.playbook
    first = book.add("Not now.", answer="When would suit?")
    clock.advance(minutes=60)
    second = book.add("Send me an email.", answer="Happy to; what should it say?")
    book.add("Who else uses it?")  # no answer: never a card
    clock.advance(minutes=days(1) + 60)  # both due, the first an hour longer
    later = book.add("Too dear.", answer="Compare the years.")  # answered now: not due
    session = book.practice_round()
    assert [c.id for c in session.cards] == [first.id, second.id]
    assert not session.empty and session.done == 0

    card = session.next_card()
    assert card is not None and card.id == first.id
    assert session.next_card() is card  # the same card until it is marked
    had = session.mark(had_it=True)
    assert had.box == 2 and had.due_at == clock.now() + timedelta(days=2)
    assert book.entry(first.id).box == 2  # saved, not only returned
    card = session.next_card()
    assert card is not None and card.id == second.id
    again = session.mark(had_it=False)
    assert again.box == 1 and again.due_at == clock.now() + timedelta(days=1)
    assert session.next_card() is None and not session.time_up and session.done == 2
    with pytest.raises(UserError, match="no card to mark"):
        session.mark(had_it=True)
    assert book.entry(later.id).practised_at is None


def test_with_nothing_due_the_least_recently_practised_come(
    service: Service, clock: FakeClock
) -> None:
    book = service.playbook
    practised = book.add("Not now.", answer="When would suit?")
    clock.advance(minutes=days(2))
    book.practise(practised.id, had_it=True)  # box 2, due in two days
    clock.advance(minutes=10)
    fresh = book.add("Too dear.", answer="Compare the years.")  # due tomorrow
    assert book.due_for_practice() == []
    assert [c.id for c in book.practice_round().cards] == [fresh.id, practised.id]
    assert [c.id for c in book.practice_round(limit=1).cards] == [fresh.id]


def test_no_answer_written_no_cards(service: Service) -> None:
    service.playbook.add("Who else uses it?")
    session = service.playbook.practice_round()
    assert session.empty and session.next_card() is None and not session.time_up


def test_two_minutes_at_most_and_the_card_shown_can_be_finished(
    service: Service, clock: FakeClock
) -> None:
    book = service.playbook
    entries = [book.add(f"Objection {n}.", answer=f"Answer {n}.") for n in range(4)]
    clock.advance(minutes=days(1))
    session = book.practice_round()
    assert len(session.cards) == 4
    assert session.next_card() is not None
    clock.advance(seconds=50)
    session.mark(had_it=True)
    second = session.next_card()
    assert second is not None
    clock.advance(seconds=71)  # 2 min 1 s since the round began, the second card on screen
    assert session.time_up
    assert session.next_card() is second  # finished, not taken away
    assert session.mark(had_it=False).box == 1
    assert session.next_card() is None  # no new card after two minutes
    order = [c.id for c in session.cards]  # due together: in the order of their ids
    assert sorted(order) == sorted(e.id for e in entries)
    assert [book.entry(i).practised_at is not None for i in order] == [True, True, False, False]
    # A round of its own time: 30 seconds is enough for a short one.
    short = book.practice_round(budget=timedelta(seconds=30))
    clock.advance(seconds=30)
    assert short.time_up and short.next_card() is None


@pytest.mark.usefixtures("fast_kdf")
def test_a_round_needs_the_journal_open(service: Service, clock: FakeClock) -> None:
    service.playbook.add("Not now.", answer="When would suit?")
    clock.advance(minutes=days(1))
    session = service.playbook.practice_round()
    assert session.next_card() is not None
    service.set_passphrase("correct horse battery")
    service.lock()
    with pytest.raises(UserError, match="locked"):
        service.playbook.practice_round()
    with pytest.raises(UserError, match="locked"):
        session.mark(had_it=True)
