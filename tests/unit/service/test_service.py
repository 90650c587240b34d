"""The application service on its own: every use case, a real store, a fake clock, no Qt."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.journal import IncidentFilter
from resilience_app.core.models import (
    FollowUpKind,
    FollowUpState,
    NudgeState,
    Phase,
    Reflection,
    ReflectionStatus,
)
from resilience_app.core.settings import SettingError
from resilience_app.service import Service
from resilience_app.service.views import BreakView
from resilience_app.storage.settings_file import load_settings


class Channel:
    """A notification channel that remembers what it was asked to show."""

    def __init__(self, name: str, available: bool = True) -> None:
        self.name = name
        self._available = available
        self.sent: list[tuple[str, str, bool]] = []

    def available(self) -> bool:
        return self._available

    def send(self, title: str, message: str, *, urgent: bool) -> None:
        self.sent.append((title, message, urgent))


class Speaker:
    """The sound boundary: no audio device here, so count what would have played."""

    def __init__(self) -> None:
        self.played = 0

    def play(self) -> bool:
        self.played += 1
        return True


class Recorder:
    """Collects what the service announces, as a window would."""

    def __init__(self, service: Service) -> None:
        self.events: list[tuple[str, Any]] = []
        for name in (
            "phase_changed",
            "break_requested",
            "break_changed",
            "note_requested",
            "card_requested",
            "dialed_recorded",
            "window_requested",
        ):
            getattr(service, name).connect(
                lambda *args, n=name: self.events.append((n, args[0] if len(args) == 1 else args))
            )

    def named(self, name: str) -> list[Any]:
        return [payload for event, payload in self.events if event == name]


@pytest.fixture
def desktop(notifier: NotifierChain) -> Channel:
    channel = Channel("desktop")
    notifier.add(channel)
    return channel


@pytest.fixture
def seen(service: Service) -> Recorder:
    return Recorder(service)


def note(*positives: str, **fields: Any) -> Reflection:
    return Reflection(positives=list(positives or ["kept calm"]), **fields)


# -- the loop ------------------------------------------------------------------------------


def test_flag_starts_a_break_and_a_second_flag_brings_it_back(
    service: Service, seen: Recorder
) -> None:
    outcome = service.flag("  Acme  ", 7)
    assert not outcome.already_on_break and outcome.break_minutes == 3
    assert outcome.incident.label == "Acme" and service.phase is Phase.BREAK
    [view] = seen.named("break_requested")
    assert isinstance(view, BreakView) and view.incident.id == outcome.incident.id
    assert view.pattern == "box" and view.tip and view.requested_at is not None
    again = service.flag("Other")
    assert again.already_on_break and again.incident.id == outcome.incident.id
    assert len(seen.named("break_requested")) == 2


def test_labels_are_bounded(service: Service) -> None:
    assert len(service.flag("x" * 10_000).incident.label) == 200


def test_break_end_asks_for_the_note_and_chimes_when_wanted(
    service: Service, seen: Recorder, clock: FakeClock
) -> None:
    speaker = Speaker()
    service.recovery.sound = speaker
    service.set_setting("break.sound", "on")
    incident = service.flag().incident
    clock.advance(minutes=3)
    service.tick()
    assert [i.id for i in seen.named("note_requested")] == [incident.id]
    assert speaker.played == 1 and service.phase is Phase.WAITING


def test_plus_one_minute_moves_the_end(service: Service, seen: Recorder) -> None:
    incident = service.flag().incident
    service.extend_break()
    [changed] = seen.named("break_changed")
    assert changed.break_ends_at == incident.flagged_at + timedelta(minutes=4)


def test_the_firm_nudge_gets_a_card_unless_the_card_was_the_channel(
    service: Service, seen: Recorder, clock: FakeClock, desktop: Channel
) -> None:
    service.flag()
    clock.advance(minutes=10)
    service.tick()
    assert [t for t, _, urgent in desktop.sent] == ["Ready for the next call?"]
    assert seen.named("card_requested") == []
    clock.advance(minutes=5)
    service.tick()
    assert desktop.sent[-1][0] == "Time to pick up the phone" and desktop.sent[-1][2]
    [(title, body)] = seen.named("card_requested")
    assert title == "Time to pick up the phone" and "easy lead" in body


def test_with_no_desktop_notifications_the_card_is_the_nudge(
    service: Service, seen: Recorder, clock: FakeClock, notifier: NotifierChain
) -> None:
    notifier.add(Channel("desktop", available=False))
    card = Channel("window")
    notifier.add(card)
    service.flag()
    clock.advance(minutes=15)
    service.tick()
    assert [t for t, _, _ in card.sent] == ["Time to pick up the phone"]
    assert seen.named("card_requested") == []  # no second card on top of the first


def test_dialing_closes_the_loop_and_cancels_nudges(
    service: Service, seen: Recorder, clock: FakeClock
) -> None:
    incident = service.flag().incident
    clock.advance(minutes=4)
    closed = service.dialed()
    assert closed is not None and closed.time_to_dial == timedelta(minutes=4)
    assert [i.id for i in seen.named("dialed_recorded")] == [incident.id]
    assert service.phase is Phase.CALM
    assert {n.state for n in service.store.nudges()} == {NudgeState.CANCELLED}
    assert service.dialed() is None


def test_tray_state_counts_minutes_while_waiting(service: Service, clock: FakeClock) -> None:
    service.flag()
    service.end_break()
    clock.advance(minutes=6, seconds=30)
    state = service.tray_state()
    assert (state.phase, state.minutes_since_flag, state.open_notes) == (Phase.WAITING, 6, 1)
    assert state.target_minutes == 15


# -- what a break shows ----------------------------------------------------------------------


def test_a_break_shows_the_reps_own_positives_without_repeating_them(
    service: Service, clock: FakeClock, seen: Recorder
) -> None:
    first = service.flag().incident
    service.end_break()
    service.save_note(first.id, note("Booked a follow-up"))
    service.dialed()
    service.add_positive("Closed the Contoso renewal")
    shown = set()
    for _ in range(2):
        clock.advance(minutes=30)
        service.flag()
        shown.add(seen.named("break_requested")[-1].positive)
        service.dialed()
    assert shown == {"Booked a follow-up", "Closed the Contoso renewal"}
    tips = [v.tip for v in seen.named("break_requested")]
    assert len(set(tips)) == len(tips)  # tips take turns


# -- notes -----------------------------------------------------------------------------------


def test_a_note_and_its_follow_ups_are_saved_together(service: Service, clock: FakeClock) -> None:
    incident = service.flag("Acme").incident
    service.end_break()
    due = clock.now() + timedelta(days=2)
    saved = service.save_note(
        incident.id, note("opened well", lesson="ask first"), [(FollowUpKind.DEBRIEF, due)]
    )
    assert saved.reflection_status is ReflectionStatus.SAVED
    [item] = service.upcoming()
    assert item.followup.kind is FollowUpKind.DEBRIEF and item.followup.due_at == due
    assert item.title == "Debrief call — Acme"


def test_a_refused_note_plans_no_follow_ups(service: Service, clock: FakeClock) -> None:
    incident = service.flag().incident
    with pytest.raises(UserError, match="at least one positive"):
        service.save_note(
            incident.id, Reflection(), [(FollowUpKind.DEBRIEF, clock.now() + timedelta(days=1))]
        )
    assert service.upcoming() == []


def test_a_note_without_an_id_goes_to_the_newest_waiting_call(
    service: Service, clock: FakeClock
) -> None:
    with pytest.raises(UserError, match="No call is waiting"):
        service.save_note(None, note())
    older = service.flag("older").incident
    service.dialed()
    clock.advance(minutes=20)
    newer = service.flag("newer").incident  # still on its break
    assert service.save_note(None, note()).id == newer.id
    assert service.incident(older.id).reflection_open
    assert service.save_note(None, note()).id == older.id


def test_drafts_and_discards(service: Service) -> None:
    incident = service.flag().incident
    service.end_break()
    service.save_draft(incident.id, Reflection(lesson="price sheet" * 1000))
    stored = service.incident(incident.id)
    assert stored.reflection_status is ReflectionStatus.DRAFT
    assert len(stored.reflection.lesson) == 2000
    service.discard_note(incident.id)
    assert service.open_notes() == []


# -- positives and follow-ups ----------------------------------------------------------------


def test_positives_are_trimmed_bounded_and_never_empty(service: Service) -> None:
    with pytest.raises(UserError, match="Write the positive") as refused:
        service.add_positive("   ")
    assert refused.value.usage
    assert service.add_positive("  " + "y" * 5000).text == "y" * 2000


def test_follow_ups_by_prefix(service: Service, clock: FakeClock) -> None:
    with pytest.raises(UserError, match="no flagged call"):
        service.add_followup(FollowUpKind.CHECK_IN)
    service.flag("Acme")
    first = service.add_followup(FollowUpKind.CHECK_IN, in_minutes=5, note=" how is it going ")
    assert first.followup.due_at == clock.now() + timedelta(minutes=5)
    assert first.followup.note == "how is it going"
    second = service.add_followup(FollowUpKind.DEBRIEF)
    assert second.followup.due_at > first.followup.due_at
    with pytest.raises(UserError, match="Name the follow-up"):
        service.find_followup(" ")
    with pytest.raises(UserError, match="No upcoming follow-up"):
        service.find_followup("zzz")
    found = service.find_followup(first.followup.id[:6])
    snoozed = service.followup_snooze(found, 30)
    assert snoozed.due_at == clock.now() + timedelta(minutes=30)
    assert service.followup_done(found).state is FollowUpState.DONE
    with pytest.raises(UserError, match="already done"):
        service.followup_cancel(found)
    assert [i.followup.id for i in service.upcoming()] == [second.followup.id]


def test_a_reminder_is_sent_once_when_due(
    service: Service, clock: FakeClock, desktop: Channel
) -> None:
    service.flag("Acme")
    service.dialed()
    service.add_followup(FollowUpKind.THANK_YOU, in_minutes=1, note="card with logo")
    clock.advance(minutes=2)
    service.tick()
    service.tick()
    [(title, body, _)] = desktop.sent
    assert title == "Follow-up: Thank-you card — Acme" and body.startswith("card with logo.")


def test_a_note_that_ends_its_own_sentence_gets_no_second_full_stop(
    service: Service, clock: FakeClock, desktop: Channel
) -> None:
    service.flag("Acme")
    service.dialed()
    service.add_followup(FollowUpKind.CHECK_IN, in_minutes=1, note="Call back about Q3?")
    clock.advance(minutes=2)
    service.tick()
    [(_title, body, _)] = desktop.sent
    assert body.startswith("Call back about Q3? ") and "?." not in body


# -- the journal -----------------------------------------------------------------------------


def test_journal_search_sees_edits_and_deletes_undo(service: Service, clock: FakeClock) -> None:
    ids = []
    for label in ("Globex", "Initech"):
        incident = service.flag(label).incident
        service.end_break()
        service.save_note(incident.id, note("stayed polite", what_happened="price sheet talk"))
        service.dialed()
        clock.advance(minutes=60)
        ids.append(incident.id)
    assert [i.label for i in service.journal_calls(IncidentFilter(text="PRICE sheet"))] == [
        "Initech",
        "Globex",
    ]
    assert [e.text for e in service.journal_positives("polite")] == ["stayed polite"] * 2
    service.save_note(ids[0], note("stayed polite", what_happened="renamed"))
    assert [i.label for i in service.journal_calls(IncidentFilter(text="price"))] == ["Initech"]
    service.delete_call(ids[1])
    assert [i.label for i in service.journal_calls(IncidentFilter())] == ["Globex"]
    service.undo_delete()
    assert len(service.journal_calls(IncidentFilter())) == 2


def test_the_call_being_waited_on_cannot_be_deleted(service: Service) -> None:
    incident = service.flag().incident
    with pytest.raises(UserError, match="I'm dialing"):
        service.delete_call(incident.id)


# -- export, import, insights ----------------------------------------------------------------


def test_export_to_a_private_file_and_import_it_elsewhere(
    service: Service, tmp_path: Path, clock: FakeClock
) -> None:
    incident = service.flag("Acme", 6).incident
    service.end_break()
    service.save_note(incident.id, note("stayed calm"))
    service.dialed()
    target = tmp_path / "out.json"
    result = service.export("json", path=target)
    assert result.calls == 1 and json.loads(target.read_text())["incidents"][0]["label"] == "Acme"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(UserError, match="is a folder"):
        service.export("csv", path=tmp_path)
    with pytest.raises(UserError, match="one of: json, csv, markdown") as wrong:
        service.export("pdf")
    assert wrong.value.usage

    other = Service(
        type(service.store)(tmp_path / "other"),
        type(service.settings)(),
        clock,
        notifier=NotifierChain(),
        save_settings=lambda values: None,
    )
    assert other.import_file(target).added == 1
    assert other.import_file(target).already_there == 1
    with pytest.raises(UserError, match="There is no file") as missing:
        other.import_file(tmp_path / "nope.json")
    assert missing.value.usage


def test_insights_spans(service: Service, clock: FakeClock) -> None:
    service.flag("Acme")
    service.dialed()
    default = service.insights()
    assert (default.last - default.first).days == 7 * 12 - 1 and default.total == 1
    everything = service.insights_days(0)
    assert everything.first == clock.now().astimezone().date() and everything.total == 1
    week = service.insights_days(7)
    assert (week.last - week.first).days == 6
    with pytest.raises(UserError, match="before its start"):
        service.insights(date(2026, 5, 2), date(2026, 5, 1))


def test_status_is_plain_data(service: Service) -> None:
    service.flag("Acme", 4)
    status = service.status()
    json.dumps(status)
    assert status["phase"] == "break" and status["current_incident"]["label"] == "Acme"
    assert [n["kind"] for n in status["pending_nudges"]] == ["first", "second"]
    service.record_metric("flag_to_window_ms", 4.0)
    service.add_metrics_source(lambda: {"animation_frames": 12})
    assert service.status()["metrics"] == {"flag_to_window_ms": 4.0, "animation_frames": 12}


# -- settings --------------------------------------------------------------------------------


def test_a_setting_reaches_the_disk_before_it_applies(service: Service, data_dir: Path) -> None:
    seen: list[tuple[str, Any]] = []
    service.settings_changed.connect(lambda key, value: seen.append((key, value)))
    assert service.set_setting("break.minutes", "5") == 5
    assert load_settings(data_dir)["break.minutes"] == 5 and seen == [("break.minutes", 5)]
    with pytest.raises(SettingError, match="later than"):
        service.update_settings({"nudge.first_minutes": 20, "nudge.second_minutes": 12})
    assert service.setting("nudge.first_minutes") == 10


def test_a_setting_the_disk_refuses_changes_nothing(service: Service) -> None:
    def refuse(values: dict[str, Any]) -> None:
        raise OSError(28, "No space left on device")

    service.settings_desk.save_settings = refuse
    with pytest.raises(UserError, match="nothing was changed"):
        service.set_setting("break.minutes", "7")
    assert service.setting("break.minutes") == 3


def test_start_at_login_follows_the_setting_and_says_when_it_cannot(service: Service) -> None:
    calls: list[bool] = []
    service.settings_desk.start_at_login = calls.append
    service.set_setting("app.start_at_login", "on")
    assert calls == [True]

    def broken(enabled: bool) -> None:
        raise UserError("Start at login is not supported on this system.")

    service.settings_desk.start_at_login = broken
    with pytest.raises(UserError, match="saved, but start at login"):
        service.set_setting("app.start_at_login", "off")
    assert service.setting("app.start_at_login") is False


# -- time ------------------------------------------------------------------------------------


def test_one_wake_up_for_everything_planned(service: Service, clock: FakeClock) -> None:
    assert service.next_wakeup() is None
    service.flag()
    assert service.next_wakeup() == clock.now() + timedelta(minutes=3)  # the break's end
    service.set_setting("lookback.enabled", "on")
    assert service.lookback.next_wakeup() is not None


def test_the_weekly_look_back_opens_insights(
    service: Service, seen: Recorder, clock: FakeClock, desktop: Channel
) -> None:
    service.set_setting("lookback.enabled", "on")
    clock.advance(minutes=60 * 24 * 7)
    service.tick()
    assert seen.named("window_requested") == [("insights", "")]
    assert desktop.sent[-1][0] == "Your week in calls"


def test_start_catches_up_and_says_what_to_show(
    service: Service, seen: Recorder, clock: FakeClock
) -> None:
    incident = service.flag().incident
    clock.advance(minutes=5)  # the app was closed when the break ended
    service.start()
    assert seen.named("phase_changed")[-1] is Phase.WAITING
    assert [i.id for i in seen.named("note_requested")] == [incident.id]
    assert service.status()["running"] is True


def test_a_failed_write_is_retried_until_it_is_on_disk(
    service: Service, clock: FakeClock, desktop: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resilience_app import files

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    incident = service.flag("kept").incident
    assert not service.durable and service.status()["unsaved_changes"]
    assert "No space left" in desktop.sent[0][1]
    assert service.next_wakeup() == clock.now() + timedelta(seconds=10)
    monkeypatch.undo()
    clock.advance(seconds=10)
    service.tick()
    assert service.durable and desktop.sent[-1][1].startswith("Saved.")
    fresh = type(service.store)(service.store.data_dir)
    stored = fresh.incident(incident.id)
    assert stored is not None and stored.label == "kept"
    assert stored.flagged_at.tzinfo is UTC or stored.flagged_at.utcoffset() == timedelta(0)
    assert datetime.now(UTC) > stored.flagged_at - timedelta(days=3650)


def test_back_within_counts_with_the_reps_own_firm_nudge_time(
    service: Service, clock: FakeClock
) -> None:
    service.update_settings({"nudge.first_minutes": 20, "nudge.second_minutes": 25})
    service.flag("slow to come back")
    clock.advance(minutes=22)  # back after 22 minutes: within 25, not within 15
    service.dialed()
    found = service.insights()
    assert found.target_minutes == 25
    assert (found.dial_count, found.dial_within_target) == (1, 1)


def test_highlights_speak_of_the_whole_month_whatever_period_is_shown(
    service: Service, clock: FakeClock
) -> None:
    from resilience_app.core.insights import MIN_FOR_HOURS

    start = clock.now()
    for n in range(MIN_FOR_HOURS):
        clock.set(start - timedelta(days=n % 20, hours=0))  # the same hour of day
        service.flag(f"call {n}")
        clock.advance(minutes=5)
        service.dialed()
    clock.set(start + timedelta(minutes=30))
    today = clock.now().astimezone().date()
    whole = service.insights().highlights
    shown_earlier = service.insights(last=today - timedelta(days=10)).highlights
    assert whole and shown_earlier == whole
