"""Start at login and call detection through the real registry of this Windows user."""

from __future__ import annotations

import contextlib
import ctypes
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.adapters import autostart
from resilience_app.adapters.microphone import CONSENT_KEY, PollingMicrophone, read_consent_store
from resilience_app.core.calls import MIN_CALL
from resilience_app.core.clock import FakeClock
from resilience_app.service import Service

if sys.platform == "win32":
    import winreg

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
COMMAND = [
    r"C:\Users\Rep\AppData\Local\Programs\Resilience\Resilience.exe",
    "--data-dir",
    r"D:\Team share\Joana's \"calls\"\\",
]


def run_value() -> tuple[Any, int] | None:
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            return winreg.QueryValueEx(key, autostart.RUN_VALUE)
    except FileNotFoundError:
        return None


def windows_parses(line: str) -> list[str]:
    """What CreateProcess's own parser (CommandLineToArgvW) makes of a command line."""
    shell32 = ctypes.WinDLL("shell32")  # type: ignore[attr-defined]
    shell32.CommandLineToArgvW.restype = ctypes.POINTER(ctypes.c_wchar_p)
    count = ctypes.c_int()
    argv = shell32.CommandLineToArgvW(ctypes.c_wchar_p(line), ctypes.byref(count))
    try:
        return [argv[i] for i in range(count.value)]
    finally:
        ctypes.WinDLL("kernel32").LocalFree(argv)  # type: ignore[attr-defined]


@pytest.fixture
def no_run_value() -> Iterator[None]:
    autostart.WindowsRunKey().delete(autostart.RUN_VALUE)
    yield
    autostart.WindowsRunKey().delete(autostart.RUN_VALUE)


def test_start_at_login_is_the_run_value_windows_reads(no_run_value: None) -> None:
    entry = autostart.for_this_system()
    assert isinstance(entry, autostart.RunKey) and not entry.enabled()
    entry.enable(COMMAND)
    value, kind = run_value() or (None, None)
    assert kind == winreg.REG_SZ and entry.enabled()
    assert windows_parses(value) == COMMAND  # the login starts exactly this command
    # Another Windows program (reg.exe) sees the same value in the same place.
    shown = subprocess.run(
        ["reg", "query", rf"HKCU\{RUN_KEY}", "/v", "Resilience"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert shown.returncode == 0 and "Resilience.exe" in shown.stdout
    entry.disable()
    assert run_value() is None and not entry.enabled()
    entry.disable()  # twice is fine


# -- the microphone consent store -----------------------------------------------------------
# What Windows 10/11 keep per app under HKCU\...\ConsentStore\microphone: packaged (Store)
# apps by package family name, desktop programs under NonPackaged by their path with "#"
# for "\". LastUsedTimeStart/Stop are FILETIMEs (REG_QWORD); Stop is 0 while in use.
STARTED = 133_750_000_000_000_000  # a FILETIME in 2024
STOPPED = STARTED + 30 * 60 * 10_000_000


def consent_entry(path: str, start: int, stop: int) -> None:
    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, rf"{CONSENT_KEY}\{path}") as key:
        winreg.SetValueEx(key, "Value", 0, winreg.REG_SZ, "Allow")
        winreg.SetValueEx(key, "LastUsedTimeStart", 0, winreg.REG_QWORD, start)
        winreg.SetValueEx(key, "LastUsedTimeStop", 0, winreg.REG_QWORD, stop)


def delete_tree(root: Any, path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        with winreg.OpenKey(root, path) as key:
            while True:
                try:
                    child = winreg.EnumKey(key, 0)
                except OSError:
                    break
                delete_tree(root, rf"{path}\{child}")
        winreg.DeleteKey(root, path)


@pytest.fixture
def consent_store() -> Iterator[None]:
    delete_tree(winreg.HKEY_CURRENT_USER, CONSENT_KEY)
    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, CONSENT_KEY) as key:
        winreg.SetValueEx(key, "Value", 0, winreg.REG_SZ, "Allow")
    yield
    delete_tree(winreg.HKEY_CURRENT_USER, CONSENT_KEY)


SKYPE = "Microsoft.SkypeApp_kzf8qxf38zg5c"
RECORDER = "Microsoft.WindowsSoundRecorder_8wekyb3d8bbwe"
ZOIPER = r"NonPackaged\C:#Program Files#Zoiper5#Zoiper5.exe"
MICROSIP = r"NonPackaged\C:#Users#Rep#AppData#Local#MicroSIP#microsip.exe"


def test_apps_in_use_and_released_as_windows_writes_them(consent_store: None) -> None:
    consent_entry(SKYPE, STARTED, 0)  # a packaged app in use
    consent_entry(RECORDER, STARTED, STOPPED)  # a packaged app that let go
    consent_entry(ZOIPER, STARTED, 0)  # a desktop program in use
    consent_entry(MICROSIP, 0, 0)  # allowed, never used
    assert read_consent_store() == {"Microsoft.SkypeApp", "Zoiper5"}
    consent_entry(ZOIPER, STARTED, STOPPED)  # the call ended
    consent_entry(MICROSIP, STOPPED, 0)  # another softphone picks up
    assert read_consent_store() == {"Microsoft.SkypeApp", "microsip"}


def test_no_consent_store_is_a_sentence_not_a_crash(qtbot: QtBot, consent_store: None) -> None:
    delete_tree(winreg.HKEY_CURRENT_USER, CONSENT_KEY)
    watch = PollingMicrophone(read_consent_store)
    seen: list[frozenset[str]] = []
    watch.start(seen.append)
    watch.stop()
    assert watch.problem is not None and "microphone settings could not be read" in str(
        watch.problem
    )


def test_a_call_is_seen_from_the_registry_and_an_ignored_app_is_not(
    qtbot: QtBot, consent_store: None, data_dir: Path, service_parts: dict[str, Any]
) -> None:
    clock: FakeClock = service_parts["clock"]
    watch = PollingMicrophone(read_consent_store)
    service = Service(**service_parts, microphone=watch)
    service.set_setting("calls.ignore_apps", "Zoiper5")  # keeps the line open all day
    service.start()
    try:
        consent_entry(ZOIPER, STARTED, 0)
        watch.poll()
        watch.poll()  # two equal readings
        assert service.calls.microphone_users == ["Zoiper5"]
        clock.advance(seconds=MIN_CALL.total_seconds() + 1)
        service.tick()
        assert not service.calls.on_call  # ignored: not a call
        consent_entry(MICROSIP, STARTED, 0)
        watch.poll()
        watch.poll()
        clock.advance(seconds=MIN_CALL.total_seconds() + 1)
        service.tick()
        assert service.calls.on_call and service.calls.current is not None
        assert service.calls.current.app == "microsip"
        consent_entry(MICROSIP, STARTED, STOPPED)
        watch.poll()
        watch.poll()
        assert service.calls.microphone_users == ["Zoiper5"]
    finally:
        service.close()
