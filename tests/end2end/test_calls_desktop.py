"""The app sees the phone, for real: Xvfb + trayer + dunst + a PulseAudio server, and a
softphone on a call (parecord capturing from the null microphone). The rep flags a call
and then simply makes the next one; they never click "I'm dialing", never see a nudge
during that call, and can flag, or say "I'm dialing", with the keyboard."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.end2end.desktop import VirtualDesktop
from tests.end2end.sound import SoundServer
from tests.end2end.test_app_desktop import RunningApp, ours

pytestmark = pytest.mark.e2e
FIRST, SECOND = 0.1, 0.2  # minutes: 6 s and 12 s after the flag


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with VirtualDesktop() as d:
        yield d


@pytest.fixture(scope="module")
def sound(desktop: VirtualDesktop) -> Iterator[SoundServer]:
    with SoundServer(Path(desktop.env["XDG_RUNTIME_DIR"])) as server:
        yield server


@pytest.fixture
def app(desktop: VirtualDesktop, sound: SoundServer, tmp_path: Path) -> Iterator[RunningApp]:
    data_dir = tmp_path / "data"
    desktop.clear_notifications()
    running = RunningApp.__new__(RunningApp)
    running.desktop, running.data_dir = desktop, data_dir
    running.cli("config", "set", "nudge.first_minutes", str(FIRST))
    running.cli("config", "set", "nudge.second_minutes", str(SECOND))
    running.__init__(desktop, data_dir)  # type: ignore[misc]
    wait(lambda: running.status()["call_detection"] == "on", 10)
    yield running
    code = running.proc.terminate(timeout=10)
    assert "Traceback" not in running.proc.stderr, running.proc.stderr
    assert code == 0, running.proc.stderr


def wait(predicate: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("not within the time")
        time.sleep(0.1)


def test_the_next_call_is_the_dial_and_nothing_nudges_during_it(
    app: RunningApp, desktop: VirtualDesktop, sound: SoundServer
) -> None:
    app.cli("flag", "--label", "Acme")
    desktop.wait_for_window("take a breath", timeout=5)
    time.sleep(1)
    flagged = time.monotonic()
    with sound.softphone("Zoiper"):
        wait(lambda: app.status()["phase"] == "calm", 10)  # the dial, seen by itself
        status = app.status()
        assert status["on_call"] is True and status["call_app"] == "Zoiper"
        assert desktop.find_windows("take a breath") == []  # the break made way quietly
        assert desktop.find_windows("a private note") == []  # no note during the call
        time.sleep(max(0, SECOND * 60 + 2 - (time.monotonic() - flagged)))
        assert ours(desktop) == []  # both nudge times passed during the call
    [record] = app.export()
    assert record["dial_source"] == "detected"
    assert 0.5 <= record["time_to_next_dial_seconds"] <= 4  # when the microphone opened
    assert sorted(n["state"] for n in record["nudges"]) == ["cancelled", "cancelled"]
    assert record["reflection_status"] == "pending"  # the note stays one click away
    wait(lambda: app.status()["on_call"] is False, 10)


def test_a_flag_during_the_call_starts_its_break_when_the_call_ends(
    app: RunningApp, desktop: VirtualDesktop, sound: SoundServer
) -> None:
    with sound.softphone("Zoiper"):
        wait(lambda: app.status()["on_call"] is True, 10)
        said = app.cli("flag", "--label", "flagged while still on the line").stdout
        assert "Your break starts when this call ends." in said
        desktop.wait_for_notification(summary="Flagged", timeout=10)
        assert app.status()["phase"] == "held"
        time.sleep(FIRST * 60 + 1.5)  # the first nudge's time after the flag passes
        assert desktop.find_windows("take a breath") == []  # nothing over the call
        assert [n["summary"] for n in ours(desktop)] == ["Flagged"]
    hung_up = time.monotonic()
    desktop.wait_for_window("take a breath", timeout=10)  # the break, after the call
    first = desktop.wait_for_notification(summary="Ready for the next call?", timeout=20)
    assert time.monotonic() - hung_up >= FIRST * 60 - 1, first  # counted from the hang-up
    [record] = app.export()
    assert record["dialed_at"] is None
    assert {n["kind"]: n["state"] for n in record["nudges"]}["first"] == "fired"


def test_the_shortcut_flags_a_call_from_anywhere(app: RunningApp, desktop: VirtualDesktop) -> None:
    wait(lambda: app.status()["hotkey"]["problem"] is None, 5)
    desktop.key(None, "ctrl+alt+b")
    desktop.wait_for_window("take a breath", timeout=5)
    assert app.status()["phase"] == "break"


def test_the_dial_key_says_im_dialing_from_anywhere_while_the_nudges_wait(
    app: RunningApp, desktop: VirtualDesktop
) -> None:
    wait(lambda: app.status()["dial_hotkey"] == {"shortcut": "Ctrl+Alt+N", "problem": None}, 5)
    desktop.key(None, "ctrl+alt+n")  # nothing waits for a dial: nothing happens
    time.sleep(0.5)
    assert app.status()["phase"] == "calm" and app.export() == []
    app.cli("flag", "--label", "Acme")
    desktop.wait_for_notification(summary="Ready for the next call?", timeout=20)
    desktop.key(None, "ctrl+alt+n")
    wait(lambda: app.status()["phase"] == "calm", 5)
    [record] = app.export()
    assert record["dial_source"] == "clicked"  # as "I'm dialing" on the nudge card
    assert FIRST * 60 <= record["time_to_next_dial_seconds"] < SECOND * 60
    assert {n["kind"]: n["state"] for n in record["nudges"]} == {
        "first": "fired",
        "second": "cancelled",
    }


def test_a_shortcut_another_app_holds_is_said(
    desktop: VirtualDesktop, sound: SoundServer, tmp_path: Path
) -> None:
    from Xlib import XK, X
    from Xlib import display as xdisplay

    other = xdisplay.Display(desktop.display)  # another app got there first
    root = other.screen().root
    for letter in "bn":  # the flag key's and the dial key's
        code = other.keysym_to_keycode(XK.string_to_keysym(letter))
        root.grab_key(code, X.ControlMask | X.Mod1Mask, True, X.GrabModeAsync, X.GrabModeAsync)
    other.sync()
    try:
        app = RunningApp(desktop, tmp_path / "data")
        try:
            wait(lambda: app.status()["hotkey"]["problem"] is not None, 10)
            problem = app.status()["hotkey"]["problem"]
            assert problem.startswith("Another application already uses Ctrl+Alt+B.")
            assert "resilience flag" in problem
            dial_problem = app.status()["dial_hotkey"]["problem"]
            assert dial_problem.startswith("Another application already uses Ctrl+Alt+N.")
            assert "`resilience dialed`" in dial_problem and "resilience flag" not in dial_problem
            app.cli("config", "set", "hotkey.flag", "Ctrl+Alt+F9")
            assert "switches to a text console" in app.status()["hotkey"]["problem"]
            app.cli("config", "set", "hotkey.flag", "Ctrl+Shift+F9")
            assert app.status()["hotkey"]["problem"] is None
            desktop.key(None, "ctrl+shift+F9")
            desktop.wait_for_window("take a breath", timeout=5)
        finally:
            assert app.proc.terminate(timeout=10) == 0
    finally:
        other.close()


def test_a_dialers_hook_drives_the_same_path(app: RunningApp) -> None:
    app.cli("flag")
    time.sleep(1.2)
    app.cli("call", "start", "--app", "SuperDialer")
    status = app.status()
    assert status["phase"] == "calm" and status["call_app"] == "SuperDialer"
    app.cli("call", "end")
    assert app.status()["on_call"] is False
    [record] = app.export()
    assert record["dial_source"] == "hook" and record["time_to_next_dial_seconds"] >= 1.2


def test_a_hook_call_whose_end_never_comes_still_ends(
    app: RunningApp, desktop: VirtualDesktop, sound: SoundServer
) -> None:
    """A softphone with only a start hook, or one that crashed before `call end`: the
    microphone it used going quiet ends the call, and so does the next flag."""
    app.cli("call", "start", "--app", "Zoiper")
    with sound.softphone("Zoiper"):
        wait(lambda: app.status()["microphone_in_use_by"] == ["Zoiper"], 10)
        assert app.status()["on_call"] is True
    wait(lambda: app.status()["on_call"] is False, 10)  # the crash: the microphone went quiet
    app.cli("call", "start", "--app", "Zoiper")  # and again, never heard this time
    assert app.status()["on_call"] is True
    app.cli("flag", "--label", "After the crash")
    assert app.status()["on_call"] is False
    desktop.wait_for_notification(summary="Time to pick up the phone", timeout=15)
    [record] = app.export()  # the flag's nudge came, not skipped for a call never ended
    assert {n["kind"]: n["state"] for n in record["nudges"]}["first"] == "fired"
