"""The Windows installer, installed silently as IT would, used, and uninstalled.

Run by `make test-windows-installer` (after `make windows-installer`) under Wine; it
installs into this Windows user's profile, so it refuses to run on a real Windows.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from resilience_app import __version__

pytestmark = [pytest.mark.package, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "dist" / f"Resilience-Setup-{__version__}.exe"
UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\Resilience"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def under_wine() -> bool:
    try:
        ntdll = ctypes.WinDLL("ntdll")  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False
    return hasattr(ntdll, "wine_get_version")


def registry(key: str, value: str) -> Any:
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as opened:
            return winreg.QueryValueEx(opened, value)[0]
    except FileNotFoundError:
        return None


def wait_for(check: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:g} s"
        time.sleep(0.2)


def test_install_use_and_uninstall_keeping_the_journal() -> None:
    if not under_wine():
        pytest.skip("installs into this Windows user's profile: run it under Wine only")
    if not SETUP.is_file():
        pytest.fail(f"no installer at {SETUP}: run `make windows-installer`", pytrace=False)
    local, roaming = Path(os.environ["LOCALAPPDATA"]), Path(os.environ["APPDATA"])
    installed = local / "Programs" / "Resilience"
    shortcut = roaming / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Resilience.lnk"
    journal = local / "resilience"
    shutil.rmtree(journal, ignore_errors=True)  # this Wine user's, made for the tests
    assert not installed.exists(), f"an earlier install is still in {installed}"

    started = time.monotonic()
    done = subprocess.run([str(SETUP), "/S", "/STARTATLOGIN"], timeout=300)
    assert done.returncode == 0
    took = time.monotonic() - started
    app, cli = installed / "Resilience.exe", installed / "resilience-cli.exe"
    assert app.is_file() and cli.is_file() and (installed / "Uninstall.exe").is_file()
    assert shortcut.is_file()
    assert registry(UNINSTALL_KEY, "DisplayVersion") == __version__
    assert registry(UNINSTALL_KEY, "QuietUninstallString") == f'"{installed}\\Uninstall.exe" /S'
    assert registry(RUN_KEY, "Resilience") == f'"{app}"'  # start at login, as chosen

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(cli), *args], capture_output=True, text=True, timeout=60)

    def status() -> dict[str, Any]:
        done = run("status")
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))

    tray = subprocess.Popen(
        [str(app)], env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), stderr=subprocess.PIPE
    )
    try:
        wait_for(lambda: status()["running"], "the installed app answering")
        flagged = run("flag", "--label", "Installer smoke test")
        assert flagged.returncode == 0, flagged.stderr
        assert status()["phase"] == "break"
        # The uninstaller will not pull the files from under a running app. (`_?=` runs it
        # in place, so its exit status is its answer.)
        uninstaller = [str(installed / "Uninstall.exe"), "/S", f"_?={installed}"]
        refused = subprocess.run(uninstaller, timeout=120)
        assert refused.returncode == 2 and app.is_file() and shortcut.is_file()
        assert status()["phase"] == "break"
    finally:
        tray.terminate()
        tray.communicate(timeout=30)

    subprocess.run([str(installed / "Uninstall.exe"), "/S"], timeout=120)
    # The uninstaller runs from a copy of itself in %TEMP%, so it returns at once.
    wait_for(lambda: not installed.exists(), "the uninstall", timeout=120)
    assert not shortcut.exists()
    assert registry(UNINSTALL_KEY, "DisplayVersion") is None
    assert registry(RUN_KEY, "Resilience") is None
    months = list((journal / "journal").glob("*.json"))
    assert any("Installer smoke test" in m.read_text(encoding="utf-8") for m in months)
    print(f"installed in {took:.1f} s; the journal stayed in {journal}")
    shutil.rmtree(journal)
