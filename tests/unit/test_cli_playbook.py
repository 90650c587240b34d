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
