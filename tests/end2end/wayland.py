"""A headless Wayland desktop for end-to-end tests, on a VirtualDesktop's session bus.

``WaylandSession(desktop)`` starts, next to the desktop's D-Bus session and dunst:

* ``weston`` with its headless backend (pixman renderer, so screenshots work), the
  compositor the app draws through with QT_QPA_PLATFORM=wayland; and
* an accessibility bus (``at-spi-bus-launcher``): on Wayland no tool can list another
  client's windows or send it input, but the accessibility tree shows every window the
  app has on screen and lets a test press its buttons and fill its fields, as a screen
  reader would (``atspi_driver.py``, run with Debian's python3 and python3-pyatspi).

Apps get :attr:`env`: WAYLAND_DISPLAY set and DISPLAY empty, so nothing can fall back
to the X server. Everything started is stopped with the desktop.

Debian packages needed: weston, at-spi2-core, python3-pyatspi (plus the desktop's).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tests.end2end.desktop import AppProcess, DesktopError, MissingToolError, VirtualDesktop

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, which has python3-pyatspi and python3-gi
DRIVER = Path(__file__).with_name("atspi_driver.py")
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
SOCKET = "wayland-resilience"


class WaylandSession:
    """Weston (headless) and an accessibility bus inside ``desktop``'s session."""

    def __init__(self, desktop: VirtualDesktop, width: int = 1280, height: int = 800) -> None:
        self.desktop = desktop
        self.width = width
        self.height = height
        self.weston: AppProcess | None = None

    def start(self) -> WaylandSession:
        for tool, package in (
            ("weston", "weston"),
            ("weston-screenshooter", "weston"),
            (BUS_LAUNCHER, "at-spi2-core"),
        ):
            if shutil.which(tool) is None:
                raise MissingToolError(f"{tool} not found; install the Debian package {package!r}")
        check = subprocess.run(
            [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False
        )
        if check.returncode != 0:
            raise MissingToolError("Debian's python3 lacks pyatspi; install 'python3-pyatspi'")
        helper = {"NO_AT_BRIDGE": "1"}
        self.desktop.spawn([BUS_LAUNCHER, "--launch-immediately"], env=helper)
        socket = Path(self.desktop.env["XDG_RUNTIME_DIR"]) / SOCKET
        # --debug allows weston-screenshooter; the headless output has no idle timeout.
        self.weston = self.desktop.spawn(
            [
                "weston",
                "--backend=headless-backend.so",
                f"--socket={SOCKET}",
                "--use-pixman",
                f"--width={self.width}",
                f"--height={self.height}",
                "--idle-time=0",
                "--debug",
            ],
            env=helper,
        )
        deadline = time.monotonic() + 15
        while not socket.exists():
            if self.weston.returncode is not None or time.monotonic() > deadline:
                raise DesktopError(f"weston did not start:\n{self.weston.stderr}")
            time.sleep(0.02)
        return self

    @property
    def env(self) -> dict[str, str]:
        """The desktop's environment, for a Wayland app: no X display to fall back to."""
        env = self.desktop.env
        env.update(
            DISPLAY="",
            WAYLAND_DISPLAY=SOCKET,
            QT_QPA_PLATFORM="wayland",
            XDG_SESSION_TYPE="wayland",
            GDK_BACKEND="wayland",
            # Qt puts its widgets on the accessibility bus even with no screen reader.
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
            QT_ACCESSIBILITY="1",
            # pyatspi asks each app for "GetApplicationBusAddress", which Qt answers with a
            # warning that it does not implement it: about the test's reader, not the app.
            QT_LOGGING_RULES="qt.accessibility.atspi.warning=false",
        )
        return env

    def spawn(self, args: Sequence[str], env: Mapping[str, str] | None = None) -> AppProcess:
        return self.desktop.spawn(args, env={**self.env, **(env or {})})

    # -- through the accessibility bus ----------------------------------------------------

    def atspi(self, app: str, *args: str) -> Any:
        result = subprocess.run(
            [SYSTEM_PYTHON, str(DRIVER), app, *args],
            env=self.desktop.env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode != 0:
            raise DesktopError(result.stderr.strip() or f"atspi_driver {args} failed")
        return json.loads(result.stdout)

    def windows(self, app: str) -> list[str]:
        """Titles of the app's windows on screen."""
        try:
            listed = self.atspi(app, "windows")
        except DesktopError:
            return []  # not on the bus (yet, or any more)
        return [w["name"] for w in listed if w["showing"]]

    def wait_for_window(self, app: str, title: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.windows(app)
            for name in shown:
                if title.lower() in name.lower():
                    return name
            if time.monotonic() > deadline:
                raise DesktopError(f"no window with {title!r} in its title; on screen: {shown}")
            time.sleep(0.1)

    def wait_until_gone(self, app: str, title: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while any(title.lower() in name.lower() for name in self.windows(app)):
            if time.monotonic() > deadline:
                raise DesktopError(f"the window with {title!r} in its title stayed on screen")
            time.sleep(0.1)

    def press(self, app: str, window: str, button: str) -> None:
        self.atspi(app, "press", window, button)

    def type_into(self, app: str, window: str, field: str, text: str) -> None:
        self.atspi(app, "type", window, field, text)

    # -- the compositor's own view ---------------------------------------------------------

    def screenshot(self, path: Path) -> Path:
        """A PNG of the whole Wayland output (weston-screenshooter)."""
        folder = path.parent / ".wayland-shot"
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["weston-screenshooter"],
            env=self.env,
            cwd=folder,
            capture_output=True,
            timeout=30,
            check=True,
        )
        [shot] = folder.glob("wayland-screenshot-*.png")
        shot.replace(path)
        folder.rmdir()
        return path
