"""The playbook tab at 5,000 entries, side by side with an empty playbook, in one run.

- open: from the `resilience journal --tab playbook` handler (`Presenter.present`) to the
  tab's rows shown (the window painted), in a fresh app process (offscreen Qt);
- search: a word typed letter by letter into the tab's search, each key from its press to
  the list shown again; the slowest key counts.

Medians of several runs; prints the figures next to their targets (and the ratio to the
empty playbook) and writes build/bench-playbook.json for the README's table.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resilience_app.core import playbook  # noqa: E402
from resilience_app.core.models import new_id  # noqa: E402
from resilience_app.core.playbook import TAGS, PlaybookEntry  # noqa: E402
from resilience_app.storage.store import Store  # noqa: E402

RUNS = 5
BIG = 5000
WORD = "dearer"  # typed a letter at a time: "d" matches most entries, "dearer" a few
OPEN_TARGET_MS = 250
KEY_TARGET_MS = 50

ONCE = r"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from resilience_app.adapters.notify import NotifierChain
from resilience_app.service.build import open_service
from resilience_app.ui.presenter import Presenter
app = QApplication([])
notifier = NotifierChain()
service = open_service(Path(sys.argv[1]), running=True, notifier=notifier)
presenter = Presenter(service, notifier, tray_available=lambda: False)
presenter.start()
service.start()
app.processEvents()
start = time.perf_counter()
presenter.present("journal", "playbook")  # what the channel's `journal --tab playbook` calls
app.processEvents()
window = presenter.journal.journal_window
tab = window.playbook
assert window.tabs.currentWidget() is tab and tab.entry_list.count() >= 1
window.grab()  # the rows painted
opened = time.perf_counter() - start
tab.search.setFocus()
keys = []
for letter in sys.argv[2]:
    start = time.perf_counter()
    QTest.keyClick(tab.search, letter)
    app.processEvents()
    tab.entry_list.viewport().grab()  # the rows found painted
    keys.append(time.perf_counter() - start)
print(opened, max(keys), tab.entry_list.count(), flush=True)
os._exit(0)  # the journal's search thread need not be wound down for a measurement
"""

SAID = (
    "Why are you dearer than {x}?",
    "{x} does this for less.",
    "We already work with {x}.",
    "Not before next quarter.",
    "Can you do it without the setup fee?",
    "How do I know you will still be around in five years?",
    "Does it integrate with {x}?",
    "Send me something by email.",
)
NAMES = ("Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "SAP", "Salesforce", "Acme")


def entries(count: int, now: datetime) -> list[PlaybookEntry]:
    rng = random.Random(26)
    found = []
    for n in range(count):
        said = rng.choice(SAID).format(x=rng.choice(NAMES)) + f" (call {n})"
        created = now - timedelta(minutes=37 * n)
        entry = PlaybookEntry(new_id(), said, created, call_ids=[new_id()] * rng.randint(0, 3))
        entry = playbook.with_tags(entry, rng.sample(TAGS, rng.randint(0, 2)))
        if rng.random() < 0.6:
            entry = playbook.answered(
                entry,
                "Compare the years, not the price: setup, support and the hours saved.",
                created + timedelta(hours=3),
            )
        found.append(entry)
    return found


def run_once(data_dir: Path) -> tuple[float, float, int]:
    out = subprocess.run(
        [sys.executable, "-c", ONCE, str(data_dir), WORD],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> int:
    now = datetime.now(UTC)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (0, BIG):
            data_dir = Path(tmp) / f"playbook-{size}"
            store = Store(data_dir)
            if size:
                store.save_playbook_entries(entries(size, now))
            store.close()
            runs = [run_once(data_dir) for _ in range(RUNS)]
            results[str(size)] = {
                "open_ms": statistics.median(r[0] for r in runs) * 1000,
                "slowest_key_ms": statistics.median(r[1] for r in runs) * 1000,
                "found": runs[0][2],
            }
    empty, big = results["0"], results[str(BIG)]
    print(f"playbook tab, {BIG:,} entries vs an empty playbook (medians of {RUNS} runs)")
    for label, key, target in (
        ("`journal --tab playbook` to the rows shown", "open_ms", OPEN_TARGET_MS),
        (f"search, slowest key typing {WORD!r}", "slowest_key_ms", KEY_TARGET_MS),
    ):
        ratio = big[key] / empty[key] if empty[key] else float("inf")
        verdict = "ok" if big[key] <= target else "OVER"
        print(
            f"  {label:<44} empty {empty[key]:6.1f} ms  {BIG:,} {big[key]:6.1f} ms "
            f"({ratio:.2f}×)  target ≤ {target} ms  {verdict}"
        )
    out = ROOT / "build" / "bench-playbook.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"entries": BIG, "runs": RUNS, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
