"""What they said and what was missing, in the note: kept in drafts and saved notes, sealed
with the passphrase, in every export, and old records and exports without them still read."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app.cli import main
from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import Incident, LossReason, Reflection, ReflectionStatus
from resilience_app.core.settings import Settings
from resilience_app.storage import protection
from resilience_app.storage.codec import (
    incident_from_dict,
    incident_to_dict,
    reflection_from_dict,
    reflection_to_dict,
)
from resilience_app.storage.export import CSV_COLUMNS, Journal, to_csv, to_markdown
from resilience_app.storage.store import Store
from tests.files import files_holding

WHEN = datetime(2026, 11, 24, 15, tzinfo=UTC)
PASS = "correct horse battery"
WORDS = Reflection(
    "hung up",
    loss_reason=LossReason.PRODUCT_GAP,
    positives=["calm"],
    said="Does it SYNC-WITH-OUTLOOK?",
    missing="NO-OUTLOOK-PLUGIN",
)


def test_the_note_reads_back_with_them_and_an_old_record_without_them() -> None:
    assert reflection_from_dict(reflection_to_dict(WORDS)) == WORDS
    assert not Reflection(said="x").is_empty() and not Reflection(missing="x").is_empty()
    old = reflection_to_dict(WORDS)
    del old["said"], old["missing"]
    assert reflection_from_dict(old) == Reflection(
        "hung up", None, LossReason.PRODUCT_GAP, "", ["calm"]
    )
    incident = Incident("a", WHEN, reflection=WORDS, reflection_status=ReflectionStatus.DRAFT)
    assert incident_from_dict(incident_to_dict(incident)).reflection == WORDS


def test_csv_and_markdown_hold_them() -> None:
    call = Incident(
        "a", WHEN, label="Acme", reflection=WORDS, reflection_status=ReflectionStatus.SAVED
    )
    rows = list(csv.reader(io.StringIO(to_csv([call]))))
    assert rows[0] == list(CSV_COLUMNS) and rows[0][-2:] == ["they_said", "what_was_missing"]
    assert rows[1][-2:] == ["Does it SYNC-WITH-OUTLOOK?", "NO-OUTLOOK-PLUGIN"]
    text = to_markdown(Journal([call]), WHEN)
    assert "**What was missing:** NO-OUTLOOK-PLUGIN" in text
    assert "**What they said that I couldn't answer:** Does it SYNC-WITH-OUTLOOK?" in text
    plain = Incident(
        "b",
        WHEN,
        reflection=Reflection("x", positives=["y"]),
        reflection_status=ReflectionStatus.SAVED,
    )
    assert "missing" not in to_markdown(Journal([plain]), WHEN)


def _journal(data_dir: Path) -> None:
    clock = FakeClock(datetime.now(UTC) - timedelta(days=3))
    store = Store(data_dir)
    loop = RecoveryLoop(store, Settings(), clock)
    incident = loop.flag("Acme")
    loop.end_break()
    loop.save_reflection(incident.id, WORDS)
    loop.dialed()
    store.close()


def test_export_import_round_trip_and_an_old_export_without_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "source"
    _journal(source)
    assert main(["--data-dir", str(source), "export", "--format", "json"]) == 0
    first = capsys.readouterr().out
    [record] = json.loads(first)["incidents"]
    assert record["reflection"]["said"] == WORDS.said
    assert record["reflection"]["missing"] == WORDS.missing
    file = tmp_path / "export.json"
    file.write_text(first, encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "target"), "import", str(file)]) == 0
    capsys.readouterr()
    assert Store(tmp_path / "target").incident(record["id"]).reflection == WORDS  # type: ignore[union-attr]

    old = json.loads(first)
    for r in old["incidents"]:
        del r["reflection"]["said"], r["reflection"]["missing"]
    file.write_text(json.dumps(old), encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "old"), "import", str(file)]) == 0
    capsys.readouterr()
    found = Store(tmp_path / "old").incident(record["id"])
    assert found is not None and found.reflection.said == "" and found.reflection.missing == ""
    assert found.reflection.what_happened == "hung up"

    too_long = json.loads(first)
    too_long["incidents"][0]["reflection"]["missing"] = "x" * 500
    file.write_text(json.dumps(too_long), encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "bad"), "import", str(file)]) != 0
    assert "missing" in capsys.readouterr().err


@pytest.mark.usefixtures("fast_kdf")
def test_with_a_passphrase_no_word_of_them_is_on_disk(data_dir: Path) -> None:
    clock = FakeClock(datetime.now(UTC))
    store = Store(data_dir)
    loop = RecoveryLoop(store, Settings(), clock)
    before = loop.flag("Acme")
    loop.end_break()
    loop.save_draft(before.id, WORDS)  # a draft, sealed when the lock is turned on
    data_key = protection.enable(store, PASS)
    loop.save_reflection(before.id, WORDS)
    loop.dialed()
    after = loop.flag("Initech")
    loop.end_break()
    loop.save_draft(after.id, WORDS)  # sealed as it is written
    store.close()
    markers = ["SYNC-WITH-OUTLOOK", "NO-OUTLOOK-PLUGIN"]
    assert files_holding(data_dir, markers) == []
    again = Store(data_dir)
    again.unlock(data_key)
    assert again.incident(before.id).reflection == WORDS  # type: ignore[union-attr]
    assert again.incident(after.id).reflection == WORDS  # type: ignore[union-attr]
