"""The performance budget: Resilience next to an empty PySide6 tray app, in the same run.

On a private virtual desktop (Xvfb + trayer + dunst) it measures, as medians:

- start: process start to the tray icon docked (both apps), and to our command channel
  answering (ready), alternating ours and the floor app several times;
- memory: RSS when ready, after idling, and after 200 flag -> break -> note ("later") ->
  dialed cycles driven through the CLI and the keyboard;
- idle: CPU seconds per minute and wake-ups (context switches of every thread) per minute
  with no break running, with call detection on (a real PulseAudio server, subscribed
  to) and the global shortcut grabbed; and the same during a call (a softphone holding
  the microphone);
- the break: animation frames per second and CPU while the window is visible;
- the click that matters: flag command received -> break window drawn (measured in the app);
- commands: `resilience dialed` against the running app vs `python -c pass`.

Prints a table and writes build/bench-startup.json. Ratios taken within one run are the
figures to trust on a shared machine.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resilience_app.adapters import ipc  # noqa: E402
from tests.end2end.desktop import VirtualDesktop  # noqa: E402
from tests.end2end.sound import SoundServer  # noqa: E402

ROUNDS = 7
CYCLES = 200
IDLE_SECONDS = 30.0
FLOOR_APP = textwrap.dedent(
    """
    import sys
    from PySide6.QtGui import QColor, QIcon, QPixmap
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
    return float(psutil.Process(pid).memory_info().rss) / 2**20


def switches(pid: int) -> dict[str, int]:
    """Context switches of each thread: each is a wake-up, whatever woke it."""
    found: dict[str, int] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            lines = (task / "status").read_text().splitlines()
        except OSError:
            continue  # the thread ended just now
        found[task.name] = sum(
            int(line.split()[1])
            for line in lines
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"))
        )
    return found


def woke(before: dict[str, int], after: dict[str, int]) -> int:
    """Wake-ups between two readings: threads that ended meanwhile are not counted (their
    switches are gone with them; summing all threads went negative when one ended)."""
    return sum(count - before.get(thread, 0) for thread, count in after.items())


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def wait_docked(desktop: VirtualDesktop, start: float) -> float:
    while not desktop.tray_icons():
        time.sleep(0.001)
        if time.perf_counter() - start > 30:
            raise RuntimeError("no tray icon after 30 s")
    return time.perf_counter() - start


def answers(data_dir: Path) -> bool:
    try:
        ipc.request_for(data_dir, "status", timeout=2)
        return True
    except ipc.AppNotRunning:
        return False


def status(data_dir: Path) -> dict[str, Any]:
    reply: dict[str, Any] = ipc.request_for(data_dir, "status")["status"]
    return reply


def gone(desktop: VirtualDesktop) -> None:
    while desktop.tray_icons():
        time.sleep(0.01)


def measure_start(desktop: VirtualDesktop, tmp: Path) -> dict[str, list[float]]:
    floor_script = tmp / "floor.py"
    floor_script.write_text(FLOOR_APP, encoding="utf-8")
    found: dict[str, list[float]] = {
        "floor_tray_s": [],
        "ours_tray_s": [],
        "ours_ready_s": [],
        "floor_rss": [],
        "ours_rss": [],
    }
    for n in range(ROUNDS):
        start = time.perf_counter()
        floor = desktop.spawn([sys.executable, str(floor_script)], env=desktop.env)
        found["floor_tray_s"].append(wait_docked(desktop, start))
        time.sleep(0.5)
        found["floor_rss"].append(rss_mib(floor.pid))
        floor.terminate(timeout=10)
        gone(desktop)

        data_dir = tmp / f"start{n}"
        start = time.perf_counter()
        ours = desktop.spawn(
            [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)], env=desktop.env
        )
        found["ours_tray_s"].append(wait_docked(desktop, start))
        while not answers(data_dir):
            time.sleep(0.001)
        found["ours_ready_s"].append(time.perf_counter() - start)
        time.sleep(0.5)
        found["ours_rss"].append(rss_mib(ours.pid))
        ours.terminate(timeout=10)
        gone(desktop)
    return found


def cli(data_dir: Path, desktop: VirtualDesktop, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), *args],
        env=desktop.env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"resilience {' '.join(args)} failed: {done.stderr.strip()}")


def median_time(command: list[str], env: dict[str, str], runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_running(desktop: VirtualDesktop, tmp: Path, sound: SoundServer) -> dict[str, Any]:
    data_dir = tmp / "running"
    app = desktop.spawn(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)], env=desktop.env
    )
    try:
        return _measure_running(desktop, data_dir, app, sound)
    except Exception:
        time.sleep(0.5)
        print(f"app exit {app.returncode}; its stderr:\n{app.stderr[-3000:]}", file=sys.stderr)
        raise


def _measure_running(
    desktop: VirtualDesktop, data_dir: Path, app: Any, sound: SoundServer
) -> dict[str, Any]:
    while not answers(data_dir):
        time.sleep(0.01)
    pid = app.pid
    figures: dict[str, Any] = {}
    time.sleep(3)
    figures["rss_ready_mib"] = rss_mib(pid)
    ready = status(data_dir)
    assert ready["call_detection"] == "on", ready["call_detection"]
    assert ready["hotkey"]["problem"] is None, ready["hotkey"]

    # Idle, calm: nothing planned, no window open; detection and the shortcut listening.
    cpu0, sw0 = cpu_seconds(pid), switches(pid)
    time.sleep(IDLE_SECONDS)
    figures["idle_cpu_s_per_min"] = (cpu_seconds(pid) - cpu0) * 60 / IDLE_SECONDS
    figures["idle_wakeups_per_min"] = woke(sw0, switches(pid)) * 60 / IDLE_SECONDS
    figures["rss_idle_mib"] = rss_mib(pid)

    # Idle on a call: a softphone holds the microphone, nothing else happens.
    with sound.softphone("Zoiper"):
        while not status(data_dir)["on_call"]:
            time.sleep(0.1)
        time.sleep(1)
        cpu0, sw0 = cpu_seconds(pid), switches(pid)
        time.sleep(IDLE_SECONDS / 2)
        figures["call_cpu_s_per_min"] = (cpu_seconds(pid) - cpu0) * 120 / IDLE_SECONDS
        figures["call_wakeups_per_min"] = woke(sw0, switches(pid)) * 120 / IDLE_SECONDS
    while status(data_dir)["on_call"]:
        time.sleep(0.1)

    # The break: frames and CPU while the breathing shape moves.
    cli(data_dir, desktop, "flag")
    desktop.wait_for_window("take a breath", timeout=5)
    time.sleep(1)
    frames0, cpu0, t0 = (
        status(data_dir)["metrics"]["animation_frames"],
        cpu_seconds(pid),
        time.perf_counter(),
    )
    time.sleep(5)
    frames1, cpu1, t1 = (
        status(data_dir)["metrics"]["animation_frames"],
        cpu_seconds(pid),
        time.perf_counter(),
    )
    figures["break_fps"] = (frames1 - frames0) / (t1 - t0)
    figures["break_cpu_percent"] = (cpu1 - cpu0) / (t1 - t0) * 100
    cli(data_dir, desktop, "dialed")

    # Flag -> break window drawn, as the app measures it, over several flags.
    latencies = []
    for _ in range(7):
        cli(data_dir, desktop, "flag")
        desktop.wait_for_window("take a breath", timeout=5)
        time.sleep(0.2)
        latencies.append(status(data_dir)["metrics"]["flag_to_window_ms"])
        cli(data_dir, desktop, "dialed")
    figures["flag_to_window_ms"] = statistics.median(latencies)

    # Commands, against the running app.
    env = desktop.env
    figures["python_pass_s"] = median_time([sys.executable, "-c", "pass"], env)
    figures["cli_dialed_s"] = median_time(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), "dialed"], env
    )
    script = Path(sys.executable).parent / "resilience"
    figures["cli_script_dialed_s"] = median_time(
        [str(script), "--data-dir", str(data_dir), "dialed"], env
    )

    # 200 full cycles through the CLI: flag (the break window opens), the note, dialed.
    def cycle(n: int) -> None:
        cli(data_dir, desktop, "flag", "--label", f"Prospect {n}", "--rough", "6")
        assert status(data_dir)["phase"] == "break"
        cli(data_dir, desktop, "note", "--what", "hung up", "--positive", f"kept calm {n}")
        cli(data_dir, desktop, "dialed")

    for n in range(5):
        cycle(n)  # warm-up: every window built once
    time.sleep(1)
    figures["rss_after_warmup_mib"] = rss_mib(pid)
    started = time.perf_counter()
    for n in range(CYCLES):
        cycle(n)
    figures["cycles_seconds"] = time.perf_counter() - started
    time.sleep(2)
    figures["rss_after_cycles_mib"] = rss_mib(pid)
    app.terminate(timeout=10)
    return figures


def row(label: str, value: float, unit: str, target: str) -> None:
    print(f"  {label:<46}{value:10.3f} {unit:<8}{target}")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp_name, VirtualDesktop() as desktop:
        tmp = Path(tmp_name)
        with SoundServer(Path(desktop.env["XDG_RUNTIME_DIR"])) as sound:
            start = measure_start(desktop, tmp)
            running = measure_running(desktop, tmp, sound)
    m: Callable[[str], float] = lambda key: statistics.median(start[key])  # noqa: E731
    floor_tray, ours_tray, ours_ready = m("floor_tray_s"), m("ours_tray_s"), m("ours_ready_s")
    floor_rss, ours_rss = m("floor_rss"), m("ours_rss")
    print(f"Resilience vs an empty PySide6 tray app ({ROUNDS} alternating starts, medians)")
    row("floor: start to tray icon", floor_tray, "s", "")
    row("ours: start to tray icon", ours_tray, "s", f"ratio {ours_tray / floor_tray:.2f} (<= 1.3)")
    row("ours: start to commands answered", ours_ready, "s", f"ratio {ours_ready / floor_tray:.2f}")
    row("floor: RSS", floor_rss, "MiB", "")
    row("ours: RSS when ready", ours_rss, "MiB", f"+{ours_rss - floor_rss:.1f} MiB (<= +25)")
    r = running
    row("ours: RSS idle", r["rss_idle_mib"], "MiB", "")
    growth = r["rss_after_cycles_mib"] - r["rss_after_warmup_mib"]
    row(f"RSS growth over {CYCLES} cycles", growth, "MiB", "(<= 5)")
    row("idle CPU, call detection on", r["idle_cpu_s_per_min"], "s/min", "(<= 0.05)")
    row("idle wake-ups (all threads)", r["idle_wakeups_per_min"], "/min", "(<= 2 from timers)")
    row("idle CPU during a call", r["call_cpu_s_per_min"], "s/min", "(<= 0.05)")
    row("idle wake-ups during a call", r["call_wakeups_per_min"], "/min", "")
    row("break animation", r["break_fps"], "fps", "(>= 30)")
    row("break CPU", r["break_cpu_percent"], "% core", "(<= 10)")
    row("flag received -> break window drawn", r["flag_to_window_ms"], "ms", "(<= 50)")
    budget = 2 * r["python_pass_s"] + 0.050
    row("python -c pass", r["python_pass_s"], "s", "")
    row("python -m resilience_app dialed", r["cli_dialed_s"], "s", f"(<= {budget:.3f})")
    row("resilience dialed (console script)", r["cli_script_dialed_s"], "s", f"(<= {budget:.3f})")
    out = ROOT / "build" / "bench-startup.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"start": start, "running": running, "rounds": ROUNDS}, indent=2))
    print(f"(written to {out.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
