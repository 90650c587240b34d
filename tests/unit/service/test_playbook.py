"""The playbook through the service, with a fake clock: capture, the answer later, tags,
merging, practice, the card before a call, and the one reminder inside working hours
(local time is UTC here, so the hours in the tests are the hours on the clock)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.models import Phase
from resilience_app.service import Service
from tests.doubles import Shown, local_zone


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    with local_zone("UTC"):
        yield


@pytest.fixture
def desktop(notifier: NotifierChain) -> Shown:
    channel = Shown()
    notifier.add(channel)
    return channel


def at(clock: FakeClock, text: str) -> None:
    clock.set(datetime.fromisoformat(text).replace(tzinfo=UTC))


def office(service: Service) -> None:
    service.update_settings(
        {
            "work.limit": True,
            "work.days": "mon,tue,wed,thu,fri",
            "work.start": "09:00",
            "work.end": "18:00",
        }
    )


def reminders(desktop: Shown) -> list[str]:
    return [
        m for t, m in zip(desktop.titles, desktop.messages, strict=True) if t == "Your playbook"
    ]


def test_capture_from_a_call_and_alone(service: Service, clock: FakeClock) -> None:
    at(clock, "2026-11-25T10:00")
    incident = service.flag("Acme").incident
    book = service.playbook
    first = book.add("  Why are you\ndearer than X? ", call_id=incident.id, tags=["Price"])
    assert first.said == "Why are you dearer than X?"
    assert first.call_ids == [incident.id] and first.tags == ["price"]
    assert not first.answered and first.box == 0
    clock.advance(minutes=5)
    alone = book.add("We already have a supplier.", answer="Keep them; compare us on one line.")
    assert alone.answered and alone.box == 1
    assert alone.due_at == clock.now() + timedelta(days=1)
    assert [e.id for e in book.entries()] == [alone.id, first.id]  # newest first at one call
    with pytest.raises(UserError, match="what they said"):
        book.add("   ")
    with pytest.raises(UserError, match="no such call"):
        book.add("Too dear.", call_id="nope")
    assert [e.id for e in book.entries("DEARER")] == [first.id]
    assert [e.id for e in book.entries("compare supplier")] == [alone.id]
    assert book.find(first.id[:8]) == first.id
    with pytest.raises(UserError, match="No playbook entry"):
        book.find("zzz")


def test_the_answer_comes_later_and_the_earlier_wording_is_kept(
    service: Service, clock: FakeClock
) -> None:
    at(clock, "2026-11-25T10:00")
    entry = service.playbook.add("Why are you dearer than X?")
    clock.advance(minutes=60 * 5)
    first = service.playbook.answer(entry.id, "It lasts longer.")
    assert first.answered_at == clock.now() and first.box == 1
    clock.advance(minutes=60 * 24)
    second = service.playbook.answer(entry.id, "Over five years it costs less.")
    assert [w.text for w in second.earlier] == ["It lasts longer."]
    assert service.store.playbook_entry(entry.id) == second
    with pytest.raises(UserError, match="answer you would give"):
        service.playbook.answer(entry.id, "  ")
    tagged = service.playbook.tag(entry.id, ["competitor", "my own"])
    assert tagged.tags == ["competitor", "my own"]


def test_merging_the_same_question_said_differently(service: Service, clock: FakeClock) -> None:
    at(clock, "2026-11-25T10:00")
    one = service.flag("Acme").incident
    service.end_break()
    clock.advance(minutes=30)
    two = service.flag("Bolt").incident
    keep = service.playbook.add("Why are you dearer?", call_id=one.id, tags=["price"])
    gone = service.playbook.add("X is cheaper.", call_id=two.id, answer="Compare the years.")
    merged = service.playbook.merge(keep.id, gone.id)
    assert merged.times == 2 and merged.call_ids == [one.id, two.id]
    assert merged.answer == "Compare the years." and merged.also_said == ["X is cheaper."]
    assert [e.id for e in service.playbook.entries()] == [keep.id]
    assert [e.id for e in service.playbook.entries("cheaper")] == [keep.id]
    with pytest.raises(UserError, match="already merged"):
        service.playbook.merge(keep.id, gone.id)
    with pytest.raises(UserError, match="not with itself"):
        service.playbook.merge(keep.id, keep.id)


def test_practice_follows_the_boxes_and_the_card_for_now(
    service: Service, clock: FakeClock
) -> None:
    at(clock, "2026-11-25T10:00")
    old = service.playbook.add("Not now.", answer="When would suit?")
    clock.advance(minutes=60 * 24 * 3)
    fresh = service.playbook.add("Send me an email.", answer="Happy to; what should it say?")
    unanswered = service.playbook.add("Who else uses it?")
    assert service.playbook.card_for_now().id == fresh.id  # just answered
    assert service.playbook.card_for_now(skip=[fresh.id]).id == old.id
    assert [e.id for e in service.playbook.due_for_practice()] == [old.id]
    practised = service.playbook.practise(old.id, had_it=True)
    assert practised.box == 2 and practised.due_at == clock.now() + timedelta(days=2)
    assert service.playbook.practise(old.id, had_it=False).box == 1
    assert service.playbook.due_for_practice() == []
    with pytest.raises(UserError, match="answer first"):
        service.playbook.practise(unanswered.id, had_it=True)


def test_one_reminder_at_the_end_of_the_working_day(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    office(service)
    at(clock, "2026-11-25T11:00")  # a Wednesday
    entry = service.playbook.add("Why are you dearer than X?")
    assert service.next_wakeup() == datetime(2026, 11, 25, 17, 30, tzinfo=UTC)
    at(clock, "2026-11-25T17:29")
    service.tick()
    assert reminders(desktop) == []
    at(clock, "2026-11-25T17:30")
    service.tick()
    assert reminders(desktop) == [
        "Earlier today: “Why are you dearer than X?” What would you say now?"
    ]
    assert service.store.playbook_entry(entry.id).reminded_at == clock.now()
    clock.advance(minutes=60 * 24)
    service.tick()
    assert len(reminders(desktop)) == 1  # once
    assert service.next_wakeup() is None or service.next_wakeup() != clock.now()


def test_late_in_the_day_the_reminder_waits_for_the_next_morning(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    office(service)
    at(clock, "2026-11-27T17:10")  # Friday, near the end of the day
    service.playbook.add("Call me next quarter.")
    assert service.playbook.next_wakeup() == datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
    at(clock, "2026-11-28T11:00")  # Saturday
    service.tick()
    assert reminders(desktop) == []
    at(clock, "2026-11-30T09:30")
    service.tick()
    assert reminders(desktop) == [
        "From an earlier call: “Call me next quarter.” What would you say now?"
    ]


def test_an_answered_entry_gets_no_reminder(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    at(clock, "2026-11-25T11:00")
    entry = service.playbook.add("Not now.")
    service.playbook.answer(entry.id, "When would suit?")
    assert service.playbook.next_wakeup() is None
    at(clock, "2026-11-26T11:00")
    service.tick()
    assert reminders(desktop) == []


def test_never_during_a_call_or_a_break(service: Service, clock: FakeClock, desktop: Shown) -> None:
    office(service)
    at(clock, "2026-11-25T11:00")
    service.playbook.add("Why are you dearer than X?")
    at(clock, "2026-11-25T17:29")
    service.flag("Bolt")  # a break: the reminder waits for its end
    assert service.phase is Phase.BREAK
    clock.advance(minutes=1)
    assert service.next_wakeup() != datetime(2026, 11, 25, 17, 30, tzinfo=UTC)
    service.tick()
    assert reminders(desktop) == []
    service.end_break()
    service.calls.hook_started("Zoiper")  # and then a call
    service.tick()
    assert reminders(desktop) == []
    service.calls.hook_ended()
    service.tick()
    assert len(reminders(desktop)) == 1


@pytest.mark.usefixtures("fast_kdf")
def test_while_locked_it_is_kept_and_the_reminder_says_no_words(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    at(clock, "2026-11-25T11:00")
    service.set_passphrase("correct horse battery")
    service.lock()
    entry = service.playbook.add("Why are you dearer than X?")
    with pytest.raises(UserError, match="locked"):
        service.playbook.answer(entry.id, "It lasts.")
    assert service.playbook.card_for_now() is None
    at(clock, "2026-11-25T16:30")
    service.tick()
    [said] = reminders(desktop)
    assert "dearer" not in said and "Unlock" in said
    service.unlock("correct horse battery")
    [shown] = service.playbook.entries()  # read again with the key, not as decoded locked
    assert shown.said == "Why are you dearer than X?"
    assert service.playbook.answer(entry.id, "It lasts.").said == "Why are you dearer than X?"


def test_the_reminder_follows_its_two_settings(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    office(service)
    service.update_settings(
        {"playbook.reminder_wait_minutes": 5, "playbook.reminder_before_end_minutes": 10}
    )
    at(clock, "2026-11-25T16:40")  # a Wednesday; the day ends at 18:00
    service.playbook.add("We already have a supplier.")
    assert service.next_wakeup() == datetime(2026, 11, 25, 17, 50, tzinfo=UTC)
    service.update_settings({"playbook.reminder_before_end_minutes": 78})
    # 16:42 is less than five minutes after it was written: the next morning instead.
    assert service.playbook.next_wakeup() == datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def test_two_wordings_written_alone_and_merged_came_up_twice(
    service: Service, clock: FakeClock
) -> None:
    first = service.playbook.add("You're more expensive than X.")
    clock.advance(minutes=30)
    second = service.playbook.add("Why are you dearer than X?")
    merged = service.playbook.merge(second.id, first.id)
    assert merged.times == 2
    again = service.store.playbook_entry(merged.id)
    assert again is not None and again.times == 2  # kept as stored


def test_an_entry_merged_away_is_neither_tagged_nor_practised(
    service: Service, clock: FakeClock
) -> None:
    keep = service.playbook.add("Why are you dearer?", answer="It lasts longer.")
    gone = service.playbook.add("You cost more.", answer="Over three years, less.")
    service.playbook.merge(keep.id, gone.id)
    with pytest.raises(UserError, match="already merged"):
        service.playbook.tag(gone.id, ["price"])
    with pytest.raises(UserError, match="already merged"):
        service.playbook.practise(gone.id, had_it=True)
