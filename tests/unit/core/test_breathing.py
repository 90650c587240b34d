"""Breathing patterns are data; `state_at` is a pure function of elapsed time."""

from __future__ import annotations

import pytest

from resilience_app.core.breathing import PATTERNS, state_at


@pytest.mark.parametrize(
    ("elapsed", "label", "size"),
    [
        (0.0, "Breathe in · 4", 0.0),
        (2.0, "Breathe in · 2", 0.5),
        (3.99, "Breathe in · 1", None),
        (4.0, "Hold · 4", 1.0),
        (7.5, "Hold · 1", 1.0),
        (8.0, "Breathe out · 4", 1.0),
        (10.0, "Breathe out · 2", 0.5),
        (12.0, "Hold · 4", 0.0),
        (16.0, "Breathe in · 4", 0.0),  # second round
    ],
)
def test_box_breathing_at_given_times(elapsed: float, label: str, size: float | None) -> None:
    state = state_at(PATTERNS["box"], elapsed)
    assert state.label == label
    if size is not None:
        assert state.size == pytest.approx(size, abs=1e-9)


def test_478_timings() -> None:
    p = PATTERNS["478"]
    assert p.cycle_seconds == 19
    assert state_at(p, 4.0).cue == "Hold"
    assert state_at(p, 10.9).cue == "Hold"
    assert state_at(p, 11.0).label == "Breathe out · 8"
    assert state_at(p, 19.0).cycle == 1


def test_coherent_is_five_and_a_half_each_way() -> None:
    p = PATTERNS["coherent"]
    assert state_at(p, 5.4).cue == "Breathe in"
    assert state_at(p, 5.5).cue == "Breathe out"
    assert state_at(p, 5.5).seconds_left == 6  # 5.5 s shown rounded up
    assert state_at(p, 11.0).cue == "Breathe in"


def test_cyclic_sigh_has_two_inhales_then_a_long_exhale() -> None:
    cues = [s.cue for s in PATTERNS["sigh"].steps]
    assert cues == ["Breathe in", "A little more in", "Sigh it out"]
    steps = PATTERNS["sigh"].steps
    assert steps[2].seconds > steps[0].seconds + steps[1].seconds


def test_muscle_relaxation_names_the_area() -> None:
    state = state_at(PATTERNS["pmr"], 6.0)
    assert state.cue == "Let go"
    assert state.detail.startswith("Hands")
    assert state_at(PATTERNS["pmr"], 15.0).detail.startswith("Shoulders")


def test_count_to_ten_counts() -> None:
    p = PATTERNS["count10"]
    assert state_at(p, 3.0).cue == "Out… one"
    assert state_at(p, 7 * 9 + 3).cue == "Out… ten"
    assert p.cycle_seconds == 70


def test_size_never_jumps_at_a_step_boundary() -> None:
    for pattern in PATTERNS.values():
        previous = state_at(pattern, 0).size
        t = 0.0
        while t < pattern.cycle_seconds * 2:
            t += 0.033
            size = state_at(pattern, t).size
            # ~1 frame at 30 fps never moves the shape by more than a fifth of its range
            assert abs(size - previous) < 0.2, (pattern.key, t)
            previous = size


def test_negative_elapsed_counts_as_start() -> None:
    assert state_at(PATTERNS["box"], -5).label == "Breathe in · 4"
