"""Closing the loop on lost deals: scripts, what follow-ups brought, an easy first call, and a
report for the manager that holds nothing the rep wrote unless it was ticked."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app.adapters.notify import NotifierChain
from resilience_app.commands import CommandTable
from resilience_app.core import outcomes, scripts
from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.models import (
    FollowUp,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpState,
    Incident,
    LossReason,
    MyPart,
    Reflection,
)
from resilience_app.service import Service
from resilience_app.storage.sealing import Locked
from tests.doubles import local_zone
from tests.files import files_holding


def note(reason: LossReason, n: int) -> Reflection:
    return Reflection(
        f"WHAT-{n}",
        MyPart.COULDNT_ANSWER,
        reason,
        f"LESSON-{n}",
        [f"POSITIVE-{n}"],
        6,
    )


def call_with_note(service: Service, clock: FakeClock, reason: LossReason, n: int) -> str:
    incident = service.flag(f"LABEL-{n}", 7).incident
    clock.advance(minutes=3)
    service.tick()
    service.save_note(incident.id, note(reason, n))
    service.dialed()
    return incident.id


def plan(service: Service, incident_id: str, kind: FollowUpKind, text: str = "") -> str:
    item = service.add_followup(kind, incident_id, in_minutes=1, note=text)
    return item.followup.id


# -- outcomes ---------------------------------------------------------------------------------


def test_done_with_what_came_of_it_and_said_later(service: Service, clock: FakeClock) -> None:
    call = call_with_note(service, clock, LossReason.PRICE_OR_TERMS, 1)
    first = plan(service, call, FollowUpKind.DEBRIEF)
    second = plan(service, call, FollowUpKind.SAVE_DEAL)
    done = service.followup_done(first, FollowUpOutcome.FEEDBACK, "Too expensive for Q4")
    assert done.state is FollowUpState.DONE and done.outcome is FollowUpOutcome.FEEDBACK
    assert done.outcome_note == "Too expensive for Q4"
    service.followup_done(second)  # no outcome yet
    later = service.followup_outcome(second, FollowUpOutcome.REOPENED, "")
    assert later.outcome is FollowUpOutcome.REOPENED
    with pytest.raises(UserError, match="already done"):
        service.followup_done(first)
    assert service.store.followup(first).outcome_note == "Too expensive for Q4"  # type: ignore[union-attr]


def test_outcomes_through_the_channel(service: Service, clock: FakeClock) -> None:
    call = call_with_note(service, clock, LossReason.TIMING, 1)
    fid = plan(service, call, FollowUpKind.CHECK_IN)
    table = CommandTable(service)
    reply = table.handle("followup-done", {"id": fid[:6], "outcome": "referral", "note": "Ana"})
    assert reply["ok"] and reply["outcome"] == "referral"
    again = table.handle("followup-done", {"id": fid[:6], "outcome": "won_back"})
    assert again["ok"] and again["message"].startswith("Noted what came of it")
    bad = table.handle("followup-done", {"id": fid[:6], "outcome": "maybe"})
    assert not bad["ok"] and bad["usage"]


def test_export_import_round_trip_keeps_outcomes_and_old_exports_still_import(
    service: Service, clock: FakeClock, tmp_path: Path, notifier: NotifierChain
) -> None:
    from resilience_app.core.settings import Settings
    from resilience_app.storage.store import Store

    call = call_with_note(service, clock, LossReason.TIMING, 1)
    fid = plan(service, call, FollowUpKind.DEBRIEF)
    service.followup_done(fid, FollowUpOutcome.REOPENED, "Call back in March")
    exported = tmp_path / "out.json"
    service.export("json", path=exported)
    other = Service(
        Store(tmp_path / "other"), Settings(), clock, notifier=notifier, save_settings=print
    )
    assert other.import_file(exported).added == 1
    [back] = other.store.followups()
    assert back.outcome is FollowUpOutcome.REOPENED and back.outcome_note == "Call back in March"
    # An export from before outcomes: the fields are simply not there.
    old = json.loads(exported.read_text())
    for record in old["incidents"]:
        for followup in record["followups"]:
            followup.pop("outcome")
            followup.pop("outcome_note")
    older = tmp_path / "older.json"
    older.write_text(json.dumps(old))
    third = Service(
        Store(tmp_path / "third"), Settings(), clock, notifier=notifier, save_settings=print
    )
    assert third.import_file(older).added == 1
    assert third.store.followups()[0].outcome is None


# -- what follow-ups brought -------------------------------------------------------------------


def _followup(
    n: int, kind: FollowUpKind, outcome: FollowUpOutcome | None, done: datetime, text: str = ""
) -> FollowUp:
    return FollowUp(
        f"f{n}",
        f"i{n}",
        kind,
        done,
        done,
        FollowUpState.DONE,
        done_at=done,
        outcome=outcome,
        outcome_note=text,
    )


def test_results_with_no_follow_ups() -> None:
    results = outcomes.follow_up_results([], {}, date(2026, 1, 1), date(2026, 12, 31))
    assert results.done == 0 and results.highlights == [] and results.feedback == {}
    assert all(r.done == 0 for r in results.by_kind.values())


def test_results_all_of_one_kind_and_the_highlight_it_supports() -> None:
    start = datetime(2026, 10, 1, 10, tzinfo=UTC)
    made = [
        _followup(
            n,
            FollowUpKind.DEBRIEF,
            FollowUpOutcome.REOPENED if n < 3 else FollowUpOutcome.NO_ANSWER,
            start + timedelta(days=n),
        )
        for n in range(10)
    ]
    results = outcomes.follow_up_results(made, {}, date(2026, 10, 1), date(2026, 10, 31))
    debrief = results.by_kind[FollowUpKind.DEBRIEF]
    assert debrief.done == 10 and debrief.outcomes[FollowUpOutcome.REOPENED] == 3
    assert debrief.outcomes[FollowUpOutcome.NO_ANSWER] == 7
    assert results.reopened == 3 and results.won_back == 0
    assert results.highlights == [
        "3 of your last 10 “Debrief call” follow-ups reopened talks or won the deal back."
    ]
    # Four of a kind is too few to speak of.
    few = outcomes.follow_up_results(made[:4], {}, date(2026, 10, 1), date(2026, 10, 31))
    assert few.highlights == []


@pytest.fixture
def berlin() -> Iterator[None]:
    with local_zone("Europe/Berlin"):
        yield


def test_periods_are_local_days_across_the_change_of_time(berlin: None) -> None:
    # 25 October 2026, 03:00 summer time -> 02:00: a day of 25 hours in Berlin.
    late = datetime(2026, 10, 25, 22, 30, tzinfo=UTC)  # 23:30 local, still the 25th
    next_day = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # 00:30 local on the 26th
    made = [
        _followup(1, FollowUpKind.REFERRAL, FollowUpOutcome.REFERRAL, late),
        _followup(2, FollowUpKind.REFERRAL, FollowUpOutcome.REFERRAL, next_day),
    ]
    results = outcomes.follow_up_results(made, {}, date(2026, 10, 25), date(2026, 10, 25))
    assert results.referrals == 1


def test_feedback_is_grouped_by_why_the_call_was_lost() -> None:
    when = datetime(2026, 10, 5, 10, tzinfo=UTC)
    calls = {
        "i1": Incident("i1", when, reflection=note(LossReason.PRODUCT_GAP, 1)),
        "i2": Incident("i2", when, reflection=note(LossReason.TIMING, 2)),
    }
    made = [
        _followup(1, FollowUpKind.DEBRIEF, FollowUpOutcome.FEEDBACK, when, "No CRM plug-in"),
        _followup(2, FollowUpKind.CHECK_IN, FollowUpOutcome.REOPENED, when, "Budget in March"),
    ]
    results = outcomes.follow_up_results(made, calls, date(2026, 10, 1), date(2026, 10, 31))
    assert [f.text for f in results.feedback[LossReason.PRODUCT_GAP]] == ["No CRM plug-in"]
    assert [f.text for f in results.feedback[LossReason.TIMING]] == ["Budget in March"]


# -- scripts and the easy first call ---------------------------------------------------------------


def test_scripts_default_own_and_back(service: Service) -> None:
    text, own = service.script(FollowUpKind.DEBRIEF)
    assert not own and "What could I have done differently" in text
    service.save_script(FollowUpKind.DEBRIEF, "My own questions\n- What decided it?")
    assert service.script(FollowUpKind.DEBRIEF) == ("My own questions\n- What decided it?", True)
    service.save_script(FollowUpKind.DEBRIEF, None)
    assert service.script(FollowUpKind.DEBRIEF)[1] is False
    for kind in FollowUpKind:
        assert scripts.default_script(kind).strip()


def test_an_easy_first_call_from_the_reps_own_list(service: Service, clock: FakeClock) -> None:
    channel_sent: list[str] = []

    class Channel:
        name = "desktop"

        def available(self) -> bool:
            return True

        def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
            channel_sent.append(message)

    service.notifier.add(Channel())
    call = service.flag("Litware").incident
    service.dialed()
    service.add_followup(FollowUpKind.CHECK_IN, call.id, in_minutes=5)
    assert service.easy_lead() is not None
    service.flag()
    clock.advance(minutes=10)
    service.tick()
    assert any("Litware is due a check-in: an easy call to start with." in m for m in channel_sent)


# -- the report -----------------------------------------------------------------------------------

PRIVATE_MARKERS = ["LABEL-", "WHAT-", "LESSON-", "POSITIVE-", "FOLLOWUP-NOTE", "HEARD-"]


@pytest.fixture
def record(service: Service, clock: FakeClock) -> Service:
    clock.set(datetime(2026, 11, 2, 9, tzinfo=UTC))
    reasons = [
        LossReason.PRODUCT_GAP,
        LossReason.PRODUCT_GAP,
        LossReason.PRICE_OR_TERMS,
        LossReason.TIMING,
        LossReason.MY_APPROACH,
    ]
    for n, reason in enumerate(reasons):
        call = call_with_note(service, clock, reason, n)
        fid = plan(service, call, FollowUpKind.DEBRIEF, "FOLLOWUP-NOTE")
        clock.advance(minutes=5)
        outcome = FollowUpOutcome.REOPENED if n % 2 else FollowUpOutcome.FEEDBACK
        service.followup_done(fid, outcome, f"HEARD-{n}")
        clock.advance(minutes=60 * 24)
    service.add_positive("POSITIVE-alone")
    return service


def test_the_report_holds_no_private_text_unless_ticked(record: Service) -> None:
    from resilience_app.core import report

    today = record.clock.now().astimezone().date()
    first = today - timedelta(days=27)
    made = record.manager_report(first, today)
    text = report.markdown(made) + report.to_html(made)
    assert not [m for m in PRIVATE_MARKERS if m in text]
    assert "5 calls went badly in this period." in text
    assert "Product gap: 2" in text and "Price or terms: 1" in text
    assert "Deals won back: 0" in text and "Talks reopened: 2" in text
    choices = record.report_choices(first, today)
    ticked = {c.key for c in choices if c.text in ("LESSON-3", "HEARD-0")}
    assert len(ticked) == 2
    shared = report.markdown(record.manager_report(first, today, ticked))
    present = {m for m in ("LESSON-0", "LESSON-3", "HEARD-0", "HEARD-1") if m in shared}
    assert present == {"LESSON-3", "HEARD-0"}
    assert not [m for m in ("LABEL-", "WHAT-", "POSITIVE-", "FOLLOWUP-NOTE") if m in shared]


def test_a_ticked_lesson_stays_the_one_ticked_when_notes_are_saved_meanwhile(
    record: Service,
) -> None:
    from resilience_app.core import report

    clock = record.clock
    assert isinstance(clock, FakeClock)
    today = clock.now().astimezone().date()
    first = today - timedelta(days=27)
    ticked = {c.key for c in record.report_choices(first, today) if c.text == "LESSON-3"}
    # Another note of the same reason, saved while the report window is open.
    call_with_note(record, clock, LossReason.PRICE_OR_TERMS, 9)
    shared = report.markdown(record.manager_report(first, today, ticked))
    present = {m for m in ("LESSON-2", "LESSON-3", "LESSON-9") if m in shared}
    assert present == {"LESSON-3"}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdf_holds_the_same_figures_as_the_markdown(record: Service, tmp_path: Path) -> None:
    from resilience_app.core import report

    today = record.clock.now().astimezone().date()
    made = record.manager_report(today - timedelta(days=27), today)
    target = record.write_report(made, "pdf", tmp_path / "report.pdf")
    assert target.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Fonts set "fi" as one ligature glyph; NFKC turns it back into two letters.
    squashed = " ".join(unicodedata.normalize("NFKC", text).split())
    for line in report.markdown(made).splitlines():
        words = line.lstrip("#- ").strip()
        if words:
            assert " ".join(words.split()) in squashed, words
    assert not [m for m in PRIVATE_MARKERS if m in text]


def test_a_locked_journal_makes_no_report(record: Service, fast_kdf: None) -> None:
    record.set_passphrase("correct horse battery")
    record.lock()
    with pytest.raises(Locked):
        record.manager_report(None, None)
    with pytest.raises(Locked):
        record.save_script(FollowUpKind.DEBRIEF, "mine")


def test_outcome_notes_and_own_scripts_are_sealed_when_protected(
    record: Service, data_dir: Path, fast_kdf: None
) -> None:
    record.save_script(FollowUpKind.CHECK_IN, "MY-SCRIPT-TEXT")
    record.set_passphrase("correct horse battery")
    assert files_holding(data_dir, ["HEARD-", "MY-SCRIPT-TEXT", "FOLLOWUP-NOTE"]) == []
    record.lock()
    assert record.script(FollowUpKind.CHECK_IN)[1] is False  # locked: the app's own
    record.unlock("correct horse battery")
    assert record.script(FollowUpKind.CHECK_IN) == ("MY-SCRIPT-TEXT", True)
