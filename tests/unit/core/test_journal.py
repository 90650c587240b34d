"""Pure functions over the record: positives newest first, call filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resilience_app.core.journal import (
    IncidentFilter,
    filter_incidents,
    positive_entries,
    search_positives,
)
from resilience_app.core.models import (
    Incident,
    LossReason,
    MyPart,
    Positive,
    Reflection,
    ReflectionStatus,
)

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def call(n: int, label: str, **note: object) -> Incident:
    status = note.pop("status", ReflectionStatus.SAVED)
    return Incident(
        f"i{n}",
        T0 + timedelta(days=n),
        label,
        reflection=Reflection(**note),  # type: ignore[arg-type]
        reflection_status=status,  # type: ignore[arg-type]
        reflection_saved_at=T0 + timedelta(days=n, minutes=10),
    )


CALLS = [
    call(
        0,
        "Acme",
        what_happened="price too high",
        loss_reason=LossReason.PRICE_OR_TERMS,
        my_part=MyPart.NOT_ME,
        positives=["kept calm"],
    ),
    call(
        1,
        "Globex",
        what_happened="hung up",
        loss_reason=LossReason.TIMING,
        my_part=MyPart.TALKED_TOO_MUCH,
        lesson="ask, then listen",
        positives=["good opener"],
    ),
    call(
        2,
        "Acme Europe",
        what_happened="draft only",
        positives=["unsaved"],
        status=ReflectionStatus.DRAFT,
    ),
]


def test_positives_newest_first_from_notes_and_on_their_own() -> None:
    alone = Positive("p1", T0 + timedelta(days=1, hours=5), "Got a referral")
    entries = positive_entries(CALLS, [alone])
    assert [e.text for e in entries] == ["Got a referral", "good opener", "kept calm"]
    assert entries[1].label == "Globex" and entries[0].incident_id is None


def test_positive_search_and_period() -> None:
    entries = positive_entries(CALLS, [])
    assert [e.text for e in search_positives(entries, "CALM")] == ["kept calm"]
    assert [e.text for e in search_positives(entries, "globex")] == ["good opener"]
    since = T0 + timedelta(days=1)
    assert [e.text for e in search_positives(entries, since=since)] == ["good opener"]
    assert [e.text for e in search_positives(entries, until=since)] == ["kept calm"]


def test_call_filters() -> None:
    ids = lambda f: [i.id for i in filter_incidents(CALLS, f)]  # noqa: E731
    assert ids(IncidentFilter()) == ["i2", "i1", "i0"]
    assert ids(IncidentFilter(text="LISTEN")) == ["i1"]
    assert ids(IncidentFilter(label="acme")) == ["i2", "i0"]
    assert ids(IncidentFilter(loss_reason=LossReason.TIMING)) == ["i1"]
    assert ids(IncidentFilter(my_part=MyPart.NOT_ME)) == ["i0"]
    assert ids(IncidentFilter(unfinished_only=True)) == ["i2"]
    assert ids(IncidentFilter(since=T0 + timedelta(days=1), until=T0 + timedelta(days=2))) == ["i1"]
    assert ids(IncidentFilter(text="kept", label="globex")) == []


def test_the_search_finds_their_words_and_what_was_missing() -> None:
    calls = [
        call(0, "Acme", said="Does it sync?", positives=["x"]),
        call(1, "Initech", missing="Outlook plugin", positives=["y"]),
    ]
    ids = lambda f: [i.id for i in filter_incidents(calls, f)]  # noqa: E731
    assert ids(IncidentFilter(text="SYNC")) == ["i0"]
    assert ids(IncidentFilter(text="outlook")) == ["i1"]
