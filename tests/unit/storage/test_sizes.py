"""How big a loss was, through storage: the codec (old records have none), export as JSON,
CSV and Markdown, import (old exports still import), and the rescue file."""

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
from resilience_app.core.models import LossSize
from resilience_app.core.settings import Settings
from resilience_app.storage import rescue
from resilience_app.storage.codec import incident_from_dict, incident_to_dict
from resilience_app.storage.export import Journal, to_csv, to_markdown
from resilience_app.storage.store import Store
from tests.unit.storage.samples import WHEN, sample


@pytest.mark.parametrize("size", [*LossSize, None])
def test_the_codec_keeps_the_size(size: LossSize | None) -> None:
    incident = sample(size=size)
    data = incident_to_dict(incident)
    assert data["size"] == (size.value if size else None)
    assert incident_from_dict(json.loads(json.dumps(data))).size is size


def test_an_old_record_without_a_size_decodes_to_none() -> None:
    data = incident_to_dict(sample(size=LossSize.BIG))
    del data["size"]
    assert incident_from_dict(data).size is None


def test_csv_and_markdown_say_how_big_it_was() -> None:
    big, unsaid = sample("a", size=LossSize.MAKE_OR_BREAK), sample("b", WHEN - timedelta(days=1))
    head, *rows = list(csv.reader(io.StringIO(to_csv([big, unsaid]))))
    assert head[head.index("rough_before") + 1] == "size"
    assert [dict(zip(head, row, strict=True))["size"] for row in rows] == ["Make-or-break", ""]
    text = to_markdown(Journal([big, unsaid]), WHEN)
    assert text.count("**How big it was:** Make-or-break") == 1
    assert text.count("How big it was") == 1


def calls(data_dir: Path) -> None:
    clock = FakeClock(datetime.now(UTC) - timedelta(days=30))
    store = Store(data_dir)
    loop = RecoveryLoop(store, Settings(), clock)
    for size in [LossSize.SMALL, LossSize.MAKE_OR_BREAK, None]:
        loop.flag(f"Prospect {size}", 5, size)
        clock.advance(minutes=6)
        loop.dialed()
        clock.advance(minutes=60)
    store.close()


def export(capsys: pytest.CaptureFixture[str], data_dir: Path) -> dict[str, object]:
    assert main(["--data-dir", str(data_dir), "export", "--format", "json"]) == 0
    document: dict[str, object] = json.loads(capsys.readouterr().out)
    document.pop("exported_at")
    return document


def sizes_in(document: dict[str, object]) -> list[str | None]:
    records = document["incidents"]
    assert isinstance(records, list)
    return sorted((r.get("size") or "-" for r in records), key=str)


def test_export_import_round_trip_keeps_the_size(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    calls(source)
    first = export(capsys, source)
    assert sizes_in(first) == ["-", "make_or_break", "small"]
    file = tmp_path / "export.json"
    file.write_text(json.dumps(first), encoding="utf-8")
    assert main(["--data-dir", str(target), "import", str(file)]) == 0
    assert capsys.readouterr().out == "Imported 3 calls.\n"
    assert export(capsys, target) == first


def test_an_old_export_without_sizes_still_imports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    calls(source)
    document = export(capsys, source)
    for record in document["incidents"]:  # type: ignore[attr-defined]
        del record["size"]
    file = tmp_path / "old.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    assert main(["--data-dir", str(target), "import", str(file)]) == 0
    assert capsys.readouterr().out == "Imported 3 calls.\n"
    assert sizes_in(export(capsys, target)) == ["-", "-", "-"]


def test_a_size_the_app_does_not_know_is_named_and_nothing_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    calls(tmp_path / "source")
    document = export(capsys, tmp_path / "source")
    document["incidents"][0]["size"] = "huge"  # type: ignore[index]
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "target"), "import", str(file)]) == 1
    err = capsys.readouterr().err
    assert "Incident #1: 'size' should be one of small, big, make_or_break" in err
    assert "Traceback" not in err


def test_a_rescue_file_brings_the_size_back(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = Store(data_dir)
    loop = RecoveryLoop(store, Settings(), FakeClock())
    call = loop.flag("Acme", None, LossSize.BIG)
    store.close()
    decoded = rescue.DECODERS["incidents"](incident_to_dict(call))
    assert decoded.size is LossSize.BIG  # type: ignore[union-attr]
