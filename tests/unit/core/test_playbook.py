"""The playbook's pure parts: the spaced schedule, merging, the card and the reminder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resilience_app.core.playbook import (
    BOX_DAYS,
    PlaybookEntry,
    Wording,
    answered,
    card_for_now,
    is_due,
    merge,
    normalize_tag,
    practised,
    reminder_at,
    with_tags,
)
from resilience_app.core.workhours import Schedule
from tests.doubles import local_zone


@pytest.fixture(autouse=True)
def berlin() -> Iterator[None]:
    with local_zone("Europe/Berlin"):
        yield


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
OFFICE = Schedule.from_settings("mon,tue,wed,thu,fri", "09:00", "18:00")


def entry(id: str = "a", **kw: object) -> PlaybookEntry:
    return PlaybookEntry(
        id, kw.pop("said", "Why are you dearer than X?"), kw.pop("created_at", T0), **kw
    )  # type: ignore[arg-type]


# -- the spaced schedule ------------------------------------------------------------------

marks = st.lists(st.booleans(), max_size=30)


@settings(max_examples=200, deadline=None)
@given(marks=marks)
def test_boxes_stay_in_range_and_due_follows_the_box(marks: list[bool]) -> None:
    card = answered(entry(), "Because it lasts.", T0)
    assert card.box == 1 and card.due_at == T0 + timedelta(days=1)
    now = T0
    for had_it in marks:
        now += timedelta(hours=7)
        before = card.box
        card = practised(card, had_it, now)
        assert 1 <= card.box <= len(BOX_DAYS)
        assert card.box == (min(before + 1, len(BOX_DAYS)) if had_it else 1)
        assert card.due_at == now + timedelta(days=BOX_DAYS[card.box - 1])
        assert card.practised_at == now
        assert not is_due(card, now)
        assert is_due(card, card.due_at)


def test_five_times_had_it_reaches_sixteen_days() -> None:
    card = answered(entry(), "Because it lasts.", T0)
    for _ in range(6):
        card = practised(card, True, T0)
    assert card.box == 5 and card.due_at == T0 + timedelta(days=16)
    assert practised(card, False, T0).box == 1


def test_a_new_answer_keeps_the_earlier_wording() -> None:
    first = answered(entry(), "Because it lasts.", T0)
    later = T0 + timedelta(days=3)
    second = answered(first, "It costs less over five years.", later)
    assert second.answer == "It costs less over five years."
    assert second.earlier == [Wording("Because it lasts.", later)]
    assert second.box == first.box  # rewording does not reset the schedule
    assert answered(second, second.answer, later).earlier == second.earlier


# -- merging ------------------------------------------------------------------------------

words = st.text(alphabet="abc xyz", max_size=8)
ids = st.lists(st.sampled_from(["c1", "c2", "c3", "c4"]), max_size=4, unique=True)
tags = st.lists(st.sampled_from(["price", "trust", "my own"]), max_size=3, unique=True)


@st.composite
def entries(draw: st.DrawFn, id: str) -> PlaybookEntry:
    made = entry(
        id,
        said=draw(words) or id,
        call_ids=draw(ids),
        tags=draw(tags),
        created_at=T0 + timedelta(hours=draw(st.integers(0, 100))),
    )
    for text in draw(st.lists(words, max_size=3)):
        made = answered(made, text, made.created_at + timedelta(hours=1))
    return made


@settings(max_examples=200, deadline=None)
@given(keep=entries("k"), gone=entries("g"))
def test_merge_unites_calls_and_tags_and_keeps_every_wording(
    keep: PlaybookEntry, gone: PlaybookEntry
) -> None:
    now = T0 + timedelta(days=10)
    merged, away = merge(keep, gone, now)
    assert set(merged.call_ids) == set(keep.call_ids) | set(gone.call_ids)
    assert len(merged.call_ids) == len(set(merged.call_ids))
    assert set(merged.tags) == set(keep.tags) | set(gone.tags)
    kept_texts = {merged.answer, *(w.text for w in merged.earlier)}
    for side in (keep, gone):
        for text in [side.answer, *(w.text for w in side.earlier)]:
            if text.strip():
                assert text in kept_texts
    assert merged.answer == (keep.answer if keep.answered else gone.answer)
    assert merged.created_at == min(keep.created_at, gone.created_at)
    assert away.merged_into == "k" and not away.active and merged.active
    if gone.said != keep.said:
        assert gone.said in merged.also_said
    # Every time either came up counts once: a call both were kept with, once.
    shared = len(set(keep.call_ids) & set(gone.call_ids))
    assert merged.times == keep.times + gone.times - shared


def test_an_entry_is_not_merged_into_itself() -> None:
    with pytest.raises(ValueError):
        merge(entry(), entry(), T0)


def test_tags() -> None:
    assert normalize_tag("  My  Own,Tag ") == "my own tag"
    tagged = with_tags(entry(tags=["price"]), ["Price", "", "Budget"])
    assert tagged.tags == ["price", "budget"]


# -- the card for now ---------------------------------------------------------------------


def test_the_card_order() -> None:
    now = T0 + timedelta(days=5)
    old = answered(entry("old", created_at=T0), "x", T0)
    often = answered(entry("often", call_ids=["c1", "c2", "c3"]), "y", T0)
    often = practised(often, True, T0 + timedelta(days=1))  # due in 4 days: at `now`
    fresh = answered(entry("fresh"), "z", now - timedelta(hours=3))
    unanswered = entry("none", call_ids=["c1", "c2", "c3", "c4", "c5"])
    merged = answered(entry("merged", merged_into="old"), "w", now)
    everything = [old, often, fresh, unanswered, merged]
    assert card_for_now(everything, now) is fresh  # just answered
    assert card_for_now(everything, now, skip=["fresh"]) is often  # came up most
    assert card_for_now([old, practised(fresh, True, now)], now) is old  # due beats not due
    assert card_for_now([unanswered, merged], now) is None


# -- the one reminder ---------------------------------------------------------------------


def test_reminder_before_the_end_of_the_working_day() -> None:
    written = entry(created_at=local("2026-11-25T11:00"))  # a Wednesday
    assert reminder_at(written, OFFICE) == local("2026-11-25T17:30")


def test_reminder_next_morning_when_the_day_is_nearly_over() -> None:
    late = entry(created_at=local("2026-11-25T17:00"))
    assert reminder_at(late, OFFICE) == local("2026-11-26T09:30")
    evening = entry(created_at=local("2026-11-27T19:00"))  # Friday evening
    assert reminder_at(evening, OFFICE) == local("2026-11-30T09:30")
    weekend = entry(created_at=local("2026-11-28T12:00"))
    assert reminder_at(weekend, OFFICE) == local("2026-11-30T09:30")


def test_reminder_without_working_hours_and_when_none_is_due() -> None:
    assert reminder_at(entry(created_at=local("2026-11-25T11:00")), None) == local(
        "2026-11-25T16:30"
    )
    assert reminder_at(entry(created_at=local("2026-11-25T20:00")), None) == local(
        "2026-11-26T09:30"
    )
    assert reminder_at(answered(entry(), "x", T0), OFFICE) is None
    assert reminder_at(entry(reminded_at=T0), OFFICE) is None
    assert reminder_at(entry(merged_into="b"), OFFICE) is None
    never = Schedule.from_settings("", "09:00", "18:00")
    assert reminder_at(entry(), never) is None


@settings(max_examples=200, deadline=None)
@given(hours=st.integers(0, 24 * 14), minutes=st.integers(0, 59))
def test_reminder_is_always_within_working_hours_and_after_writing(
    hours: int, minutes: int
) -> None:
    written = local("2026-11-23T00:00") + timedelta(hours=hours, minutes=minutes)
    due = reminder_at(entry(created_at=written), OFFICE)
    assert due is not None and due > written and OFFICE.working(due)
