"""Breathing patterns as data, and where a pattern is at any elapsed time.

`state_at` is a pure function of elapsed seconds, so the animation is always drawn from
the clock and can never drift from it, however late a frame arrives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from resilience_app.i18n import N_, _


@dataclass(frozen=True)
class Step:
    """One phase of a pattern: what to do, for how long, and how the shape moves.

    `cue` and `detail` are English, marked with N_(); `state_at` gives them in the rep's
    language."""

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
    name: str  # English, marked with N_(): show `title`
    summary: str  # English, marked with N_(): show `description`
    steps: tuple[Step, ...]

    @property
    def title(self) -> str:
        """The pattern's name in the rep's language ("Box 4-4-4-4")."""
        return _(self.name)

    @property
    def description(self) -> str:
        """The one-line summary in the rep's language."""
        return _(self.summary)

    @property
    def cycle_seconds(self) -> float:
        return sum(step.seconds for step in self.steps)


@dataclass(frozen=True)
class BreathState:
    """Where a pattern is at a moment: enough to draw a frame and its label (the texts in
    the rep's language)."""

    cue: str
    detail: str
    seconds_left: int  # whole seconds left in this step, counting down to 1
    size: float  # 0..1, eased
    step_index: int
    cycle: int  # 0 for the first round

    @property
    def label(self) -> str:
        # Translators: the cue in the middle of the breathing shape with the seconds left in
        # this step, e.g. "Breathe in · 4".
        return _("{cue} · {seconds}").format(cue=self.cue, seconds=self.seconds_left)


def _in(seconds: float, start: float = 0.0, end: float = 1.0) -> Step:
    # Translators: a breathing cue, shown large in the middle of the break window.
    return Step(N_("Breathe in"), seconds, start, end)


def _hold(seconds: float, at: float) -> Step:
    # Translators: a breathing cue: hold the breath.
    return Step(N_("Hold"), seconds, at, at)


def _out(seconds: float, start: float = 1.0) -> Step:
    # Translators: a breathing cue, shown large in the middle of the break window.
    return Step(N_("Breathe out"), seconds, start, 0.0)


def _muscle(tense: str, let_go: str) -> tuple[Step, Step]:
    """Tense one area of the body, then let it go: each hint names the area."""
    return (
        # Translators: a cue of muscle relaxation: tighten the muscles of one area.
        Step(N_("Tense"), 5, 0.0, 1.0, tense),
        # Translators: a cue of muscle relaxation: relax the muscles just tightened.
        Step(N_("Let go"), 10, 1.0, 0.0, let_go),
    )


# The cues of "Count to ten", one for each breath out.
_COUNTED = (
    # Translators: a cue of "Count to ten": breathe out, counting this first breath (and so on
    # up to "Out… ten").
    N_("Out… one"),
    N_("Out… two"),
    N_("Out… three"),
    N_("Out… four"),
    N_("Out… five"),
    N_("Out… six"),
    N_("Out… seven"),
    N_("Out… eight"),
    N_("Out… nine"),
    N_("Out… ten"),
)


def _count_to_ten() -> tuple[Step, ...]:
    steps: list[Step] = []
    for counted in _COUNTED:
        steps.append(Step(N_("Breathe in"), 3, 0.0, 1.0, N_("slowly, through the nose")))
        steps.append(Step(counted, 4, 1.0, 0.0, N_("count on each breath out")))
    return tuple(steps)


PATTERNS: dict[str, Pattern] = {
    p.key: p
    for p in (
        Pattern(
            "box",
            # Translators: the name of a breathing pattern (box breathing).
            N_("Box 4-4-4-4"),
            N_("In, hold, out, hold: four seconds each."),
            (_in(4), _hold(4, 1.0), _out(4), _hold(4, 0.0)),
        ),
        Pattern(
            "478",
            # Translators: the name of a breathing pattern (4-7-8 breathing).
            N_("4-7-8"),
            N_("In for 4, hold for 7, a long breath out for 8."),
            (_in(4), _hold(7, 1.0), _out(8)),
        ),
        Pattern(
            "coherent",
            # Translators: the name of a breathing pattern (coherent breathing).
            N_("Coherent 5.5 / 5.5"),
            N_("Slow and even: 5.5 seconds in, 5.5 seconds out."),
            (_in(5.5), _out(5.5)),
        ),
        Pattern(
            "sigh",
            # Translators: the name of a breathing pattern (the physiological sigh).
            N_("Cyclic sigh"),
            N_("Two breaths in through the nose, then a long sigh out."),
            (
                _in(2.5, 0.0, 0.75),
                # Translators: a breathing cue: a second, short breath in on top of the first.
                Step(N_("A little more in"), 1.0, 0.75, 1.0),
                # Translators: a breathing cue: a long, slow breath out, like a sigh.
                Step(N_("Sigh it out"), 6.5, 1.0, 0.0),
            ),
        ),
        Pattern(
            "pmr",
            # Translators: the name of a breathing pattern (progressive muscle relaxation).
            N_("Muscle relaxation"),
            N_("Tense one area for five seconds, then let it go."),
            (
                *_muscle(
                    N_("Hands: make two tight fists"),
                    N_("Hands: let it all go and notice the difference"),
                ),
                *_muscle(
                    N_("Shoulders: lift them up towards your ears"),
                    N_("Shoulders: let it all go and notice the difference"),
                ),
                *_muscle(
                    N_("Face: scrunch your eyes and jaw"),
                    N_("Face: let it all go and notice the difference"),
                ),
                *_muscle(
                    N_("Stomach: pull it in tight"),
                    N_("Stomach: let it all go and notice the difference"),
                ),
                *_muscle(
                    N_("Legs and feet: press your feet into the floor"),
                    N_("Legs and feet: let it all go and notice the difference"),
                ),
            ),
        ),
        Pattern(
            "count10",
            # Translators: the name of a breathing pattern.
            N_("Count to ten"),
            N_("Ten slow breaths, counting each one out."),
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
            detail = _(step.detail) if step.detail else ""
            return BreathState(_(step.cue), detail, left, size, index, int(cycle))
        into_cycle -= step.seconds
    raise AssertionError("unreachable: a pattern always has steps")
