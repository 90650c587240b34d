"""Product gaps and objection counts (`core/playbook_insights.py`): pure, no store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resilience_app.core.models import Incident, LossReason, Reflection, ReflectionStatus
from resilience_app.core.playbook import PlaybookEntry, answered, practised
from resilience_app.core.playbook_insights import figures, objections, product_gaps

DAY = datetime(2026, 11, 2, 10, tzinfo=UTC)


def note(
    n: int, missing: str, *, reason: LossReason = LossReason.PRODUCT_GAP, saved: bool = True
) -> Incident:
    return Incident(
        f"c{n}",
        DAY + timedelta(days=n),
        label=f"Customer {n}",
        reflection=Reflection(loss_reason=reason, positives=["p"], missing=missing),
        reflection_status=ReflectionStatus.SAVED if saved else ReflectionStatus.DRAFT,
    )


def test_the_same_words_in_any_case_and_spacing_are_one_gap() -> None:
    calls = [
        note(3, "  no Outlook   sync"),
        note(1, "No Outlook sync"),
        note(2, "An API"),
        note(5, "NO OUTLOOK SYNC"),
        note(6, "An API"),
        note(7, "SSO"),
        note(8, "Ignored: not a product gap", reason=LossReason.TIMING),
        note(9, "Ignored: a draft", saved=False),
        note(10, "   "),
    ]
    gaps = product_gaps(calls)
    assert [(g.text, g.count) for g in gaps] == [
        ("NO OUTLOOK SYNC", 3),  # the words as last written
        ("An API", 2),
        ("SSO", 1),
    ]
    outlook = gaps[0]
    assert (outlook.first, outlook.last) == (DAY + timedelta(days=1), DAY + timedelta(days=5))
    assert outlook.key == "no outlook sync"
    assert product_gaps([]) == []
    # At the same count, the newest first.
    assert [g.text for g in product_gaps([note(1, "A"), note(2, "B")])] == ["B", "A"]


def test_objections_are_counted_on_the_calls_in_the_period_never_by_name() -> None:
    dear = PlaybookEntry(
        "e1", "Why are you dearer than X?", DAY, call_ids=["c1", "c2", "c3", "old"]
    )
    dear = answered(dear, "It lasts longer.", DAY + timedelta(hours=3))
    supplier = PlaybookEntry("e2", "We already have a supplier.", DAY + timedelta(days=1))
    gone = PlaybookEntry("e3", "Too dear", DAY, call_ids=["c4"], merged_into="e1")
    outside = PlaybookEntry("e4", "Later", DAY - timedelta(days=30))
    start, until = DAY - timedelta(days=1), DAY + timedelta(days=10)
    found = objections([supplier, dear, gone, outside], {"c1", "c2", "c3", "c4"}, start, until)
    assert [(o.said, o.times, o.answered) for o in found] == [
        ("Why are you dearer than X?", 3, True),
        ("We already have a supplier.", 1, False),  # written on its own in the period
    ]
    assert found[0].answer == "It lasts longer."
    assert "Customer" not in repr(found)


def test_figures_for_insights() -> None:
    entries = []
    for n in range(7):
        e = PlaybookEntry(f"e{n}", f"Objection {n}", DAY, call_ids=[f"c{i}" for i in range(n + 1)])
        if n % 2:
            e = answered(e, f"Answer {n}", DAY + timedelta(hours=1))
        entries.append(e)
    entries[1] = practised(entries[1], True, DAY + timedelta(days=1))
    entries[3] = practised(entries[3], True, DAY - timedelta(days=20))  # before the period
    calls = [note(i, "No SSO") for i in range(7)]
    got = figures(entries, calls, DAY - timedelta(days=1), DAY + timedelta(days=10))
    assert [o.said for o in got.top] == [f"Objection {n}" for n in (6, 5, 4, 3, 2)]
    assert [o.times for o in got.top] == [7, 6, 5, 4, 3]
    assert (got.answered, got.unanswered) == (3, 4)
    assert (got.practised, got.answered_all) == (1, 3)
    assert [(g.text, g.count) for g in got.gaps] == [("No SSO", 7)]
    assert not got.empty and figures([], [], DAY, DAY).empty
