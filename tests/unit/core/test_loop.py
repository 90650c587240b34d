"""The recovery loop with a fake clock: every timing rule runs in milliseconds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import STALE_AFTER, LoopError, RecoveryLoop
from resilience_app.core.models import (
    NudgeKind,
    NudgeState,
    Phase,
    Reflection,
    ReflectionStatus,
)
from resilience_app.core.settings import Settings
from resilience_app.storage.store import Store


class Recorder:
    """Collects what the loop announces, as the UI would see it."""

    def __init__(self, loop: RecoveryLoop) -> None:
        self.phases: list[Phase] = []
        self.nudges: list[NudgeKind] = []
        self.breaks_ended: list[str] = []
        loop.phase_changed.connect(self.phases.append)
        loop.nudge_fired.connect(lambda nudge, incident: self.nudges.append(nudge.kind))
        loop.break_ended.connect(lambda incident: self.breaks_ended.append(incident.id))


def reopen(
    data_dir: Path, clock: FakeClock, settings: Settings | None = None
) -> tuple[RecoveryLoop, Recorder]:
    """A new loop over the files on disk, as after quitting and restarting the app."""
    loop = RecoveryLoop(Store(data_dir), settings or Settings(), clock)
    recorder = Recorder(loop)
    loop.restore()
    return loop, recorder


def test_full_loop_flag_break_reflect_nudges_dialed(loop: RecoveryLoop, clock: FakeClock) -> None:
    seen = Recorder(loop)
    incident = loop.flag("Acme Ltd", rough=7)
    assert loop.phase is Phase.BREAK
    assert incident.break_ends_at == incident.flagged_at + timedelta(minutes=3)

    clock.advance(minutes=3)
    loop.tick()
    assert loop.phase is Phase.WAITING
    assert seen.breaks_ended == [incident.id]

    loop.save_reflection(
        incident.id, Reflection("They hung up", positives=["Got past the gatekeeper"], mood_after=5)
    )
    clock.advance(minutes=6, seconds=59)  # 9:59 after the flag
    assert loop.tick() == []
    clock.advance(seconds=1)  # 10:00
    assert [n.kind for n in loop.tick()] == [NudgeKind.FIRST]
    clock.advance(minutes=5)  # 15:00
    loop.tick()
    assert seen.nudges == [NudgeKind.FIRST, NudgeKind.SECOND]

    clock.advance(minutes=2)
    closed = loop.dialed()
    assert closed is not None and closed.time_to_dial == timedelta(minutes=17)
    assert loop.phase is Phase.CALM
    assert seen.phases == [Phase.BREAK, Phase.WAITING, Phase.CALM]
    stored = loop.store.incident(incident.id)
    assert stored is not None
    assert stored.reflection_status is ReflectionStatus.SAVED
    assert stored.reflection.positives == ["Got past the gatekeeper"]
    assert loop.next_wakeup() is None


def test_dialing_before_first_nudge_cancels_both(loop: RecoveryLoop, clock: FakeClock) -> None:
    seen = Recorder(loop)
    incident = loop.flag()
    clock.advance(minutes=4)
    loop.tick()
    loop.dialed()
    clock.advance(minutes=20)
    loop.tick()
    assert seen.nudges == []
    states = {n.kind: n.state for n in loop.store.nudges(incident_id=incident.id)}
    assert states == {NudgeKind.FIRST: NudgeState.CANCELLED, NudgeKind.SECOND: NudgeState.CANCELLED}


def test_dialing_between_nudges_cancels_the_second(loop: RecoveryLoop, clock: FakeClock) -> None:
    seen = Recorder(loop)
    loop.flag()
    clock.advance(minutes=11)
    loop.tick()
    loop.dialed()
    clock.advance(minutes=10)
    loop.tick()
    assert seen.nudges == [NudgeKind.FIRST]


def test_nudge_times_follow_settings(store: Store, clock: FakeClock) -> None:
    settings = Settings({"nudge.first_minutes": 0.05, "nudge.second_minutes": 0.1})
    loop = RecoveryLoop(store, settings, clock)
    loop.restore()
    incident = loop.flag()
    due = sorted(n.due_at - incident.flagged_at for n in loop.pending_nudges())
    assert due == [timedelta(seconds=3), timedelta(seconds=6)]


def test_restart_keeps_pending_nudges_and_fires_them_once(data_dir: Path, clock: FakeClock) -> None:
    first, _ = reopen(data_dir, clock)
    first.flag("Globex")
    clock.advance(minutes=3)
    first.tick()

    clock.advance(minutes=8)  # 11 min: the first nudge fell due while the app was closed
    second, seen = reopen(data_dir, clock)
    assert seen.nudges == [NudgeKind.FIRST]
    assert second.phase is Phase.WAITING
    second.tick()
    assert seen.nudges == [NudgeKind.FIRST]  # not twice

    third, seen_again = reopen(data_dir, clock)
    assert seen_again.nudges == []  # a restart does not repeat it either
    clock.advance(minutes=4)
    third.tick()
    assert seen_again.nudges == [NudgeKind.SECOND]


def test_restart_after_both_were_due_fires_only_the_firm_one(
    data_dir: Path, clock: FakeClock
) -> None:
    loop, _ = reopen(data_dir, clock)
    incident = loop.flag()
    clock.advance(minutes=20)
    restarted, seen = reopen(data_dir, clock)
    assert seen.nudges == [NudgeKind.SECOND]
    states = {n.kind: n.state for n in restarted.store.nudges(incident_id=incident.id)}
    assert states == {NudgeKind.FIRST: NudgeState.MISSED, NudgeKind.SECOND: NudgeState.FIRED}


def test_a_nudge_hours_late_is_recorded_as_missed_not_fired(
    data_dir: Path, clock: FakeClock
) -> None:
    loop, _ = reopen(data_dir, clock)
    loop.flag()
    clock.advance(minutes=15)
    clock.advance((STALE_AFTER + timedelta(seconds=1)).total_seconds())
    restarted, seen = reopen(data_dir, clock)
    assert seen.nudges == []
    assert restarted.pending_nudges() == []
    assert restarted.phase is Phase.WAITING  # still waiting: the dial itself is not invented


def test_sleep_across_a_due_time_fires_on_the_first_tick_after_waking(
    loop: RecoveryLoop, clock: FakeClock
) -> None:
    seen = Recorder(loop)
    loop.flag()
    clock.advance(minutes=3)
    loop.tick()
    wake_at = loop.next_wakeup()
    assert wake_at is not None and wake_at - loop.current.flagged_at == timedelta(minutes=10)  # type: ignore[union-attr]
    # The laptop sleeps from minute 5 to minute 12; the runner's next tick comes on waking.
    clock.advance(minutes=9)
    loop.tick()
    assert seen.nudges == [NudgeKind.FIRST]


def test_restart_during_a_break_resumes_it_and_ends_it_when_due(
    data_dir: Path, clock: FakeClock
) -> None:
    loop, _ = reopen(data_dir, clock)
    incident = loop.flag()
    clock.advance(minutes=1)
    resumed, seen = reopen(data_dir, clock)
    assert resumed.phase is Phase.BREAK
    assert resumed.next_wakeup() == incident.break_ends_at
    clock.advance(minutes=5)
    restarted, seen = reopen(data_dir, clock)
    assert restarted.phase is Phase.WAITING
    assert seen.breaks_ended == [incident.id]
    stored = restarted.store.incident(incident.id)
    assert stored is not None and stored.break_ended_at == incident.break_ends_at


def test_extend_and_end_break(loop: RecoveryLoop, clock: FakeClock) -> None:
    incident = loop.flag()
    planned = incident.break_ends_at
    assert planned is not None
    assert loop.extend_break(1) == planned + timedelta(minutes=1)
    for _ in range(20):
        loop.extend_break(1)
    assert incident.break_ends_at == incident.flagged_at + timedelta(minutes=10)  # capped
    clock.advance(seconds=30)
    loop.end_break()
    assert loop.phase is Phase.WAITING
    with pytest.raises(LoopError, match="no break running"):
        loop.end_break()


def test_flag_during_a_break_reuses_the_break(loop: RecoveryLoop) -> None:
    first = loop.flag()
    again = loop.flag("Initech", 4)
    assert again.id == first.id
    assert again.label == "Initech" and again.rough == 4
    assert len(loop.store.incidents()) == 1


def test_flag_while_waiting_counts_as_the_next_dial(loop: RecoveryLoop, clock: FakeClock) -> None:
    first = loop.flag()
    clock.advance(minutes=3)
    loop.tick()
    clock.advance(minutes=4)
    second = loop.flag()
    assert second.id != first.id
    stored = loop.store.incident(first.id)
    assert stored is not None and stored.time_to_dial == timedelta(minutes=7)
    assert all(n.state is NudgeState.CANCELLED for n in loop.store.nudges(incident_id=first.id))
    assert len(loop.pending_nudges()) == 2


def test_dialing_during_a_break_ends_it_without_asking_for_the_note(loop: RecoveryLoop) -> None:
    seen = Recorder(loop)
    incident = loop.flag()
    loop.dialed()
    assert seen.breaks_ended == []
    assert [i.id for i in loop.open_reflections()] == [incident.id]


def test_dialed_with_nothing_waiting_records_nothing(loop: RecoveryLoop) -> None:
    assert loop.dialed() is None
    assert loop.store.incidents() == []


def test_snooze_adds_a_nudge_two_minutes_out(loop: RecoveryLoop, clock: FakeClock) -> None:
    seen = Recorder(loop)
    loop.flag()
    clock.advance(minutes=10)
    loop.tick()
    loop.snooze()
    clock.advance(minutes=2)
    loop.tick()
    assert seen.nudges == [NudgeKind.FIRST, NudgeKind.SNOOZE]
    loop.dialed()
    with pytest.raises(LoopError):
        loop.snooze()


def test_rough_out_of_range_is_refused(loop: RecoveryLoop) -> None:
    with pytest.raises(LoopError, match="0 to 10"):
        loop.flag(rough=42)
    assert loop.store.incidents() == []


def test_draft_then_later_then_save(loop: RecoveryLoop, clock: FakeClock, data_dir: Path) -> None:
    incident = loop.flag()
    loop.end_break()
    loop.save_draft(incident.id, Reflection(what_happened="Shouted at me"))
    assert loop.incident(incident.id).reflection_status is ReflectionStatus.DRAFT
    restarted, _ = reopen(data_dir, clock)
    waiting = restarted.open_reflections()
    assert [i.reflection.what_happened for i in waiting] == ["Shouted at me"]
    with pytest.raises(LoopError, match="at least one positive"):
        restarted.save_reflection(incident.id, Reflection(what_happened="Shouted at me"))
    saved = restarted.save_reflection(
        incident.id, Reflection("Shouted at me", positives=["  I stayed calm "])
    )
    assert saved.reflection.positives == ["I stayed calm"]
    assert restarted.open_reflections() == []
    # A late draft (a form closing after the save) must not overwrite the saved note.
    restarted.save_draft(incident.id, Reflection())
    assert restarted.incident(incident.id).reflection.positives == ["I stayed calm"]


def test_discard_forgets_the_text(loop: RecoveryLoop) -> None:
    incident = loop.flag()
    loop.end_break()
    loop.save_draft(incident.id, Reflection(lesson="Prepare pricing"))
    loop.discard_reflection(incident.id)
    stored = loop.incident(incident.id)
    assert stored.reflection_status is ReflectionStatus.DISCARDED
    assert stored.reflection.lesson == ""
    assert loop.open_reflections() == []


def test_a_failed_save_is_reported_and_the_loop_goes_on(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resilience_app import files

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)  # the disk, not our store, fails
    loop = RecoveryLoop(store, Settings(), clock)
    refused: list[OSError] = []
    store.on_save_failed = refused.append
    incident = loop.flag("Kept in memory")
    loop.end_break()
    assert loop.phase is Phase.WAITING and loop.current is incident
    assert refused and refused[0].strerror == "No space left on device"
    assert store.dirty and store.incident(incident.id) is not None
    monkeypatch.undo()
    store.flush()
    stored = Store(store.data_dir).incident(incident.id)
    assert stored is not None and stored.label == "Kept in memory"


def test_a_call_left_waiting_overnight_or_from_the_future_is_not_current(
    store: Store, clock: FakeClock
) -> None:
    loop = RecoveryLoop(store, Settings(), clock)
    incident = loop.flag("Friday 17:55")  # the laptop was shut during the break
    clock.advance(minutes=60 * 15)
    later = RecoveryLoop(store, Settings(), clock)
    later.restore()
    assert later.phase is Phase.CALM and later.current is None
    assert [i.id for i in later.open_reflections()] == [incident.id]  # the note is offered

    other = RecoveryLoop(store, Settings(), FakeClock(clock.now() - timedelta(days=400)))
    other.restore()  # this machine's clock is a year behind the one that flagged it
    assert other.phase is Phase.CALM


def test_a_flag_during_a_call_holds_its_break_until_the_call_is_over(
    loop: RecoveryLoop, clock: FakeClock
) -> None:
    seen = Recorder(loop)
    held: list[str] = []
    started: list[str] = []
    loop.break_held.connect(lambda incident: held.append(incident.id))
    loop.break_started.connect(lambda incident: started.append(incident.id))
    incident = loop.flag("Acme", on_call=True)
    assert incident.held and loop.phase is Phase.HELD and seen.phases == [Phase.HELD]
    assert held == [incident.id] and started == [] and loop.next_wakeup() is None
    clock.advance(minutes=20)  # nothing falls due however long the call goes on
    assert loop.tick(on_call=True) == [] and loop.pending_nudges() == []
    ended = clock.now()
    clock.advance(seconds=3)  # the call's end is known a little later
    assert loop.call_over(ended) is incident
    assert started == [incident.id] and loop.phase is Phase.BREAK
    assert incident.break_started_at == ended
    assert incident.break_ends_at == ended + timedelta(minutes=3)
    assert sorted(n.due_at - ended for n in loop.pending_nudges()) == [
        timedelta(minutes=10),
        timedelta(minutes=15),
    ]
    assert loop.call_over(clock.now()) is None  # only once


def test_a_held_break_starts_at_the_next_tick_off_a_call_after_a_restart(
    data_dir: Path, clock: FakeClock
) -> None:
    loop, _seen = reopen(data_dir, clock)
    incident = loop.flag(on_call=True)
    clock.advance(minutes=2)
    again, seen = reopen(data_dir, clock)  # no call is known to the new run
    assert again.phase is Phase.BREAK and seen.breaks_ended == []
    assert again.current is not None and again.current.id == incident.id
    assert again.current.break_started_at == clock.now()


def test_dialing_while_the_break_is_held_closes_it_without_a_break(
    loop: RecoveryLoop, clock: FakeClock
) -> None:
    incident = loop.flag(on_call=True)
    clock.advance(seconds=40)
    assert loop.dialed() is incident
    assert loop.phase is Phase.CALM and incident.break_started_at is None
    assert incident.time_to_dial == timedelta(seconds=40) and not incident.held
    assert loop.call_over(clock.now()) is None
