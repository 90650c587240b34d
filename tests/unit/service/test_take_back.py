"""Nudges and reminders take themselves back (`service/recovery.py`, `service/followups.py`):
once the rep is back on the phone (however that is known) or flags again, no nudge stays
on screen; a follow-up done, dropped or moved takes its reminder with it.

The application service with a fake clock; the desktop channel is the OS boundary."""

from __future__ import annotations

from datetime import timedelta

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.models import FollowUpKind, Phase
from resilience_app.service import Service
from tests.unit.service.helpers import Channel
from tests.unit.service.test_calls import Microphone, settle

FIRST, SECOND = "Ready for the next call?", "Time to pick up the phone"


@pytest.fixture
def app(service: Service) -> Service:
    service.call_desk.microphone = Microphone()
    service.start()
    return service


def nudged(service: Service, clock: FakeClock, minutes: float = 10) -> None:
    """Flag, and wait (past the break) until the first nudge is on screen."""
    service.flag("Acme")
    clock.advance(minutes=minutes)
    service.tick()


def test_both_nudges_go_with_one_tag_and_the_firm_one_replaces_the_first(
    service: Service, clock: FakeClock, desktop: Channel
) -> None:
    nudged(service, clock)
    assert desktop.on_screen() == [FIRST]
    clock.advance(minutes=5)
    service.tick()
    assert desktop.tags == ["nudge", "nudge"]
    assert [urgent for _t, _m, urgent in desktop.sent] == [False, True]
    assert desktop.on_screen() == [SECOND]  # one nudge on screen, not two


def test_im_dialing_takes_the_nudge_back(
    service: Service, clock: FakeClock, desktop: Channel
) -> None:
    nudged(service, clock, minutes=15)
    assert desktop.on_screen() == [SECOND]
    service.dialed()
    assert desktop.on_screen() == [] and desktop.withdrawn == ["nudge"]


def test_a_dialers_hook_takes_the_nudge_back(
    app: Service, clock: FakeClock, desktop: Channel
) -> None:
    nudged(app, clock)
    app.call_started("Aircall")
    assert desktop.on_screen() == []
    assert app.phase is Phase.CALM


def test_a_call_seen_on_the_microphone_takes_the_nudge_back(
    app: Service, clock: FakeClock, desktop: Channel
) -> None:
    nudged(app, clock)
    mic = app.call_desk.microphone
    assert isinstance(mic, Microphone)
    mic.used_by("Zoiper")
    settle(app, clock, 10)  # long enough to be a call
    assert app.status()["on_call"] is True
    assert desktop.on_screen() == []


def test_a_call_with_nothing_flagged_still_takes_a_nudge_back(
    app: Service, clock: FakeClock, desktop: Channel
) -> None:
    nudged(app, clock)
    app.dialed()
    app.notifier.send(FIRST, "shown again by hand", urgent=False, tag="nudge")
    app.call_started("Aircall")  # no call open to close: the call alone takes it back
    assert desktop.on_screen() == []


def test_flagging_again_takes_the_nudge_back(
    service: Service, clock: FakeClock, desktop: Channel
) -> None:
    nudged(service, clock)
    service.flag("Other")  # another bad call while waiting: that call was the dial
    assert desktop.on_screen() == []
    assert service.phase is Phase.BREAK


def test_two_more_minutes_takes_the_nudge_back_until_it_comes_again(
    service: Service, clock: FakeClock, desktop: Channel
) -> None:
    nudged(service, clock)
    service.snooze()
    assert desktop.on_screen() == []
    clock.advance(minutes=2)
    service.tick()
    assert desktop.on_screen() == ["Two minutes are up"]


def test_nothing_else_is_taken_back_by_a_dial(
    service: Service, clock: FakeClock, desktop: Channel
) -> None:
    service.flag("Acme")
    service.dialed()
    due = service.add_followup(FollowUpKind.CHECK_IN, in_minutes=1)
    clock.advance(minutes=2)
    service.tick()
    service.flag("Other")
    clock.advance(minutes=10)
    service.tick()
    service.dialed()
    reminder = f"followup:{due.followup.id}"
    assert desktop.withdrawn.count("nudge") >= 1 and reminder not in desktop.withdrawn
    assert desktop.on_screen() == ["Follow-up: Check-in — Acme"]


@pytest.mark.parametrize("how", ["done", "cancel", "snooze", "move"])
def test_a_follow_up_done_dropped_or_moved_takes_its_reminder_back(
    service: Service, clock: FakeClock, desktop: Channel, how: str
) -> None:
    service.flag("Acme")
    service.dialed()
    first = service.add_followup(FollowUpKind.CHECK_IN, in_minutes=1).followup
    second = service.add_followup(FollowUpKind.THANK_YOU, in_minutes=1).followup
    clock.advance(minutes=2)
    service.tick()
    assert desktop.tags == [f"followup:{first.id}", f"followup:{second.id}"]
    {
        "done": lambda: service.followup_done(first.id),
        "cancel": lambda: service.followup_cancel(first.id),
        "snooze": lambda: service.followup_snooze(first.id, 10),
        "move": lambda: service.followup_move(first.id, clock.now() + timedelta(hours=1)),
    }[how]()
    assert desktop.withdrawn == [f"followup:{first.id}"]
    assert desktop.on_screen() == ["Follow-up: Thank-you card — Acme"]  # the other stays


def test_done_from_the_command_line_takes_the_reminder_back(
    service: Service, clock: FakeClock, desktop: Channel
) -> None:
    service.flag("Acme")
    service.dialed()
    due = service.add_followup(FollowUpKind.CHECK_IN, in_minutes=1).followup
    clock.advance(minutes=2)
    service.tick()
    service.followup_done_or_outcome(due.id[:6])
    assert desktop.on_screen() == []
