"""How big a loss was, from the command line: `flag --size`, the channel's route, and the
time back to the phone by size in `stats`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from resilience_app.cli import main
from resilience_app.cli import recovery as recovery_cli
from resilience_app.commands import CommandTable
from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import LossSize
from resilience_app.core.settings import Settings
from resilience_app.service import Service
from resilience_app.storage.store import Store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def table(service: Service, monkeypatch: pytest.MonkeyPatch) -> CommandTable:
    """The running app's table, reached as `resilience flag` would reach it."""
    table = CommandTable(service)

    def ask(data_dir: Path, command: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        return table.handle(command, args or {})

    monkeypatch.setattr(recovery_cli, "ask", ask)
    return table


# What the rep types on the command line, and the size kept.
TYPED_SIZES = [
    ("small", LossSize.SMALL),
    ("big", LossSize.BIG),
    ("make-or-break", LossSize.MAKE_OR_BREAK),
]


@pytest.mark.parametrize(("typed", "size"), TYPED_SIZES)
def test_flag_with_a_size(
    capsys: pytest.CaptureFixture[str],
    table: CommandTable,
    service: Service,
    data_dir: Path,
    typed: str,
    size: LossSize,
) -> None:
    code, out, err = run(capsys, "--data-dir", str(data_dir), "flag", "--size", typed)
    assert code == 0 and out.startswith("Flagged.") and err == ""
    current = service.current
    assert current is not None and current.size is size
    assert service.status()["current_incident"]["size"] == size.value


def test_flag_without_a_size_says_nothing_about_it(
    capsys: pytest.CaptureFixture[str], table: CommandTable, service: Service, data_dir: Path
) -> None:
    assert run(capsys, "--data-dir", str(data_dir), "flag", "--label", "Acme")[0] == 0
    assert service.current is not None and service.current.size is None


@pytest.mark.parametrize("value", ["huge", "make_or_break", ""])
def test_a_size_the_app_does_not_know_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["flag", "--size", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("resilience: ") and "--size" in err and "make-or-break" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_over_the_channel_a_bad_size_is_a_sentence(table: CommandTable) -> None:
    reply = table.handle("flag", {"size": "huge"})
    assert reply["ok"] is False and reply["usage"] is True
    assert reply["error"] == "How big it was must be one of: small, big, make_or_break."


def test_the_flag_help_names_the_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["flag", "--help"])
    out = capsys.readouterr().out
    assert "--size {small,big,make-or-break}" in out and "how big this one was" in out


# -- stats ----------------------------------------------------------------------------------


def history(data_dir: Path, sizes: list[LossSize | None]) -> None:
    clock = FakeClock(datetime.now(UTC) - timedelta(days=3))
    store = Store(data_dir)
    loop = RecoveryLoop(store, Settings(), clock)
    for n, size in enumerate(sizes):
        loop.flag(f"Prospect {n}", None, size)
        clock.advance(minutes=4 + 4 * n)
        loop.dialed()
        clock.advance(minutes=30)
    store.close()


def test_stats_gives_the_time_back_by_size(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    history(data_dir, [LossSize.BIG, LossSize.BIG, None])
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "stats")
    assert code == 0
    line = "  back on the phone by size: Big: 6.0 min (2 calls), Not said: 12.0 min (1 call)"
    assert line in out.splitlines()
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "stats", "--json")
    assert json.loads(out)["dial_by_size"] == [
        {"size": "big", "calls": 2, "dialed": 2, "median_minutes_to_next_dial": 6.0},
        {"size": None, "calls": 1, "dialed": 1, "median_minutes_to_next_dial": 12.0},
    ]


def test_stats_without_any_size_keeps_quiet_about_it(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    history(data_dir, [None, None])
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "stats")
    assert code == 0 and "by size" not in out and "back on the phone: median" in out


# -- note --size ----------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "size"), TYPED_SIZES)
def test_the_note_says_how_big_it_was(
    capsys: pytest.CaptureFixture[str],
    table: CommandTable,
    service: Service,
    data_dir: Path,
    typed: str,
    size: LossSize,
) -> None:
    call = service.flag(
        "Acme", None, LossSize.SMALL if size is not LossSize.SMALL else None
    ).incident
    d = ("--data-dir", str(data_dir))
    code, out, err = run(
        capsys, *d, "note", "--what", "Lost it", "--positive", "kept calm", "--size", typed
    )
    assert code == 0 and out.startswith("Note saved.") and err == ""
    kept = service.incident(call.id)
    assert kept.size is size and kept.reflection is not None
    assert kept.reflection.what_happened == "Lost it"


def test_a_note_without_a_size_keeps_the_flags(
    capsys: pytest.CaptureFixture[str], table: CommandTable, service: Service, data_dir: Path
) -> None:
    call = service.flag("Acme", None, LossSize.BIG).incident
    code, _, _ = run(capsys, "--data-dir", str(data_dir), "note", "--positive", "kept calm")
    assert code == 0 and service.incident(call.id).size is LossSize.BIG


def test_the_size_of_an_older_calls_note(
    capsys: pytest.CaptureFixture[str], table: CommandTable, service: Service, data_dir: Path
) -> None:
    old = service.flag("Old", None).incident
    service.dialed()
    service.flag("New", None)
    d = ("--data-dir", str(data_dir))
    code, _, _ = run(capsys, *d, "note", "--incident", old.id, "--positive", "x", "--size", "big")
    assert code == 0 and service.incident(old.id).size is LossSize.BIG


@pytest.mark.parametrize("value", ["huge", "make_or_break", ""])
def test_a_note_size_the_app_does_not_know_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["note", "--positive", "x", "--size", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("resilience: ") and "--size" in err and "make-or-break" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_over_the_channel_a_bad_note_size_is_a_sentence_and_saves_nothing(
    table: CommandTable, service: Service
) -> None:
    call = service.flag("Acme", None).incident
    reply = table.handle("note", {"positives": ["x"], "what": "Lost it", "size": "huge"})
    assert reply["ok"] is False and reply["usage"] is True
    assert reply["error"] == "How big it was must be one of: small, big, make_or_break."
    kept = service.incident(call.id)
    assert kept.size is None and kept.reflection_open


def test_the_note_help_names_the_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["note", "--help"])
    out = capsys.readouterr().out
    assert "--size {small,big,make-or-break}" in out and "how big this one was" in out
