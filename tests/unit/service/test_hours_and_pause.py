"""Working hours, pause and the note a dial skipped, through the service with a fake clock
(local time is UTC here, so the hours in the tests are the hours on the clock)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest

from resilience_app.adapters.notify import NotifierChain
from resilience_app.commands import CommandTable
from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.models import FollowUpKind, NudgeState, Phase
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


def test_a_nudge_after_the_shift_is_dropped_and_recorded_so(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    office(service)
    at(clock, "2026-11-25T17:50")  # Wednesday, ten minutes before the end of the day
    service.flag()
    clock.advance(minutes=3)
    service.tick()
    clock.advance(minutes=7)  # 18:00: the 10-minute nudge falls due after the shift
    service.tick()
    nudges = service.store.nudges()
    assert [n.state for n in nudges if n.state is not NudgeState.PENDING] == [NudgeState.OFF_HOURS]
    assert "Ready for the next call?" not in desktop.titles
    assert service.status()["working_hours"] is False


def test_within_hours_nudges_come_as_always(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    office(service)
    at(clock, "2026-11-25T10:00")
    service.flag()
    clock.advance(minutes=10)
    service.tick()
    assert desktop.titles == ["Ready for the next call?"]


def test_reminders_wait_for_the_next_working_hour(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    office(service)
    at(clock, "2026-11-27T17:00")  # Friday
    incident = service.flag().incident
    clock.advance(minutes=3)
    service.tick()  # the break ends; the note is asked for
    service.dialed()
    service.followups.add(incident.id, FollowUpKind.SAVE_DEAL, clock.now() + timedelta(hours=3))
    # Due Friday 20:00: waits for Monday 09:00.
    assert service.next_wakeup() == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    at(clock, "2026-11-28T11:00")  # Saturday
    service.tick()
    assert not any(title.startswith("Follow-up") for title in desktop.titles)
    at(clock, "2026-11-30T09:00")
    service.tick()
    assert any(title.startswith("Follow-up") for title in desktop.titles)


def test_pause_for_an_hour_and_a_flag_still_gives_a_break(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    at(clock, "2026-11-25T10:00")
    end = service.pause(minutes=60)
    assert end == datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
    assert service.status()["paused_until"] == end.isoformat()
    service.flag()
    assert service.phase is Phase.BREAK
    clock.advance(minutes=10)
    service.tick()
    assert "Ready for the next call?" not in desktop.titles
    assert [n.state for n in service.store.nudges() if n.state is not NudgeState.PENDING] == [
        NudgeState.PAUSED
    ]
    assert service.next_wakeup() is not None and service.next_wakeup() <= end
    at(clock, "2026-11-25T11:00")
    service.tick()
    assert service.status()["paused_until"] is None  # over by itself


def test_pause_until_a_time_and_until_tomorrow(service: Service, clock: FakeClock) -> None:
    at(clock, "2026-11-25T15:00")
    assert service.pause(until=time(14, 30)) == datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
    assert service.pause(until=time(16, 30)) == datetime(2026, 11, 25, 16, 30, tzinfo=UTC)
    assert service.pause() == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # tomorrow's start
    office(service)
    at(clock, "2026-11-27T15:00")  # Friday: tomorrow's work starts on Monday
    assert service.pause() == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    service.resume()
    assert service.paused_until() is None
    with pytest.raises(UserError, match="between 1 minute and a week"):
        service.pause(minutes=-5)


def test_pause_and_resume_through_the_channel(service: Service, clock: FakeClock) -> None:
    at(clock, "2026-11-25T10:00")
    table = CommandTable(service)
    reply = table.handle("pause", {"until": "12:15"})
    assert reply["ok"] and reply["paused_until"] == "2026-11-25T12:15:00+00:00"
    assert reply["message"].startswith("Nudges are paused until")
    bad = table.handle("pause", {"until": "25:99"})
    assert not bad["ok"] and bad["usage"] and "HH:MM" in bad["error"]
    assert table.handle("resume", {})["message"] == "Nudges are back on."
    assert service.status()["paused_until"] is None


def test_dialing_during_a_break_leaves_the_note_one_click_away_and_reminds_once(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    at(clock, "2026-11-25T10:00")
    incident = service.flag().incident
    clock.advance(minutes=1)
    service.dialed()  # mid-break: no note window during the call
    assert [i.id for i in service.open_notes()] == [incident.id]  # the tray offers it
    assert service.next_wakeup() == clock.now() + timedelta(minutes=10)
    clock.advance(minutes=10)
    service.tick()
    assert desktop.titles.count("Your note can wait for you") == 1
    clock.advance(minutes=30)
    service.tick()
    assert desktop.titles.count("Your note can wait for you") == 1  # once


def test_no_reminder_when_the_note_was_written_meanwhile(
    service: Service, clock: FakeClock, desktop: Shown
) -> None:
    from resilience_app.core.models import Reflection

    at(clock, "2026-11-25T10:00")
    incident = service.flag().incident
    service.dialed()
    service.save_note(incident.id, Reflection(positives=["stayed calm"]))
    clock.advance(minutes=11)
    service.tick()
    assert "Your note can wait for you" not in desktop.titles
