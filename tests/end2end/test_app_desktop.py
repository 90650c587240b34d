"""The real app on a real (virtual) desktop: Xvfb, trayer as the tray, dunst for notifications.

The rep's hands are xdotool and the `resilience` command; their eyes are the windows on
screen, what dunst received, and what `resilience export` says was stored.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.end2end.desktop import AppProcess, VirtualDesktop

pytestmark = pytest.mark.e2e

FIRST_TITLE = "Ready for the next call?"
SECOND_TITLE = "Time to pick up the phone"
FIRST_MIN, SECOND_MIN = 0.03, 0.06  # 1.8 s and 3.6 s after the flag


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with VirtualDesktop() as d:
        yield d


class RunningApp:
    def __init__(self, desktop: VirtualDesktop, data_dir: Path) -> None:
        self.desktop = desktop
        self.data_dir = data_dir
        self.proc: AppProcess = desktop.spawn(self.command(), env=desktop.env)
        desktop.wait_for_tray_icons(1, timeout=15)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "resilience_app", "--data-dir", str(self.data_dir), *args]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.command(*args), env=self.desktop.env, capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0, result.stderr
        return result

    def status(self) -> dict[str, Any]:
        return json.loads(self.cli("status").stdout)

    def export(self) -> list[dict[str, Any]]:
        incidents: list[dict[str, Any]] = json.loads(self.cli("export").stdout)["incidents"]
        return incidents


@pytest.fixture
def app(desktop: VirtualDesktop, tmp_path: Path) -> Iterator[RunningApp]:
    data_dir = tmp_path / "data"
    desktop.clear_notifications()
    running = RunningApp.__new__(RunningApp)
    running.desktop, running.data_dir = desktop, data_dir
    running.cli("config", "set", "nudge.first_minutes", str(FIRST_MIN))
    running.cli("config", "set", "nudge.second_minutes", str(SECOND_MIN))
    running.__init__(desktop, data_dir)  # type: ignore[misc]
    yield running
    code = running.proc.terminate(timeout=10)
    assert "Traceback" not in running.proc.stderr, running.proc.stderr
    assert code == 0, running.proc.stderr


def ours(desktop: VirtualDesktop) -> list[dict[str, Any]]:
    return [n for n in desktop.notifications() if n["appname"] == "Resilience"]


def test_flag_from_the_cli_break_nudges_dialed_export(
    app: RunningApp, desktop: VirtualDesktop
) -> None:
    assert app.status()["phase"] == "calm"
    flagged = time.monotonic()
    app.cli("flag", "--label", "Acme", "--rough", "7")
    window = desktop.wait_for_window("take a breath", timeout=5)
    geometry = desktop.window_geometry(window)
    # A small window, not a takeover: the dialer behind it stays visible.
    assert geometry.width < 640 and geometry.height < 760

    first = desktop.wait_for_notification(summary=FIRST_TITLE, timeout=10)
    second = desktop.wait_for_notification(summary=SECOND_TITLE, timeout=10)
    elapsed = time.monotonic() - flagged
    assert elapsed >= SECOND_MIN * 60 - 0.5
    assert "easy lead" in first["body"] and "easy lead" in second["body"]
    # The firm nudge also puts a card with "I'm dialing" on screen.
    desktop.wait_for_window("back to the phone", timeout=5)

    assert "Back on the phone" in app.cli("dialed").stdout
    status = app.status()
    assert status["phase"] == "calm" and status["pending_nudges"] == []
    assert desktop.find_windows("back to the phone") == []
    [record] = app.export()
    assert record["label"] == "Acme" and record["rough"] == 7
    assert record["time_to_next_dial_seconds"] >= SECOND_MIN * 60
    assert sorted(n["state"] for n in record["nudges"]) == ["fired", "fired"]


def test_tray_click_flags_and_dialing_early_stops_every_nudge(
    app: RunningApp, desktop: VirtualDesktop
) -> None:
    desktop.click_tray_icon(0)
    desktop.wait_for_window("take a breath", timeout=5)
    assert app.status()["phase"] == "break"
    app.cli("dialed")
    assert desktop.find_windows("take a breath") == []
    time.sleep(SECOND_MIN * 60 + 1.0)  # past both due times: nothing may arrive
    assert ours(desktop) == []
    [record] = app.export()
    assert sorted(n["state"] for n in record["nudges"]) == ["cancelled", "cancelled"]
    assert record["reflection_status"] == "pending"  # still offered from the tray


def test_end_break_then_write_later_keeps_the_draft(
    app: RunningApp, desktop: VirtualDesktop
) -> None:
    app.cli("flag", "--label", "Globex")
    window = desktop.wait_for_window("take a breath", timeout=5)
    desktop.key(window, "ctrl+Return")  # "End break"
    form = desktop.wait_for_window("a private note", timeout=5)
    desktop.type_text(form, "They asked about pricing I didn't know")
    desktop.key(form, "alt+l")  # "Later"
    deadline = time.monotonic() + 5
    while desktop.find_windows("a private note") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert desktop.find_windows("a private note") == []
    [record] = app.export()
    assert record["reflection_status"] == "draft"
    assert record["reflection"]["what_happened"] == "They asked about pricing I didn't know"
    assert app.status()["unfinished_reflections"] == 1


def test_second_start_hands_over_to_the_running_app(
    app: RunningApp, desktop: VirtualDesktop
) -> None:
    result = app.cli()
    assert "already running" in result.stdout
    assert len(desktop.tray_icons()) == 1


def test_a_damaged_journal_is_restored_and_the_rep_is_told(
    desktop: VirtualDesktop, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    desktop.clear_notifications()
    first = RunningApp(desktop, data_dir)
    first.cli("flag", "--label", "Saved before the damage")
    first.cli("dialed")
    assert first.proc.terminate(timeout=10) == 0
    [month] = sorted((data_dir / "journal").glob("*.json"))
    month.write_text('{"incidents": {"1": ', encoding="utf-8")  # a torn file

    second = RunningApp(desktop, data_dir)
    try:
        told = desktop.wait_for_notification(summary="Resilience", timeout=10)
        assert "was damaged" in told["body"] and ".damaged-" in told["body"]
        assert [p for p in month.parent.iterdir() if ".damaged-" in p.name]
        second.cli("flag", "--label", "After")
        assert [r["label"] for r in second.export()] == ["After"]
    finally:
        assert second.proc.terminate(timeout=10) == 0


def test_a_follow_up_reminds_at_dunst_and_done_removes_it(
    app: RunningApp, desktop: VirtualDesktop
) -> None:
    app.cli("flag", "--label", "Wayne Enterprises")
    app.cli("dialed")
    app.cli("followup", "add", "--kind", "debrief", "--in-minutes", "0.03")  # ~2 s
    app.cli("followup", "add", "--kind", "referral", "--in-minutes", "600")
    told = desktop.wait_for_notification(
        summary="Follow-up: Debrief call — Wayne Enterprises", timeout=10
    )
    assert "15 minutes" in told["body"]
    upcoming = json.loads(app.cli("followup", "list", "--json").stdout)
    assert [f["kind"] for f in upcoming] == ["debrief", "referral"]
    app.cli("followup", "done", upcoming[0]["id"][:8])
    assert [f["kind"] for f in app.status()["upcoming_followups"]] == ["referral"]
    [record] = app.export()
    assert {f["kind"]: f["state"] for f in record["followups"]} == {
        "debrief": "done",
        "referral": "pending",
    }


def test_done_from_the_tray_upcoming_menu(app: RunningApp, desktop: VirtualDesktop) -> None:
    app.cli("flag", "--label", "Stark")
    app.cli("dialed")
    app.cli("followup", "add", "--kind", "thank_you", "--in-minutes", "600")
    desktop.open_tray_menu(0)
    # Menu: flag, dialing (disabled), note, ─, journal, Upcoming ▸ (keyboard skips disabled).
    # Each submenu is waited for: keys sent before a popup maps go nowhere.
    desktop.key(None, ["Down", "Down", "Down", "Down"])
    for _submenu in ("Upcoming", "the follow-up"):
        before = set(desktop.find_windows())
        desktop.key(None, ["Right"])
        desktop.wait_for_new_window(before)
    desktop.key(None, ["Return"])
    # Done asks what came of it; the line heard first, then "Just mark it done".
    dialog = desktop.wait_for_window("what came of it", timeout=5)
    desktop.type_text(dialog, "They loved the card")
    desktop.key(dialog, ["Tab", "space"])
    deadline = time.monotonic() + 5
    while app.status()["upcoming_followups"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert app.status()["upcoming_followups"] == []
    [record] = app.export()
    assert record["followups"][0]["state"] == "done"
    assert record["followups"][0]["outcome_note"] == "They loved the card"
