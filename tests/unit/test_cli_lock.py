"""`resilience passphrase`, `unlock`, `lock`, and reading a protected journal from a script."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resilience_app.cli import main
from resilience_app.commands import CommandTable
from resilience_app.service.build import open_service
from tests.files import files_holding

pytestmark = pytest.mark.usefixtures("fast_kdf")
PASS = "correct horse battery"


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def journal(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A journal with one positive, protected from the command line."""
    d = str(data_dir)
    assert run(capsys, monkeypatch, "", "--data-dir", d, "positive", "add", "SECRET-POS")[0] == 0
    code, out, err = run(capsys, monkeypatch, PASS + "\n", "--data-dir", d, "passphrase", "set")
    assert (code, err) == (0, "")
    assert out.startswith("Your journal is protected by your passphrase.")
    return data_dir


def test_set_from_a_script_reads_one_line_and_seals(journal: Path) -> None:
    assert files_holding(journal, ["SECRET-POS"]) == []
    assert (journal / "key.json").exists()


def test_export_asks_and_says_the_file_is_not_protected(
    journal: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    d = str(journal)
    out_file = tmp_path / "copy.json"
    code, _, err = run(capsys, monkeypatch, "wrong passphrase\n", "--data-dir", d, "export")
    assert code == 1
    assert err == "resilience: That passphrase does not open this journal. Nothing was changed.\n"
    code, _, err = run(
        capsys, monkeypatch, PASS + "\n", "--data-dir", d, "export", "--output", str(out_file)
    )
    assert code == 0
    assert "is not protected by your passphrase" in err
    assert "SECRET-POS" in out_file.read_text()
    if os.name == "posix":  # Windows keeps it private with the profile's access list
        assert out_file.stat().st_mode & 0o777 == 0o600
    code, out, _ = run(capsys, monkeypatch, PASS + "\n", "--data-dir", d, "stats", "--json")
    assert code == 0 and json.loads(out)["bad_calls"] == 0


def test_nothing_on_stdin_is_a_clear_usage_error(
    journal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, monkeypatch, "", "--data-dir", str(journal), "export")
    assert code == 2
    assert "expected on standard input (one line), found nothing" in err
    assert "Traceback" not in err


def test_change_reads_the_old_then_the_new(
    journal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    d = str(journal)
    code, out, _ = run(
        capsys, monkeypatch, f"{PASS}\nbrand new phrase\n", "--data-dir", d, "passphrase", "change"
    )
    assert (code, out) == (0, "Your passphrase is changed.\n")
    assert run(capsys, monkeypatch, PASS + "\n", "--data-dir", d, "export")[0] == 1
    code, out, _ = run(capsys, monkeypatch, "brand new phrase\n", "--data-dir", d, "export")
    assert code == 0 and "SECRET-POS" in out


def test_remove_brings_plain_files_back(
    journal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    d = str(journal)
    code, _, err = run(
        capsys, monkeypatch, "nope nope nope\n", "--data-dir", d, "passphrase", "remove"
    )
    assert code == 1 and "does not open this journal" in err
    assert not files_holding(journal, ["SECRET-POS"])
    code, out, _ = run(capsys, monkeypatch, PASS + "\n", "--data-dir", d, "passphrase", "remove")
    assert code == 0 and "plain text again" in out
    assert files_holding(journal, ["SECRET-POS"])


def test_a_short_passphrase_is_a_usage_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(
        capsys, monkeypatch, "short\n", "--data-dir", str(data_dir), "passphrase", "set"
    )
    assert code == 2 and "at least 8 characters" in err
    assert not (data_dir / "key.json").exists()


def test_unlock_and_lock_need_the_running_app(
    journal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for command in ("unlock", "lock"):
        code, _, err = run(capsys, monkeypatch, PASS + "\n", "--data-dir", str(journal), command)
        assert code == 1 and "Resilience is not running" in err


def test_status_says_locked(
    journal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, monkeypatch, "", "--data-dir", str(journal), "status")
    status = json.loads(out)
    assert code == 0 and status["locked"] is True and status["protected"] is True


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    command=st.sampled_from(["unlock", "passphrase-set", "passphrase-change", "passphrase-remove"]),
    args=st.dictionaries(
        st.sampled_from(["passphrase", "old", "new", "remember", "other"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.text(max_size=40),
            st.lists(st.text(max_size=5), max_size=3),
            st.text(min_size=1030, max_size=1100),
        ),
        max_size=4,
    ),
)
def test_the_channel_answers_any_lock_request_with_a_sentence(
    tmp_path_factory: pytest.TempPathFactory, command: str, args: dict[str, object]
) -> None:
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    service = open_service(data_dir)
    try:
        reply = CommandTable(service).handle(command, args)
    finally:
        service.close()
    assert isinstance(reply.get("ok"), bool)
    if not reply["ok"]:
        assert isinstance(reply["error"], str) and reply["error"].endswith(".")
        assert "Traceback" not in reply["error"]
    # Whatever came in, the journal is whole: protected with a key file, or plain.
    assert (data_dir / "key.json").exists() == service.protected


def test_a_line_from_a_windows_script_ends_before_its_carriage_return(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`echo phrase | resilience passphrase set` from a CRLF script: the passphrase typed
    later in the unlock box (or a terminal) is the phrase, without an invisible \\r."""
    from resilience_app.storage import keys

    d = str(data_dir)
    assert run(capsys, monkeypatch, "", "--data-dir", d, "positive", "add", "SECRET-POS")[0] == 0
    phrase = PASS + "  "  # trailing spaces are part of it, as typed
    code, _, err = run(capsys, monkeypatch, phrase + "\r\n", "--data-dir", d, "passphrase", "set")
    assert (code, err) == (0, "")
    key = keys.read_key_file(data_dir)
    assert key is not None
    keys.open_data_key(key, phrase)  # not phrase + "\r"


def test_bytes_that_are_not_text_on_stdin_are_one_clear_sentence(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # What Python's stdin makes of invalid UTF-8 (surrogateescape, as in the C locale).
    line = b"abc\xff\xfedefghij\n".decode("utf-8", "surrogateescape")
    code, _, err = run(capsys, monkeypatch, line, "--data-dir", str(data_dir), "passphrase", "set")
    assert code == 2
    assert err == (
        "resilience: The passphrase on standard input could not be read as text. "
        "Nothing was changed.\n"
    )
    assert not (data_dir / "key.json").exists()


TOO_LONG = "resilience: A passphrase can have at most 1024 characters. Nothing was changed.\n"


@pytest.mark.parametrize("length", [1025, 10_000_000])
def test_a_passphrase_too_long_is_refused_before_anything_is_sent(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    length: int,
) -> None:
    d = str(data_dir)
    code, _, err = run(
        capsys, monkeypatch, "x" * length + "\n", "--data-dir", d, "passphrase", "set"
    )
    assert (code, err) == (2, TOO_LONG)
    assert not (data_dir / "key.json").exists()


def test_the_longest_passphrase_is_taken(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from resilience_app.storage import keys

    phrase = "y" * 1024
    code, _, err = run(
        capsys, monkeypatch, phrase + "\r\n", "--data-dir", str(data_dir), "passphrase", "set"
    )
    assert (code, err) == (0, "")
    key = keys.read_key_file(data_dir)
    assert key is not None
    keys.open_data_key(key, phrase)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=st.one_of(
        st.binary(max_size=64),
        st.text(max_size=64).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.builds(
            lambda n, tail: b"z" * n + tail,
            st.integers(min_value=1000, max_value=5000),
            st.sampled_from([b"", b"\n", b"\r\n", b"\xff\n", b"\nmore\n"]),
        ),
    ),
    command=st.sampled_from([["unlock"], ["passphrase", "remove"], ["passphrase", "change"]]),
)
def test_any_bytes_on_standard_input_are_taken_or_one_clear_sentence(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    raw: bytes,
    command: list[str],
) -> None:
    """The CLI's reading of a passphrase, as Python's own stdin decodes what a script pipes
    in: never a traceback; either it is taken (and the command goes on to the app, which is
    not running here) or one sentence says what is wrong with it."""
    data_dir = tmp_path_factory.mktemp("stdin") / "data"
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="surrogateescape")
    monkeypatch.setattr("sys.stdin", stdin)
    code = main(["--data-dir", str(data_dir), *command])
    _out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert code in (1, 2), (code, err)
    [line] = err.splitlines()  # one sentence (or two short ones), on one line
    assert line.startswith("resilience: ") and line.endswith(".")
    if code == 1:  # taken: the next step is the app (or the journal), never a parse error
        assert (
            "Resilience is not running" in line
            or "not protected" in line
            or "does not open" in line
            or "at least 8 characters" in line
        ), line
    assert not (data_dir / "key.json").exists()
