"""Retake docs/screenshots/*.png: the real app on a virtual desktop, driven like a rep would.

Run with `make screenshots`. Every picture comes from the running app, never a mock-up.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resilience_app.core.clock import FakeClock  # noqa: E402
from resilience_app.core.loop import RecoveryLoop  # noqa: E402
from resilience_app.core.models import LossReason, MyPart, Reflection  # noqa: E402
from resilience_app.core.settings import Settings  # noqa: E402
from resilience_app.storage.store import Store  # noqa: E402
from tests.end2end.desktop import Geometry, VirtualDesktop  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def seed(data_dir: Path) -> None:
    """A week of history, so the break can show one of the rep's own positives."""
    clock = FakeClock()
    clock.advance(minutes=-60 * 24 * 3)
    loop = RecoveryLoop(Store(data_dir), Settings(), clock)
    incident = loop.flag("Northwind", 8)
    loop.end_break()
    loop.save_reflection(
        incident.id,
        Reflection(
            "They wanted a discount I couldn't give",
            MyPart.COULDNT_ANSWER,
            LossReason.PRICE_OR_TERMS,
            "Know the discount rules before the call",
            ["Booked a follow-up demo with their ops lead"],
            6,
        ),
    )
    clock.advance(minutes=9)
    loop.dialed()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, VirtualDesktop() as desktop:
        data_dir = Path(tmp) / "data"
        seed(data_dir)
        command = [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)]

        def cli(*args: str) -> None:
            subprocess.run([*command, *args], env=desktop.env, check=True, capture_output=True)

        cli("config", "set", "break.pattern", "box")
        # A plain desk colour instead of Xvfb's black root window.
        desktop.run(["xsetroot", "-solid", "#d5dbe0"])
        app = desktop.spawn(command, env=desktop.env)
        desktop.wait_for_tray_icons(1, timeout=15)
        time.sleep(0.5)

        # 1. The tray menu, opened with a right click on the icon.
        desktop.click_tray_icon(0, button=3)
        time.sleep(0.6)
        tray = desktop.tray_geometry()
        region = Geometry(tray.x + tray.width - 320, tray.y + tray.height - 150, 320, 150)
        desktop.screenshot(OUT / "tray-menu.png", region)
        desktop.key(None, "Escape")
        time.sleep(0.3)

        # 2. The break window, a couple of seconds into the first in-breath.
        cli("flag", "--label", "Contoso", "--rough", "7")
        window = desktop.wait_for_window("take a breath", timeout=5)
        time.sleep(2.6)
        desktop.screenshot(OUT / "break-window.png", window)

        # 3. The note, half written.
        desktop.key(window, "ctrl+Return")
        form = desktop.wait_for_window("a private note", timeout=5)
        time.sleep(0.4)
        desktop.type_text(form, "They hung up when I mentioned the contract length")
        desktop.key(form, "Tab Down Down Down Tab Down Down Down")
        time.sleep(0.3)
        desktop.screenshot(OUT / "reflection-form.png", form)
        desktop.key(form, "alt+l")

        # 4. The firm nudge card (a 2-minute snooze shows it sooner than 15 minutes).
        cli("config", "set", "nudge.first_minutes", "0.04")
        cli("config", "set", "nudge.second_minutes", "0.08")
        cli("dialed")
        cli("flag")
        window = desktop.wait_for_window("take a breath", timeout=5)
        desktop.key(window, "ctrl+Return")
        form = desktop.wait_for_window("a private note", timeout=5)
        desktop.key(form, "alt+l")
        card = desktop.wait_for_window("back to the phone", timeout=15)
        time.sleep(0.4)
        desktop.screenshot(OUT / "nudge-card.png", card)
        app.terminate(timeout=10)
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
