"""Day tallies add up to exactly the figures computed from the calls themselves."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resilience_app.core import insights, tallies
from resilience_app.core.models import (
    Incident,
    LossReason,
    MyPart,
    Reflection,
    ReflectionStatus,
)

ZONES = [None, ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Kolkata"), ZoneInfo("America/St_Johns")]
START = datetime(2024, 1, 1, tzinfo=UTC)
LESSONS = ["Lead with value", "lead with value!", "Ask about budget", "  Ask about budget  ", ""]


@st.composite
def calls(draw: st.DrawFn) -> list[Incident]:
    """A journal: calls over ~14 months with every field the figures read, at distinct
    moments (two calls at the same microsecond have no order to agree on)."""
    offsets = draw(
        st.lists(st.integers(0, 420 * 24 * 3600 * 10**6), min_size=0, max_size=80, unique=True)
    )
    found = []
    for n, offset in enumerate(offsets):
        when = START + timedelta(microseconds=offset)
        dial = draw(st.none() | st.integers(0, 3 * 3600 * 10**6))
        saved = draw(st.booleans())
        status = ReflectionStatus.SAVED if saved else draw(st.sampled_from(list(ReflectionStatus)))
        found.append(
            Incident(
                id=f"c{n}",
                flagged_at=when,
                rough=draw(st.none() | st.integers(0, 10)),
                dialed_at=None if dial is None else when + timedelta(microseconds=dial),
                reflection=Reflection(
                    loss_reason=draw(st.none() | st.sampled_from(list(LossReason))),
                    my_part=draw(st.none() | st.sampled_from(list(MyPart))),
                    lesson=draw(st.sampled_from(LESSONS)),
                    mood_after=draw(st.none() | st.integers(0, 10)),
                ),
                reflection_status=status,
            )
        )
    return found


def by_month(found: list[Incident], zone: ZoneInfo | None = None) -> list[tallies.Days]:
    """Tallies per month file (UTC months, as the store keeps them), through their stored
    form (JSON)."""
    months: dict[str, list[Incident]] = {}
    for incident in found:
        months.setdefault(incident.flagged_at.strftime("%Y-%m"), []).append(incident)
    return [
        tallies.days_from_json(json.loads(json.dumps(tallies.days_to_json(tallies.tally(m, zone)))))
        for m in months.values()
    ]


@settings(max_examples=60, deadline=None)
@given(
    calls(),
    st.sampled_from(ZONES),
    st.integers(-30, 400) | st.just(-1),
    st.integers(0, 500) | st.just(500),
    st.integers(0, 440),
)
def test_figures_from_tallies_equal_figures_from_calls(
    found: list[Incident], zone: ZoneInfo | None, start: int, length: int, at: int
) -> None:
    first = date(2024, 1, 1) + timedelta(days=start)
    last = first + timedelta(days=length)
    now = START + timedelta(days=at, hours=13)
    # A local day near the turn of a UTC month comes from two files: both count.
    pairs = [pair for part in by_month(found, zone) for pair in part.items()]
    recent = [i for i in found if i.flagged_at >= now - timedelta(days=61)]
    expected = insights.summarize(found, first, last, now, zone)
    got = insights.from_tallies(pairs, first, last, now, recent, zone)
    assert got == expected
    assert got.as_json() == expected.as_json()


@settings(max_examples=40, deadline=None)
@given(calls())
def test_tallies_survive_their_stored_form_and_merge_in_any_order(found: list[Incident]) -> None:
    stored = by_month(found)
    whole = tallies.tally(found)
    assert tallies.merge(stored) == whole
    assert tallies.merge(reversed(stored)) == whole


def test_a_tally_that_is_not_one_does_not_read() -> None:
    for bad in ([], {"n": 1}, [1, [0] * 23, [], {}, {}, [0, 0, 0], []], "x", None):
        with pytest.raises(tallies.BadTally):
            tallies.DayTally.from_json(bad)
    with pytest.raises(tallies.BadTally):
        tallies.days_from_json({"not a day": [1, [0] * 24, [], {}, {}, [0, 0, 0], []]})


def test_dial_minutes_are_the_same_float_as_from_the_call() -> None:
    when = datetime(2026, 3, 1, 9, 0, 0, 123457, tzinfo=UTC)
    call = Incident(
        id="x", flagged_at=when, dialed_at=when + timedelta(seconds=431, microseconds=7)
    )
    (day,) = tallies.tally([call]).values()
    assert [tallies.dial_minutes(us) for us in day.dials] == [insights.minutes_to_dial(call)]
