"""Calls and the loop, through the service with a fake clock and a fake microphone: the next
dial recorded by itself, no nudge during a call, reminders held, the offer to flag."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.calls import END_GRACE, MIN_CALL, AudioUse
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import DialSource, FollowUpKind, NudgeState, Phase
from resilience_app.core.settings import SettingError
from resilience_app.i18n import Message
from resilience_app.service import Service
from tests.doubles import Shown


class Microphone:
    """The OS boundary: which apps use the microphone, set by the test."""

    problem: Message | None = None

    def __init__(self) -> None:
        self.report: Callable[[frozenset[str]], None] | None = None
        self.interested: list[bool] = []

    def start(self, report: Callable[[frozenset[str]], None]) -> None:
        self.report = report

    def stop(self) -> None:
        self.report = None

    def interest(self, needed: bool) -> None:
        self.interested.append(needed)

    def used_by(self, *apps: str | AudioUse) -> None:
        assert self.report is not None, "the service is not watching the microphone"
        self.report(frozenset(apps))


class Keyboard:
    """The window system's key grab: the test presses the key. Grabs made through one
    `grabs` (one window system) exclude each other, as X11's and Windows' do."""

    def __init__(self, grabs: dict[str, Keyboard] | None = None) -> None:
        self.refuse: Message | None = None
        self.grabs = {} if grabs is None else grabs
        self.registered: str | None = None
        self.pressed: Callable[[], None] | None = None

    def register(self, shortcut: str, pressed: Callable[[], None]) -> Message | None:
        if self.refuse:
            return self.refuse
        if self.grabs.get(shortcut, self) is not self:
            return Message("Another application already uses {shortcut}.", shortcut=shortcut)
        self.grabs[shortcut] = self
        self.registered, self.pressed = shortcut, pressed
        return None

    def unregister(self) -> None:
        if self.registered is not None:
            del self.grabs[self.registered]
        self.registered = self.pressed = None


@pytest.fixture
def mic() -> Microphone:
    return Microphone()


@pytest.fixture
def grabs() -> dict[str, Keyboard]:
    return {}


@pytest.fixture
def keys(grabs: dict[str, Keyboard]) -> Keyboard:
    return Keyboard(grabs)


@pytest.fixture
def dial_keys(grabs: dict[str, Keyboard]) -> Keyboard:
    return Keyboard(grabs)


@pytest.fixture
def shown(notifier: NotifierChain) -> Shown:
    channel = Shown()
    notifier.add(channel)
    return channel


@pytest.fixture
def app(service: Service, mic: Microphone, keys: Keyboard, dial_keys: Keyboard) -> Service:
    service.call_desk.microphone = mic
    service.call_desk.global_key = keys
    service.call_desk.dial_key = dial_keys
    service.start()
    return service


def settle(app: Service, clock: FakeClock, seconds: float) -> None:
    """Let time pass the way the running app does: wake at each planned moment."""
    end = clock.now() + timedelta(seconds=seconds)
    while (planned := app.next_wakeup()) is not None and planned <= end:
        clock.set(max(planned, clock.now()))
        app.tick()
    clock.set(end)
    app.tick()


def test_a_call_during_the_break_is_the_next_dial(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    notes: list[Any] = []
    app.note_requested.connect(notes.append)
    incident = app.flag("Acme").incident
    settle(app, clock, 60)
    mic.used_by("Zoiper")
    settle(app, clock, 10)
    stored = app.incident(incident.id)
    assert stored.dialed_at == incident.flagged_at + timedelta(seconds=60)  # when it opened
    assert stored.dial_source is DialSource.DETECTED
    assert app.phase is Phase.CALM and notes == []  # no note pops up during the call
    assert {n.state for n in app.store.nudges()} == {NudgeState.CANCELLED}
    assert app.status()["on_call"] is True and app.status()["call_app"] == "Zoiper"
    assert app.tray_state().back_after_minutes == 1
    assert [i.id for i in app.open_notes()] == [incident.id]  # still one click away


def test_a_call_while_waiting_closes_the_loop_and_nothing_nudges(
    app: Service, mic: Microphone, clock: FakeClock, shown: Shown
) -> None:
    app.flag()
    app.end_break()
    settle(app, clock, 7 * 60)
    mic.used_by("Zoiper")
    settle(app, clock, 30 * 60)
    assert app.phase is Phase.CALM
    assert shown.titles == []
    [incident] = app.store.incidents()
    assert incident.time_to_dial == timedelta(minutes=7)


def test_a_flicker_is_no_call(app: Service, mic: Microphone, clock: FakeClock) -> None:
    app.flag()
    app.end_break()
    mic.used_by("Sound settings")
    settle(app, clock, (MIN_CALL - timedelta(seconds=1)).total_seconds())
    mic.used_by()
    settle(app, clock, 60)
    assert app.phase is Phase.WAITING and not app.calls.on_call


def test_an_ignored_app_never_counts(app: Service, mic: Microphone, clock: FakeClock) -> None:
    app.set_setting("calls.ignore_apps", "zoiper, Talon")
    app.flag()
    app.end_break()
    mic.used_by("Zoiper")
    settle(app, clock, 60)
    assert app.phase is Phase.WAITING
    assert app.status()["microphone_in_use_by"] == ["Zoiper"]  # seen, shown, not counted


def test_a_short_release_does_not_split_a_call(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    ended: list[Any] = []
    app.calls.ended.connect(lambda call, at: ended.append(at))
    mic.used_by("Zoiper")
    settle(app, clock, 60)
    mic.used_by()
    settle(app, clock, (END_GRACE - timedelta(seconds=1)).total_seconds())
    mic.used_by("Zoiper")  # switched headsets
    settle(app, clock, 60)
    assert ended == [] and app.calls.on_call
    mic.used_by()
    settle(app, clock, 10)
    assert len(ended) == 1 and not app.calls.on_call


def test_a_flag_during_a_call_waits_for_the_call_then_the_break_and_nudges_count_from_its_end(
    app: Service, mic: Microphone, clock: FakeClock, shown: Shown
) -> None:
    breaks: list[Any] = []
    app.break_requested.connect(breaks.append)
    mic.used_by("Zoiper")
    settle(app, clock, 10)
    outcome = app.flag("flagged while still on the line")
    incident = outcome.incident
    assert outcome.held and not outcome.already_on_break
    assert app.phase is Phase.HELD and breaks == []  # no window over the call
    assert shown.titles == ["Flagged"]  # "Your break starts when this call ends."
    settle(app, clock, 11 * 60)  # a long call: nothing falls due during it
    assert app.store.nudges() == [] and shown.titles == ["Flagged"]
    mic.used_by()  # hung up
    hung_up = clock.now()
    settle(app, clock, 5)
    assert app.phase is Phase.BREAK and [b.incident.id for b in breaks] == [incident.id]
    stored = app.incident(incident.id)
    assert stored.break_started_at == hung_up and stored.dialed_at is None
    assert stored.break_ends_at == hung_up + timedelta(minutes=app.settings.break_minutes)
    due = {n.kind.value: n.due_at - hung_up for n in app.store.nudges()}
    assert due == {
        "first": timedelta(minutes=app.settings.first_nudge_minutes),
        "second": timedelta(minutes=app.settings.second_nudge_minutes),
    }
    settle(app, clock, 60)
    mic.used_by("Zoiper")  # the next call is the dial
    settle(app, clock, 10)
    stored = app.incident(incident.id)
    assert stored.dial_source is DialSource.DETECTED
    assert stored.dialed_at == hung_up + timedelta(seconds=65)
    assert stored.time_to_dial == timedelta(seconds=65)  # from the hang-up, not the flag
    assert {n.state for n in app.store.nudges()} == {NudgeState.CANCELLED}


def test_flagging_again_during_the_call_keeps_one_call_waiting(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    mic.used_by("Zoiper")
    settle(app, clock, 10)
    first = app.flag().incident
    again = app.flag("Acme", rough=7)
    assert again.incident.id == first.id and again.held
    assert [i.label for i in app.store.incidents()] == ["Acme"]
    app.set_setting("calls.offer_flag", "on")
    offers: list[Any] = []
    app.flag_offered.connect(offers.append)
    mic.used_by()
    settle(app, clock, 5)
    assert app.phase is Phase.BREAK and offers == []  # flagged already: no offer to flag


def test_a_hooks_call_is_over_at_the_flag_so_its_break_starts_at_once(
    app: Service, clock: FakeClock
) -> None:
    app.call_started("Aircall")
    settle(app, clock, 30)
    outcome = app.flag()
    assert not outcome.held and app.phase is Phase.BREAK


def test_reminders_and_the_look_back_wait_for_the_end_of_the_call(
    app: Service, mic: Microphone, clock: FakeClock, shown: Shown
) -> None:
    app.flag("Acme")
    app.dialed()
    app.add_followup(FollowUpKind.CHECK_IN, in_minutes=1)
    mic.used_by("Zoiper")
    settle(app, clock, 5 * 60)
    assert shown.titles == [] and app.calls.on_call
    assert app.next_wakeup() is None  # nothing wakes the app during the call
    mic.used_by()
    settle(app, clock, 10)
    # Dialing cut the break short, so its note is mentioned once, gently, after the call.
    assert shown.titles == ["Your note can wait for you", "Follow-up: Check-in — Acme"]


def test_after_a_call_one_quiet_offer_to_flag_it(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    offers: list[Any] = []
    app.flag_offered.connect(offers.append)
    mic.used_by("Zoiper")
    settle(app, clock, 60)
    mic.used_by()
    settle(app, clock, 10)
    assert offers == []  # off by default
    app.set_setting("calls.offer_flag", "on")
    for _ in range(2):
        mic.used_by("Zoiper")
        settle(app, clock, 60)
        mic.used_by()
        settle(app, clock, 10)
    assert len(offers) == 2 and offers[0].app == "Zoiper"  # once per call
    mic.used_by("Zoiper")
    settle(app, clock, 30)
    app.flag("flagged during the call")
    mic.used_by()
    settle(app, clock, 10)
    assert len(offers) == 2  # already flagged: no offer


def test_a_dialers_hook_is_a_call_at_once(app: Service, clock: FakeClock) -> None:
    incident = app.flag().incident
    settle(app, clock, 90)
    app.call_started("SuperDialer")
    stored = app.incident(incident.id)
    assert stored.dial_source is DialSource.HOOK and stored.time_to_dial == timedelta(seconds=90)
    assert app.status()["call_app"] == "SuperDialer"
    app.call_ended()
    assert not app.calls.on_call


def test_detection_off_stops_watching_and_says_so(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    assert app.detection_problem is None and app.status()["call_detection"] == "on"
    app.set_setting("calls.detect", "off")
    assert mic.report is None and "off in Settings" in str(app.detection_problem)
    app.set_setting("calls.detect", "on")
    assert mic.report is not None


def test_a_polling_backend_rests_while_no_call_could_matter(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    assert mic.interested[-1] is False  # calm, no offer: nothing to look for
    app.flag()
    assert mic.interested[-1] is True
    app.dialed()
    assert mic.interested[-1] is False


def test_the_shortcut_flags_and_a_refusal_is_said(
    app: Service, keys: Keyboard, service: Service
) -> None:
    assert keys.registered == "Ctrl+Alt+B" and keys.pressed is not None
    keys.pressed()
    assert app.phase is Phase.BREAK
    app.set_setting("hotkey.flag", "Ctrl+Shift+F9")
    assert keys.registered == "Ctrl+Shift+F9"
    app.set_setting("hotkey.flag", "")
    assert keys.registered is None and app.hotkey_problem is None
    keys.refuse = Message("Another application already uses {shortcut}.", shortcut="Ctrl+Alt+B")
    app.set_setting("hotkey.flag", "Ctrl+Alt+B")
    assert app.status()["hotkey"]["problem"].startswith("Another application")


def test_the_dial_key_records_the_dial_while_a_flagged_call_waits(
    app: Service, keys: Keyboard, dial_keys: Keyboard, clock: FakeClock
) -> None:
    assert (keys.registered, dial_keys.registered) == ("Ctrl+Alt+B", "Ctrl+Alt+N")
    assert keys.pressed is not None and dial_keys.pressed is not None
    keys.pressed()
    incident = app.current
    assert incident is not None and app.phase is Phase.BREAK
    settle(app, clock, 4 * 60)  # the break is over; the nudges wait
    assert app.phase is Phase.WAITING
    dial_keys.pressed()
    stored = app.incident(incident.id)
    assert stored.dialed_at == incident.flagged_at + timedelta(minutes=4)
    assert stored.dial_source is DialSource.CLICKED  # as "I'm dialing" on the nudge card
    assert app.phase is Phase.CALM
    assert {n.state for n in app.store.nudges()} == {NudgeState.CANCELLED}


def test_the_dial_key_with_nothing_waiting_does_nothing_but_say_so_in_the_log(
    app: Service, dial_keys: Keyboard, caplog: pytest.LogCaptureFixture
) -> None:
    assert dial_keys.pressed is not None
    with caplog.at_level("INFO", logger="resilience_app.service.calls"):
        dial_keys.pressed()
    assert app.phase is Phase.CALM and app.store.incidents() == []
    assert "no tough call was waiting" in caplog.text


def test_the_dial_keys_setting_registers_it_again_and_the_two_keys_can_swap(
    app: Service, keys: Keyboard, dial_keys: Keyboard, caplog: pytest.LogCaptureFixture
) -> None:
    app.set_setting("hotkey.dial", "Ctrl+Shift+F8")
    assert dial_keys.registered == "Ctrl+Shift+F8" and keys.registered == "Ctrl+Alt+B"
    app.set_setting("hotkey.dial", "")
    assert dial_keys.registered is None and app.dial_key_problem is None
    assert app.status()["dial_hotkey"] == {"shortcut": "", "problem": None}
    app.set_setting("hotkey.dial", "Ctrl+Alt+N")
    # Swapped in one go (the settings window): each is given back before either is taken.
    with caplog.at_level("WARNING", logger="resilience_app.service.calls"):
        app.update_settings({"hotkey.flag": "Ctrl+Alt+N", "hotkey.dial": "Ctrl+Alt+B"})
    assert caplog.text == ""  # neither was refused on the way, not even for a moment
    assert (keys.registered, dial_keys.registered) == ("Ctrl+Alt+N", "Ctrl+Alt+B")
    assert app.hotkey_problem is None and app.dial_key_problem is None
    assert dial_keys.pressed is not None
    dial_keys.pressed()  # the dial key's action moved with the dial key
    assert app.phase is Phase.CALM
    with pytest.raises(SettingError, match="one key cannot do both"):
        app.set_setting("hotkey.dial", "Ctrl+Alt+N")
    assert dial_keys.registered == "Ctrl+Alt+B"


def test_status_says_which_dial_key_and_why_it_is_not_there(
    app: Service, dial_keys: Keyboard
) -> None:
    assert app.status()["dial_hotkey"] == {"shortcut": "Ctrl+Alt+N", "problem": None}
    dial_keys.refuse = Message(
        "Another application already uses {shortcut}.", shortcut="Ctrl+Alt+M"
    )
    app.set_setting("hotkey.dial", "Ctrl+Alt+M")
    status = app.status()
    assert status["dial_hotkey"] == {
        "shortcut": "Ctrl+Alt+M",
        "problem": "Another application already uses Ctrl+Alt+M.",
    }
    assert status["hotkey"] == {"shortcut": "Ctrl+Alt+B", "problem": None}  # the flag key's own


def test_closing_gives_both_keys_back(app: Service, keys: Keyboard, dial_keys: Keyboard) -> None:
    app.close()
    assert keys.registered is None and dial_keys.registered is None


class LateKeyboard(Keyboard):
    """A key the desktop grants or refuses after `register` returned (the Wayland portal)."""

    def __init__(self) -> None:
        super().__init__()
        self.problem_found: Callable[[Message | None], None] | None = None


def test_a_refusal_that_comes_later_is_said_and_a_later_grant_clears_it(
    service: Service,
) -> None:
    keys = LateKeyboard()
    service.call_desk.global_key = keys
    changes: list[None] = []
    service.calls_changed.connect(lambda: changes.append(None))
    service.start()
    assert keys.registered == "Ctrl+Alt+B" and service.hotkey_problem is None
    assert keys.problem_found is not None
    before = len(changes)
    keys.problem_found(
        Message("{shortcut} was declined in the desktop's dialog.", shortcut="Ctrl+Alt+B")
    )
    assert (
        service.status()["hotkey"]["problem"] == "Ctrl+Alt+B was declined in the desktop's dialog."
    )
    assert len(changes) == before + 1  # the Settings line is told
    keys.problem_found(None)
    assert service.hotkey_problem is None


def test_a_nudge_due_while_a_call_is_being_confirmed_waits_for_the_answer(
    app: Service, mic: Microphone, clock: FakeClock, shown: Shown
) -> None:
    app.flag()
    app.end_break()
    settle(app, clock, 10 * 60 - 2)
    mic.used_by("Zoiper")  # 2 s before the first nudge, confirmed 3 s after it
    settle(app, clock, 10)
    assert shown.titles == [] and app.phase is Phase.CALM


def test_a_hook_call_with_no_end_ends_at_the_next_flag(
    app: Service, clock: FakeClock, shown: Shown
) -> None:
    """A crashed softphone never sends `call end`: the flag says the call is over, so the
    nudges of that flag come as usual instead of being skipped for good."""
    app.set_setting("nudge.first_minutes", "1")
    app.set_setting("nudge.second_minutes", "2")
    app.call_started("Zoiper")
    settle(app, clock, 5 * 60)
    app.flag("After the crash")
    assert not app.calls.on_call and app.status()["on_call"] is False
    app.end_break()
    settle(app, clock, 3 * 60)
    assert [n.state for n in app.store.nudges()] == [NudgeState.FIRED, NudgeState.FIRED]


def test_a_hook_call_ends_when_the_microphone_it_used_goes_quiet(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    app.call_started("SuperDialer")
    mic.used_by("SuperDialer")
    settle(app, clock, 60)
    assert app.calls.on_call
    mic.used_by()
    settle(app, clock, END_GRACE.total_seconds() + 1)
    assert not app.calls.on_call


def test_a_hook_call_never_heard_by_the_microphone_waits_for_its_end_or_the_timeout(
    app: Service, clock: FakeClock, shown: Shown, caplog: pytest.LogCaptureFixture
) -> None:
    app.flag("Acme")
    app.dialed()
    app.add_followup(FollowUpKind.CHECK_IN, in_minutes=30)
    app.call_started("Zoiper")  # the dialer's audio is not on a microphone we can see
    settle(app, clock, 119 * 60)
    assert app.calls.on_call and shown.titles == []  # the reminder waits for the call
    with caplog.at_level("WARNING", logger="resilience_app.service.calls"):
        settle(app, clock, 2 * 60)
    assert not app.calls.on_call
    # Held during the call, then shown once (with the note the dial cut short).
    assert shown.titles == ["Your note can wait for you", "Follow-up: Check-in — Acme"]
    assert "never ended" in caplog.text and "120 minutes" in caplog.text


def test_the_hook_timeout_is_a_setting(app: Service, clock: FakeClock) -> None:
    app.set_setting("calls.hook_timeout_minutes", "15")
    app.call_started()
    settle(app, clock, 14 * 60)
    assert app.calls.on_call
    settle(app, clock, 2 * 60)
    assert not app.calls.on_call
    app.set_setting("calls.hook_timeout_minutes", "720")
    app.call_started()
    settle(app, clock, 30 * 60)
    assert app.calls.on_call  # a longer limit keeps the new call going
    app.set_setting("calls.hook_timeout_minutes", "10")  # already past: over now
    assert not app.calls.on_call
    with pytest.raises(SettingError):
        app.set_setting("calls.hook_timeout_minutes", "5")


def test_an_app_seen_on_a_call_is_a_call_at_once_next_time_and_it_is_kept(
    app: Service, mic: Microphone, clock: FakeClock, data_dir: Any
) -> None:
    from resilience_app.storage.settings_file import load_settings

    mic.used_by("ALSA plug-in [baresip]")
    settle(app, clock, 30)
    mic.used_by()
    settle(app, clock, 10)
    assert app.settings.get("calls.call_apps") == "ALSA plug-in [baresip]"
    assert load_settings(data_dir)["calls.call_apps"] == "ALSA plug-in [baresip]"  # on disk
    breaks_closed: list[Any] = []
    app.dialed_recorded.connect(breaks_closed.append)
    incident = app.flag("Acme").incident
    settle(app, clock, 40)
    mic.used_by("ALSA plug-in [baresip]")  # the next dial: no five seconds' wait
    opened = clock.now()
    assert app.calls.on_call and app.phase is Phase.CALM
    stored = app.incident(incident.id)
    assert stored.dialed_at == opened and stored.dial_source is DialSource.DETECTED
    assert [i.id for i in breaks_closed] == [incident.id]  # the break window goes at once


def test_an_unknown_app_still_waits_and_an_unnamed_one_is_never_learned(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    app.set_setting("calls.call_apps", "Zoiper")
    mic.used_by("Sound settings")
    assert not app.calls.on_call and app.calls.maybe_starting  # five seconds first
    mic.used_by()
    settle(app, clock, 10)
    mic.used_by("an application")  # what macOS says of any app
    settle(app, clock, 30)
    mic.used_by()
    settle(app, clock, 10)
    mic.used_by("zoiper")  # a name the rep typed, in any case
    assert app.calls.on_call
    assert app.settings.get("calls.call_apps") == "Zoiper"


BARESIP = AudioUse("ALSA plug-in [baresip]", "baresip", ("baresip",))
RINGBACK = AudioUse("ALSA plug-in [baresip]", "baresip", ("baresip",), playing=True)


def test_a_call_app_ringing_is_the_dial_and_an_unanswered_call_still_counts(
    app: Service, mic: Microphone, clock: FakeClock, shown: Shown
) -> None:
    app.set_setting("calls.offer_flag", "on")
    offers: list[Any] = []
    app.flag_offered.connect(offers.append)
    mic.used_by(RINGBACK)  # calm: a ring is nothing to record
    settle(app, clock, 30)
    assert not app.calls.on_call
    mic.used_by()
    settle(app, clock, 10)
    assert app.settings.get("calls.call_apps") == ""  # not learned from a ring
    mic.used_by(BARESIP)
    settle(app, clock, 30)
    mic.used_by()
    settle(app, clock, 10)
    assert app.settings.get("calls.call_apps") == "baresip"  # its program, for both streams
    offers.clear()
    incident = app.flag("Acme").incident
    app.end_break()
    settle(app, clock, 4 * 60)
    mic.used_by(RINGBACK)  # the rep dials; it rings
    rang = clock.now()
    settle(app, clock, 1)
    assert app.calls.on_call and app.phase is Phase.CALM
    settle(app, clock, 25)
    mic.used_by()  # nobody picked up
    settle(app, clock, 10 * 60)
    stored = app.incident(incident.id)
    assert stored.dialed_at == rang and stored.dial_source is DialSource.DETECTED
    assert shown.titles == [] and offers == []  # no nudge while dialling, no offer to flag


def test_the_apps_seen_on_the_microphone_and_this_is_not_a_call(
    app: Service, mic: Microphone, clock: FakeClock, data_dir: Any
) -> None:
    from resilience_app.core.errors import UserError
    from resilience_app.storage.settings_file import load_settings

    arecord = AudioUse("ALSA plug-in [aplay]", "aplay", ("arecord", "aplay"))
    mic.used_by(arecord, AudioUse("Chromium", "chromium", playing=True))
    assert app.call_desk.apps_seen() == [
        {"name": "ALSA plug-in [aplay]", "program": "aplay", "in_use": True,
         "ignored": False, "call_app": False}
    ]  # fmt: skip
    assert app.status()["apps_seen"] == app.call_desk.apps_seen()
    assert app.call_desk.not_a_call("ALSA plug-in [aplay]") == "aplay"
    assert load_settings(data_dir)["calls.ignore_apps"] == "aplay"
    settle(app, clock, 60)
    assert not app.calls.on_call and app.call_desk.apps_seen()[0]["ignored"] is True
    with pytest.raises(UserError, match="has not been seen"):
        app.call_desk.not_a_call("Zoiper")
    app.set_setting("calls.ignore_apps", "")
    app.set_setting("calls.ignore_apps", "arecord")  # typed as the rep knows it
    assert app.call_desk.apps_seen()[0]["ignored"] is True


def test_after_a_restart_during_the_wait_a_ring_is_still_the_dial(
    service: Service, mic: Microphone, clock: FakeClock, data_dir: Any, notifier: NotifierChain
) -> None:
    from resilience_app.service.build import open_service

    service.set_setting("calls.call_apps", "baresip")
    service.flag("Acme")
    service.end_break()
    service.close()
    clock.advance(60)
    again = open_service(data_dir, clock=clock, notifier=notifier, running=True)
    again.call_desk.microphone = mic
    again.start()
    assert again.phase is Phase.WAITING
    mic.used_by(RINGBACK)
    settle(again, clock, 1)
    assert again.phase is Phase.CALM and again.calls.on_call


def test_a_flag_during_a_hook_call_with_the_microphone_open_waits_for_the_call(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    app.call_started("Zoiper")
    mic.used_by("Zoiper")
    settle(app, clock, 30)
    outcome = app.flag("Acme")
    assert outcome.held and app.phase is Phase.HELD and app.calls.on_call
    mic.used_by()
    settle(app, clock, 10)
    assert app.phase is Phase.BREAK


def test_while_a_flagged_call_goes_on_there_is_no_dial_and_a_later_flag_starts_the_break(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    from resilience_app.core.errors import UserError

    mic.used_by("Talon")  # holds the microphone all shift: it looks like a call
    settle(app, clock, 10)
    assert app.flag("Acme").held
    with pytest.raises(UserError, match="still going on"):
        app.dialed()  # it would throw the break away
    settle(app, clock, 10)
    assert app.flag().held  # a double press keeps waiting
    settle(app, clock, 25)
    again = app.flag()
    assert not again.held and app.phase is Phase.BREAK  # asked again: the break now


def test_this_is_not_a_call_on_the_current_call_ends_it_with_no_offer_and_unlearns_it(
    app: Service, mic: Microphone, clock: FakeClock
) -> None:
    app.set_setting("calls.offer_flag", "on")
    offers: list[Any] = []
    app.flag_offered.connect(offers.append)
    zoom = AudioUse("ZOOM VoiceEngine", "zoom", ("zoom",))
    mic.used_by(zoom)
    settle(app, clock, 30)
    assert app.calls.on_call and app.settings.get("calls.call_apps") == "zoom"
    app.call_desk.not_a_call("ZOOM VoiceEngine")
    settle(app, clock, 10)
    assert not app.calls.on_call and offers == []
    assert app.settings.get("calls.call_apps") == ""
    assert app.settings.get("calls.ignore_apps") == "zoom"
