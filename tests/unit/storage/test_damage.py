"""One bad record, a file of the wrong kind, a link, a vanished folder: the journal goes on.

Each case wedged the app before: every flag and status failed, or a write went through a
link, or a data folder removed under the app was never written again.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resilience_app.core.models import Incident, Nudge, NudgeKind
from resilience_app.storage import codec
from resilience_app.storage.codec import BadRecord
from resilience_app.storage.store import Store
from tests.files import journal_paths

# Wine's CreateSymbolicLinkW reports success and makes nothing; on Windows only an
# administrator (or developer mode) may make one.
NO_LINKS = "symbolic links: none under Wine, administrators only on Windows"
WHEN = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def good(n: int) -> Incident:
    return Incident(id=f"good{n}", flagged_at=WHEN + timedelta(hours=n), label=f"Call {n}")


def month_with(data_dir: Path, *bad: dict[str, object]) -> Path:
    store = Store(data_dir)
    for n in range(3):
        store.save_incident(good(n))
    store.close()
    [path] = journal_paths(data_dir)
    data = json.loads(path.read_text())
    for n, record in enumerate(bad, start=100):
        data["incidents"][str(n)] = record
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    "record",
    [
        {"id": "bad", "flagged_at": "not a date"},
        {"id": "bad", "flagged_at": "9999-12-31T23:59:00+00:00"},
        {"id": "bad", "flagged_at": "2026-11-24T15:00:00+00:00", "rough": 99},
        {"id": "bad", "flagged_at": "2026-11-24T15:00:00+00:00", "label": ["not", "text"]},
        {"id": "bad", "flagged_at": "2026-11-24T15:00:00+00:00", "reflection_status": "odd"},
        {"flagged_at": "2026-11-24T15:00:00+00:00"},
        "not even an object",
    ],
)
def test_one_bad_record_is_set_aside_and_the_month_goes_on(data_dir: Path, record: object) -> None:
    month = month_with(data_dir, record)  # type: ignore[arg-type]
    store = Store(data_dir)
    assert [i.id for i in store.incidents()] == ["good0", "good1", "good2"]
    said = store.notices
    assert len(said) == 1 and "1 record in your journal for 2026-11 could not be read" in said[0]
    [aside] = data_dir.glob("journal/2026-11.set-aside-*.json")
    assert json.loads(aside.read_text())["records"][0]["record"] == record
    if os.name == "posix":  # on Windows the profile folder's access list keeps it private
        assert oct(aside.stat().st_mode & 0o777) == "0o600"
    store.save_incident(good(9))  # the month can be written again
    again = Store(data_dir)
    assert len(again.incidents()) == 4 and again.notices == []
    assert "bad" not in month.read_text()


def test_text_that_cannot_be_written_back_is_set_aside(data_dir: Path) -> None:
    month_with(data_dir)
    [path] = journal_paths(data_dir)
    raw = path.read_text().replace('"Call 1"', '"Call \\ud800 1"')
    path.write_text(raw)
    store = Store(data_dir)
    assert [i.label for i in store.incidents()] == ["Call 0", "Call 2"]
    store.save_incident(good(5))  # before, every save of this month failed from here on
    assert not store.dirty


@pytest.mark.skipif(os.name != "posix", reason=NO_LINKS)
def test_a_folder_or_a_link_where_a_month_should_be(data_dir: Path, tmp_path: Path) -> None:
    store = Store(data_dir)
    store.save_incident(good(0))
    store.close()
    [path] = journal_paths(data_dir)
    secret = tmp_path / "someone-elses.json"
    secret.write_text(path.read_text())
    path.unlink()
    path.symlink_to(secret)
    reopened = Store(data_dir)
    reopened.save_incident(good(1))
    assert secret.read_text().count("good") == 1  # never written through the link
    assert any("was damaged" in n for n in reopened.notices)
    assert path.is_file() and not path.is_symlink()

    path.unlink()
    path.mkdir()  # a folder in its place
    third = Store(data_dir)
    assert third.incidents() == [] or third.notices


def test_the_data_folder_removed_under_the_store_is_made_again(data_dir: Path) -> None:
    import shutil

    store = Store(data_dir)
    store.save_incident(good(0))
    told: list[str] = []
    store.on_notice = told.append
    shutil.rmtree(data_dir)
    store.save_incident(good(1))
    assert not store.dirty and told and "was removed while Resilience was running" in told[0]
    assert [i.id for i in Store(data_dir).incidents()] == ["good0", "good1"]


def test_the_codec_refuses_what_would_break_later() -> None:
    for bad in (
        {"id": "n", "incident_id": "i", "kind": "first", "due_at": "0001-01-01T00:00:00+00:00"},
        {"id": "n", "incident_id": "i", "kind": "sixth", "due_at": WHEN.isoformat()},
        {"id": "n", "incident_id": "i", "kind": "first", "due_at": "2026-11-24T15:00:00"},
    ):
        with pytest.raises(BadRecord):
            codec.nudge_from_dict({**bad, "state": "pending"})
    nudge = Nudge("n", "i", NudgeKind.FIRST, WHEN)
    assert codec.nudge_from_dict(codec.nudge_to_dict(nudge)) == nudge


def test_a_readonly_store_skips_bad_records_and_says_so(data_dir: Path) -> None:
    month_with(data_dir, {"id": "bad", "flagged_at": "soon"})
    reader = Store(data_dir, readonly=True)
    assert len(reader.incidents()) == 3
    assert "set aside when Resilience starts" in reader.notices[0]
    assert "bad" in journal_paths(data_dir)[0].read_text()  # a reader never writes
