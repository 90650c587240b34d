"""The channel's command table: each command a thin call into the service, every bad
argument a sentence (never an "internal error"), over a real service and store."""

from __future__ import annotations

from typing import Any

import pytest

from resilience_app.commands import NEEDS_APP, READ_ONLY, CommandTable
from resilience_app.core.clock import FakeClock
from resilience_app.service import Service


@pytest.fixture
def table(service: Service) -> CommandTable:
    return CommandTable(service)


def ok(table: CommandTable, command: str, **args: Any) -> dict[str, Any]:
    reply = table.handle(command, args)
    assert reply["ok"], reply
    return reply


def refused(table: CommandTable, command: str, **args: Any) -> dict[str, Any]:
    reply = table.handle(command, args)
    assert reply["ok"] is False and reply["error"], reply
    assert "internal error" not in reply["error"]
    return reply


def test_every_route_is_listed_once_and_the_sets_name_real_routes(table: CommandTable) -> None:
    routes = set(table.routes)
    assert READ_ONLY.issubset(routes) and NEEDS_APP.issubset(routes)
    assert refused(table, "no-such-thing")["usage"] is True
    assert refused(table, "_private")["usage"] is True


def test_the_loop_through_the_table(table: CommandTable, clock: FakeClock) -> None:
    flagged = ok(table, "flag", label="Acme", rough=7)
    assert flagged["message"].startswith("Flagged. Take 3 minutes") and flagged["saved"] is True
    assert "already on a break" in ok(table, "flag")["message"]
    clock.advance(minutes=6)
    dialed = ok(table, "dialed")
    assert dialed["time_to_next_dial_seconds"] == 360
    assert "6 min after" in dialed["message"]
    assert "nothing to record" in ok(table, "dialed")["message"]
    saved = ok(table, "note", positives=["stayed calm"], my_part="not_me", reason="timing")
    assert saved["incident_id"] == flagged["incident_id"]


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        ({"rough": 11}, "How rough it felt must be a whole number from 0 to 10."),
        ({"rough": "7"}, "How rough it felt must be a whole number from 0 to 10."),
        ({"rough": True}, "How rough it felt must be a whole number from 0 to 10."),
        ({"label": ["a list"]}, "The label must be text."),
    ],
)
def test_bad_flag_arguments_get_a_sentence(
    table: CommandTable, args: dict[str, Any], sentence: str
) -> None:
    reply = refused(table, "flag", **args)
    assert reply["error"] == sentence and reply["usage"] is True


def test_a_bad_my_part_over_the_channel_is_a_sentence(table: CommandTable) -> None:
    ok(table, "flag")
    reply = refused(table, "note", positives=["x"], my_part="lazy")
    assert reply["error"].startswith("My part must be one of: unprepared, pushed_too_hard")
    assert reply["usage"] is True
    reply = refused(table, "note", positives="not a list")
    assert reply["error"] == "The positives must be a list of texts."
    assert "at least one positive" in refused(table, "note", positives=[])["error"]


def test_follow_ups_through_the_table(table: CommandTable) -> None:
    assert "no flagged call" in refused(table, "followup-add", kind="debrief")["error"]
    ok(table, "flag", label="Acme")
    lunch = refused(table, "followup-add", kind="lunch")
    assert lunch["error"].startswith("The kind of follow-up must be one of: debrief, save_deal")
    assert (
        "like 2026-11-26T10:00"
        in refused(table, "followup-add", kind="debrief", at="soon")["error"]
    )
    assert "1 or 3" in refused(table, "followup-add", kind="check_in", months=2)["error"]
    added = ok(table, "followup-add", kind="check_in", in_minutes=5, note="how is it")
    assert added["message"].startswith("Check-in planned for ")
    [listed] = ok(table, "followup-list")["followups"]
    assert listed["title"] == "Check-in — Acme" and listed["note"] == "how is it"
    short = listed["id"][:5]
    assert ok(table, "followup-snooze", id=short, minutes=30)["message"].startswith("Snoozed")
    assert "positive number" in refused(table, "followup-snooze", id=short, minutes=-1)["error"]
    assert ok(table, "followup-done", id=short)["message"] == "Marked done: Check-in. Well done."
    assert "No upcoming follow-up" in refused(table, "followup-cancel", id=short)["error"]


def test_settings_positives_status_and_windows(table: CommandTable, service: Service) -> None:
    assert ok(table, "config-set", key="break.minutes", value="5")["value"] == 5
    reply = refused(table, "config-set", key="colour", value="blue")
    assert reply["usage"] and "no setting called 'colour'" in reply["error"]
    assert ok(table, "positive-add", text="Booked a demo")["message"].startswith("Added")
    assert refused(table, "positive-add", text="  ")["usage"] is True
    status = ok(table, "status")["status"]
    assert status["phase"] == "calm" and status["upcoming_followups"] == []
    asked: list[tuple[str, str]] = []
    service.window_requested.connect(lambda window, tab: asked.append((window, tab)))
    assert ok(table, "show", window="journal", tab="calls")["message"] == "The journal is open."
    assert "already running" in ok(table, "show")["message"]
    assert refused(table, "show", window="kitchen")["usage"] is True
    assert asked == [("journal", "calls"), ("", "")]


def test_import_names_what_is_wrong(table: CommandTable, tmp_path: Any) -> None:
    assert refused(table, "import")["error"] == "Name the file to import."
    missing = refused(table, "import", path=str(tmp_path / "nope.json"))
    assert "There is no file" in missing["error"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"app": "resilience", "schema": 2, "incidents": [{"id": ""}]}')
    assert refused(table, "import", path=str(bad))["error"].startswith("Nothing was imported.")


def test_a_reply_is_remembered_for_its_own_command_only(table: CommandTable) -> None:
    flagged = table.handle("flag", {"label": "Acme"}, request_id="same")
    status = table.handle("status", {}, request_id="same")
    assert "status" in status and "status" not in flagged
    assert table.handle("flag", {"label": "Acme"}, request_id="same") == flagged
