"""The loop as the rep lives it: flag, the break, nudges, the tray (`service/recovery.py`).

The application service on its own: a real store, a fake clock, no Qt."""

from __future__ import annotations

from datetime import timedelta

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import (
    NudgeState,
    Phase,
)
from resilience_app.service import Service
from resilience_app.service.views import BreakView
from tests.unit.service.helpers import Channel, Recorder, Speaker, note


def test_flag_starts_a_break_and_a_second_flag_brings_it_back(
    service: Service, seen: Recorder
) -> None:
    outcome = service.flag("  Acme  ", 7)
    assert not outcome.already_on_break and outcome.break_minutes == 3
    assert outcome.incident.label == "Acme" and service.phase is Phase.BREAK
    [view] = seen.named("break_requested")
    assert isinstance(view, BreakView) and view.incident.id == outcome.incident.id
    assert view.pattern == "box" and view.tip and view.requested_at is not None
    again = service.flag("Other")
    assert again.already_on_break and again.incident.id == outcome.incident.id
    assert len(seen.named("break_requested")) == 2


def test_labels_are_bounded(service: Service) -> None:
    assert len(service.flag("x" * 10_000).incident.label) == 200


def test_break_end_asks_for_the_note_and_chimes_when_wanted(
    service: Service, seen: Recorder, clock: FakeClock
) -> None:
    speaker = Speaker()
    service.recovery.sound = speaker
    service.set_setting("break.sound", "on")
    incident = service.flag().incident
    clock.advance(minutes=3)
    service.tick()
    assert [i.id for i in seen.named("note_requested")] == [incident.id]
    assert speaker.played == 1 and service.phase is Phase.WAITING


def test_plus_one_minute_moves_the_end(service: Service, seen: Recorder) -> None:
    incident = service.flag().incident
    service.extend_break()
    [changed] = seen.named("break_changed")
    assert changed.break_ends_at == incident.flagged_at + timedelta(minutes=4)


def test_the_firm_nudge_gets_a_card_unless_the_card_was_the_channel(
    service: Service, seen: Recorder, clock: FakeClock, desktop: Channel
) -> None:
    service.flag()
    clock.advance(minutes=10)
    service.tick()
    assert [t for t, _, urgent in desktop.sent] == ["Ready for the next call?"]
    assert seen.named("card_requested") == []
    clock.advance(minutes=5)
    service.tick()
    assert desktop.sent[-1][0] == "Time to pick up the phone" and desktop.sent[-1][2]
    [card] = seen.named("card_requested")
    assert card.title == "Time to pick up the phone" and "easy lead" in card.body
    assert card.entry is None and card.nudge


def test_with_no_desktop_notifications_the_card_is_the_nudge(
    service: Service, seen: Recorder, clock: FakeClock, notifier: NotifierChain
) -> None:
    notifier.add(Channel("desktop", available=False))
    card = Channel("window")
    notifier.add(card)
    service.flag()
    clock.advance(minutes=15)
    service.tick()
    assert [t for t, _, _ in card.sent] == ["Time to pick up the phone"]
    assert seen.named("card_requested") == []  # no second card on top of the first


def test_dialing_closes_the_loop_and_cancels_nudges(
    service: Service, seen: Recorder, clock: FakeClock
) -> None:
    incident = service.flag().incident
    clock.advance(minutes=4)
    closed = service.dialed()
    assert closed is not None and closed.time_to_dial == timedelta(minutes=4)
    assert [i.id for i in seen.named("dialed_recorded")] == [incident.id]
    assert service.phase is Phase.CALM
    assert {n.state for n in service.store.nudges()} == {NudgeState.CANCELLED}
    assert service.dialed() is None


def test_tray_state_counts_minutes_while_waiting(service: Service, clock: FakeClock) -> None:
    service.flag()
    service.end_break()
    clock.advance(minutes=6, seconds=30)
    state = service.tray_state()
    assert (state.phase, state.minutes_since_flag, state.open_notes) == (Phase.WAITING, 6, 1)
    assert state.target_minutes == 15


def test_a_break_shows_the_reps_own_positives_without_repeating_them(
    service: Service, clock: FakeClock, seen: Recorder
) -> None:
    first = service.flag().incident
    service.end_break()
    service.save_note(first.id, note("Booked a follow-up"))
    service.dialed()
    service.add_positive("Closed the Contoso renewal")
    shown = set()
    for _ in range(2):
        clock.advance(minutes=30)
        service.flag()
        shown.add(seen.named("break_requested")[-1].positive)
        service.dialed()
    assert shown == {"Booked a follow-up", "Closed the Contoso renewal"}
    tips = [v.tip for v in seen.named("break_requested")]
    assert len(set(tips)) == len(tips)  # tips take turns
