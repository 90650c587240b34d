"""The playbook as a rep meets it, on the virtual desktop with the accessibility bus (the
rep's eyes: what each window shows; the hands: xdotool keys and the `resilience` command).

Flag → the note with what they said → (working hours that end in a few minutes, a short
wait) the reminder in dunst, which opens the entry in the journal → the answer typed and
saved → the next nudge brings the card: their words first, the answer one key away →
practise → the export holds it → the report holds only what was ticked.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.end2end import test_accessibility_desktop as bus
from tests.end2end.desktop import VirtualDesktop
from tests.end2end.test_accessibility_desktop import ReadableApp, wait_for

# The desktop with the accessibility bus, and the app on it (that module's fixtures).
desktop = bus.desktop
app = bus.app

pytestmark = pytest.mark.e2e
SAID = "Why are you dearer than X?"
ANSWER = "No set-up fee and support included: cheaper over three years."
TITLE = "Your playbook"


def showing_labels(app: ReadableApp, window: str) -> list[str]:
    """What the rep can read in the window: its labels' and list items' texts."""
    return [
        n["name"]
        for n in app.atspi("dump", window)
        if n["role"] in ("label", "list item") and n["showing"]
    ]


def hours_ending_soon(app: ReadableApp, seconds: float) -> None:
    """Working hours that end a few minutes from now, with the reminder `seconds` ahead."""
    now = datetime.now()
    end = (now + timedelta(minutes=3)).replace(second=0, microsecond=0)
    if end.date() != now.date():
        pytest.skip("too close to midnight for a working day that ends soon")
    before_end = ((end - now).total_seconds() - seconds) / 60
    for key, value in (
        ("work.days", "mon,tue,wed,thu,fri,sat,sun"),
        ("work.start", "00:00"),
        ("work.end", end.strftime("%H:%M")),
        ("playbook.reminder_before_end_minutes", f"{before_end:.3f}"),
        ("work.limit", "on"),
    ):
        app.cli("config", "set", key, value)


def test_said_reminded_answered_brought_back_practised_exported_reported(
    app: ReadableApp, desktop: VirtualDesktop, tmp_path: Path
) -> None:
    app.cli("config", "set", "playbook.reminder_wait_minutes", "0.01")
    app.cli("config", "set", "nudge.first_minutes", "0.05")
    app.cli("config", "set", "nudge.second_minutes", "0.5")
    app.start()

    # A call goes south; in the note, their words (no answer asked for).
    app.cli("flag", "--label", "Contoso")
    desktop.wait_for_window("take a breath", timeout=10)
    app.atspi("press", "take a breath", "End break")
    desktop.wait_for_window("a private note", timeout=10)
    time.sleep(0.5)
    desktop.type_text(None, "They compared us with X on price")  # focus: What happened?
    desktop.key(None, ["Tab", "Tab"])  # my part, what they said
    desktop.type_text(None, SAID)
    desktop.key(None, ["Tab", "Tab", "Tab"])  # why lost, the lesson, the positives
    desktop.type_text(None, "I kept my voice warm")
    desktop.key(None, "ctrl+Return")
    wait_for(lambda: not desktop.find_windows("a private note"), 10)
    app.cli("dialed")
    [entry] = json.loads(app.cli("playbook", "list", "--json"))
    assert entry["said"] == SAID and entry["answer"] == ""

    # Later, near the end of the day: one reminder, quoting them; it opens the entry.
    hours_ending_soon(app, seconds=4)
    reminder = desktop.wait_for_notification(summary=TITLE, timeout=20)
    assert SAID in reminder["body"] and "What would you say now?" in reminder["body"]
    desktop.wait_for_window("my journal", timeout=10)
    try:
        wait_for(lambda: any(SAID in t for t in showing_labels(app, "my journal")), 10)
    except AssertionError:
        print(json.dumps([n for n in app.atspi("dump", "my journal") if n["showing"]], indent=0))
        raise
    app.cli("config", "set", "work.limit", "off")
    time.sleep(0.5)
    desktop.type_text(None, ANSWER)  # the answer box has the focus
    app.atspi("press", "my journal", "Save answer")
    wait_for(lambda: json.loads(app.cli("playbook", "list", "--json"))[0]["answer"] == ANSWER)
    desktop.key(None, "Escape")

    # The next wait for a dial: the nudge brings the card, their words first.
    app.cli("flag")
    desktop.wait_for_window("take a breath", timeout=10)
    app.atspi("press", "take a breath", "End break")
    desktop.wait_for_window("a private note", timeout=10)
    desktop.key(None, "Escape")  # Later
    desktop.wait_for_notification(summary="Ready for the next call?", timeout=15)
    desktop.wait_for_window("back to the phone", timeout=10)
    labels = showing_labels(app, "back to the phone")
    assert any(SAID in t for t in labels) and not any(ANSWER in t for t in labels)
    app.atspi("press", "back to the phone", "Show my answer")
    wait_for(lambda: any(ANSWER in t for t in showing_labels(app, "back to the phone")))
    app.cli("dialed")
    wait_for(lambda: not desktop.find_windows("back to the phone"), 10)

    # Practice, from the journal's Playbook tab: recall, look, "had it".
    app.cli("journal", "--tab", "playbook")
    desktop.wait_for_window("my journal", timeout=10)
    app.atspi("press", "my journal", "Practice my answers")
    desktop.wait_for_window("practice my answers", timeout=10)
    labels = showing_labels(app, "practice my answers")
    assert any(SAID in t for t in labels) and not any(ANSWER in t for t in labels)
    app.atspi("press", "practice my answers", "Show my answer")
    wait_for(lambda: any(ANSWER in t for t in showing_labels(app, "practice my answers")))
    app.atspi("press", "practice my answers", "Had it")
    wait_for(lambda: json.loads(app.cli("playbook", "list", "--json"))[0]["box"] >= 2)

    # The export holds it; the report holds the objection's count, the answer only if ticked.
    exported = json.loads(app.cli("export"))
    [kept] = exported["playbook"]
    assert kept["said"] == SAID and kept["answer"] == ANSWER
    assert SAID in app.cli("export", "--format", "markdown")
    counts = tmp_path / "counts.md"
    app.cli("report", "--include", "objections", "--output", str(counts))
    text = counts.read_text()
    assert SAID in text and ANSWER not in text and "Contoso" not in text
    both = tmp_path / "both.md"
    app.cli("report", "--include", "answers", "--output", str(both))
    assert ANSWER in both.read_text() and "Contoso" not in both.read_text()
