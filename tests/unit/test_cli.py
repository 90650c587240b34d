"""The command line without a running app: clear sentences, exit codes, no Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app.cli import main
from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import FollowUpKind, Reflection
from resilience_app.core.settings import Settings
from resilience_app.storage.store import Store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_flag_without_a_running_app_says_so(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, _out, err = run(capsys, "--data-dir", str(data_dir), "flag")
    assert code == 1
    assert err.startswith("resilience: Resilience is not running.")
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("value", ["42", "-1", "bad"])
def test_rough_out_of_range_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["flag", "--rough", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--rough" in err and "0 (fine) to 10 (awful)" in err
    assert "Traceback" not in err


def test_data_dir_works_before_and_after_the_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert run(capsys, "--data-dir", str(a), "config", "set", "break.minutes", "5")[0] == 0
    assert run(capsys, "config", "set", "break.minutes", "7", "--data-dir", str(b))[0] == 0
    assert run(capsys, "config", "get", "break.minutes", "--data-dir", str(a))[1] == "5\n"
    assert run(capsys, "--data-dir", str(b), "config", "get", "break.minutes")[1] == "7\n"


def test_config_errors(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, _, err = run(capsys, "--data-dir", str(data_dir), "config", "set", "colour", "blue")
    assert code == 2 and "no setting called 'colour'" in err
    code, _, err = run(capsys, "--data-dir", str(data_dir), "config", "set", "break.minutes", "99")
    assert code == 2 and "at most 10" in err
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "config", "list")
    assert code == 0 and "nudge.second_minutes = 15" in out


def test_status_and_export_read_the_journal_when_the_app_is_not_running(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    clock = FakeClock(datetime.now(UTC) - timedelta(minutes=10))
    flagged_today = clock.now().astimezone().date() == datetime.now().astimezone().date()
    store = Store(data_dir)
    loop = RecoveryLoop(store, Settings(), clock)
    incident = loop.flag("Acme", 6)
    loop.end_break()
    loop.save_reflection(incident.id, Reflection("hung up", positives=["kept calm"]))
    clock.advance(minutes=8)
    loop.dialed()
    store.close()

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "status")
    status = json.loads(out)
    assert code == 0 and status["running"] is False and status["phase"] == "calm"
    assert status["incidents_today"] == (1 if flagged_today else 0)

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "json")
    exported = json.loads(out)
    [record] = exported["incidents"]
    assert record["label"] == "Acme" and record["time_to_next_dial_seconds"] == 480
    assert record["reflection"]["positives"] == ["kept calm"]
    assert [n["state"] for n in record["nudges"]] == ["cancelled", "cancelled"]

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "csv")
    assert out.splitlines()[0].startswith("flagged_at,label,rough_before")
    assert "kept calm" in out
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "markdown")
    assert "## " in out and "- kept calm" in out and "back on the phone after 8 min" in out


def test_export_to_a_folder_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(
        capsys, "--data-dir", str(tmp_path / "d"), "export", "--output", str(tmp_path)
    )
    assert code == 2 and "is a folder" in err


def test_a_damaged_journal_gets_a_sentence_not_a_traceback(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "journal.json").write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "--data-dir", str(data_dir), "export")
    assert code == 1 and "damaged" in err and "Traceback" not in err
    assert (data_dir / "journal.json").exists()  # a reader never moves the file


@pytest.mark.skipif(
    sys.platform == "win32", reason="on Windows the channel is a named pipe, reached through Qt"
)
def test_command_path_imports_no_qt(tmp_path: Path) -> None:
    code = (
        "import sys; from resilience_app.cli import main; "
        f"main(['--data-dir', {str(tmp_path)!r}, 'status']); "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'apscheduler', 'plyer'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_pause_and_resume_without_a_running_app(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    d = str(data_dir)
    code, out, _err = run(capsys, "--data-dir", d, "pause", "--minutes", "45")
    assert code == 0 and out.startswith("Nudges are paused until")
    status = json.loads(run(capsys, "--data-dir", d, "status")[1])
    assert status["paused_until"] is not None
    until = datetime.fromisoformat(status["paused_until"])
    assert timedelta(minutes=44) < until - datetime.now(UTC) <= timedelta(minutes=45)
    assert run(capsys, "--data-dir", d, "resume")[1] == "Nudges are back on.\n"
    assert json.loads(run(capsys, "--data-dir", d, "status")[1])["paused_until"] is None


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--until", "7pm"], "--until"),
        (["--minutes", "0"], "--minutes"),
        (["--minutes", "5", "--until", "10:00"], "not allowed with"),
    ],
)
def test_pause_with_bad_arguments_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["pause", *args])
    assert exc.value.code == 2
    assert needle in capsys.readouterr().err


def test_working_hours_through_config(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    d = str(data_dir)
    assert run(capsys, "--data-dir", d, "config", "set", "work.days", "Mon, Wed,fri")[0] == 0
    assert run(capsys, "--data-dir", d, "config", "get", "work.days")[1] == "mon,wed,fri\n"
    code, _out, err = run(capsys, "--data-dir", d, "config", "set", "work.gap", "13:00-12:00")
    assert code == 2 and "must end after it starts" in err
    code, _out, err = run(capsys, "--data-dir", d, "config", "set", "work.start", "9am")
    assert code == 2 and "HH:MM" in err
    assert run(capsys, "--data-dir", d, "config", "set", "work.limit", "on")[0] == 0
    code, _out, err = run(capsys, "--data-dir", d, "config", "set", "work.days", "")
    assert code == 2 and "no nudge would ever show" in err and "Traceback" not in err
    assert run(capsys, "--data-dir", d, "config", "get", "work.days")[1] == "mon,wed,fri\n"


def _seed_followup(data_dir: Path) -> str:
    from resilience_app.service.build import open_service

    service = open_service(data_dir)
    service.open_offline()
    incident = service.loop.flag("SECRET-LABEL")
    service.dialed()
    item = service.add_followup(FollowUpKind.DEBRIEF, incident.id, in_minutes=1)
    service.close()
    return item.followup.id


def test_followup_done_with_an_outcome_and_a_report(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    d = str(data_dir)
    fid = _seed_followup(data_dir)
    code, out, _err = run(
        capsys,
        "--data-dir",
        d,
        "followup",
        "done",
        fid[:8],
        "--outcome",
        "feedback",
        "--note",
        "SECRET-HEARD",
    )
    assert code == 0 and out.startswith("Marked done: Debrief call.")
    code, out, _err = run(capsys, "--data-dir", d, "report")
    assert code == 0 and out.startswith("# Lost calls and follow-ups")
    assert "1 follow-up done in this period." in out
    assert "SECRET" not in out
    code, out, _err = run(capsys, "--data-dir", d, "report", "--include", "feedback")
    assert "SECRET-HEARD" in out and "SECRET-LABEL" not in out
    code, _out, err = run(capsys, "--data-dir", d, "report", "--format", "pdf")
    assert code == 2 and "--output" in err
    pdf = tmp_path / "r.pdf"
    code, _out, err = run(
        capsys, "--data-dir", d, "report", "--format", "pdf", "--output", str(pdf)
    )
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF") and str(pdf) in err
