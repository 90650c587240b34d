"""Insights at ten years of heavy use (~50,000 incidents).

- open: from the rep's click to the Insights window painted, in a fresh app process whose
  store has only its start-up months loaded (offscreen Qt, default period: 12 weeks);
- stats: `resilience stats` as a command (default period), and over all ten years.

Medians of several runs; prints a table and writes build/bench-insights.json.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resilience_app.storage.store import Store  # noqa: E402
from tests.demo import generate  # noqa: E402

RUNS = 5
OPEN_ONCE = r"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
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
presenter.insights.open()
app.processEvents()
presenter.insights.insights_window.grab()  # forces every chart to paint
print(time.perf_counter() - start)
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "ten-years"
        incidents, nudges = generate(datetime.now(UTC), 3650, per_day=19.5)
        Store(data_dir).add_many(incidents, nudges)
        count = len(incidents)
        opens = [
            float(
                subprocess.run(
                    [sys.executable, "-c", OPEN_ONCE, str(data_dir)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.strip()
            )
            for _ in range(RUNS)
        ]
        base = [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), "stats"]
        stats_default = [timed([*base, "--json"]) for _ in range(RUNS)]
        stats_all = [timed([*base, "--json", "--since", "2000-01-01"]) for _ in range(3)]
        python = [timed([sys.executable, "-c", "pass"]) for _ in range(RUNS)]
    figures = {
        "incidents": count,
        "open_insights_s": statistics.median(opens),
        "stats_default_s": statistics.median(stats_default),
        "stats_all_time_s": statistics.median(stats_all),
        "python_startup_s": statistics.median(python),
    }
    ms = {key: value * 1000 for key, value in figures.items() if key.endswith("_s")}
    rows = (
        ("open Insights (12 weeks, charts painted)", ms["open_insights_s"], "target 300"),
        ("resilience stats (12 weeks)", ms["stats_default_s"], "target 1000"),
        ("resilience stats --since 2000-01-01", ms["stats_all_time_s"], ""),
        ("python -c pass, for scale", ms["python_startup_s"], ""),
    )
    print(f"{count:,} incidents over ten years")
    for label, value, target in rows:
        print(f"  {label:<42}{value:7.0f} ms  {target}")
    out = ROOT / "build" / "bench-insights.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"medians": figures, "runs": RUNS}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
