"""Start-up time and memory of the real app under Xvfb, next to an empty PySide6 tray app.

`make bench` runs both alternately on the same virtual desktop and prints medians and
ratios (ratios from one run are steadier than absolute times on a shared machine); the
same figures go to build/bench-startup.json.

"Started" means: the tray icon is docked in the tray (seen from outside with xwininfo), or
for our app, the command channel also answers.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resilience_app.adapters import ipc  # noqa: E402
from tests.end2end.desktop import VirtualDesktop  # noqa: E402

ROUNDS = 7
FLOOR_APP = textwrap.dedent(
    """
    import sys
    from PySide6.QtGui import QIcon, QPixmap, QColor
    from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon
    app = QApplication(sys.argv)
    pixmap = QPixmap(22, 22); pixmap.fill(QColor("teal"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    menu = QMenu(); menu.addAction("Flag"); menu.addAction("Quit", app.quit)
    tray.setContextMenu(menu); tray.show()
    app.exec()
    """
)


def rss_mib(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def measure(
    desktop: VirtualDesktop, command: list[str], ready: object = None
) -> tuple[float, float, float]:
    """Seconds to a docked tray icon, RSS right then, and RSS after 2 s of idling."""
    start = time.perf_counter()
    proc = desktop.spawn(command, env=desktop.env)
    desktop.wait_for_tray_icons(1, timeout=20)
    if callable(ready):
        while not ready():
            time.sleep(0.002)
    started = time.perf_counter() - start
    rss_start = rss_mib(proc.pid)
    time.sleep(2)
    rss_idle = rss_mib(proc.pid)
    proc.terminate(timeout=10)
    while desktop.tray_icons():
        time.sleep(0.01)
    return started, rss_start, rss_idle


def main() -> int:
    results: dict[str, dict[str, list[float]]] = {
        "floor": {"start_s": [], "rss_mib": [], "rss_idle_mib": []},
        "resilience": {"start_s": [], "rss_mib": [], "rss_idle_mib": []},
    }
    with tempfile.TemporaryDirectory() as tmp, VirtualDesktop() as desktop:
        floor_script = Path(tmp) / "floor.py"
        floor_script.write_text(FLOOR_APP, encoding="utf-8")
        for n in range(ROUNDS):
            data_dir = Path(tmp) / f"data{n}"

            def answers(d: Path = data_dir) -> bool:
                try:
                    ipc.request_for(d, "status", timeout=2)
                    return True
                except ipc.AppNotRunning:
                    return False

            for name, command, ready in (
                ("floor", [sys.executable, str(floor_script)], None),
                (
                    "resilience",
                    [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)],
                    answers,
                ),
            ):
                started, rss, idle = measure(desktop, command, ready)
                results[name]["start_s"].append(started)
                results[name]["rss_mib"].append(rss)
                results[name]["rss_idle_mib"].append(idle)

    medians = {
        name: {k: statistics.median(v) for k, v in figures.items()}
        for name, figures in results.items()
    }
    print(f"{'':24}{'floor':>10}{'resilience':>12}{'ratio':>8}")
    for key, label in (
        ("start_s", "start to tray (s)"),
        ("rss_mib", "RSS at start (MiB)"),
        ("rss_idle_mib", "RSS idle 2 s (MiB)"),
    ):
        f, r = medians["floor"][key], medians["resilience"][key]
        print(f"{label:24}{f:10.3f}{r:12.3f}{r / f:8.2f}")
    out = ROOT / "build" / "bench-startup.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rounds": ROUNDS, "medians": medians, "samples": results}, indent=2))
    print(f"(medians of {ROUNDS} alternating runs; written to {out.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
