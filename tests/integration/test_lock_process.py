"""The passphrase lock with real processes: a kill at any moment of turning it on or off
leaves the old or the new state, never a mix; the running app works locked and unlocks
from the command line; no file the app wrote holds what the rep wrote."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from resilience_app.storage import keys, protection
from resilience_app.storage.store import Store
from tests.files import files_holding, journal_paths
from tests.integration.test_app_process import App, cli, status, wait_for

PASS = "correct horse battery"
MARKERS = ["LABEL-MARK", "WHAT-MARK", "POSITIVE-MARK"]
ROUNDS = 25

FILL = r"""
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from resilience_app.core.models import Incident, Positive, Reflection
from resilience_app.storage.store import Store

store = Store(Path(sys.argv[1]))
start = datetime(2026, 1, 3, tzinfo=UTC)
incidents = [
    Incident(f"i{n:04d}", start + timedelta(hours=29 * n), label=f"LABEL-MARK {n}",
             reflection=Reflection("WHAT-MARK " * 20, positives=["POSITIVE-MARK"]))
    for n in range(int(sys.argv[2]))
]
store.add_many(incidents, positives=[Positive(f"p{n}", start, "POSITIVE-MARK") for n in range(20)])
"""

# Turns the lock on and off for ever, saying which state each switch reached.
TOGGLE = r"""
import sys
from pathlib import Path
from resilience_app.storage import keys, protection
from resilience_app.storage.store import Store

keys.KDF_TIME_COST, keys.KDF_MEMORY_KIB = 1, 8 * 1024  # switches, not key stretching
data_dir = Path(sys.argv[1])
store = Store(data_dir)
while True:
    if store.protected:
        protection.disable(store, sys.argv[2])
        print("off", flush=True)
    else:
        protection.enable(store, sys.argv[2])
        print("on", flush=True)
"""


def _consistent(data_dir: Path, count: int) -> tuple[bool, list[str]]:
    """Recover as the next start does; then the journal is wholly sealed or wholly plain,
    with every call in it. Returns whether it is protected, and what the rep was told."""
    said = protection.recover(data_dir)
    for leftover in ("journal.sealing", "backups.sealing", "journal.plain-new", "key.json.new"):
        assert not (data_dir / leftover).exists(), leftover
    protected = (data_dir / "key.json").exists()
    sealed = {"sealed" in p.read_text() for p in journal_paths(data_dir)}
    assert sealed == {protected}, "a mix of sealed and plain files"
    if protected:
        assert files_holding(data_dir, MARKERS) == []
    store = Store(data_dir)
    if protected:
        key = keys.read_key_file(data_dir)
        assert key is not None
        store.unlock(keys.open_data_key(key, PASS))
    incidents = store.incidents()
    assert len(incidents) == count
    assert all(i.label.startswith("LABEL-MARK") for i in incidents)
    assert store.notices == [], store.notices
    store.close()
    return protected, said


@pytest.mark.slow
def test_a_kill_while_switching_leaves_the_old_or_the_new_state(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    count = 120
    subprocess.run([sys.executable, "-c", FILL, str(data_dir), str(count)], check=True)
    rng = random.Random(20261125)
    seen_states: set[bool] = set()
    told = 0
    for _ in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-c", TOGGLE, str(data_dir), PASS],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: list[str] = []

        def read(stream=child.stdout, sink=lines) -> None:  # type: ignore[no-untyped-def]
            for line in stream:
                sink.append(line.strip())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        time.sleep(rng.uniform(0.25, 0.9))  # imports, then somewhere inside a switch
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        reader.join(10)
        assert child.stderr is not None and child.stdout is not None
        errors = child.stderr.read()
        child.stderr.close()
        child.stdout.close()
        assert "Traceback" not in errors, errors
        protected, said = _consistent(data_dir, count)
        seen_states.add(protected)
        told += len(said)
    assert seen_states == {True, False}, "the kills should land in both directions"
    assert told > 0, "some kills should have left a switch for the next start to finish"


def test_the_running_app_works_locked_and_unlocks_from_the_command_line(
    data_dir: Path, tmp_path: Path
) -> None:
    cli(data_dir, "positive", "add", "POSITIVE-MARK early")
    done = subprocess.run(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), "passphrase", "set"],
        input=PASS + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    app = App(data_dir)
    try:
        assert status(data_dir)["locked"] is True
        # The loop needs nothing the rep wrote: a flag starts a break while locked.
        out = cli(data_dir, "flag", "--label", "LABEL-MARK locked").stdout
        assert out.startswith("Flagged.")
        assert status(data_dir)["phase"] == "break"
        refused = cli(data_dir, "note", "--what", "WHAT-MARK", "--positive", "x", check=False)
        assert refused.returncode == 1 and "Your journal is locked" in refused.stderr
        wrong = subprocess.run(
            [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), "unlock"],
            input="not the passphrase\n",
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert wrong.returncode == 1 and "does not open this journal" in wrong.stderr
        right = subprocess.run(
            [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), "unlock"],
            input=PASS + "\n",
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert right.returncode == 0, right.stderr
        assert right.stdout == "Your journal is unlocked.\n"
        assert status(data_dir)["locked"] is False
        saved = cli(data_dir, "note", "--what", "WHAT-MARK", "--positive", "POSITIVE-MARK")
        assert saved.stdout.startswith("Note saved.")
        assert cli(data_dir, "lock").stdout == "Your journal is locked.\n"
        wait_for(lambda: status(data_dir)["locked"] is True)
    finally:
        stderr = app.stop()
    assert "Traceback" not in stderr, stderr
    # Everything the app wrote (journal, backups, settings, logs, temp files) is free of
    # what the rep wrote; the app and the command line both wrote here.
    assert files_holding(data_dir, MARKERS) == []
    assert any('"sealed"' in p.read_text() for p in journal_paths(data_dir))
    reader = Store(data_dir, readonly=True)
    key = keys.read_key_file(data_dir)
    assert key is not None
    reader.unlock(keys.open_data_key(key, PASS))
    [incident] = reader.incidents()
    assert incident.label == "LABEL-MARK locked"
    assert incident.reflection.what_happened == "WHAT-MARK"


# -- one damaged seal (issue 24, item 2) -------------------------------------------------


def _damaged_journal(data_dir: Path, damage: str) -> None:
    """A protected journal of this month: call 1 saved yesterday, call 2 today after the
    day's backup; then call 1's seal damaged on disk (`damage` says how)."""
    import base64
    import json
    from datetime import UTC, date, datetime, timedelta

    from resilience_app.core.models import Incident, Positive
    from resilience_app.storage.driver import dump

    now = datetime.now(UTC).replace(microsecond=0)
    first = now.replace(day=1, hour=0, minute=0, second=0)  # both in this month's file
    days = [date.today() - timedelta(days=1)]
    store = Store(data_dir, today=lambda: days[0])
    store.save_incident(Incident("c1" * 16, first, label="LABEL-MARK one"))
    protection.enable(store, PASS)
    days[0] = date.today()
    store.save_incident(Incident("c2" * 16, first + timedelta(minutes=1), label="LABEL-MARK two"))
    store.save_positive(Positive("p1" * 16, first, "POSITIVE-MARK"))
    store.close()
    [month] = (data_dir / "journal").glob("????-??.json")
    data = json.loads(month.read_text())
    one = next(d for d in data["incidents"].values() if d["id"] == "c1" * 16)
    if damage == "flipped-bit":
        raw = bytearray(base64.b64decode(one["sealed"][3:]))
        raw[len(raw) // 2] ^= 0x10
        one["sealed"] = "d1:" + base64.b64encode(bytes(raw)).decode()
    elif damage == "swapped-seal":
        one["sealed"] = next(iter(data["positives"].values()))["sealed"]
    else:
        one["label"] = "INJECTED plain label"
    month.write_bytes(dump(data))


@pytest.mark.usefixtures("fast_kdf")
@pytest.mark.parametrize("damage", ["flipped-bit", "swapped-seal", "plain-label"])
def test_one_damaged_seal_costs_that_call_only_through_the_running_app(
    data_dir: Path, tmp_path: Path, damage: str
) -> None:
    _damaged_journal(data_dir, damage)
    app = App(data_dir)
    try:
        assert status(data_dir)["locked"] is True
        right = subprocess.run(
            [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), "unlock"],
            input=PASS + "\n",
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert right.returncode == 0, right.stderr
        said = right.stdout
        assert said.startswith("Your journal is unlocked. ")
        [aside] = (data_dir / "journal").glob("????-??.set-aside-*.json")
        assert "1 record" in said and str(aside) in said, said
        assert aside.name[:7] in said  # the month
        output = tmp_path / "export.json"
        exported = subprocess.run(
            [
                *(sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)),
                *("export", "--output", str(output)),
            ],
            input=PASS + "\n",
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert exported.returncode == 0, exported.stderr
        text = output.read_text()
        assert "LABEL-MARK two" in text  # saved after the backup, untouched: kept
        assert "INJECTED" not in text
    finally:
        stderr = app.stop()
    assert "Traceback" not in stderr, stderr
