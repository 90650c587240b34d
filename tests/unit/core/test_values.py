"""Valid values in the journal: text that can be saved, moments the app can compute with."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from resilience_app.core import values
from resilience_app.core.values import BadValue


def test_lone_surrogates_are_refused_with_a_sentence() -> None:
    with pytest.raises(BadValue, match="The label has characters that are not valid text"):
        values.line("Acme\udcff", what="The label")
    assert values.is_text("Ação — “ok” 🙂") and not values.is_text("\ud800")


def test_typed_text_is_cleaned_not_refused() -> None:
    assert values.line("  Acme\n# heading\tthere  ", what="x") == "Acme # heading there"
    assert values.text("one\x00two\nthree ", what="x") == "onetwo\nthree"
    assert len(values.line("y" * 5000, what="x")) == values.MAX_LABEL
    with pytest.raises(BadValue, match="must be text"):
        values.text(42, what="The note")


def test_stored_text_is_checked_never_changed() -> None:
    assert values.stored_text_problem("fine\nlines", 200) is None
    assert values.stored_text_problem(5, 200) == "text"
    assert "at most 200" in str(values.stored_text_problem("x" * 201, 200))
    assert "valid text" in str(values.stored_text_problem("\udc80", 200))


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, tzinfo=UTC),
        datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-12))),
        datetime(1969, 12, 31, tzinfo=UTC),
    ],
)
def test_moments_at_the_edges_of_the_calendar_are_refused(moment: datetime) -> None:
    with pytest.raises(BadValue, match="between 1970 and 2200"):
        values.moment(moment, what="The time")


def test_a_moment_needs_a_zone_and_a_day_a_sane_year() -> None:
    with pytest.raises(BadValue, match="time zone"):
        values.moment(datetime(2026, 1, 1), what="The time")
    assert values.day(date(2026, 11, 25), what="x") == date(2026, 11, 25)
    with pytest.raises(BadValue):
        values.day(date(9999, 1, 1), what="--since")
    assert values.score(None, what="x") is None
    with pytest.raises(BadValue):
        values.score(True, what="How rough it felt")


@pytest.mark.parametrize("typed", ["\u200b", " \u200f ", "\u2060\u200b\ufeff", "\u202e"])
def test_only_invisible_marks_is_nothing_written(typed: str) -> None:
    assert values.text(typed, what="The note") == ""
    assert values.line(typed, what="The label") == ""


def test_direction_overrides_are_dropped_and_real_writing_kept() -> None:
    assert values.line("Acme\u202eevil", what="The label") == "Acmeevil"
    assert values.line("\u2067שלום\u2069 Acme", what="The label") == "שלום Acme"
    assert values.line("👩\u200d💻 ok", what="The label") == "👩\u200d💻 ok"  # joiners stay
