"""Kill -9 at random moments while incidents are being saved: nothing acknowledged is lost.

A child process saves incidents in a loop and prints each id only after `save_incident`
returned (the same moment the app tells a rep "saved"). The parent kills it with SIGKILL
at a random point, reopens the journal, and checks every acknowledged id is there and
every file parses. Many rounds, on the same growing journal.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from resilience_app.storage.store import Store
from tests.files import journal_paths

ROUNDS = 30

CHILD = r"""
import sys, uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from resilience_app.core.models import Incident, Nudge, NudgeKind, Reflection
from resilience_app.storage.store import Store

store = Store(Path(sys.argv[1]))
start = datetime(2026, 1, 1, tzinfo=UTC)
n = int(sys.argv[2])
while True:
    n += 1
    # Spread over months so several files are written, and notes make them a fair size.
    when = start + timedelta(hours=7 * n)
    incident = Incident(uuid.uuid4().hex, when, label=f"call {n}",
                        reflection=Reflection("what happened " * 20, positives=["one"]))
    store.save_incident(incident)
    store.save_nudge(Nudge(uuid.uuid4().hex, incident.id, NudgeKind.FIRST, when))
    print(incident.id, flush=True)
"""


def test_kill_9_at_random_points_never_loses_an_acknowledged_incident(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(20261124)
    acknowledged: list[str] = []
    for _ in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(data_dir), str(len(acknowledged))],
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
        # Wait for the first ack, then let it run a random while before the kill.
        deadline = time.monotonic() + 20
        while not lines and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.005)
        assert lines, child.stderr.read() if child.stderr else "child never acknowledged"
        time.sleep(rng.uniform(0.0, 0.08))
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        reader.join(10)
        assert child.stderr is not None and child.stdout is not None
        child.stderr.close()
        child.stdout.close()
        acknowledged.extend(line for line in lines if line)

        for path in journal_paths(data_dir):
            json.loads(path.read_bytes())  # every file is whole, never half-written
        store = Store(data_dir, readonly=True)
        stored = {incident.id for incident in store.incidents()}
        missing = [i for i in acknowledged if i not in stored]
        assert missing == [], f"{len(missing)} acknowledged incidents lost"
    assert len(acknowledged) > ROUNDS
    # A kill between writing a temp file and renaming it leaves the temp file behind; it is
    # never read, and the next writer clears it away.
    Store(data_dir)
    assert [p for p in (data_dir / "journal").iterdir() if p.name.endswith(".tmp")] == []
