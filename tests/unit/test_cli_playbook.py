"""The playbook from the command line, with no app running (instance lock)."""

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


def test_add_list_answer(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = ("--data-dir", str(data_dir))
    code, out, _ = run(capsys, *d, "playbook", "list")
    assert code == 0 and out == "Nothing in your playbook yet.\n"
    code, out, _ = run(
        capsys, *d, "playbook", "add", "--said", "Why are you dearer than X?", "--tag", "price"
    )
    assert code == 0 and out.startswith("Kept in your playbook (id ")
    code, out, _ = run(capsys, *d, "playbook", "list")
    assert "1×  Why are you dearer than X?" in out and "(no answer yet)" in out
    code, out, _ = run(capsys, *d, "playbook", "list", "--json")
    [entry] = json.loads(out)
    assert entry["tags"] == ["price"] and entry["answer"] == "" and entry["times"] == 1

    code, out, _ = run(capsys, *d, "playbook", "answer", entry["id"][:6], "It lasts longer.")
    assert code == 0 and out == f"Your answer is kept (id {entry['id'][:8]}).\n"
    code, out, _ = run(capsys, *d, "playbook", "answer", entry["id"][:6], "It costs less.")
    assert code == 0 and "The earlier wording is kept too." in out
    code, out, _ = run(capsys, *d, "playbook", "list", "--json")
    [entry] = json.loads(out)
    assert entry["answer"] == "It costs less."
    assert [w["text"] for w in entry["earlier"]] == ["It lasts longer."]
    code, out, _ = run(capsys, *d, "playbook", "list", "--search", "nothing-like-it")
    assert out == "Nothing in your playbook yet.\n"


def test_from_a_call_with_an_answer(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = ("--data-dir", str(data_dir))
    store = Store(data_dir)
    incident = RecoveryLoop(store, Settings(), FakeClock(datetime.now(UTC))).flag("Acme")
    store.close()
    code, _, _ = run(
        capsys,
        *d,
        "playbook",
        "add",
        "--said",
        "Not now.",
        "--answer",
        "When would suit?",
        "--incident",
        incident.id,
        "--tag",
        "timing",
        "--tag",
        "My Own",
    )
    assert code == 0
    [entry] = json.loads(run(capsys, *d, "playbook", "list", "--json")[1])
    assert entry["call_ids"] == [incident.id] and entry["tags"] == ["timing", "my own"]
    assert entry["answer"] == "When would suit?" and entry["box"] == 1


def test_bad_input_gets_a_sentence(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = ("--data-dir", str(data_dir))
    code, _, err = run(capsys, *d, "playbook", "add", "--said", "   ")
    assert code == 2 and "Write what they said or asked" in err
    code, _, err = run(capsys, *d, "playbook", "add", "--said", "Hm.", "--tag", " , ")
    assert code == 2 and "A tag needs at least one letter or digit." in err
    code, _, err = run(capsys, *d, "playbook", "add", "--said", "Hm.", "--incident", "nope")
    assert code == 1 and "There is no such call" in err
    code, _, err = run(capsys, *d, "playbook", "answer", "zzz", "An answer.")
    assert code == 1 and "No playbook entry has an id starting with 'zzz'." in err
    run(capsys, *d, "playbook", "add", "--said", "Hm.")
    entry = json.loads(run(capsys, *d, "playbook", "list", "--json")[1])[0]
    code, _, err = run(capsys, *d, "playbook", "answer", entry["id"], "  ")
    assert code == 2 and "Write the answer you would give now." in err
    with pytest.raises(SystemExit):
        main([*d, "playbook", "add"])  # --said is required: argparse says so
    assert "--said" in capsys.readouterr().err


def test_help_documents_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["playbook", "--help"])
    text = capsys.readouterr().out
    for action in ("add", "list", "answer"):
        assert action in text
    with pytest.raises(SystemExit):
        main(["playbook", "add", "--help"])
    text = capsys.readouterr().out
    assert "--said" in text and "price, product, timing, competitor, trust, other" in text


def test_the_card_with_a_nudge_turns_off_through_config(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    d = ("--data-dir", str(data_dir))
    assert run(capsys, *d, "config", "get", "playbook.card")[1] == "on\n"
    assert run(capsys, *d, "config", "set", "playbook.card", "off")[0] == 0
    assert run(capsys, *d, "config", "get", "playbook.card")[1] == "off\n"
    code, _out, err = run(capsys, *d, "config", "set", "playbook.card", "maybe")
    assert code == 2 and "on or off" in err and "Traceback" not in err


def test_tag_merge_and_talk(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = ("--data-dir", str(data_dir))
    store = Store(data_dir)
    loop = RecoveryLoop(store, Settings(), FakeClock(datetime.now(UTC)))
    first = loop.flag("Acme")
    loop.end_break()
    second = loop.flag("Globex")
    store.close()
    for said, call in (("Why dearer?", first.id), ("You cost more than X.", second.id)):
        code, _, _ = run(capsys, *d, "playbook", "add", "--said", said, "--incident", call)
        assert code == 0
    entries = json.loads(run(capsys, *d, "playbook", "list", "--json")[1])
    ids = {e["said"]: e["id"] for e in entries}
    keep, gone = ids["Why dearer?"], ids["You cost more than X."]

    code, out, _ = run(capsys, *d, "playbook", "tag", keep[:6], "price", "Big Deal")
    assert code == 0 and out == f"Entry {keep[:8]} is tagged: price, big deal.\n"
    code, out, _ = run(capsys, *d, "playbook", "merge", keep[:6], gone[:6])
    assert code == 0 and out == f"Merged into {keep[:8]}: it came up 2 times.\n"
    [entry] = json.loads(run(capsys, *d, "playbook", "list", "--json")[1])
    assert entry["id"] == keep and entry["times"] == 2
    assert entry["also_said"] == ["You cost more than X."]

    code, out, _ = run(capsys, *d, "playbook", "talk", keep[:6], "--at", "2030-01-08T10:00")
    assert code == 0 and out.startswith("Talk it over: planned for ") and "Jan 8" in out
    code, out, _ = run(capsys, *d, "followup", "list", "--json")
    [followup] = json.loads(out)
    assert followup["kind"] == "talk_it_over"
    assert datetime.fromisoformat(followup["due_at"]) == datetime(2030, 1, 8, 10).astimezone()


def test_tag_merge_talk_refusals_are_sentences(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    d = ("--data-dir", str(data_dir))
    run(capsys, *d, "playbook", "add", "--said", "Hm.")
    [entry] = json.loads(run(capsys, *d, "playbook", "list", "--json")[1])
    code, _, err = run(capsys, *d, "playbook", "tag", entry["id"], " , ")
    assert code == 2 and "A tag needs at least one letter or digit." in err
    code, _, err = run(capsys, *d, "playbook", "merge", entry["id"], entry["id"])
    assert code == 1 and "not with itself" in err
    code, _, err = run(capsys, *d, "playbook", "merge", entry["id"], "zzz")
    assert code == 1 and "No playbook entry has an id starting with 'zzz'." in err
    code, _, err = run(capsys, *d, "playbook", "talk", entry["id"])
    assert code == 1 and "did not come up on a call you flagged" in err
    with pytest.raises(SystemExit):
        main([*d, "playbook", "talk", entry["id"], "--at", "soon"])
    assert "must be a date and time like 2026-11-26T10:00" in capsys.readouterr().err
    [after] = json.loads(run(capsys, *d, "playbook", "list", "--json")[1])
    assert after == entry  # nothing changed on a refusal


def test_help_documents_tag_merge_and_talk(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["playbook", "--help"])
    text = capsys.readouterr().out
    for action in ("tag", "merge", "talk"):
        assert action in text
    for action, wanted in (("tag", "TAG"), ("merge", "GONE_ID"), ("talk", "--at")):
        with pytest.raises(SystemExit):
            main(["playbook", action, "--help"])
        assert wanted in capsys.readouterr().out


def test_export_the_playbook_as_csv_and_markdown(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    d = ("--data-dir", str(data_dir))
    run(capsys, *d, "playbook", "add", "--said", 'Too dear, "really"', "--answer", "Line 1\nLine 2")
    code, out, _ = run(capsys, *d, "export", "--format", "csv", "--what", "playbook")
    assert code == 0 and out.startswith("written_at,their_words,my_answer,")
    assert '"Too dear, ""really""","Line 1\nLine 2"' in out
    code, out, _ = run(capsys, *d, "export", "--format", "markdown")
    assert code == 0 and "## My playbook" in out and "**My answer:** Line 1 Line 2" in out
    code, _, err = run(capsys, *d, "export", "--format", "json", "--what", "playbook")
    assert code == 2 and "Only a CSV export holds one table" in err
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "--what" in capsys.readouterr().out
