"""Breathing patterns as data, and where a pattern is at any elapsed time.

`state_at` is a pure function of elapsed seconds, so the animation is always drawn from
the clock and can never drift from it, however late a frame arrives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One phase of a pattern: what to do, for how long, and how the shape moves."""

    cue: str  # short instruction shown in the middle ("Breathe in")
    seconds: float
    size_from: float  # 0 = smallest shape, 1 = largest
    size_to: float
    detail: str = ""  # a longer hint under the cue (muscle relaxation steps use it)

    @property
    def motion(self) -> str:
        """ "in" while the shape grows, "out" while it shrinks, "hold" while it rests: which
        sound cue marks the step for a rep with their eyes closed."""
        if self.size_to > self.size_from:
            return "in"
        return "out" if self.size_to < self.size_from else "hold"


@dataclass(frozen=True)
class Pattern:
    key: str
    name: str
    summary: str
    steps: tuple[Step, ...]

    @property
    def cycle_seconds(self) -> float:
        return sum(step.seconds for step in self.steps)


@dataclass(frozen=True)
class BreathState:
    """Where a pattern is at a moment: enough to draw a frame and its label."""

    cue: str
    detail: str
    seconds_left: int  # whole seconds left in this step, counting down to 1
    size: float  # 0..1, eased
    step_index: int
    cycle: int  # 0 for the first round

    @property
    def label(self) -> str:
        return f"{self.cue} · {self.seconds_left}"


def _in(seconds: float, start: float = 0.0, end: float = 1.0) -> Step:
    return Step("Breathe in", seconds, start, end)


def _hold(seconds: float, at: float) -> Step:
    return Step("Hold", seconds, at, at)


def _out(seconds: float, start: float = 1.0) -> Step:
    return Step("Breathe out", seconds, start, 0.0)


def _muscle(area: str, how: str) -> tuple[Step, Step]:
    return (
        Step("Tense", 5, 0.0, 1.0, f"{area}: {how}"),
        Step("Let go", 10, 1.0, 0.0, f"{area}: let it all go and notice the difference"),
    )


def _count_to_ten() -> tuple[Step, ...]:
    words = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    steps: list[Step] = []
    for word in words:
        steps.append(Step("Breathe in", 3, 0.0, 1.0, "slowly, through the nose"))
        steps.append(Step(f"Out… {word}", 4, 1.0, 0.0, "count on each breath out"))
    return tuple(steps)


PATTERNS: dict[str, Pattern] = {
    p.key: p
    for p in (
        Pattern(
            "box",
            "Box 4-4-4-4",
            "In, hold, out, hold: four seconds each.",
            (_in(4), _hold(4, 1.0), _out(4), _hold(4, 0.0)),
        ),
        Pattern(
            "478",
            "4-7-8",
            "In for 4, hold for 7, a long breath out for 8.",
            (_in(4), _hold(7, 1.0), _out(8)),
        ),
        Pattern(
            "coherent",
            "Coherent 5.5 / 5.5",
            "Slow and even: 5.5 seconds in, 5.5 seconds out.",
            (_in(5.5), _out(5.5)),
        ),
        Pattern(
            "sigh",
            "Cyclic sigh",
            "Two breaths in through the nose, then a long sigh out.",
            (
                _in(2.5, 0.0, 0.75),
                Step("A little more in", 1.0, 0.75, 1.0),
                Step("Sigh it out", 6.5, 1.0, 0.0),
            ),
        ),
        Pattern(
            "pmr",
            "Muscle relaxation",
            "Tense one area for five seconds, then let it go.",
            (
                *_muscle("Hands", "make two tight fists"),
                *_muscle("Shoulders", "lift them up towards your ears"),
                *_muscle("Face", "scrunch your eyes and jaw"),
                *_muscle("Stomach", "pull it in tight"),
                *_muscle("Legs and feet", "press your feet into the floor"),
            ),
        ),
        Pattern(
            "count10",
            "Count to ten",
            "Ten slow breaths, counting each one out.",
            _count_to_ten(),
        ),
    )
}

DEFAULT_PATTERN = "box"


def _ease(t: float) -> float:
    """Smooth start and stop, so the shape never jerks at a step boundary."""
    return 0.5 - 0.5 * math.cos(math.pi * t)


def state_at(pattern: Pattern, elapsed: float) -> BreathState:
    """Where `pattern` is after `elapsed` seconds (negative counts as zero)."""
    elapsed = max(0.0, elapsed)
    cycle_length = pattern.cycle_seconds
    cycle, into_cycle = divmod(elapsed, cycle_length)
    for index, step in enumerate(pattern.steps):
        if into_cycle < step.seconds or index == len(pattern.steps) - 1:
            into_step = min(into_cycle, step.seconds)
            fraction = into_step / step.seconds
            size = step.size_from + (step.size_to - step.size_from) * _ease(fraction)
            left = max(1, math.ceil(step.seconds - into_step - 1e-9))
            return BreathState(step.cue, step.detail, left, size, index, int(cycle))
        into_cycle -= step.seconds
    raise AssertionError("unreachable: a pattern always has steps")
