"""The command line against odd input and a hostile environment: a sentence and an exit
code every time, never a traceback; exit 3 when something is kept but not saved yet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from resilience_app import files
from resilience_app.cli import EXIT_NOT_SAVED, main
from resilience_app.storage import rescue
from tests.files import KNOWS_DESCRIPTORS, descriptor_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# Windows makes "~someone" the folder beside the rep's home, and checks a name's length
# only when the folder is made (the command then says it could not use the data folder).
POSIX_PATHS = pytest.mark.skipif(os.name != "posix", reason="POSIX ~user and name limits")


def process(*args: str | bytes, **options: object) -> subprocess.CompletedProcess[bytes]:
    options.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "resilience_app", *args],
        stderr=subprocess.PIPE,
        timeout=30,
        **options,  # type: ignore[call-overload]
    )


@pytest.mark.skipif(sys.platform == "win32", reason="Windows passes arguments as UTF-16 text")
def test_bytes_that_are_not_utf8_in_an_argument(tmp_path: Path) -> None:
    done = process("--data-dir", str(tmp_path), "positive", "add", b"Acme \xff")
    assert done.returncode == 2
    assert b"not valid text (UTF-8)" in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("stats", "--since", "0001-01-01"), "between 1970 and 2200"),
        (("export", "--until", "9999-12-31"), "between 1970 and 2200"),
        (("followup", "add", "--kind", "debrief", "--at", "9999-12-31T23:59"), "1970 and 2200"),
        (("followup", "add", "--kind", "debrief", "--at", "0001-01-01T00:00"), "1970 and 2200"),
    ],
)
def test_dates_at_the_edges_of_the_calendar(
    capsys: pytest.CaptureFixture[str], data_dir: Path, args: tuple[str, ...], sentence: str
) -> None:
    code, _, err = run(capsys, "--data-dir", str(data_dir), *args)
    assert code == 2 and sentence in err


def test_a_mistyped_data_dir_is_not_an_empty_journal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "typo"), "export")
    assert code == 1 and out == "" and "There is no journal in" in err
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "typo"), "stats")
    assert code == 1 and "There is no journal in" in err
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    code, _, err = run(capsys, "--data-dir", str(a_file), "status")
    assert code == 2 and "is a file, not a data folder" in err


def test_output_nobody_can_read_is_a_sentence(tmp_path: Path) -> None:
    closed = process("--data-dir", str(tmp_path), "config", "list", stdout=subprocess.DEVNULL)
    assert closed.returncode == 0
    shell = subprocess.run(
        f"{sys.executable} -m resilience_app --data-dir {tmp_path} config list >&-",
        shell=True,
        capture_output=True,
        timeout=30,
    )
    assert shell.returncode == 1
    assert b"Could not write the output" in shell.stderr and b"Traceback" not in shell.stderr
    with open("/dev/full", "wb") as device:
        full = process("--data-dir", str(tmp_path), "config", "list", stdout=device)
    assert full.returncode == 1 and b"No space left on device" in full.stderr
    assert b"Traceback" not in full.stderr


@pytest.mark.skipif(not KNOWS_DESCRIPTORS, reason="needs /proc (or Windows)")
def test_a_full_disk_is_exit_3_kept_elsewhere_and_merged_by_the_next_command(
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rescue, "rescue_places", lambda d: [tmp_path / "elsewhere"])
    real_fsync = os.fsync
    full = [True]

    def fsync(fd: int) -> None:
        if full[0] and descriptor_path(fd).startswith(str(data_dir)):
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    run(capsys, "--data-dir", str(data_dir), "config", "list")
    (data_dir / "journal").mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(files.os, "fsync", fsync)
    code, out, err = run(capsys, "--data-dir", str(data_dir), "positive", "add", "Booked a demo")
    assert code == EXIT_NOT_SAVED and out.startswith("Added to your positives")
    assert "Not saved to disk yet (No space left on device)" in err
    assert f"It is kept in {tmp_path / 'elsewhere'}" in err
    code, _, err = run(capsys, "--data-dir", str(data_dir), "config", "set", "break.minutes", "4")
    assert code == 1 and "nothing was changed" in err
    full[0] = False
    code, out, err = run(capsys, "--data-dir", str(data_dir), "positive", "add", "Second one")
    assert code == 0 and "now back in your journal" in err
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "markdown")
    assert out.count("Booked a demo") == 1 and "Second one" in out


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        ("", "--data-dir needs a folder"),
        pytest.param("~no-such-user-here/x", "--data-dir", marks=POSIX_PATHS),
        pytest.param("/tmp/" + "x" * 300 + "/data", "--data-dir cannot be used", marks=POSIX_PATHS),
    ],
)
def test_a_data_dir_that_cannot_be_a_folder(
    capsys: pytest.CaptureFixture[str], value: str, sentence: str
) -> None:
    code, _, err = run(capsys, "--data-dir", value, "status")
    assert code == 2 and sentence in err


@pytest.mark.skipif(not Path("/dev/full").exists() or os.name != "posix", reason="needs /dev/full")
def test_an_answer_that_cannot_be_printed_does_not_undo_what_was_done(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as device:
        done = process("--data-dir", str(tmp_path), "positive", "add", "Booked a demo",
                       stdout=device)  # fmt: skip
    assert done.returncode == 0, done.stderr  # it was done, and is on disk
    assert b"Done, but the answer could not be shown" in done.stderr
    listed = process("--data-dir", str(tmp_path), "export", "--format", "markdown")
    assert listed.stdout.count(b"Booked a demo") == 1
