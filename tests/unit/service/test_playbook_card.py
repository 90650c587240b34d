"""The playbook's card with a nudge, through the service with a fake clock: the first
nudge brings one when an answer is there, the firm one too; none with the setting off,
while locked or during a break; "Not now" keeps that card away for the rest of the day;
the tray's "Ready for the next call?" asks for the same card on demand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.service import Service
from resilience_app.service.views import NudgeCard
from tests.unit.service.helpers import Channel, Recorder


def cards(seen: Recorder) -> list[NudgeCard]:
    return list(seen.named("card_requested"))


@pytest.fixture
def answered(service: Service, clock: FakeClock) -> str:
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return service.playbook.add("Why are you dearer than X?", answer="It lasts twice as long.").id


def test_the_first_nudge_brings_a_card_from_the_playbook(
    service: Service, seen: Recorder, clock: FakeClock, desktop: Channel, answered: str
) -> None:
    service.flag()
    clock.advance(minutes=10)
    service.tick()
    assert [t for t, _, _ in desktop.sent] == ["Ready for the next call?"]  # still sent there
    [card] = cards(seen)
    assert card.title == "Ready for the next call?" and card.entry is not None
    assert card.entry.id == answered and card.entry.answer == "It lasts twice as long."
    assert not card.nudge  # up for the playbook only: the nudge went to the desktop
    clock.advance(minutes=5)
    service.tick()
    firm = cards(seen)[-1]
    assert firm.title == "Time to pick up the phone" and firm.nudge
    assert firm.entry is not None and firm.entry.id == answered


def test_no_answer_yet_no_card_with_the_first_nudge(
    service: Service, seen: Recorder, clock: FakeClock, desktop: Channel
) -> None:
    service.playbook.add("Why are you dearer than X?")  # not answered: nothing to say yet
    service.flag()
    clock.advance(minutes=10)
    service.tick()
    assert len(desktop.sent) == 1 and cards(seen) == []


def test_the_setting_turns_the_cards_off(
    service: Service, seen: Recorder, clock: FakeClock, desktop: Channel, answered: str
) -> None:
    service.set_setting("playbook.card", "off")
    assert service.setting("playbook.card") is False
    service.flag()
    clock.advance(minutes=10)
    service.tick()
    assert len(desktop.sent) == 1 and cards(seen) == []
    clock.advance(minutes=5)
    service.tick()
    [firm] = cards(seen)
    assert firm.entry is None and firm.nudge  # the firm nudge's own card stays


@pytest.mark.usefixtures("fast_kdf")
def test_no_card_while_locked(
    service: Service, seen: Recorder, clock: FakeClock, desktop: Channel, answered: str
) -> None:
    service.set_passphrase("correct horse battery")
    service.lock()
    service.flag()
    clock.advance(minutes=10)
    service.tick()
    assert len(desktop.sent) == 1 and cards(seen) == []
    assert service.ready_card().entry is None


def test_not_now_keeps_that_card_away_for_the_rest_of_the_day(
    service: Service, clock: FakeClock, answered: str
) -> None:
    clock.advance(minutes=5)
    other = service.playbook.add("Send me an email.", answer="Happy to; what should it say?")
    book = service.playbook
    assert book.nudge_card().id == other.id  # the one answered last comes first
    book.dismiss_card(other.id)
    assert book.nudge_card().id == answered
    book.dismiss_card(answered)
    assert book.nudge_card() is None
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))  # the next day: back again
    assert book.nudge_card().id == other.id


def test_the_trays_ready_card_on_demand_never_during_the_break(
    service: Service, clock: FakeClock, answered: str
) -> None:
    service.flag()
    during = service.ready_card()
    assert during.entry is None  # never during the breathing
    service.end_break()
    clock.advance(minutes=4)
    card = service.ready_card()
    assert card.title == "Ready for the next call?" and card.nudge
    assert "4 minutes" in card.body
    assert card.entry is not None and card.entry.id == answered
