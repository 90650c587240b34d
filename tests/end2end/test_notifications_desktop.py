"""Notifications that take themselves back, against a real notification server (dunst on a
private session bus): `DBusNotifier` on its own, then the real app, where "I'm dialing"
leaves no nudge on screen.

What is on screen is what `dunstctl count displayed` says; what dunst received (urgency,
expire timeout) is what its rule script recorded."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from resilience_app.adapters.desktop_notify import EXPIRES_MS, DBusNotifier
from tests.end2end.desktop import DesktopError, VirtualDesktop

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with VirtualDesktop(tray=False) as d:
        yield d


@pytest.fixture
def notifier(desktop: VirtualDesktop) -> Iterator[DBusNotifier]:
    desktop.close_notifications()
    desktop.clear_notifications()
    assert desktop.bus_address is not None
    sender = DBusNotifier("Resilience", present=lambda: True, bus=desktop.bus_address)
    yield sender
    sender.shutdown()


def displayed(desktop: VirtualDesktop) -> int:
    return int(desktop.run(["dunstctl", "count", "displayed"]).stdout.strip())


def until_displayed(desktop: VirtualDesktop, count: int, timeout: float = 5.0) -> None:
    """dunst shows what it received on its next turn of the main loop: wait for it."""
    deadline = time.monotonic() + timeout
    while (now := displayed(desktop)) != count:
        if time.monotonic() > deadline:
            raise DesktopError(f"dunst displays {now} notifications, not {count}")
        time.sleep(0.05)


def test_a_nudge_shows_and_is_taken_back(desktop: VirtualDesktop, notifier: DBusNotifier) -> None:
    notifier.send("Ready for the next call?", "Dial one.", urgent=False, tag="nudge")
    notifier.flush()
    until_displayed(desktop, 1)
    shown = desktop.wait_for_notification(summary="Ready for the next call?")
    assert shown["appname"] == "Resilience" and shown["urgency"] == "normal"
    assert shown["timeout"] == EXPIRES_MS  # it goes by itself after a few minutes
    notifier.withdraw("nudge")
    notifier.flush()
    until_displayed(desktop, 0)
    assert [n["id"] for n in desktop.dunst_history()][-1:] == [shown["id"]]


def test_the_firm_nudge_is_critical_and_takes_the_first_ones_place(
    desktop: VirtualDesktop, notifier: DBusNotifier
) -> None:
    notifier.send("Ready for the next call?", "Dial one.", urgent=False, tag="nudge")
    notifier.send("Time to pick up the phone", "Now.", urgent=True, tag="nudge")
    notifier.flush()
    firm = desktop.wait_for_notification(summary="Time to pick up the phone")
    first = desktop.wait_for_notification(summary="Ready for the next call?")
    assert firm["urgency"] == "critical" and firm["timeout"] == EXPIRES_MS
    assert firm["id"] == first["id"]  # replaced on screen, not stacked
    until_displayed(desktop, 1)
    notifier.withdraw("nudge")
    notifier.flush()
    until_displayed(desktop, 0)


def test_withdraw_takes_back_only_its_own_tag(
    desktop: VirtualDesktop, notifier: DBusNotifier
) -> None:
    notifier.send("Ready for the next call?", "Dial one.", urgent=False, tag="nudge")
    notifier.send("Follow-up: Check-in — Acme", "Call.", urgent=False, tag="followup:1")
    notifier.send("Flagged", "Your break starts.", urgent=False)
    notifier.flush()
    until_displayed(desktop, 3)
    untagged = desktop.wait_for_notification(summary="Flagged")
    assert untagged["timeout"] == 10_000  # the server's own default (this dunstrc's)
    notifier.withdraw("nudge")
    notifier.flush()
    until_displayed(desktop, 2)
    notifier.withdraw("nudge")  # again: nothing left with that tag
    notifier.withdraw("followup:1")
    notifier.flush()
    until_displayed(desktop, 1)
    desktop.close_notifications()


def test_a_notification_expires_by_itself(desktop: VirtualDesktop) -> None:
    desktop.close_notifications()
    assert desktop.bus_address is not None
    sender = DBusNotifier(
        "Resilience", present=lambda: True, bus=desktop.bus_address, expires_ms=300
    )
    try:
        sender.send("Ready for the next call?", "Dial one.", urgent=True, tag="nudge")
        sender.flush()
        until_displayed(desktop, 1)
        until_displayed(desktop, 0, timeout=10)  # no withdraw: the server took it away
        sender.withdraw("nudge")  # already gone: the server's error is no problem
        sender.flush()
    finally:
        sender.shutdown()


def test_no_notification_server_is_said_once_and_never_raised(
    desktop: VirtualDesktop, caplog: pytest.LogCaptureFixture
) -> None:
    sender = DBusNotifier("Resilience", present=lambda: True, bus="unix:path=/nonexistent/bus")
    try:
        with caplog.at_level(logging.WARNING):
            for _ in range(3):
                sender.send("Ready for the next call?", "Dial one.", urgent=False, tag="nudge")
            sender.withdraw("nudge")
            sender.flush()
    finally:
        sender.shutdown()
    assert [r.getMessage() for r in caplog.records] == [
        "the notification server did not answer (FileNotFoundError); nudges may not show "
        "until it does"
    ]


# -- the real app -------------------------------------------------------------------------

FIRST_MIN, SECOND_MIN = 0.03, 0.06  # 1.8 s and 3.6 s after the flag


@pytest.fixture
def app_desktop() -> Iterator[VirtualDesktop]:
    with VirtualDesktop() as d:  # with a tray: the app's home
        yield d


def test_after_im_dialing_no_nudge_of_that_call_is_on_screen(
    app_desktop: VirtualDesktop, tmp_path: Path
) -> None:
    desktop = app_desktop
    data_dir = tmp_path / "data"
    command = [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)]

    def cli(*args: str) -> str:
        done = subprocess.run(
            [*command, *args], env=desktop.env, capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    cli("config", "set", "nudge.first_minutes", str(FIRST_MIN))
    cli("config", "set", "nudge.second_minutes", str(SECOND_MIN))
    proc = desktop.spawn(command, env=desktop.env)
    desktop.wait_for_tray_icons(1, timeout=15)
    cli("flag", "--label", "Acme")
    firm = desktop.wait_for_notification(summary="Time to pick up the phone", timeout=15)
    first = desktop.wait_for_notification(summary="Ready for the next call?", timeout=5)
    assert firm["appname"] == "Resilience" and firm["urgency"] == "critical"
    assert first["urgency"] == "normal" and firm["id"] == first["id"]
    assert firm["timeout"] == EXPIRES_MS
    nudges = {first["id"], firm["id"]}
    until_displayed(desktop, 1)
    cli("dialed")
    until_displayed(desktop, 0)
    assert nudges <= {n["id"] for n in desktop.dunst_history()}  # closed, not just hidden
    proc.stop_quietly()
