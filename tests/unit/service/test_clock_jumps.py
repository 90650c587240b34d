"""Breaks and nudges follow elapsed time when the wall clock is stepped (a time sync, a
wrong-zone fix), either way; a real sleep of the laptop still lets what fell due during
it come once on wake. The real service with a fake clock whose wall time can be stepped
without time passing; `Runner` wakes the service the way the app's wake-up runner does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resilience_app.core.clock import JUMP_SLACK, FakeClock
from resilience_app.core.models import Incident, Nudge, NudgeKind, NudgeState
from resilience_app.service import Service

HEARTBEAT = 30.0  # seconds of elapsed time, as adapters/scheduler.py beats
LATE = 5.0  # how late (elapsed seconds) a nudge or the end of a break may come
# Steps up to the slack are not told from drift (a millisecond more for float rounding: two
# steps adding up to exactly the slack arrive as 597.9999999999998 s).
EARLY = JUMP_SLACK.total_seconds() + 0.001
BREAK = 60.0
FIRST = 10 * 60.0
SECOND = 15 * 60.0


@dataclass
class Seen:
    """What the rep was shown, stamped with the elapsed seconds since the flag."""

    flag_at: float = 0.0
    nudges: list[tuple[NudgeKind, float]] = field(default_factory=list)
    breaks_ended: list[float] = field(default_factory=list)
    statuses: list[tuple[float, dict[str, object]]] = field(default_factory=list)


class Runner:
    """The app's wake-up runner in elapsed time: APScheduler is given a wall time and waits
    (on elapsed time) as long as that was ahead when it was planned; a heartbeat every
    30 s of elapsed time while anything is planned. Each wake calls `service.tick()`."""

    def __init__(self, service: Service, clock: FakeClock) -> None:
        self.service = service
        self.clock = clock
        self.wake_at: float | None = None
        self.beat_at: float | None = None
        service.schedule_changed.connect(self.plan)

    def plan(self) -> None:
        when = self.service.next_wakeup()
        now = self.clock.elapsed()
        if when is None:
            self.wake_at = self.beat_at = None
            return
        self.wake_at = now + max(0.0, (when - self.clock.now()).total_seconds())
        if self.beat_at is None:
            self.beat_at = now + HEARTBEAT

    def run_for(self, seconds: float) -> None:
        """Let `seconds` of elapsed time pass, waking the service when the runner would."""
        end = self.clock.elapsed() + seconds
        while True:
            due = [t for t in (self.wake_at, self.beat_at) if t is not None and t <= end]
            if not due:
                break
            at = min(due)
            self.clock.advance(max(0.0, at - self.clock.elapsed()))
            if self.wake_at is not None and self.wake_at <= at:
                self.wake_at = None
            if self.beat_at is not None and self.beat_at <= at:
                self.beat_at = at + HEARTBEAT
            self.service.tick()
        self.clock.advance(max(0.0, end - self.clock.elapsed()))


def watch(service: Service, clock: FakeClock) -> Seen:
    seen = Seen(flag_at=clock.elapsed())

    def nudged(nudge: Nudge, _incident: Incident) -> None:
        seen.nudges.append((nudge.kind, clock.elapsed() - seen.flag_at))

    def ended(_incident: Incident) -> None:
        seen.breaks_ended.append(clock.elapsed() - seen.flag_at)

    service.loop.nudge_fired.connect(nudged)
    service.loop.break_ended.connect(ended)
    return seen


def start(service: Service, clock: FakeClock) -> tuple[Runner, Seen]:
    service.set_setting("break.minutes", 1)
    service.start()
    runner = Runner(service, clock)
    runner.plan()
    seen = watch(service, clock)
    service.flag("Acme, pricing")
    seen.flag_at = clock.elapsed()
    return runner, seen


def look(service: Service, clock: FakeClock, seen: Seen) -> dict[str, object]:
    status = service.status()
    seen.statuses.append((clock.elapsed() - seen.flag_at, status))
    return status


def since_flag(status: dict[str, object]) -> float:
    current = status["current_incident"]
    assert isinstance(current, dict)
    return float(current["minutes_since_flag"])


def assert_on_time(seen: Seen) -> None:
    """Each nudge once, never early, at most a few seconds late; the break likewise."""
    kinds = [kind for kind, _ in seen.nudges]
    assert kinds == [NudgeKind.FIRST, NudgeKind.SECOND], seen.nudges
    for (_, at), due in zip(seen.nudges, (FIRST, SECOND), strict=True):
        assert due - EARLY <= at <= due + LATE, seen.nudges
    assert len(seen.breaks_ended) == 1, seen.breaks_ended
    assert BREAK - EARLY <= seen.breaks_ended[0] <= BREAK + LATE, seen.breaks_ended
    for at, status in seen.statuses:
        if status["current_incident"] is not None:
            minutes = since_flag(status)
            assert minutes >= 0, (at, status)
            assert abs(minutes * 60 - at) <= EARLY + 1, (at, status)


# -- the case, and its mirror ----------------------------------------------------


def test_a_clock_stepped_back_during_a_break_keeps_the_break_and_nudges_on_time(
    service: Service, clock: FakeClock
) -> None:
    runner, seen = start(service, clock)
    runner.run_for(15)
    clock.step(hours=-2)  # a time sync puts the clock two hours back
    runner.run_for(60)  # 75 s after the flag
    status = look(service, clock, seen)
    assert status["phase"] == "waiting"
    assert 1.2 <= since_flag(status) <= 1.3
    runner.run_for(19 * 60)
    assert_on_time(seen)
    assert service.loop.pending_nudges() == []


def test_a_clock_stepped_forward_during_a_break_ends_nothing_at_once(
    service: Service, clock: FakeClock
) -> None:
    runner, seen = start(service, clock)
    runner.run_for(20)
    clock.step(hours=2)
    service.tick()  # a wake-up right after the jump (a heartbeat, a command)
    status = look(service, clock, seen)
    assert status["phase"] == "break"
    assert seen.nudges == [] and seen.breaks_ended == []
    assert 0.3 <= since_flag(status) <= 0.4
    runner.run_for(20 * 60)
    assert_on_time(seen)


def test_steps_between_the_two_nudges_each_way(service: Service, clock: FakeClock) -> None:
    runner, seen = start(service, clock)
    runner.run_for(11 * 60)
    clock.step(hours=2)
    runner.run_for(60)
    assert look(service, clock, seen)["phase"] == "waiting"
    clock.step(hours=-2)
    runner.run_for(30)
    clock.step(hours=-2)
    runner.run_for(10 * 60)
    assert_on_time(seen)


def test_status_right_after_a_step_back_is_never_negative(
    service: Service, clock: FakeClock
) -> None:
    """`status` is asked between two wake-ups: it notices the jump itself."""
    runner, seen = start(service, clock)
    runner.run_for(10)
    clock.step(hours=-2)
    status = look(service, clock, seen)
    assert 0.1 <= since_flag(status) <= 0.2
    current = status["current_incident"]
    assert isinstance(current, dict) and current["break_ends_at"] is not None
    ends = datetime.fromisoformat(str(current["break_ends_at"]))
    assert 49 <= (ends - clock.now()).total_seconds() <= 51


def test_dialing_after_a_step_back_closes_the_call(service: Service, clock: FakeClock) -> None:
    """Before, "I'm dialing" after the step looked like a call from before the flag."""
    runner, _seen = start(service, clock)
    runner.run_for(90)
    clock.step(hours=-2)
    closed = service.dialed()
    assert closed is not None and closed.time_to_dial is not None
    assert 89 <= closed.time_to_dial.total_seconds() <= 91
    assert service.loop.pending_nudges() == []


def test_a_real_sleep_still_brings_what_fell_due_once_on_wake(
    service: Service, clock: FakeClock
) -> None:
    """Asleep, elapsed time (boot time) moves with the wall: nothing is shifted, and what
    fell due is caught up on wake as before: the latest nudge speaks once."""
    runner, seen = start(service, clock)
    runner.run_for(5 * 60)
    clock.set(clock.now() + timedelta(minutes=12))  # the lid was shut for 12 minutes
    runner.run_for(HEARTBEAT)
    assert [kind for kind, _ in seen.nudges] == [NudgeKind.SECOND]
    states = {n.kind: n.state for n in service.store.nudges()}
    assert states[NudgeKind.FIRST] is NudgeState.MISSED
    runner.run_for(30 * 60)
    assert len(seen.nudges) == 1


# -- any steps at all --------------------------------------------------------------------

steps = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=240),  # elapsed seconds before the step
        st.one_of(
            st.floats(min_value=-3 * 3600, max_value=3 * 3600),
            st.floats(min_value=-EARLY, max_value=EARLY),  # tiny: drift, half a sync
        ),
        st.booleans(),  # ask `status` right after it
    ),
    max_size=12,
)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=steps)
def test_any_steps_each_nudge_once_and_on_elapsed_time(
    script: list[tuple[float, float, bool]],
) -> None:
    import random
    import tempfile
    from pathlib import Path

    from resilience_app.adapters.notify import NotifierChain
    from resilience_app.core.settings import Settings
    from resilience_app.storage.settings_file import save_settings
    from resilience_app.storage.store import Store

    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        clock = FakeClock()
        store = Store(data_dir)
        try:
            service = Service(
                store,
                Settings(),
                clock,
                notifier=NotifierChain(),
                save_settings=lambda values: save_settings(data_dir, values),
                rng=random.Random(7),
            )
            runner, seen = start(service, clock)
            for wait, jump, ask in script:
                runner.run_for(wait)
                clock.step(jump)
                if ask:
                    look(service, clock, seen)
            left = SECOND + 2 * LATE - (clock.elapsed() - seen.flag_at)
            runner.run_for(max(left, HEARTBEAT))
            look(service, clock, seen)
        finally:
            store.close()
    # Steps after the second nudge cannot make anything late; what matters is above.
    assert_on_time(seen)
