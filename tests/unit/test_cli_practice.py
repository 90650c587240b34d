"""`resilience playbook practise` in the terminal, with no app running (instance lock):
recall, Enter to look, h or a recorded, two minutes at most, the end of input and Ctrl-C a
calm stop; from a script a refusal, or `--list`. Any line typed at the prompts is asked
again or taken, never a traceback."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resilience_app.cli import main
from resilience_app.commands import CommandTable
from resilience_app.service import Service


class Terminal(io.StringIO):
    """What the rep types, as a terminal gives it; each line takes `seconds` to type."""

    def __init__(self, text: str, clock: list[float] | None = None, seconds: float = 0) -> None:
        super().__init__(text)
        self.clock, self.seconds = clock, seconds

    def isatty(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        if self.clock is not None:
            self.clock[0] += self.seconds
        return super().readline(size)


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: io.StringIO,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", stdin)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def entries(capsys: pytest.CaptureFixture[str], data_dir: Path) -> dict[str, dict[str, Any]]:
    assert main(["--data-dir", str(data_dir), "playbook", "list", "--json"]) == 0
    return {e["said"]: e for e in json.loads(capsys.readouterr().out)}


@pytest.fixture
def answered(capsys: pytest.CaptureFixture[str], data_dir: Path) -> Path:
    d = ("--data-dir", str(data_dir))
    for said, answer in (("Not now.", "When would suit?"), ("Too dear.", "Compare the years.")):
        assert main([*d, "playbook", "add", "--said", said, "--answer", answer]) == 0
    capsys.readouterr()
    return data_dir


def test_a_round_in_the_terminal_records_each_mark(
    answered: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    d = ("--data-dir", str(answered))
    typed = Terminal("\nx\nh\n\n\nA\n")
    code, out, err = run(capsys, monkeypatch, typed, *d, "playbook", "practise")
    assert (code, err) == (0, "")
    assert "1/2  “Not now.”" in out and "2/2  “Too dear.”" in out
    assert out.count("Say your answer out loud, then press Enter to see yours.") == 2
    assert "    When would suit?" in out and "    Compare the years." in out
    assert out.count("Type h if you had it, or a to go over it again.") == 2  # "x", then ""
    assert out.rstrip().endswith("That's all for now. Each answer comes back when it is due.")
    found = entries(capsys, answered)
    assert found["Not now."]["box"] == 2 and found["Too dear."]["box"] == 1
    assert found["Not now."]["practised_at"] and found["Too dear."]["practised_at"]


def test_no_new_card_after_two_minutes(
    answered: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr("resilience_app.cli.practice.elapsed", lambda: clock[0])
    typed = Terminal("\nh\n\nh\n", clock, seconds=70)  # each line 70 s: a slow first card
    code, out, _ = run(
        capsys, monkeypatch, typed, "--data-dir", str(answered), "playbook", "practise"
    )
    assert code == 0 and "1/2" in out and "2/2" not in out
    assert out.rstrip().endswith(
        "Two minutes are up; that's plenty for now. The rest will come back soon."
    )
    found = entries(capsys, answered)
    assert found["Not now."]["box"] == 2 and found["Too dear."]["practised_at"] is None


@pytest.mark.parametrize("typed", ["", "\n", "\nx\n"])
def test_the_end_of_input_stops_calmly(
    answered: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    code, out, err = run(
        capsys, monkeypatch, Terminal(typed), "--data-dir", str(answered), "playbook", "practise"
    )
    assert (code, err) == (0, "")
    assert out.rstrip().endswith("Stopped here. What you marked is kept.")
    assert all(e["practised_at"] is None for e in entries(capsys, answered).values())


def test_ctrl_c_stops_calmly(
    answered: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Interrupted(Terminal):
        def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
            line = super().readline(size)
            if not line:
                raise KeyboardInterrupt
            return line

    typed = Interrupted("\nh\n\n")  # the first card marked, Ctrl-C at the second's prompt
    code, out, err = run(
        capsys, monkeypatch, typed, "--data-dir", str(answered), "playbook", "practise"
    )
    assert (code, err) == (0, "")
    assert out.rstrip().endswith("Stopped here. What you marked is kept.")
    found = entries(capsys, answered)
    assert found["Not now."]["box"] == 2 and found["Too dear."]["practised_at"] is None


def test_from_a_script_it_refuses_or_lists(
    answered: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    d = ("--data-dir", str(answered))
    code, out, err = run(capsys, monkeypatch, io.StringIO("h\n"), *d, "playbook", "practise")
    assert code == 2 and out == ""
    assert "it needs a terminal" in err and "resilience playbook practise --list" in err
    code, out, err = run(capsys, monkeypatch, io.StringIO(""), *d, "playbook", "practise", "--list")
    found = entries(capsys, answered)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{found['Not now.']['id'][:8]}  Not now.",
        f"{found['Too dear.']['id'][:8]}  Too dear.",
    ]


def test_with_no_answer_yet_it_says_how_to_write_one(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    d = ("--data-dir", str(data_dir))
    assert main([*d, "playbook", "add", "--said", "Who else uses it?"]) == 0
    capsys.readouterr()
    for words in (("practise",), ("practise", "--list")):
        code, out, err = run(capsys, monkeypatch, Terminal(""), *d, "playbook", *words)
        assert (code, err) == (0, "")
        assert out.startswith("Practice needs an answer first.")
        assert "resilience playbook answer ID TEXT" in out


def test_help_documents_practice(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["playbook", "--help"])
    assert "practise" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["playbook", "practise", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "type h if you had it or a to go over it again" in text
    assert "After two minutes no new card comes" in text and "--list" in text


LINES = st.lists(
    st.one_of(
        st.sampled_from(["h", "a", "H", " a ", "", "x", "had it", "again", "\x00", "\ufffd"]),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
    ).map(lambda s: s.replace("\n", " ").replace("\r", " ")),
    max_size=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=LINES)
def test_any_line_at_the_prompts_is_taken_or_asked_again(
    lines: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    cards = [{"id": f"card{n}", "said": f"Said {n}.", "answer": f"Answer {n}."} for n in range(3)]
    marked: list[tuple[str, bool]] = []

    def ask(data_dir: Path, command: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        if command == "playbook-due":
            return {"ok": True, "cards": cards, "seconds": 120}
        assert command == "playbook-practise" and args is not None
        marked.append((args["id"], args["had_it"]))
        return {"ok": True}

    monkeypatch.setattr("resilience_app.cli.practice.ask", ask)
    monkeypatch.setattr("resilience_app.cli.practice.elapsed", lambda: 0.0)
    typed = Terminal("".join(f"{line}\n" for line in lines))
    code, out, err = run(
        capsys, monkeypatch, typed, "--data-dir", str(tmp_path), "playbook", "practise"
    )
    assert (code, err) == (0, "")
    # What the rep meant, read the same way by hand: a line to look, then lines until h or a.
    wanted: list[tuple[str, bool]] = []
    rest = iter(lines)
    for card in cards:
        if next(rest, None) is None:
            break
        mark = None
        for line in rest:
            if line.strip().casefold() in ("h", "a"):
                mark = line.strip().casefold() == "h"
                break
        if mark is None:
            break
        wanted.append((card["id"], mark))
    assert marked == wanted
    closing = "That's all for now." if len(wanted) == len(cards) else "Stopped here."
    assert closing in out.splitlines()[-1]


def test_the_channel_routes_of_practice(service: Service) -> None:
    table = CommandTable(service)
    empty = table.handle("playbook-due", {})
    assert empty["ok"] and empty["cards"] == [] and empty["seconds"] == 120
    assert empty["message"].startswith("Practice needs an answer first.")
    entry = service.playbook.add("Not now.", answer="When would suit?")
    due = table.handle("playbook-due", {})
    assert [c["id"] for c in due["cards"]] == [entry.id] and "message" not in due
    for args, sentence in (
        ({"id": entry.id}, "Say whether you had it (true) or want it again (false)."),
        ({"id": entry.id, "had_it": "yes"}, "had_it must be true or false."),
        ({"id": "zzz", "had_it": True}, "No playbook entry has an id starting with 'zzz'."),
        ({"had_it": True}, "Name the entry by its id"),
    ):
        reply = table.handle("playbook-practise", args)
        assert reply["ok"] is False and reply["error"].startswith(sentence), reply
    marked = table.handle("playbook-practise", {"id": entry.id[:6], "had_it": True})
    assert marked["ok"] and marked["entry"]["box"] == 2 and marked["message"] == "Marked."
