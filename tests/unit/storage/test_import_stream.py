"""Import reads the export a piece at a time and stores it a batch at a time: still all or
nothing, the same answers as reading it whole, and memory that does not grow with it."""

from __future__ import annotations

import gc
import io
import json
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from resilience_app.core.models import Incident, Nudge, NudgeKind, Reflection, ReflectionStatus
from resilience_app.storage import importer, json_stream
from resilience_app.storage.export import export, gather
from resilience_app.storage.importer import ImportProblems, import_stream, parse_export
from resilience_app.storage.store import Store

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def calls(n: int) -> list[Incident]:
    return [
        Incident(
            id=f"call-{k:05d}",
            flagged_at=NOW - timedelta(hours=7 * k + 1),
            label=f"Prospect {k}",
            reflection=Reflection(what_happened=f"note {k} " + "x" * 200, lesson="Breathe"),
            reflection_status=ReflectionStatus.SAVED,
        )
        for k in range(n)
    ]


def exported(n: int, tmp_path: Path) -> str:
    source = Store(tmp_path / "source")
    found = calls(n)
    source.add_many(found, [Nudge(f"n-{i.id}", i.id, NudgeKind.FIRST, i.flagged_at) for i in found])
    return export("json", gather(source), NOW)


def stream(text: str) -> Any:
    return lambda: io.StringIO(text)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces and batches far smaller than the file: every boundary is crossed."""
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 97)
    monkeypatch.setattr(importer, "CALLS_PER_WRITE", 7)


def test_a_file_read_in_pieces_and_stored_in_batches_reads_back_whole(
    tmp_path: Path, small_pieces: None
) -> None:
    text = exported(60, tmp_path)
    store = Store(tmp_path / "target")
    result = import_stream(store, stream(text), NOW)
    assert (result.added, result.already_there) == (60, 0)
    again = Store(tmp_path / "target", readonly=True)
    assert again.incidents() == sorted(
        parse_export(text, NOW).incidents, key=lambda i: i.flagged_at
    )
    assert len(again.nudges()) == 60
    # Importing it again adds nothing.
    assert import_stream(store, stream(text), NOW).already_there == 60


def test_one_bad_record_at_the_very_end_still_imports_nothing(
    tmp_path: Path, small_pieces: None
) -> None:
    document = json.loads(exported(40, tmp_path))
    document["incidents"][-1]["rough"] = 99
    store = Store(tmp_path / "target")
    with pytest.raises(ImportProblems) as refused:
        import_stream(store, stream(json.dumps(document)), NOW)
    assert "Incident #40: 'rough' should be a whole number from 0 to 10" in str(refused.value)
    assert Store(tmp_path / "target", readonly=True).incidents() == []


@pytest.mark.parametrize(
    "text",
    [
        '{"app": "resilience", "schema": 2, "incidents": [{"id": "a"',  # cut short
        '{"app": "resilience", "schema": 2, "incidents": []} trailing',
        '{"app": "resilience", "schema": 2, "incidents": [1 2]}',
        "[" * 5000 + "]" * 5000,
        '{"incidents": [], "schema": 2}',
        '{"app": "resilience", "schema": 2, "incidents": {}}',
        '{"app": "resilience", "schema": 2, "incidents": [], "positives": 3}',
        '"just a string"',
        "",
    ],
)
def test_refused_as_reading_it_whole_refuses_it(
    tmp_path: Path, small_pieces: None, text: str
) -> None:
    with pytest.raises(ImportProblems) as whole:
        parse_export(text, NOW)
    with pytest.raises(ImportProblems) as pieces:
        import_stream(Store(tmp_path / "d"), stream(text), NOW)
    first = whole.value.problems[0]
    said = pieces.value.problems[0]
    # The JSON reader's own reason names a place that differs; the sentence does not.
    assert said.split("(")[0] == first.split("(")[0]


def test_a_member_given_twice_counts_as_reading_it_whole_counts_it(
    tmp_path: Path, small_pieces: None
) -> None:
    good = json.loads(exported(3, tmp_path))["incidents"]
    text = (
        '{"app": "resilience", "schema": 2, "incidents": [{"id": "bad"}], '
        f'"incidents": {json.dumps(good)}}}'
    )
    assert len(parse_export(text, NOW).incidents) == 3  # the last one wins
    assert import_stream(Store(tmp_path / "d"), stream(text), NOW).added == 3


@pytest.mark.slow
def test_memory_stays_bounded_by_a_batch_not_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four times the calls: reading whole needs about four times the memory; reading in
    pieces, a piece of the file, a batch of calls and a month or two, plus the ids seen
    (kept to refuse a repeated one) and the months' day tallies, so far less per call."""
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 1 << 16)
    monkeypatch.setattr(importer, "CALLS_PER_WRITE", 200)

    def peak(run: Any) -> int:
        gc.collect()  # what earlier tests left for the collector is not this run's
        tracemalloc.start()
        try:
            run()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    found = {}
    for n in (1000, 4000):
        path = tmp_path / f"export-{n}.json"
        path.write_text(exported(n, tmp_path / f"from-{n}"), encoding="utf-8")
        store = Store(tmp_path / f"into-{n}")
        found[n] = (
            peak(lambda p=path: parse_export(p.read_text(encoding="utf-8"), NOW)),
            peak(
                lambda p=path, s=store: import_stream(
                    s,
                    lambda: open(p, encoding="utf-8"),  # noqa: SIM115
                    NOW,
                )
            ),
        )
        assert len(Store(tmp_path / f"into-{n}", readonly=True).incidents()) == n
    whole_growth = found[4000][0] / found[1000][0]
    assert whole_growth > 3, found
    # What each call more costs: reading whole, the call itself as text and objects;
    # in pieces, only its id (kept to refuse a repeated one) and its share of the day
    # tallies of the months written (~600 bytes here, against ~3,800 reading whole).
    whole_per_call = (found[4000][0] - found[1000][0]) / 3000
    pieces_per_call = (found[4000][1] - found[1000][1]) / 3000
    assert pieces_per_call < whole_per_call / 4, found


def test_ids_the_file_gives_twice_are_refused_not_overwritten(tmp_path: Path) -> None:
    def call(n: int, followup: str, nudge: str) -> dict[str, Any]:
        when = (NOW - timedelta(days=n)).isoformat()
        return {
            "id": f"c{n}",
            "flagged_at": when,
            "followups": [{"id": followup, "kind": "debrief", "due_at": when}],
            "nudges": [{"id": nudge, "kind": "first", "due_at": when, "state": "cancelled"}],
        }

    for incidents, positives, said in (
        ([call(1, "F1", "N1"), call(2, "F1", "N2")], [], "F1"),
        ([call(1, "F1", "N1"), call(2, "F2", "N1")], [], "N1"),
        (
            [],
            [
                {"id": "P1", "created_at": NOW.isoformat(), "text": "one"},
                {"id": "P1", "created_at": NOW.isoformat(), "text": "two"},
            ],
            "P1",
        ),
    ):
        doc = {"app": "resilience", "schema": 2, "incidents": incidents, "positives": positives}
        store = Store(tmp_path / f"target-{said}")
        with pytest.raises(ImportProblems, match=f"'{said}'.*twice") as refused:
            import_stream(store, stream(json.dumps(doc)), NOW)
        assert str(refused.value).startswith("Nothing was imported.")
        assert store.incidents() == [] and store.positives() == []


def test_a_file_changed_between_the_two_passes_stores_nothing_unchecked(
    tmp_path: Path, small_pieces: None
) -> None:
    text = exported(30, tmp_path)
    assert text.count('"Prospect 20"') == 1
    changed = text.replace('"Prospect 20"', '"' + "x" * 5000 + '"')  # too long to be let in
    reads = iter([text, changed])
    store = Store(tmp_path / "target")
    with pytest.raises(ImportProblems, match="changed while it was being imported") as refused:
        import_stream(store, lambda: io.StringIO(next(reads)), NOW)
    stored = store.incidents()
    assert all(len(i.label) < 100 for i in stored)
    n = len(stored)
    assert n and f"stopped after {n} calls were stored" in str(refused.value)


def test_a_number_cut_at_a_piece_boundary_and_one_huge_value_read_well(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 19)
    handle = io.StringIO('{"x": 12.5, "y": "' + "z" * 50_000 + '"}')
    reads: list[int] = []
    real = handle.read
    monkeypatch.setattr(handle, "read", lambda n: reads.append(n) or real(n))
    values = {}
    stream_ = json_stream.Stream(handle)
    for key, _first in stream_.members():
        values[key] = stream_.value()
    assert values["x"] == 12.5 and len(values["y"]) == 50_000
    assert len(reads) < 40  # the pieces grow with a long value: not 50,000 / 19 reads
