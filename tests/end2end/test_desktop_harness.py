"""Self-check of the virtual desktop harness (Xvfb + D-Bus + dunst + trayer)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.end2end.desktop import VirtualDesktop

pytestmark = pytest.mark.e2e

# A minimal tray app: generated pixmap icon, 2-item context menu, and one
# stdout line per activation so the test can observe clicks.
TRAY_APP = r"""
import sys
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

app = QApplication(sys.argv)
app.setQuitOnLastWindowClosed(False)
pixmap = QPixmap(32, 32)
pixmap.fill(QColor("#d03030"))
tray = QSystemTrayIcon(QIcon(pixmap))
menu = QMenu()
menu.addAction("Status")
menu.addAction("Quit", app.quit)
tray.setContextMenu(menu)
tray.activated.connect(lambda reason: print("ACTIVATED", reason.name, flush=True))
tray.show()
print("READY available=%s" % QSystemTrayIcon.isSystemTrayAvailable(), flush=True)
sys.exit(app.exec())
"""

PLYER_NOTIFY = r"""
import sys, warnings
warnings.simplefilter("ignore")  # plyer warns when dbus-python is missing
from plyer import notification
from plyer.platforms.linux import notification as linux_backend
print("BACKEND", type(linux_backend.instance()).__name__, flush=True)
notification.notify(title=sys.argv[1], message=sys.argv[2], app_name=sys.argv[3])
"""


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with VirtualDesktop() as desk:
        yield desk


def test_environment(desktop: VirtualDesktop) -> None:
    env = desktop.env
    assert env["DISPLAY"] == desktop.display
    assert env["DBUS_SESSION_BUS_ADDRESS"].startswith("unix:path=")
    assert env["QT_QPA_PLATFORM"] == "xcb"
    assert "WAYLAND_DISPLAY" not in env
    assert desktop.system_tray_owner() != 0
    assert desktop.tray_icons() == []


def test_tray_icon_click_and_menu(desktop: VirtualDesktop, tmp_path: Path) -> None:
    app = desktop.spawn([sys.executable, "-c", TRAY_APP])
    app.wait_for_output(r"^READY available=True")
    icons = desktop.wait_for_tray_icons(1)
    assert len(icons) == 1
    assert icons[0].width > 0 and icons[0].height > 0

    desktop.click_tray_icon(0)
    app.wait_for_output(r"^ACTIVATED Trigger")

    # Right click opens the context menu (a popup with a keyboard grab);
    # Up selects the last item ("Quit"), Return triggers it.
    desktop.click_tray_icon(0, button=3)
    app.wait_for_output(r"^ACTIVATED Context")
    shot = desktop.screenshot_tray(tmp_path / "tray.png")
    assert shot.stat().st_size > 0
    desktop.key(None, "Up Return")
    assert app.popen.wait(timeout=5) == 0
    assert desktop.wait_for_tray_icons(0) == []


def test_notify_send(desktop: VirtualDesktop) -> None:
    desktop.run(["notify-send", "-a", "test", "Hello", "World"])
    found = desktop.wait_for_notification(lambda n: n["summary"] == "Hello", timeout=2)
    assert found["body"] == "World"
    assert found["appname"] == "test"
    assert found["urgency"] == "normal"


def test_plyer_notification(desktop: VirtualDesktop) -> None:
    pytest.importorskip("plyer")
    result = subprocess.run(
        [sys.executable, "-c", PLYER_NOTIFY, "Plyer title", "Plyer message", "plyer-app"],
        env=desktop.env,
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    # Without dbus-python plyer shells out to notify-send; both reach dunst.
    assert "BACKEND Notify" in result.stdout
    found = desktop.wait_for_notification(summary="Plyer title", timeout=2)
    assert found["body"] == "Plyer message"
    assert found["appname"] == "plyer-app"
