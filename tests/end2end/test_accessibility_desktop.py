"""The real app as a screen reader and a keyboard-only rep meet it: Xvfb, trayer, dunst and
the accessibility bus (at-spi2-core), read with pyatspi as Orca reads it.

- The tray menu, the break window and the note are walked on the bus: roles, names,
  descriptions, the labels that name fields, where the focus lands. A popup menu is not in
  the tree (Qt leaves popups out of the application's children); it is read, as Orca reads
  it, from the focus moving onto its items.
- Each breathing phase is announced once ("object:announcement"), never per frame.
- Flag → break → note → saved with nothing but keys (`xdotool key` and `type`): the global
  shortcut, Tab and Space in the break window, typing, Tab and Ctrl+Enter in the note.

Debian packages: at-spi2-core, python3-pyatspi (with Debian's python3), plus the desktop's.
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

from tests.end2end.desktop import AppProcess, MissingToolError, VirtualDesktop
from tests.end2end.wayland import BUS_LAUNCHER, DRIVER, SYSTEM_PYTHON

pytestmark = pytest.mark.e2e
APP = "Resilience"  # its name on the accessibility bus


def _needs_the_bus() -> None:
    if not Path(BUS_LAUNCHER).exists():
        raise MissingToolError("at-spi-bus-launcher not found; install 'at-spi2-core'")
    check = subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True)
    if check.returncode != 0:
        raise MissingToolError("Debian's python3 lacks pyatspi; install 'python3-pyatspi'")


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    _needs_the_bus()
    with VirtualDesktop() as d:
        d.spawn([BUS_LAUNCHER, "--launch-immediately"], env={"NO_AT_BRIDGE": "1"})
        yield d


class ReadableApp:
    """The app with its widgets on the accessibility bus, as with a screen reader running."""

    def __init__(self, desktop: VirtualDesktop, data_dir: Path) -> None:
        self.desktop = desktop
        self.data_dir = data_dir
        self.proc: AppProcess | None = None

    @property
    def env(self) -> dict[str, str]:
        return dict(
            self.desktop.env,
            QT_ACCESSIBILITY="1",
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
            # pyatspi asks each app for "GetApplicationBusAddress", which Qt answers with a
            # warning that it does not implement it: about the test's reader, not the app.
            QT_LOGGING_RULES="qt.accessibility.atspi.warning=false",
        )

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "resilience_app", "--data-dir", str(self.data_dir), *args]

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            self.command(*args), env=self.env, capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> ReadableApp:
        self.proc = self.desktop.spawn(self.command(), env=self.env)
        self.desktop.wait_for_tray_icons(1, timeout=15)
        return self

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = json.loads(self.cli("status"))
        return status

    def export(self) -> list[dict[str, Any]]:
        incidents: list[dict[str, Any]] = json.loads(self.cli("export"))["incidents"]
        return incidents

    def atspi(self, *args: str) -> Any:
        done = subprocess.run(
            [SYSTEM_PYTHON, str(DRIVER), APP, *args],
            env=self.desktop.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def listen(self, seconds: float, *events: str) -> AppProcess:
        listener = self.desktop.spawn(
            [SYSTEM_PYTHON, str(DRIVER), APP, "listen", str(seconds), *events]
        )
        listener.wait_for_output(r"^listening$", timeout=15)
        return listener

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.stop_quietly()


@pytest.fixture
def app(desktop: VirtualDesktop, tmp_path: Path) -> Iterator[ReadableApp]:
    running = ReadableApp(desktop, tmp_path / "data")
    yield running
    if running.proc is not None:
        running.stop()


def heard(listener: AppProcess) -> list[dict[str, Any]]:
    return [json.loads(line) for line in listener.stdout.splitlines() if line.startswith("{")]


def wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def by_name(nodes: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [n for n in nodes if n["name"].replace("&", "") == name and n["showing"]]
    assert found, f"nothing named {name!r} among {[n['name'] for n in nodes if n['showing']]}"
    return found[0]


def test_a_screen_reader_reads_the_tray_menu_the_break_and_the_note(
    app: ReadableApp, desktop: VirtualDesktop
) -> None:
    app.cli("config", "set", "break.pattern", "box")
    app.start()
    listener = app.listen(
        60, "object:state-changed:focused", "object:announcement", "object:state-changed:showing"
    )
    try:
        # The tray menu: opened with the right button, walked with the arrow keys.
        desktop.open_tray_menu(0)
        desktop.key(None, ["Down"])
        wait_for(lambda: any(e["source"].get("role") == "menu item" for e in _focus(listener)))
        desktop.key(None, ["Escape"])
        item = next(e for e in _focus(listener) if e["source"]["role"] == "menu item")
        assert item["parent"]["role"] == "popup menu"
        menu = {s["name"]: s["role"] for s in item["siblings"] if s["showing"]}
        assert menu["A call went south — take a break"] == "menu item"
        for name in ("I'm dialing", "Write my note", "My journal…", "Upcoming", "Insights…"):
            assert menu[name] == "menu item"
        assert menu["Settings…"] == "menu item" and menu["Quit Resilience"] == "menu item"

        # The break window, from the moment it opens.
        flagged = time.monotonic()
        app.cli("flag")
        desktop.wait_for_window("take a breath", timeout=10)
        nodes = app.atspi("dump", "take a breath")
        guide = by_name(nodes, "Breathing guide")
        assert guide["focusable"] and re.fullmatch(
            r"Breathe in — [1-4] seconds? left", guide["description"]
        )
        wait_for(lambda: any(e["source"]["name"] == "Breathing guide" for e in _focus(listener)))
        pattern = next(n for n in nodes if n["role"] == "combo box")
        assert pattern["name"] == "Box 4-4-4-4" and pattern["labelled_by"] == ["Breathing pattern:"]
        assert by_name(nodes, "Less motion")["role"] == "check box"
        assert by_name(nodes, "Sound cues")["role"] == "check box"
        assert "eyes closed" in by_name(nodes, "Sound cues")["description"]
        assert by_name(nodes, "One more minute")["role"] == "push button"
        end = by_name(nodes, "End break")
        assert end["role"] == "push button" and "Esc" in end["description"]
        labels = [n["name"] for n in nodes if n["role"] == "label" and n["showing"]]
        assert any(re.fullmatch(r"[23]:\d\d left", text) for text in labels)  # the countdown
        assert any(re.fullmatch(r"Breathe in — \d seconds? left", t) for t in labels)  # cue

        # Announcements: one per phase as it begins (box: in 0 s, hold 4 s, out 8 s).
        time.sleep(max(0.0, flagged + 9.5 - time.monotonic()))
        said = [e["data"] for e in heard(listener) if e["type"] == "object:announcement"]
        assert said == [
            "Breathe in — 4 seconds left",
            "Hold — 4 seconds left",
            "Breathe out — 4 seconds left",
        ], said

        # The note: fields named after their labels, the focus in the first one.
        app.atspi("press", "take a breath", "End break")
        desktop.wait_for_window("a private note", timeout=10)
        nodes = app.atspi("dump", "a private note")
        what = next(n for n in nodes if n["role"] == "text" and n["name"] == "What happened?")
        wait_for(lambda: any(e["source"]["name"] == "What happened?" for e in _focus(listener)))
        assert what["focusable"]
        texts = {n["name"] for n in nodes if n["role"] == "text" and n["showing"]}
        assert {"One lesson for the next call:", "At least one positive:"} <= texts
        combos = [n for n in nodes if n["role"] == "combo box" and n["showing"]]
        assert [c["labelled_by"] for c in combos] == [["My part, honestly:"], ["Why was it lost?"]]
        mood = next(n for n in nodes if n["role"] == "slider")
        assert mood["name"] == "How do you feel now? (0 = awful, 10 = great)"
        assert mood["description"] == "Not rated yet"
        for button in ("Discard", "Later", "Save note"):
            assert by_name(nodes, button)["role"] == "push button"
        assert "Ctrl+Enter" in by_name(nodes, "Save note")["description"]
        assert "Esc" in by_name(nodes, "Later")["description"]
    finally:
        listener.terminate()


def _focus(listener: AppProcess) -> list[dict[str, Any]]:
    return [
        e
        for e in heard(listener)
        if e["type"] == "object:state-changed:focused" and e.get("detail1") == 1
    ]


def test_flag_break_note_saved_by_keyboard_alone(app: ReadableApp, desktop: VirtualDesktop) -> None:
    app.start()
    wait_for(lambda: app.status()["hotkey"]["problem"] is None, 10)
    desktop.key(None, "ctrl+alt+b")  # the global shortcut, from whatever has the focus
    desktop.wait_for_window("take a breath", timeout=10)
    assert app.status()["phase"] == "break"
    time.sleep(0.5)  # the window has the focus, on the breathing guide
    # Guide → pattern → Less motion → Sound cues → how big (small, big, make-or-break) →
    # +1 minute → End break, then Space.
    desktop.key(None, ["Tab"] * 8 + ["space"])
    desktop.wait_for_window("a private note", timeout=10)
    assert app.status()["phase"] == "waiting"
    time.sleep(0.5)
    desktop.type_text(None, "They hung up on the second question")  # focus: What happened?
    desktop.key(None, ["Tab", "Tab"])  # my part, what they said
    desktop.type_text(None, "Why are you dearer than X?")
    desktop.key(None, ["Tab", "Tab"])  # why lost, the lesson
    desktop.type_text(None, "Ask one question at a time")
    desktop.key(None, ["Tab"])
    desktop.type_text(None, "I kept my voice warm")
    desktop.key(None, "ctrl+Return")  # save
    wait_for(lambda: not desktop.find_windows("a private note"), 10)
    [record] = app.export()
    assert record["reflection_status"] == "saved"
    reflection = record["reflection"]
    assert reflection["what_happened"] == "They hung up on the second question"
    assert reflection["lesson"] == "Ask one question at a time"
    assert reflection["positives"] == ["I kept my voice warm"]
    assert reflection["mood_after"] is None  # never touched: not rated
    # What they said went to the playbook, with this call, waiting for its answer.
    [entry] = json.loads(app.cli("playbook", "list", "--json"))
    assert entry["said"] == "Why are you dearer than X?" and entry["answer"] == ""
    # Esc in the break window ends it too, and nothing is lost: the note comes next.
    desktop.key(None, "ctrl+alt+b")
    desktop.wait_for_window("take a breath", timeout=10)
    time.sleep(0.3)
    desktop.key(None, "Escape")
    desktop.wait_for_window("a private note", timeout=10)
    time.sleep(0.3)
    desktop.type_text(None, "Second one")
    desktop.key(None, "Escape")  # Later: kept as a draft
    wait_for(lambda: not desktop.find_windows("a private note"), 10)
    second = app.export()[-1]
    assert second["reflection_status"] == "draft"
    assert second["reflection"]["what_happened"] == "Second one"
