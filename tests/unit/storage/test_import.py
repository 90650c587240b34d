"""`resilience import`: exact round trips, all-or-nothing validation, clear reasons."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app.cli import main
from resilience_app.core.clock import FakeClock
from resilience_app.core.followups import FollowUps
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import FollowUpKind, LossReason, MyPart, Positive, Reflection
from resilience_app.core.settings import Settings
from resilience_app.storage.store import Store


def history(data_dir: Path) -> None:
    clock = FakeClock(datetime.now(UTC) - timedelta(days=90))  # all of it in the past
    store = Store(data_dir)
    loop = RecoveryLoop(store, Settings(), clock)
    book = FollowUps(store, clock)
    for n in range(3):
        incident = loop.flag(f"Prospect {n}", n + 4)
        clock.advance(minutes=3)
        loop.tick()
        loop.save_reflection(
            incident.id,
            Reflection(
                "hung up", MyPart.TALKED_TOO_MUCH, LossReason.TIMING, "listen", [f"p{n}"], 5
            ),
        )
        debrief = book.add(incident.id, FollowUpKind.DEBRIEF, clock.now() + timedelta(days=2))
        book.add(incident.id, FollowUpKind.CHECK_IN, clock.now() + timedelta(days=90), "ask re: Q3")
        if n == 0:
            clock.advance(minutes=60 * 48)
            book.tick()
            book.done(debrief.id)
        store.save_positive(Positive(f"pos{n}", clock.now(), f"Good call number {n}"))
        clock.advance(minutes=9)
        loop.tick()
        loop.dialed()
        clock.advance(minutes=60 * 24 * 20)
    loop.flag("still open")  # a live incident with pending nudges round-trips too


def export(capsys: pytest.CaptureFixture[str], data_dir: Path) -> str:
    assert main(["--data-dir", str(data_dir), "export", "--format", "json"]) == 0
    out = capsys.readouterr().out
    return out


def without_timestamp(text: str) -> dict[str, object]:
    document = json.loads(text)
    document.pop("exported_at")
    return document


def test_export_import_export_is_identical(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    history(source)
    first = export(capsys, source)
    file = tmp_path / "export.json"
    file.write_text(first, encoding="utf-8")
    assert main(["--data-dir", str(target), "import", str(file)]) == 0
    assert capsys.readouterr().out == "Imported 4 calls.\n"
    assert without_timestamp(export(capsys, target)) == without_timestamp(first)
    document = json.loads(first)
    assert len(document["positives"]) == 3
    followups = [f for record in document["incidents"] for f in record["followups"]]
    assert len(followups) == 6 and {f["state"] for f in followups} == {"pending", "done"}
    # Importing again adds nothing and says so.
    assert main(["--data-dir", str(target), "import", str(file)]) == 0
    assert "4 already in your journal" in capsys.readouterr().out
    assert len(json.loads(export(capsys, target))["incidents"]) == 4


def test_one_bad_record_imports_nothing_and_names_every_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "source"
    history(source)
    document = json.loads(export(capsys, source))
    document["incidents"][1]["rough"] = 42
    document["incidents"][2]["flagged_at"] = "yesterday"
    document["incidents"][3]["reflection"]["my_part"] = "bad luck"
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "target"
    assert main(["--data-dir", str(target), "import", str(file)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("resilience: Nothing was imported.")
    assert "Incident #2: 'rough' should be a whole number from 0 to 10" in err
    assert "Incident #3: 'flagged_at' should be a date and time" in err
    assert "Incident #4 reflection: 'my_part' should be a known 'my part'" in err
    assert "Traceback" not in err
    assert json.loads(export(capsys, target))["incidents"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"some": "thing"}', "not a Resilience export"),
        ('{"app": "resilience", "schema": 99, "incidents": []}', "newer Resilience"),
        (
            '{"app": "resilience", "schema": 2, "incidents": ['
            '{"id": "a", "flagged_at": "2026-11-24T10:00:00+00:00"}, '
            '{"id": "a", "flagged_at": "2026-11-24T11:00:00+00:00"}]}',
            "repeats the id 'a'",
        ),
    ],
)
def test_files_that_cannot_be_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "in.json"
    file.write_text(content, encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "d"), "import", str(file)]) == 1
    assert message in capsys.readouterr().err


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--data-dir", str(tmp_path / "d"), "import", str(tmp_path / "nope.json")]) == 2
    assert "There is no file at" in capsys.readouterr().err


def test_export_period_keeps_only_calls_in_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "source"
    history(source)  # calls on 24 Nov, 16 Dec and 5 Jan (20 days apart)
    everything = json.loads(export(capsys, source))["incidents"]
    second_day = everything[1]["flagged_at"][:10]
    assert (
        main(["--data-dir", str(source), "export", "--since", second_day, "--until", second_day])
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in document["incidents"]] == [everything[1]["id"]]
    assert all(
        f["incident_id"] == everything[1]["id"] for f in document["incidents"][0]["followups"]
    )
    with pytest.raises(SystemExit):
        main(["--data-dir", str(source), "export", "--since", "24/11/2026"])
    assert "like 2026-11-24" in capsys.readouterr().err
    assert (
        main(
            ["--data-dir", str(source), "export", "--since", "2026-12-01", "--until", "2026-11-01"]
        )
        == 2
    )
    assert "must not be before" in capsys.readouterr().err


def test_markdown_reads_like_a_journal(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    history(tmp_path / "d")
    assert main(["--data-dir", str(tmp_path / "d"), "export", "--format", "markdown"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# My Resilience journal")
    assert "## Good moments, written on their own" in text and "Good call number 2" in text
    assert "**Follow-ups:**" in text and "- [x]" in text and "Debrief call" in text
    assert "**Lesson for the next call:** listen" in text
