"""Property-based tests of every boundary that takes arbitrary input: import files, the
command channel, and the command line. Whatever arrives is either refused with a sentence
or stored and read back equal; nothing raises, nothing is half-written."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from resilience_app.cli import main
from resilience_app.commands import CommandTable
from resilience_app.core.clock import FakeClock
from resilience_app.core.kinds import FollowUpKind, LossReason, MyPart, NudgeKind, NudgeState
from resilience_app.service.build import open_service
from resilience_app.storage.export import export, gather
from resilience_app.storage.importer import ImportProblems, import_into, parse_export
from resilience_app.storage.store import Store

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Text of every kind: any code point, lone surrogates included, control characters, long.
any_text = st.text(
    alphabet=st.characters(codec=None, min_codepoint=0), max_size=40
) | st.sampled_from(["", " ", "\ud800", "x" * 250, "\n# heading", "=HYPERLINK(1)", "\x00"])
good_moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2026, 11, 20), timezones=st.just(UTC)
).map(lambda d: d.isoformat())
moments = st.integers(0, 3).flatmap(lambda n: good_moments if n else odd_moments)
odd_moments = st.sampled_from(
    [
        "2026-11-24T15:00:00+00:00",
        "2026-11-24T15:00:00",
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59+00:00",
        "2030-01-01T00:00:00-12:00",
        "not a date",
        "",
    ]
) | st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat())
scalars = st.none() | st.booleans() | st.integers(-5, 20) | st.floats() | any_text
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=8,
)


def field(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a value of the right kind (so that many documents are accepted and the round
    trip is tested), sometimes anything at all."""
    return st.integers(0, 9).flatmap(lambda n: junk if n == 9 else good)


reflections = st.fixed_dictionaries(
    {},
    optional={
        "what_happened": field(any_text),
        "my_part": field(st.sampled_from([p.value for p in MyPart])),
        "loss_reason": field(st.sampled_from([r.value for r in LossReason])),
        "lesson": field(any_text),
        "positives": field(st.lists(any_text, max_size=3)),
        "mood_after": field(st.integers(0, 10)),
    },
)
nudges = st.fixed_dictionaries(
    {
        "id": field(st.text("abcdef0123", min_size=1, max_size=8)),
        "kind": field(st.sampled_from([k.value for k in NudgeKind])),
        "due_at": field(moments),
        "state": field(st.sampled_from([s.value for s in NudgeState])),
    }
)
followups = st.fixed_dictionaries(
    {
        "id": field(st.text("abcdef0123", min_size=1, max_size=8)),
        "kind": field(st.sampled_from([k.value for k in FollowUpKind])),
        "due_at": field(moments),
    },
    optional={"note": field(any_text), "state": field(st.sampled_from(["pending", "done"]))},
)
incidents = st.fixed_dictionaries(
    {
        "id": field(st.text("abcdef0123", min_size=1, max_size=8)),
        "flagged_at": field(moments),
    },
    optional={
        "label": field(any_text),
        "rough": field(st.integers(0, 10)),
        "dialed_at": field(moments),
        "reflection_status": field(st.sampled_from(["pending", "draft", "saved", "discarded"])),
        "reflection": field(reflections),
        "nudges": field(st.lists(nudges, max_size=2)),
        "followups": field(st.lists(followups, max_size=2)),
    },
)
documents = st.fixed_dictionaries(
    {
        "app": field(st.just("resilience")),
        "schema": field(st.just(2)),
        "incidents": field(st.lists(incidents, max_size=4, unique_by=lambda i: str(i["id"]))),
    },
    optional={"positives": st.lists(junk, max_size=2)},
)


def comparable(text: str) -> dict[str, Any]:
    document = json.loads(text)
    document.pop("exported_at")
    return document


@EXAMPLES
@given(documents)
def test_an_import_is_refused_with_sentences_or_stored_and_read_back_equal(
    document: dict[str, Any],
) -> None:
    try:
        text = json.dumps(document)
    except (UnicodeEncodeError, ValueError):
        return  # not a file anyone could write
    try:
        parsed = parse_export(text, NOW)
    except ImportProblems as refused:
        assert str(refused).startswith("Nothing was imported.") and refused.problems
        event("refused")
        return
    event(f"accepted with {min(len(parsed.incidents), 2)}+ calls")
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        import_into(store, text, NOW)
        assert not store.dirty
        again = Store(Path(folder), readonly=True)
        assert again.notices == []  # nothing was set aside: everything accepted is valid
        assert [i.id for i in again.incidents()] == sorted(
            (i.id for i in parsed.incidents),
            key=lambda i: next(x.flagged_at for x in parsed.incidents if x.id == i),
        )
        for incident in parsed.incidents:
            assert again.incident(incident.id) == incident
        exported = export("json", gather(again), NOW)
        with tempfile.TemporaryDirectory() as other:
            copy = Store(Path(other))
            import_into(copy, exported, NOW)
            assert comparable(export("json", gather(copy), NOW)) == comparable(exported)


@pytest.fixture(scope="module")
def table() -> CommandTable:
    folder = Path(tempfile.mkdtemp())
    service = open_service(folder, clock=FakeClock(NOW))
    service.open_offline()
    return CommandTable(service)


commands = st.sampled_from(
    [
        "flag", "dialed", "note", "status", "show", "config-set", "positive-add",
        "followup-add", "followup-done", "followup-snooze", "import", "nope",
    ]
)  # fmt: skip
arguments = st.dictionaries(
    st.sampled_from(
        [
            "label",
            "rough",
            "what",
            "my_part",
            "reason",
            "lesson",
            "positives",
            "feel",
            "kind",
            "at",
            "in_minutes",
            "months",
            "note",
            "id",
            "minutes",
            "key",
            "value",
            "text",
            "window",
            "tab",
            "path",
            "incident",
        ]
    ),
    junk | moments,
    max_size=5,
)


@EXAMPLES
@given(commands, arguments)
def test_the_channel_answers_anything_with_a_reply(
    table: CommandTable, command: str, args: dict[str, Any]
) -> None:
    reply = table.handle(command, args)
    event("done" if reply.get("ok") else "refused")
    assert isinstance(reply.get("ok"), bool)
    if not reply["ok"]:
        assert isinstance(reply["error"], str) and reply["error"]
        assert "internal error" not in reply["error"]
    json.dumps(reply)  # it can always be sent back


words = st.lists(
    any_text
    | moments
    | st.sampled_from(
        [
            "--label",
            "--rough",
            "--since",
            "--until",
            "--at",
            "--in-minutes",
            "--months",
            "--kind",
            "--format",
            "--json",
            "--what",
            "--positive",
            "--feel",
            "--minutes",
            "debrief",
            "7",
            "-1",
            "1e999",
            "nan",
            "2026-11-24",
        ]
    ),
    max_size=5,
)
subcommands = st.sampled_from(
    [
        ["flag"], ["dialed"], ["status"], ["stats"], ["export"], ["note"],
        ["positive", "add"], ["followup", "add"], ["followup", "list"], ["followup", "done"],
        ["config", "get"], ["config", "set"], ["config", "list"], ["import"],
    ]
)  # fmt: skip


@EXAMPLES
@given(subcommands, words)
def test_the_command_line_answers_anything_with_an_exit_code_and_a_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, subcommand: list[str], rest: list[str]
) -> None:
    argv = ["--data-dir", str(tmp_path / "data"), *subcommand, *rest]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    event(f"exit {code}")
    assert code in (0, 1, 2, 3), (argv, err)
    assert "Traceback" not in err and "Traceback" not in out
    if code:
        assert err.strip(), argv
