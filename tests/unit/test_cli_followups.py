"""Follow-ups and positives from the command line, with no app running (instance lock)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resilience_app.cli import main
from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.settings import Settings
from resilience_app.storage.store import Store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_list_snooze_done(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = ("--data-dir", str(data_dir))
    code, _, err = run(capsys, *d, "followup", "add", "--kind", "debrief")
    assert code == 1 and "no flagged call" in err
    store = Store(data_dir)
    # Flagged now, so the debrief's default (two working days on) is after the check-in.
    RecoveryLoop(store, Settings(), FakeClock(datetime.now(UTC))).flag("Acme")
    store.close()

    code, out, _ = run(capsys, *d, "followup", "add", "--kind", "debrief", "--note", "ask about Q3")
    assert code == 0 and out.startswith("Debrief call planned for ")
    code, out, _ = run(capsys, *d, "followup", "add", "--kind", "check_in", "--in-minutes", "5")
    assert code == 0
    code, out, _ = run(capsys, *d, "followup", "list", "--json")
    listed = json.loads(out)
    assert [f["kind"] for f in listed] == ["check_in", "debrief"]
    assert listed[1]["title"] == "Debrief call — Acme" and listed[1]["note"] == "ask about Q3"

    short = listed[0]["id"][:6]
    code, out, _ = run(capsys, *d, "followup", "snooze", short, "--minutes", "30")
    assert code == 0 and out.startswith("Snoozed until")
    code, out, _ = run(capsys, *d, "followup", "done", short)
    assert code == 0 and "Marked done: Check-in" in out
    code, out, _ = run(capsys, *d, "followup", "list")
    assert "Check-in" not in out and "Debrief call — Acme" in out
    code, _, err = run(capsys, *d, "followup", "done", short)
    assert code == 1 and "That follow-up is already done." in err
    code, _, err = run(capsys, *d, "followup", "done", "")
    assert code == 2 and "Name the follow-up" in err  # bad input, not a refusal
    debrief = listed[1]["id"][:6]
    code, _, _ = run(capsys, *d, "followup", "cancel", debrief)
    assert code == 0
    code, _, err = run(capsys, *d, "followup", "done", debrief)
    assert code == 1 and "was canceled" in err and "already done" not in err
    code, _, err = run(capsys, *d, "followup", "done", "zzzz")
    assert code == 1 and "No follow-up has an id starting with 'zzzz'" in err


def test_bad_follow_up_input(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    for args, message in (
        (("followup", "add", "--kind", "lunch"), "invalid choice"),
        (("followup", "add", "--kind", "debrief", "--at", "tomorrow"), "like 2026-11-26T10:00"),
        (("followup", "snooze", "abc", "--minutes", "-5"), "positive number of minutes"),
    ):
        with pytest.raises(SystemExit) as exc:
            main(["--data-dir", str(data_dir), *args])
        assert exc.value.code == 2
        assert message in capsys.readouterr().err


def test_add_a_positive_on_its_own(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "positive", "add", "Booked a demo")
    assert code == 0 and "Added to your positives" in out
    assert [p.text for p in Store(data_dir).positives()] == ["Booked a demo"]
    code, _, err = run(capsys, "--data-dir", str(data_dir), "positive", "add", "   ")
    assert code == 2 and "Write the positive" in err
