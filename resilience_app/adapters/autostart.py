"""Start at login: an XDG autostart entry, a macOS LaunchAgent, or a Windows Run key.

Each backend takes the place it writes to as a parameter, so the tests point it at a
temporary folder (or an in-memory registry) and check exactly what a login would read.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import sys
from pathlib import Path
from typing import Protocol

from resilience_app.i18n import _

APP_ID = "org.resilience.Resilience"
RUN_VALUE = "Resilience"


class AutostartError(Exception):
    """Start at login could not be set; the message says why."""


class Autostart(Protocol):
    where: str  # shown to the rep: where the entry lives

    def enabled(self) -> bool: ...
    def enable(self, command: list[str]) -> None: ...
    def disable(self) -> None: ...


def _desktop_exec(command: list[str]) -> str:
    """Quote arguments the way the Desktop Entry spec wants them."""
    quoted = []
    for arg in command:
        if arg and all(c.isalnum() or c in "/._-=:+," for c in arg):
            quoted.append(arg)
        else:
            escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
            quoted.append('"' + escaped.replace("$", "\\$") + '"')
    return " ".join(quoted).replace("%", "%%")


class XdgAutostart:
    """$XDG_CONFIG_HOME/autostart/org.resilience.Resilience.desktop (Linux, BSD)."""

    def __init__(self, config_home: Path) -> None:
        self.path = config_home / "autostart" / f"{APP_ID}.desktop"
        self.where = str(self.path)

    def enabled(self) -> bool:
        return self.path.is_file()

    def enable(self, command: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(
            "[Desktop Entry]\n"
            "Type=Application\n"
            "Name=Resilience\n"
            "Comment=A calm break and a nudge back to the phone after a tough call\n"
            f"Exec={_desktop_exec(command)}\n"
            f"Icon={APP_ID}\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n",
            encoding="utf-8",
        )

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)


class LaunchAgent:
    """~/Library/LaunchAgents/org.resilience.Resilience.plist (macOS)."""

    def __init__(self, agents_dir: Path) -> None:
        self.path = agents_dir / f"{APP_ID}.plist"
        self.where = str(self.path)

    def enabled(self) -> bool:
        return self.path.is_file()

    def enable(self, command: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        agent = {
            "Label": APP_ID,
            "ProgramArguments": command,
            "RunAtLoad": True,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",  # the logged-in desktop, not an ssh session
        }
        self.path.write_bytes(plistlib.dumps(agent))

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)


class Registry(Protocol):
    """The few calls we make on HKCU\\...\\CurrentVersion\\Run."""

    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...


class WindowsRunKey:  # pragma: no cover - only on Windows
    KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"

    def get(self, name: str) -> str | None:
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, self.KEY) as key:
                return str(winreg.QueryValueEx(key, name)[0])
        except FileNotFoundError:
            return None

    def set(self, name: str, value: str) -> None:
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, self.KEY) as key:
            winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)

    def delete(self, name: str) -> None:
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, self.KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, name)
        except FileNotFoundError:
            pass


class RunKey:
    """A value under HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run (Windows)."""

    where = r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\Resilience"

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def enabled(self) -> bool:
        return self.registry.get(RUN_VALUE) is not None

    def enable(self, command: list[str]) -> None:
        self.registry.set(RUN_VALUE, windows_command_line(command))

    def disable(self) -> None:
        self.registry.delete(RUN_VALUE)


def windows_command_line(command: list[str]) -> str:
    """What CreateProcess parses back into `command` (every argument quoted)."""
    parts = []
    for arg in command:
        backslashes, out = 0, []
        for char in arg:
            if char == "\\":
                backslashes += 1
                continue
            if char == '"':
                out.append("\\" * (2 * backslashes + 1) + '"')
            else:
                out.append("\\" * backslashes + char)
            backslashes = 0
        out.append("\\" * (2 * backslashes))
        parts.append('"' + "".join(out) + '"')
    return " ".join(parts)


class NoAutostart:
    where = "nowhere (this platform is not supported)"

    def enabled(self) -> bool:
        return False

    def enable(self, command: list[str]) -> None:
        raise AutostartError(_("Start at login is not supported on this system."))

    def disable(self) -> None:
        return None


def for_this_system(
    platform: str = sys.platform,
    home: Path | None = None,
    environ: dict[str, str] | None = None,
) -> Autostart:
    env = os.environ if environ is None else environ
    home = home or Path.home()
    if platform == "darwin":
        return LaunchAgent(home / "Library" / "LaunchAgents")
    if platform == "win32":  # pragma: no cover - Windows
        return RunKey(WindowsRunKey())
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return XdgAutostart(Path(env.get("XDG_CONFIG_HOME") or home / ".config"))
    return NoAutostart()


def launch_command(data_dir: Path | None = None, default_dir: Path | None = None) -> list[str]:
    """How a login should start this very installation (and with this data folder)."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable)
        # On Windows the bundle has a console twin for terminals; a login starts the
        # windowed one beside it.
        if exe.name.lower() == "resilience-cli.exe" and (exe.parent / "Resilience.exe").exists():
            exe = exe.parent / "Resilience.exe"
        command = [str(exe)]  # the PyInstaller bundle
    else:
        script = shutil.which("resilience")
        here = Path(sys.executable).parent / "resilience"
        if here.is_file():
            script = str(here)  # this virtualenv's, not another one on PATH
        command = [script] if script else [sys.executable, "-m", "resilience_app"]
    if data_dir is not None and data_dir != default_dir:
        command += ["--data-dir", str(data_dir)]
    return command


def apply(autostart: Autostart, enabled: bool, command: list[str]) -> None:
    """Make the entry match the setting (rewriting it, so a moved install is followed)."""
    if enabled:
        autostart.enable(command)
    else:
        autostart.disable()


__all__ = [
    "Autostart",
    "AutostartError",
    "LaunchAgent",
    "NoAutostart",
    "RunKey",
    "XdgAutostart",
    "apply",
    "for_this_system",
    "launch_command",
    "windows_command_line",
]
