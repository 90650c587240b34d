"""The PyInstaller bundle, dist/Resilience, on a real (virtual) desktop.

Run by `make test-package` after `make package` (packaging/build.py) built the bundle:
    python -m pytest -m package tests/package
Plain `pytest` deselects these tests. Every command here is the bundled executable, so the
bundle alone has to carry Qt, its plugins, the icons, plyer's notification backend and
APScheduler's triggers.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from resilience_app import __version__
from resilience_app.paths import socket_path
from tests.end2end.desktop import AppProcess, VirtualDesktop

pytestmark = pytest.mark.package

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "Resilience"
EXECUTABLE = BUNDLE / ("Resilience.exe" if sys.platform == "win32" else "resilience")
FIRST_TITLE = "Ready for the next call?"
SECOND_TITLE = "Time to pick up the phone"
FIRST_MIN, SECOND_MIN = 0.03, 0.06  # 1.8 s and 3.6 s after the flag
START_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def executable() -> Path:
    if not EXECUTABLE.is_file():
        pytest.fail(
            f"no bundle at {EXECUTABLE.relative_to(ROOT)}: run `make package` "
            "(or `python packaging/build.py`) first",
            pytrace=False,
        )
    return EXECUTABLE


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with VirtualDesktop() as d:
        yield d


class BundledApp:
    """The bundled tray app on the desktop, driven by the bundled `resilience` command."""

    def __init__(
        self,
        desktop: VirtualDesktop,
        executable: Path,
        data_dir: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.desktop = desktop
        self.executable = executable
        self.data_dir = data_dir
        self.env = env or {}
        self.proc: AppProcess | None = None

    def command(self, *args: str) -> list[str]:
        return [str(self.executable), "--data-dir", str(self.data_dir), *args]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args), env=self.desktop.env, capture_output=True, text=True, timeout=30
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = self.run(*args)
        assert result.returncode == 0, f"{args}: {result.stderr}{result.stdout}"
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def start(self) -> None:
        self.proc = self.desktop.spawn(self.command(), env=self.env)
        self.desktop.wait_for_tray_icons(1, timeout=START_TIMEOUT)
        wait_until_ready(self.command, self.desktop)

    def stop(self) -> int | None:
        assert self.proc is not None
        code = self.proc.terminate(timeout=10)
        self.desktop.wait_for_tray_icons(0, timeout=10)
        return code

    def status(self) -> dict[str, Any]:
        return json.loads(self.cli("status").stdout)

    def export(self) -> list[dict[str, Any]]:
        incidents: list[dict[str, Any]] = json.loads(self.cli("export").stdout)["incidents"]
        return incidents


@pytest.fixture
def app(executable: Path, desktop: VirtualDesktop, tmp_path: Path) -> Iterator[BundledApp]:
    desktop.clear_notifications()
    running = BundledApp(desktop, executable, tmp_path / "data", env=spy_on_notify_send(tmp_path))
    # Before the app starts: the bundled CLI writes the settings file by itself.
    running.cli("config", "set", "nudge.first_minutes", str(FIRST_MIN))
    running.cli("config", "set", "nudge.second_minutes", str(SECOND_MIN))
    running.start()
    yield running
    assert running.proc is not None
    code = running.stop()
    assert "Traceback" not in running.proc.stderr, running.proc.stderr
    assert code == 0, running.proc.stderr


def spy_on_notify_send(tmp_path: Path) -> dict[str, str]:
    """PATH for the app with a `notify-send` that records its environment, then runs the
    real one: what the bundle's child processes inherit (see child_library_path)."""
    real = shutil.which("notify-send")
    if real is None:
        pytest.fail("notify-send not found: apt-get install libnotify-bin", pytrace=False)
    spy = tmp_path / "bin" / "notify-send"
    spy.parent.mkdir()
    spy.write_text(
        f'#!/bin/sh\nenv > "{tmp_path}/notify-send.env"\nexec {shlex.quote(real)} "$@"\n',
        encoding="utf-8",
    )
    spy.chmod(0o755)
    return {"PATH": f"{spy.parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def child_library_path(tmp_path: Path) -> str:
    for line in (tmp_path / "notify-send.env").read_text(encoding="utf-8").splitlines():
        if line.startswith("LD_LIBRARY_PATH="):
            return line.partition("=")[2]
    return ""


def test_version(executable: Path) -> None:
    result = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"resilience {__version__}"


def test_tray_flag_break_nudges_status_export(app: BundledApp, desktop: VirtualDesktop) -> None:
    [tray] = desktop.tray_icons()
    assert_icon_drawn(desktop, tray, app.data_dir.parent / "tray.png")

    flagged = time.monotonic()
    result = app.run("flag", "--label", "Bundle")
    assert result.returncode == 0, result.stderr
    desktop.wait_for_window("take a breath", timeout=10)

    # The notifications (over the session bus, through jeepney, imported when first used)
    # and APScheduler's "date" trigger (picked by name at run time): the nudge reaching
    # dunst proves both are bundled.
    first = desktop.wait_for_notification(summary=FIRST_TITLE, timeout=15)
    assert first["appname"] == "Resilience"
    # Notifications no longer start notify-send on Linux; a system tool the bundle does
    # start (the spy, should one run) loads the system's libraries, not the bundle's.
    if (app.data_dir.parent / "notify-send.env").exists():
        assert str(BUNDLE) not in child_library_path(app.data_dir.parent)
    desktop.wait_for_notification(summary=SECOND_TITLE, timeout=15)
    assert time.monotonic() - flagged >= SECOND_MIN * 60 - 0.5
    assert app.status()["pending_nudges"] == []

    [record] = app.export()
    assert record["label"] == "Bundle"
    assert sorted(n["state"] for n in record["nudges"]) == ["fired", "fired"]
    assert "Back on the phone" in app.cli("dialed").stdout


def test_insights_window_opens(app: BundledApp, desktop: VirtualDesktop) -> None:
    app.cli("insights")  # the running app imports QtCharts only now
    desktop.wait_for_window("insights", timeout=15)
    app.cli("journal")
    desktop.wait_for_window("my journal", timeout=15)


def assert_icon_drawn(desktop: VirtualDesktop, tray: Any, path: Path) -> None:
    """The docked icon shows the image read from resilience_app.resources, not a blank square."""
    from PySide6.QtGui import QImage

    shot = desktop.screenshot(path, window=tray.window)
    image = QImage(str(shot))
    assert not image.isNull(), f"cannot read the screenshot {shot}"
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
    }
    assert len(colours) > 3, f"the tray icon looks blank (colours: {sorted(colours)})"


def wait_until_ready(command: Callable[..., list[str]], desktop: VirtualDesktop) -> None:
    """The tray icon goes up before the rest of the app is built; wait for its command
    channel (`status` answers from the running app) before driving it or stopping it."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        result = subprocess.run(
            command("status"), env=desktop.env, capture_output=True, text=True, timeout=30
        )
        if result.returncode == 0 and json.loads(result.stdout)["running"]:
            return
        assert time.monotonic() < deadline, f"the app never answered: {result.stderr}"
        time.sleep(0.1)


def time_to_start(
    desktop: VirtualDesktop, command: list[str], data_dir: Path
) -> tuple[float, float]:
    """Seconds from launch to the docked tray icon, and to the command channel listening."""
    channel = Path(socket_path(data_dir))
    started = time.monotonic()
    proc = desktop.spawn([*command, "--data-dir", str(data_dir)], env=desktop.env)
    try:
        desktop.wait_for_tray_icons(1, timeout=START_TIMEOUT)
        tray = time.monotonic() - started
        while not channel.exists():  # polled in-process: no extra processes competing
            assert time.monotonic() - started < START_TIMEOUT, "the command channel never opened"
            assert proc.returncode is None, proc.stderr
            time.sleep(0.005)
        ready = time.monotonic() - started
        wait_until_ready(lambda *args: [*command, "--data-dir", str(data_dir), *args], desktop)
    finally:
        code = proc.terminate(timeout=10)
        desktop.wait_for_tray_icons(0, timeout=10)
    assert code == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return tray, ready


def test_start_time_against_the_venv(
    executable: Path, desktop: VirtualDesktop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # socket_path() falls back to XDG_RUNTIME_DIR for long paths: use the app's.
    monkeypatch.setenv("XDG_RUNTIME_DIR", desktop.env["XDG_RUNTIME_DIR"])
    commands = {
        "bundle": [str(executable)],
        "python -m resilience_app": [sys.executable, "-m", "resilience_app"],
    }
    tray: dict[str, list[float]] = {name: [] for name in commands}
    ready: dict[str, list[float]] = {name: [] for name in commands}
    for run in range(3):  # alternating, so a busy moment hits both alike
        for index, (name, command) in enumerate(commands.items()):
            # A fresh data folder each time: a first start, and no socket file left over.
            times = time_to_start(desktop, command, tmp_path / f"data-{index}-{run}")
            tray[name].append(times[0])
            ready[name].append(times[1])
    print()
    for name in commands:
        print(
            f"{name}: tray icon {statistics.median(tray[name]):.2f} s, command channel "
            f"{statistics.median(ready[name]):.2f} s (median of 3; tray "
            f"{', '.join(f'{t:.2f}' for t in tray[name])}; channel "
            f"{', '.join(f'{t:.2f}' for t in ready[name])})"
        )
    assert statistics.median(tray["bundle"]) < START_TIMEOUT
