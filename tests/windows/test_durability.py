"""Saving with Windows' file semantics: a file another program has open cannot be
replaced. A short hold is waited out; a long one leaves the old file whole, and the
change is kept and saved once the file is free."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from resilience_app import files
from resilience_app.commands import CommandTable
from resilience_app.service import Service
from tests.files import journal_paths

HOLD = """
import sys, time
with open(sys.argv[1], "rb"):  # as a backup tool or a virus scanner reads it
    print("held", flush=True)
    if sys.argv[2] == "until-told":
        sys.stdin.read()
    else:
        time.sleep(float(sys.argv[2]))
"""


@contextmanager
def held(path: Path, how_long: str = "until-told") -> Iterator[subprocess.Popen[str]]:
    """`path` open in another process (for `how_long` seconds, or until the block ends)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), how_long],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.communicate(input="", timeout=30)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_windows_refuses_to_replace_a_file_open_elsewhere(tmp_path: Path) -> None:
    """The boundary itself: what the retry is for."""
    target, new = tmp_path / "journal.json", tmp_path / "new.tmp"
    target.write_bytes(b"old")
    new.write_bytes(b"new")
    with held(target), pytest.raises(PermissionError) as refused:
        files.replace(new, target, retry_for=0)
    assert refused.value.winerror in (5, 32)


def test_a_short_hold_is_waited_out(tmp_path: Path) -> None:
    target = tmp_path / "journal.json"
    target.write_bytes(b"old")
    with held(target, "0.4"):
        started = time.monotonic()
        files.atomic_write(target, b"new")
        waited = time.monotonic() - started
    assert target.read_bytes() == b"new" and leftovers(tmp_path) == []
    assert waited < files.REPLACE_RETRY_SECONDS + 0.5


def test_a_long_hold_fails_the_write_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "journal.json"
    target.write_bytes(b"old")
    with held(target):
        started = time.monotonic()
        with pytest.raises(PermissionError):
            files.atomic_write(target, b"new")
        assert files.REPLACE_RETRY_SECONDS <= time.monotonic() - started < 5  # bounded
        assert target.read_bytes() == b"old" and leftovers(tmp_path) == []
    files.atomic_write(target, b"new")
    assert target.read_bytes() == b"new"


def test_a_note_saved_while_the_journal_is_held_is_kept_then_saved(
    service: Service, data_dir: Path
) -> None:
    table = CommandTable(service)
    assert table.handle("flag", {"label": "Acme"})["saved"] is not False
    [month] = journal_paths(data_dir)
    with held(month):
        reply = table.handle("positive-add", {"text": "Booked a demo"})
        assert reply["ok"] and reply["saved"] is False  # told: kept, not on disk yet
        assert "Booked a demo" not in month.read_text(encoding="utf-8")
    service.clock.advance(seconds=10)  # type: ignore[attr-defined]
    service.tick()  # the store tries again
    assert service.durable
    assert "Booked a demo" in month.read_text(encoding="utf-8")
    assert leftovers(month.parent) == []
