"""Ten years of calls (50,000, ~420 a month), plain and protected, measured from outside.

For each code tree given (this one, and with --before DIR an older checkout, e.g. made with
`git archive <commit> | tar -x -C DIR`), in the same run and alternating between trees:

- stats: `resilience stats --json` over the default 12 weeks and over all of it
  (`--since 2000-01-01`), as commands with no app running;
- start: process start to the tray icon docked, next to an empty PySide6 tray app
  (the floor), with an empty folder and with the 50,000 calls;
- journal: `resilience journal` sent to the running app until its window is on screen;
- flag: the first flag after start (3 s idle first, as a rep would), and the next ones,
  to the break window drawn (the app's own figure, `status`);
- import: a 100 MB JSON export of 90,000 calls into an empty journal: wall time and
  the process's peak RSS.

Protected journals use "remember on this computer" through a file keyring
(bench/filekeyring.py), so they open at start as on a rep's desktop. Every child runs with
bytecode caches allowed (as installed), whatever PYTHONDONTWRITEBYTECODE says here.

Prints a table and writes build/bench-scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from startup import FLOOR_APP, answers, gone, status, wait_docked  # noqa: E402
from storage import PER_MONTH, history, make_incident  # noqa: E402

from resilience_app.core.models import Nudge, NudgeKind  # noqa: E402
from tests.end2end.desktop import VirtualDesktop  # noqa: E402

# Smaller figures for a quick try of the bench itself (not for the README).
SIZE = int(os.environ.get("BENCH_SCALE_CALLS", "50000"))
IMPORT_SIZE = int(os.environ.get("BENCH_SCALE_IMPORT", "90000"))
PASS = "correct horse battery staple"
STATS_RUNS = int(os.environ.get("BENCH_SCALE_RUNS", "5"))
START_ROUNDS = int(os.environ.get("BENCH_SCALE_RUNS", "5"))
LATER_FLAGS = 5
NOTE = (
    "They asked about the contract length, then about the notice period, then whether the "
    "price holds for a second year; I hesitated on the second question and they said they "
    "would think about it and call back, which they never do. Next time have the terms open. "
)


def child_env(tree: Path, base: dict[str, str], keyring_file: Path) -> dict[str, str]:
    env = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(tree), str(BENCH)])
    env["PYTHONSAFEPATH"] = "1"  # the tree named, never the current folder's code
    env["PYTHON_KEYRING_BACKEND"] = "filekeyring.FileKeyring"
    env["BENCH_KEYRING_FILE"] = str(keyring_file)
    return env


def app(tree: Path, data_dir: Path, *args: str) -> list[str]:
    del tree
    return [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), *args]


# -- the journals ------------------------------------------------------------------------


def build(folder: Path, keyring_file: Path) -> dict[str, Path]:
    """A plain and a protected (remembered) journal of SIZE calls, and an empty protected
    one to import into; built with this tree's code."""
    os.environ["PYTHON_KEYRING_BACKEND"] = "filekeyring.FileKeyring"
    os.environ["BENCH_KEYRING_FILE"] = str(keyring_file)
    from resilience_app.adapters.vault import KeyringVault
    from resilience_app.service.build import open_service
    from resilience_app.storage.store import Store

    incidents, nudges = history(SIZE)
    made = {}
    for name, protect, calls in (
        ("plain", False, True),
        ("protected", True, True),
        ("empty-protected", True, False),
    ):
        data_dir = folder / name
        store = Store(data_dir)
        if calls:
            store.add_many(incidents, nudges)
        store.close()
        if protect:
            service = open_service(data_dir, vault=KeyringVault())
            service.set_passphrase(PASS, remember=True)
            service.close()
        made[name] = data_dir
    return made


def export_file(folder: Path) -> Path:
    """A JSON export of IMPORT_SIZE calls with long notes (~100 MB)."""
    from resilience_app.storage import export as exporting

    now = datetime.now(UTC)
    incidents = []
    for n in range(IMPORT_SIZE):
        incident = make_incident(n, now - timedelta(days=1), IMPORT_SIZE)
        incident.reflection.what_happened = f"Call {n}: " + NOTE[:20]
        incidents.append(incident)
    nudges = [
        Nudge(uuid.uuid4().hex, i.id, NudgeKind.FIRST, i.flagged_at + timedelta(minutes=10))
        for i in incidents
    ]
    text = exporting.export("json", exporting.Journal(incidents, nudges), now)
    path = folder / "export.json"
    path.write_text(text, encoding="utf-8")
    return path


# -- measurements ------------------------------------------------------------------------


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


PEAK = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_pid, status, usage = os.wait4(child.pid, 0)\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
)


def peak(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command. A small process starts it and
    reads its peak: a child forked from this big one would count its pages until exec."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *command], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    code, kib = done.stdout.split()
    if code != "0":
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    return elapsed, int(kib) / 1024


STALLS = r"""
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from resilience_app.adapters.notify import NotifierChain
from resilience_app.adapters.vault import KeyringVault
from resilience_app.service.build import open_service
from resilience_app.ui.presenter import Presenter
app = QApplication([])
service = open_service(Path(sys.argv[1]), running=True, notifier=NotifierChain(),
                       vault=KeyringVault())
presenter = Presenter(service, NotifierChain(), tray_available=lambda: False)
presenter.start()
service.start()
app.processEvents()
gaps = [0.0]
last = [time.perf_counter()]
def beat():
    now = time.perf_counter()
    gaps[0] = max(gaps[0], now - last[0])
    last[0] = now
heart = QTimer()
heart.setInterval(1)
heart.timeout.connect(beat)
heart.start()
# Trees before the presenter was split by window kept the journal on the presenter itself.
area = getattr(presenter, "journal", presenter)
open_journal = getattr(presenter, "open_journal", None) or area.open
def journal_window():
    return area.journal_window
def settle(start):
    # The event loop runs as in the app (idle between events), checked every 2 ms.
    from PySide6.QtCore import QEventLoop
    window = journal_window()
    first = [None]
    loop = QEventLoop()
    def check():
        model = getattr(window, "calls_model", None)  # older trees: a plain list, filled at once
        if first[0] is None and model is not None and model.rowCount():
            first[0] = time.perf_counter() - start
        if not getattr(window, "searching", False):
            loop.quit()
    probe = QTimer()
    probe.setInterval(2)
    probe.timeout.connect(check)
    probe.start()
    check()
    if getattr(window, "searching", False):
        loop.exec()
    probe.stop()
    done = time.perf_counter() - start
    QTimer.singleShot(20, loop.quit)  # the heartbeat notes a wait that just ended
    loop.exec()
    return (first[0] if first[0] is not None else done), done
start = last[0] = time.perf_counter()
open_journal()
first, done = settle(start)
open_gap = gaps[0]
gaps[0] = 0.0
start = last[0] = time.perf_counter()
journal_window().call_search.setText("company 77")
_, search = settle(start)
print(json.dumps({"first_page": first, "all": done, "open_stall": open_gap,
                  "search": search, "search_stall": gaps[0]}), flush=True)
heart.stop()
presenter.shutdown()
os._exit(0)  # as the app quits: no teardown of Qt wrappers by the interpreter
"""


def journal_stalls(data_dir: Path, env: dict[str, str]) -> dict[str, float]:
    """Open the journal in an offscreen app and search it: the longest the event loop
    waited (any stall the rep would feel), time to the first page and to the end."""
    done = subprocess.run(
        [sys.executable, "-c", STALLS, str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"journal stalls: {done.stderr[-2000:]}")
    found = {k: v for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}
    return {key: value * 1000 for key, value in found.items()}


def start_to_tray(desktop: VirtualDesktop, command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = desktop.spawn(command, env=env)
    elapsed = wait_docked(desktop, start)
    proc.terminate(timeout=10)
    gone(desktop)
    return elapsed


def running_app(desktop: VirtualDesktop, data_dir: Path, env: dict[str, str]) -> dict[str, float]:
    """Journal window and flags in one running app (figures in ms)."""
    found: dict[str, float] = {}
    proc = desktop.spawn(app(ROOT, data_dir), env=env)
    try:
        while not answers(data_dir):
            time.sleep(0.01)
        time.sleep(3)  # a rep does not flag within the first second
        if status(data_dir).get("locked"):
            raise RuntimeError("the protected journal did not open from the keyring")
        start = time.perf_counter()
        subprocess.run(app(ROOT, data_dir, "flag"), env=env, check=True, capture_output=True)
        desktop.wait_for_window("take a breath", timeout=10)
        time.sleep(0.3)
        found["first_flag_ms"] = float(status(data_dir)["metrics"]["flag_to_window_ms"])
        found["first_flag_wall_ms"] = (time.perf_counter() - start) * 1000
        subprocess.run(app(ROOT, data_dir, "dialed"), env=env, check=True, capture_output=True)
        later = []
        for _ in range(LATER_FLAGS):
            subprocess.run(app(ROOT, data_dir, "flag"), env=env, check=True, capture_output=True)
            desktop.wait_for_window("take a breath", timeout=10)
            time.sleep(0.3)
            later.append(float(status(data_dir)["metrics"]["flag_to_window_ms"]))
            subprocess.run(app(ROOT, data_dir, "dialed"), env=env, check=True, capture_output=True)
        found["later_flags_ms"] = statistics.median(later)
        time.sleep(1)
        start = time.perf_counter()
        subprocess.run(app(ROOT, data_dir, "journal"), env=env, check=True, capture_output=True)
        while not desktop.find_windows("my journal"):
            time.sleep(0.005)
        found["journal_open_ms"] = (time.perf_counter() - start) * 1000
    finally:
        proc.terminate(timeout=10)
        gone(desktop)
    return found


SETTLE = r"""
import sys
from pathlib import Path
from resilience_app.adapters.vault import KeyringVault
from resilience_app.service.build import open_service
service = open_service(Path(sys.argv[1]), vault=KeyringVault())
service.unlock_from_keyring()
counted = getattr(service.store, "day_tallies", None)  # trees with per-month summaries
if counted is not None:
    counted()
service.close()
"""


def settle(data_dir: Path, env: dict[str, str]) -> None:
    """A copied journal as the tree's own app keeps it: a summary records the month file
    it was counted from (inode included), so a copy's are counted again here, once, as
    the app would after moving to a new machine."""
    subprocess.run([sys.executable, "-c", SETTLE, str(data_dir)], env=env, check=True)


def remember_copy(keyring_file: Path, source: Path, copy: Path) -> None:
    """The keyring entry is named by the data folder: a copy needs its own."""
    from resilience_app.adapters.vault import SERVICE
    from resilience_app.paths import digest

    kept = json.loads(keyring_file.read_text())
    key = kept.get(f"{SERVICE}/{digest(source)}")
    if key is not None:
        kept[f"{SERVICE}/{digest(copy)}"] = key
        keyring_file.write_text(json.dumps(kept))


def measure(trees: dict[str, Path], folder: Path) -> dict[str, Any]:
    keyring_file = folder / "keyring.json"
    made = build(folder / "made", keyring_file)
    export = export_file(folder)
    results: dict[str, Any] = {name: {} for name in trees}
    envs = {name: child_env(tree, dict(os.environ), keyring_file) for name, tree in trees.items()}
    for name, tree in trees.items():
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(tree / "resilience_app")],
            env=envs[name],
            check=True,
            capture_output=True,
        )
    # Each tree its own copies: one tree's writes (or summaries) never serve another.
    copies = {name: {kind: folder / name / kind for kind in made} for name in trees}
    for name in trees:
        for kind, source in made.items():
            shutil.copytree(source, copies[name][kind])
            remember_copy(keyring_file, source, copies[name][kind])
            settle(copies[name][kind], envs[name])

    # stats, alternating trees
    for kind in ("plain", "protected"):
        runs: dict[str, dict[str, list[float]]] = {n: {"default": [], "all": []} for n in trees}
        for _ in range(STATS_RUNS):
            for name, tree in trees.items():
                base = app(tree, copies[name][kind], "stats", "--json")
                runs[name]["default"].append(timed(base, envs[name]))
                runs[name]["all"].append(timed([*base, "--since", "2000-01-01"], envs[name]))
        for name in trees:
            results[name][f"stats_default_{kind}_ms"] = (
                statistics.median(runs[name]["default"]) * 1000
            )
            results[name][f"stats_all_{kind}_ms"] = statistics.median(runs[name]["all"]) * 1000

    with VirtualDesktop() as desktop:
        floor_script = folder / "floor.py"
        floor_script.write_text(FLOOR_APP, encoding="utf-8")
        starts: dict[str, list[float]] = {"floor": []}
        for n in range(START_ROUNDS):
            starts["floor"].append(
                start_to_tray(desktop, [sys.executable, str(floor_script)], desktop.env)
            )
            for name in trees:
                env = child_env(trees[name], desktop.env, keyring_file)
                for kind in ("empty", "plain", "protected"):
                    data_dir = (
                        folder / name / f"start-{n}" if kind == "empty" else copies[name][kind]
                    )
                    starts.setdefault(f"{name}_{kind}", []).append(
                        start_to_tray(desktop, app(trees[name], data_dir), env)
                    )
        floor = statistics.median(starts["floor"])
        for name in trees:
            results[name]["floor_tray_ms"] = floor * 1000
            for kind in ("empty", "plain", "protected"):
                value = statistics.median(starts[f"{name}_{kind}"])
                results[name][f"start_{kind}_ms"] = value * 1000
                results[name][f"start_{kind}_ratio"] = value / floor
        for kind in ("plain", "protected"):
            for name in trees:
                env = child_env(trees[name], desktop.env, keyring_file)
                for key, value in running_app(desktop, copies[name][kind], env).items():
                    results[name][f"{key.removesuffix('_ms')}_{kind}_ms"] = value

    for kind in ("plain", "protected"):
        for name in trees:
            for key, value in journal_stalls(copies[name][kind], envs[name]).items():
                results[name][f"journal_{key}_{kind}_ms"] = value

    for name, tree in trees.items():
        for kind, source in (("plain", None), ("protected", made["empty-protected"])):
            target = folder / name / f"import-{kind}"
            if source is not None:
                shutil.copytree(source, target)
                remember_copy(keyring_file, source, target)
            seconds, rss = peak(app(tree, target, "import", str(export)), envs[name])
            results[name][f"import_{kind}_s"] = seconds
            results[name][f"import_{kind}_rss_mib"] = rss
    results["export_mib"] = export.stat().st_size / 2**20
    return results


def machine() -> dict[str, Any]:
    import platform

    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


ROWS = (
    ("stats, 12 weeks (plain)", "stats_default_plain_ms", "ms"),
    ("stats, all ten years (plain)", "stats_all_plain_ms", "ms"),
    ("stats, 12 weeks (protected)", "stats_default_protected_ms", "ms"),
    ("stats, all ten years (protected)", "stats_all_protected_ms", "ms"),
    ("journal command to window (plain)", "journal_open_plain_ms", "ms"),
    ("journal command to window (protected)", "journal_open_protected_ms", "ms"),
    ("journal: first page of calls (plain)", "journal_first_page_plain_ms", "ms"),
    ("journal: every month searched (plain)", "journal_all_plain_ms", "ms"),
    ("journal: longest GUI stall, opening (plain)", "journal_open_stall_plain_ms", "ms"),
    ("journal: longest GUI stall, search (plain)", "journal_search_stall_plain_ms", "ms"),
    ("journal: longest GUI stall, opening (prot.)", "journal_open_stall_protected_ms", "ms"),
    ("journal: longest GUI stall, search (prot.)", "journal_search_stall_protected_ms", "ms"),
    ("first flag to break drawn (plain)", "first_flag_plain_ms", "ms"),
    ("later flags to break drawn (plain)", "later_flags_plain_ms", "ms"),
    ("first flag to break drawn (protected)", "first_flag_protected_ms", "ms"),
    ("later flags to break drawn (protected)", "later_flags_protected_ms", "ms"),
    ("floor app: start to tray", "floor_tray_ms", "ms"),
    ("start to tray, empty folder (x floor)", "start_empty_ratio", "x"),
    ("start to tray, 50,000 calls (x floor)", "start_plain_ratio", "x"),
    ("start to tray, protected (x floor)", "start_protected_ratio", "x"),
    ("import 90,000 calls (plain)", "import_plain_s", "s"),
    ("  peak RSS", "import_plain_rss_mib", "MiB"),
    ("import 90,000 calls (protected)", "import_protected_s", "s"),
    ("  peak RSS", "import_protected_rss_mib", "MiB"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="another checkout to measure alongside")
    args = parser.parse_args()
    trees = {"after": ROOT}
    if args.before is not None:
        trees = {"before": args.before.resolve(), "after": ROOT}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(
        dir=ROOT / "build" if (ROOT / "build").exists() else None
    ) as tmp:
        results = measure(trees, Path(tmp))
    print(f"{SIZE:,} calls over ten years (~{PER_MONTH} a month); medians")
    head = "".join(f"{name:>12}" for name in trees)
    print(f"  {'':<42}{head}{'ratio':>8}" if len(trees) == 2 else f"  {'':<42}{head}")
    for label, key, unit in ROWS:
        values = [results[name].get(key) for name in trees]
        cells = "".join(
            f"{v:>9.2f} {unit:<2}" if unit in ("x", "s") else f"{v:>9.0f} {unit:<2}"
            for v in values
            if v is not None
        )
        ratio = ""
        if len(values) == 2 and values[0] and values[1]:
            ratio = f"{values[1] / values[0]:>7.2f}x"
        print(f"  {label:<42}{cells}{ratio}")
    out = ROOT / "build" / "bench-scale.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": machine(),
                "date": datetime.now().astimezone().isoformat(timespec="seconds"),
                "calls": SIZE,
                "import_calls": IMPORT_SIZE,
                "trees": {name: str(tree) for name, tree in trees.items()},
                "results": results,
            },
            indent=2,
        )
    )
    print(f"(written to {out.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
