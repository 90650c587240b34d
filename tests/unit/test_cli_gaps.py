"""`resilience gaps` and `report --include gaps|objections|answers`, with no app running."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app.cli import main
from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import LossReason, Reflection
from resilience_app.core.playbook import PlaybookEntry, answered
from resilience_app.core.settings import Settings
from resilience_app.storage.store import Store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def seed(data_dir: Path) -> None:
    clock = FakeClock(datetime.now(UTC) - timedelta(days=3))
    store = Store(data_dir)
    loop = RecoveryLoop(store, Settings(), clock)
    calls = []
    for n, missing in enumerate(["No SSO", "no sso ", "An API"]):
        incident = loop.flag(f"LABEL-{n}")
        loop.end_break()
        note = Reflection("x", loss_reason=LossReason.PRODUCT_GAP, positives=["y"], missing=missing)
        loop.save_reflection(incident.id, note)
        loop.dialed()
        calls.append(incident.id)
        clock.advance(minutes=60)
    entry = PlaybookEntry("pb1", "OBJ-DEARER", clock.now(), call_ids=calls[:2])
    store.save_playbook_entries([answered(entry, "ANSWER-LONGER", clock.now())])
    store.close()


def test_gaps(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = ("--data-dir", str(data_dir))
    seed(data_dir)
    code, out, _ = run(capsys, *d, "gaps")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith("2×  no sso  (") and lines[1].startswith("1×  An API  (")
    code, out, _ = run(capsys, *d, "gaps", "--json")
    rows = json.loads(out)
    assert [(r["missing"], r["count"]) for r in rows] == [("no sso", 2), ("An API", 1)]
    assert rows[0]["first"] < rows[0]["last"]
    code, out, _ = run(capsys, *d, "gaps", "--since", "2001-01-01", "--until", "2001-01-31")
    assert code == 0 and out == "No product gaps in your notes for this period.\n"
    code, _, err = run(capsys, *d, "gaps", "--since", "2001-02-01", "--until", "2001-01-31")
    assert code == 2 and "--until must not be before --since." in err


def test_the_report_shares_what_was_asked(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    d = ("--data-dir", str(data_dir))
    seed(data_dir)
    code, out, _ = run(capsys, *d, "report")
    assert code == 0 and "sso" not in out.lower() and "OBJ-" not in out
    code, out, _ = run(capsys, *d, "report", "--include", "gaps", "--include", "objections")
    assert "no sso: 2 calls" in out and "An API: 1 call" in out
    assert "“OBJ-DEARER” — came up 2 times" in out and "ANSWER-" not in out
    assert "LABEL-" not in out
    code, out, _ = run(capsys, *d, "report", "--include", "answers")
    assert "“OBJ-DEARER” — came up 2 times. My answer: ANSWER-LONGER" in out
    assert "LABEL-" not in out and "sso" not in out.lower()


def test_empty(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    Store(data_dir).close()
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "gaps")
    assert code == 0 and out == "No product gaps in your notes yet.\n"
