"""Product gaps upward and the playbook in the report and Insights (`service/gaps.py`,
`service/reports.py`, `service/notes.py`), with a fake clock: what was missing gathered
into a list, one playbook entry per call however often the note is saved, and a manager's
report that holds only what was ticked (never a customer's name)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from resilience_app.core import report
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import LossReason, MyPart, Reflection
from resilience_app.service import Service


def lost(
    service: Service,
    clock: FakeClock,
    n: int,
    *,
    missing: str = "",
    said: str = "",
    reason: LossReason = LossReason.PRODUCT_GAP,
) -> str:
    incident = service.flag(f"LABEL-{n}").incident
    clock.advance(minutes=3)
    service.tick()
    note = Reflection(
        f"WHAT-{n}", MyPart.COULDNT_ANSWER, reason, "", ["calm"], said=said, missing=missing
    )
    service.save_note(incident.id, note)
    service.dialed()
    clock.advance(minutes=60 * 24)
    return incident.id


def test_gaps_gather_from_the_notes_with_counts_and_dates(
    service: Service, clock: FakeClock
) -> None:
    first = clock.now()
    lost(service, clock, 1, missing="No Outlook sync")
    lost(service, clock, 2, missing="SSO")
    lost(service, clock, 3, missing="  no outlook SYNC ")
    # Another reason: what was typed for a product gap is not kept.
    call = lost(service, clock, 4, missing="Stale words", reason=LossReason.TIMING)
    assert service.incident(call).reflection.missing == ""
    gaps = service.product_gaps()
    assert [(g.text, g.count) for g in gaps] == [("no outlook SYNC", 2), ("SSO", 1)]
    assert gaps[0].first == first
    assert (gaps[0].last - gaps[0].first).days == 2
    today = clock.now().astimezone().date()
    assert [g.text for g in service.product_gaps(today - timedelta(days=1), today)] == []
    assert [g.count for g in service.product_gaps(today - timedelta(days=4), today)] == [2, 1]


def test_their_words_in_the_note_make_one_entry_per_call(
    service: Service, clock: FakeClock
) -> None:
    incident = service.flag("LABEL-1").incident
    clock.advance(minutes=3)
    service.tick()
    service.save_draft(incident.id, Reflection(said="Why are you dearer?"))
    assert service.incident(incident.id).reflection.said == "Why are you dearer?"
    assert service.playbook.entries() == []  # a draft adds nothing to the playbook yet
    saved = Reflection("hung up", positives=["calm"], said="Why are you dearer?")
    service.save_note(incident.id, saved)
    [entry] = service.playbook.entries()
    assert entry.said == "Why are you dearer?" and entry.call_ids == [incident.id]
    service.save_note(incident.id, saved)  # saved again, unchanged
    service.save_note(incident.id, Reflection("hung up", positives=["calm"], said="Too dear?"))
    [again] = service.playbook.entries()
    assert again.id == entry.id and again.said == "Too dear?"  # reworded, not doubled
    # The words handed in beside the note (as before) are kept in it too.
    other = service.flag("LABEL-2").incident
    service.save_note(other.id, Reflection("x", positives=["y"]), said="Not now.")
    assert service.incident(other.id).reflection.said == "Not now."
    assert sorted(e.said for e in service.playbook.entries()) == ["Not now.", "Too dear?"]


def _record(service: Service, clock: FakeClock) -> None:
    lost(service, clock, 1, missing="GAP-OUTLOOK", said="OBJ-DEARER")
    lost(service, clock, 2, missing="GAP-OUTLOOK", said="OBJ-SUPPLIER")
    lost(service, clock, 3, missing="GAP-SSO", said="OBJ-TIMING")
    book = service.playbook
    dearer = next(e for e in book.entries() if e.said == "OBJ-DEARER")
    book.answer(dearer.id, "ANSWER-LASTS-LONGER")
    supplier = next(e for e in book.entries() if e.said == "OBJ-SUPPLIER")
    book.merge(dearer.id, supplier.id)  # the same question: came up twice


def test_the_report_holds_only_what_was_ticked(service: Service, clock: FakeClock) -> None:
    _record(service, clock)
    today = clock.now().astimezone().date()
    first = today - timedelta(days=27)
    nothing = service.manager_report(first, today)
    text = report.markdown(nothing) + report.to_html(nothing)
    assert not [m for m in ("GAP-", "OBJ-", "ANSWER-", "LABEL-", "WHAT-") if m in text]
    choices = {c.key: c for c in service.report_choices(first, today)}
    kinds = sorted(c.kind for c in choices.values())
    assert kinds == ["answer", "gap", "gap", "objection", "objection"]
    gap = next(k for k, c in choices.items() if c.text == "GAP-OUTLOOK")
    assert choices[gap].count == 2
    dearer = next(k for k, c in choices.items() if c.kind == "objection" and c.text == "OBJ-DEARER")
    assert choices[dearer].count == 2

    shared = report.markdown(service.manager_report(first, today, {gap, dearer}))
    assert "GAP-OUTLOOK: 2 calls" in shared and "GAP-SSO" not in shared
    assert "“OBJ-DEARER” — came up 2 times" in shared
    assert "ANSWER-" not in shared and "OBJ-TIMING" not in shared
    assert not [m for m in ("LABEL-", "WHAT-") if m in shared]

    answer = dearer.replace("objection:", "answer:")
    with_answer = service.manager_report(first, today, {answer})  # brings its objection
    both = report.markdown(with_answer) + report.to_html(with_answer)
    assert "“OBJ-DEARER” — came up 2 times. My answer: ANSWER-LASTS-LONGER" in both
    assert "<li>“OBJ-DEARER” — came up 2 times. My answer: ANSWER-LASTS-LONGER</li>" in both
    assert "LABEL-" not in both and "GAP-" not in both


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdf_holds_the_ticked_gaps_and_objections(
    service: Service, clock: FakeClock, tmp_path: Path
) -> None:
    _record(service, clock)
    today = clock.now().astimezone().date()
    keys = {c.key for c in service.report_choices(None, today) if c.kind in ("gap", "objection")}
    made = service.manager_report(None, today, keys)
    target = service.write_report(made, "pdf", tmp_path / "report.pdf")
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "GAP-OUTLOOK" in text and "OBJ-DEARER" in text and "OBJ-TIMING" in text
    assert "ANSWER-" not in text and "LABEL-" not in text


def test_the_playbook_figures_for_insights(service: Service, clock: FakeClock) -> None:
    _record(service, clock)
    book = service.playbook
    dearer = next(e for e in book.entries() if e.said == "OBJ-DEARER")
    book.practise(dearer.id, True)
    got = service.playbook_figures_days(28)
    assert [(o.said, o.times) for o in got.top] == [("OBJ-DEARER", 2), ("OBJ-TIMING", 1)]
    assert (got.answered, got.unanswered) == (1, 1)
    assert (got.practised, got.answered_all) == (1, 1)
    assert [(g.text, g.count) for g in got.gaps] == [("GAP-OUTLOOK", 2), ("GAP-SSO", 1)]
    clock.advance(minutes=60 * 24 * 60)
    later = service.playbook_figures_days(28)
    assert later.top == [] and later.gaps == [] and later.answered_all == 1
    assert later.practised == 0
    assert service.playbook_figures_days(0).gaps == got.gaps


def test_the_note_through_the_channel_keeps_both(service: Service, clock: FakeClock) -> None:
    from resilience_app.commands import CommandTable

    incident = service.flag("LABEL-1").incident
    table = CommandTable(service)
    reply = table.handle(
        "note",
        {
            "incident": incident.id,
            "reason": "product_gap",
            "positives": ["calm"],
            "said": "Does it sync?",
            "missing": "Outlook sync",
        },
    )
    assert reply["ok"]
    kept = service.incident(incident.id).reflection
    assert (kept.said, kept.missing) == ("Does it sync?", "Outlook sync")
    assert [e.said for e in service.playbook.entries()] == ["Does it sync?"]
    bad = table.handle("note", {"incident": incident.id, "positives": ["x"], "missing": 5})
    assert not bad["ok"] and bad["error"] == "What was missing must be text."
