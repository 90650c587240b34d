"""The real app on Wayland: Weston's headless compositor, QT_QPA_PLATFORM=wayland, no X.

Most Linux desktops now run Wayland, where an app cannot place its windows, keep one on
top or take the focus by itself. Here the whole loop runs there: the tray as KDE and GNOME
(with AppIndicator) host it, over D-Bus; the break window; the note, written and saved;
both nudges at the notification server (dunst, as in the X11 tests) and the nudge card.
The rep's eyes and hands are the accessibility bus (tests/end2end/wayland.py), and the
app must not print a single Qt warning on the way.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.end2end.desktop import AppProcess, VirtualDesktop
from tests.end2end.wayland import SYSTEM_PYTHON, WaylandSession

pytestmark = pytest.mark.e2e

APP = "Resilience"  # its name on the accessibility bus
WATCHER = Path(__file__).with_name("sni_watcher.py")
FIRST_TITLE = "Ready for the next call?"
SECOND_TITLE = "Time to pick up the phone"
FIRST_MIN, SECOND_MIN = 0.05, 0.1  # 3 s and 6 s after the flag


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    # The X server only hosts dunst; no tray: on Wayland the tray is StatusNotifierItem.
    with VirtualDesktop(tray=False) as d:
        yield d


@pytest.fixture(scope="module")
def wayland(desktop: VirtualDesktop) -> WaylandSession:
    return WaylandSession(desktop).start()


class WaylandApp:
    def __init__(self, wayland: WaylandSession, data_dir: Path) -> None:
        self.wayland = wayland
        self.data_dir = data_dir
        self.proc: AppProcess | None = None

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "resilience_app", "--data-dir", str(self.data_dir), *args]

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            self.command(*args), env=self.wayland.env, capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self) -> None:
        self.proc = self.wayland.spawn(self.command())

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = json.loads(self.cli("status"))
        return status

    def export(self) -> list[dict[str, Any]]:
        incidents: list[dict[str, Any]] = json.loads(self.cli("export"))["incidents"]
        return incidents

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.stop_quietly()


def wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_flag_break_note_and_nudges_on_wayland(
    desktop: VirtualDesktop, wayland: WaylandSession, tmp_path: Path
) -> None:
    app = WaylandApp(wayland, tmp_path / "data")
    app.cli("config", "set", "nudge.first_minutes", str(FIRST_MIN))
    app.cli("config", "set", "nudge.second_minutes", str(SECOND_MIN))
    desktop.clear_notifications()
    watcher = desktop.spawn([SYSTEM_PYTHON, str(WATCHER)])
    try:
        watcher.wait_for_output(r"^ready$", timeout=10)
        app.start()
        run_the_loop(desktop, wayland, app, watcher, tmp_path)
    finally:
        watcher.terminate()


def run_the_loop(
    desktop: VirtualDesktop,
    wayland: WaylandSession,
    app: WaylandApp,
    watcher: AppProcess,
    tmp_path: Path,
) -> None:
    service, path = watcher.wait_for_output(r"registered (\S+) (\S+)", timeout=15).groups()

    # What a click on the icon in a KDE (or GNOME AppIndicator) panel sends:
    desktop.run(
        ["gdbus", "call", "--session", "--dest", service, "--object-path", path,
         "--method", "org.kde.StatusNotifierItem.Activate", "10", "10"]
    )  # fmt: skip
    wayland.wait_for_window(APP, "take a breath", timeout=10)
    assert app.status()["phase"] == "break"
    wayland.screenshot(tmp_path / "break-on-wayland.png")  # kept for a look when it fails

    wayland.press(APP, "take a breath", "End break")
    wayland.wait_for_window(APP, "a private note", timeout=10)
    wayland.type_into(APP, "a private note", "What happened?", "They wanted a discount")
    wayland.type_into(APP, "a private note", "At least one positive:", "I stayed calm")
    wayland.press(APP, "a private note", "Save note")
    wayland.wait_until_gone(APP, "a private note")
    [record] = app.export()
    assert record["reflection_status"] == "saved"
    assert record["reflection"]["what_happened"] == "They wanted a discount"
    assert record["reflection"]["positives"] == ["I stayed calm"]

    first = desktop.wait_for_notification(summary=FIRST_TITLE, timeout=15)
    desktop.wait_for_notification(summary=SECOND_TITLE, timeout=15)
    assert first["appname"] == "Resilience" and "easy lead" in first["body"]
    # The card comes up too, wherever the compositor puts it.
    wayland.wait_for_window(APP, "back to the phone", timeout=10)
    wayland.screenshot(tmp_path / "nudge-on-wayland.png")
    wayland.press(APP, "back to the phone", "I'm dialing")
    wait_for(lambda: app.status()["phase"] == "calm")
    wayland.wait_until_gone(APP, "back to the phone")
    [record] = app.export()
    assert sorted(n["state"] for n in record["nudges"]) == ["fired", "fired"]
    assert record["time_to_next_dial_seconds"] >= SECOND_MIN * 60 - 0.5
    app.stop()


def test_no_tray_host_on_wayland_opens_the_home_window(
    wayland: WaylandSession, tmp_path: Path
) -> None:
    """GNOME on Wayland without the AppIndicator extension: no StatusNotifierWatcher."""
    app = WaylandApp(wayland, tmp_path / "data")
    app.start()
    home = wayland.wait_for_window(APP, "Resilience", timeout=15)
    assert re.fullmatch(r"Resilience( — Resilience)?", home), home
    wayland.press(APP, "Resilience", "A call went south — take a break")
    wayland.wait_for_window(APP, "take a breath", timeout=10)
    assert app.status()["phase"] == "break"
    app.cli("dialed")
    wayland.wait_until_gone(APP, "take a breath")
    app.stop()
