"""The tray on KDE and GNOME-with-AppIndicator: Qt speaks StatusNotifierItem over D-Bus when
a StatusNotifierWatcher is on the session bus. Here a small Gio watcher stands in for the
desktop's tray host; no XEmbed tray runs, so this path is the only way to a tray icon."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.end2end.desktop import VirtualDesktop

pytestmark = pytest.mark.e2e
WATCHER = Path(__file__).with_name("sni_watcher.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, which has python3-gi


def test_app_registers_a_status_notifier_item_and_activate_flags(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with VirtualDesktop(tray=False) as desktop:
        watcher = desktop.spawn([SYSTEM_PYTHON, str(WATCHER)], env=desktop.env)
        watcher.wait_for_output(r"^ready$", timeout=10)
        app = desktop.spawn(
            [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)], env=desktop.env
        )
        found = watcher.wait_for_output(r"registered (\S+) (\S+)", timeout=15)
        service, path = found.group(1), found.group(2)
        # No fallback window: with a StatusNotifier host, the tray is really there.
        assert desktop.find_windows("^Resilience$") == []
        title = desktop.run(
            [
                "gdbus",
                "call",
                "--session",
                "--dest",
                service,
                "--object-path",
                path,
                "--method",
                "org.freedesktop.DBus.Properties.Get",
                "org.kde.StatusNotifierItem",
                "ToolTip",
            ]
        ).stdout
        assert "Calm" in title
        # What a click on the icon in a KDE panel sends:
        desktop.run(
            [
                "gdbus",
                "call",
                "--session",
                "--dest",
                service,
                "--object-path",
                path,
                "--method",
                "org.kde.StatusNotifierItem.Activate",
                "10",
                "10",
            ]
        )
        desktop.wait_for_window("take a breath", timeout=5)
        status = subprocess.run(
            [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), "status"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(status.stdout)["phase"] == "break"
        time.sleep(0.2)
        assert app.terminate(timeout=10) == 0, app.stderr
        assert "Traceback" not in app.stderr
