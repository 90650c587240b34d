"""Start at login, per platform, written where a login would read it."""

from __future__ import annotations

import configparser
import os
import plistlib
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from resilience_app.adapters import autostart
from resilience_app.cli import main

COMMAND = ["/opt/My Apps/resilience", "--data-dir", "/home/rep/Work data"]


def test_xdg_entry_is_a_valid_desktop_file_that_runs_our_command(tmp_path: Path) -> None:
    entry = autostart.for_this_system(
        "linux", home=tmp_path, environ={"XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    )
    assert isinstance(entry, autostart.XdgAutostart)
    assert not entry.enabled()
    entry.enable(COMMAND)
    path = tmp_path / "cfg" / "autostart" / "org.resilience.Resilience.desktop"
    assert entry.enabled() and path.is_file()
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.optionxform = str  # type: ignore[assignment,method-assign]
    parsed.read(path, encoding="utf-8")
    assert shlex.split(parsed["Desktop Entry"]["Exec"]) == COMMAND
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    entry.disable()
    assert not path.exists() and not entry.enabled()
    entry.disable()  # twice is fine


def test_xdg_config_home_defaults_to_dot_config(tmp_path: Path) -> None:
    entry = autostart.for_this_system("linux", home=tmp_path, environ={})
    assert entry.where == str(
        tmp_path / ".config" / "autostart" / "org.resilience.Resilience.desktop"
    )


def test_macos_launch_agent(tmp_path: Path) -> None:
    agent = autostart.for_this_system("darwin", home=tmp_path)
    agent.enable(COMMAND)
    path = tmp_path / "Library" / "LaunchAgents" / "org.resilience.Resilience.plist"
    loaded = plistlib.loads(path.read_bytes())
    assert loaded["ProgramArguments"] == COMMAND and loaded["RunAtLoad"] is True
    assert loaded["Label"] == "org.resilience.Resilience"
    agent.disable()
    assert not agent.enabled()


class MemoryRegistry:
    """Stands in for HKCU\\...\\Run, which exists only on Windows."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


def test_windows_run_key() -> None:
    registry = MemoryRegistry()
    run = autostart.RunKey(registry)
    run.enable([r"C:\Program Files\Resilience\Resilience.exe", "--data-dir", r"D:\My data\\"])
    assert registry.values == {
        "Resilience": r'"C:\Program Files\Resilience\Resilience.exe" "--data-dir" "D:\My data\\\\"'
    }
    assert run.enabled()
    run.disable()
    assert registry.values == {} and not run.enabled()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["a b"], '"a b"'),
        (['say "hi"'], r'"say \"hi\""'),
        ([r"C:\dir\ "], r'"C:\dir\ "'),
        ([r"ends\\"], r'"ends\\\\"'),
    ],
)
def test_windows_quoting(args: list[str], line: str) -> None:
    assert autostart.windows_command_line(args) == line


def test_unknown_platform_says_so() -> None:
    with pytest.raises(autostart.AutostartError, match="not supported"):
        autostart.for_this_system("plan9").enable(COMMAND)


def test_launch_command_keeps_a_custom_data_dir(tmp_path: Path) -> None:
    default = tmp_path / "default"
    assert "--data-dir" not in autostart.launch_command(default, default)
    command = autostart.launch_command(tmp_path / "work", default)
    assert command[-2:] == ["--data-dir", str(tmp_path / "work")]


def test_config_set_writes_and_removes_the_entry(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    entry = tmp_path / "cfg" / "autostart" / "org.resilience.Resilience.desktop"
    data = ["--data-dir", str(tmp_path / "data")]

    def written() -> str | None:
        if sys.platform == "win32":  # the real Run key of this (Wine) user
            return autostart.WindowsRunKey().get(autostart.RUN_VALUE)
        return entry.read_text(encoding="utf-8") if entry.exists() else None

    assert main([*data, "config", "set", "app.start_at_login", "on"]) == 0
    assert str(tmp_path / "data") in (written() or "")
    assert main([*data, "config", "set", "app.start_at_login", "off"]) == 0
    assert written() is None
    assert os.environ["XDG_CONFIG_HOME"] == str(tmp_path / "cfg")
    capsys.readouterr()
