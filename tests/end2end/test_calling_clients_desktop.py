"""A real softphone's ringing is the dial: baresip calls another baresip over loopback on the
virtual desktop, under PulseAudio and under PipeWire (pipewire-pulse + WirePlumber), and the
running app sees it through the sound server alone. Softphones open the microphone only when
the other side answers; the rep's dial is when it starts ringing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.end2end.calling import (
    Baresip,
    PipeWireServer,
    browser_dialer,
    capture_streams,
    playback_streams,
    softphones,
    wait_for,
)
from tests.end2end.desktop import VirtualDesktop
from tests.end2end.sound import SoundServer
from tests.end2end.test_app_desktop import RunningApp, ours

pytestmark = pytest.mark.e2e
FIRST, SECOND = 0.1, 0.2  # minutes: 6 s and 12 s after the flag


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with VirtualDesktop() as d:
        yield d


@pytest.fixture(params=["pulseaudio", "pipewire"])
def server(request: Any, desktop: VirtualDesktop, tmp_path: Path) -> Iterator[Any]:
    runtime = Path(desktop.env["XDG_RUNTIME_DIR"])
    if request.param == "pulseaudio":
        sound: Any = SoundServer(runtime)
    else:
        sound = PipeWireServer(
            runtime, tmp_path / "pipewire", desktop.env["DBUS_SESSION_BUS_ADDRESS"]
        )
    with sound:
        yield sound


@pytest.fixture
def app(desktop: VirtualDesktop, server: Any, tmp_path: Path) -> Iterator[RunningApp]:
    data_dir = tmp_path / "data"
    desktop.clear_notifications()
    running = RunningApp.__new__(RunningApp)
    running.desktop, running.data_dir = desktop, data_dir
    running.cli("config", "set", "nudge.first_minutes", str(FIRST))
    running.cli("config", "set", "nudge.second_minutes", str(SECOND))
    running.cli("config", "set", "calls.offer_flag", "on")
    running.__init__(desktop, data_dir)  # type: ignore[misc]
    wait_for(lambda: running.status()["call_detection"] == "on", 10, "call detection on")
    yield running
    code = running.proc.terminate(timeout=10)
    assert "Traceback" not in running.proc.stderr, running.proc.stderr
    assert code == 0, running.proc.stderr


def answered_call(app: RunningApp, rep: Baresip, customer: Baresip, env: dict[str, str]) -> None:
    """The rep calls the customer, who answers; the app sees the call. A softphone that
    never opened the microphone (its audio device failed to start: nothing the app could
    see) is given one more call; a microphone in use that the app does not see fails."""
    for attempt in (1, 2):
        rep.command("dial", customer.uri)
        customer.wait_event("CALL_INCOMING", after=attempt - 1)
        customer.command("accept")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if app.status()["on_call"]:
                return
            time.sleep(0.1)
        streams = capture_streams(env)
        if streams or attempt == 2:
            raise AssertionError(
                f"the call is not seen; capture streams: {streams}; "
                f"rep: {rep.log_tail()}; customer: {customer.log_tail()}"
            )
        rep.command("hangup")
        time.sleep(2)


def test_a_softphone_ringing_is_the_dial_answered_or_not(
    app: RunningApp, desktop: VirtualDesktop, server: Any, tmp_path: Path
) -> None:
    env = server.env
    with softphones(tmp_path / "phones", env) as (rep, customer):
        # A first call, answered: the softphone is seen on a call and learned as the rep's.
        answered_call(app, rep, customer, env)
        rep.command("hangup")
        wait_for(lambda: not app.status()["on_call"], 15, "the call ended")
        assert app.cli("config", "get", "calls.call_apps").stdout.strip() == "baresip"
        desktop.clear_notifications()  # the offer to flag that first call

        # The call that goes south is flagged; the break starts; the rep dials again.
        app.cli("flag", "--label", "Acme")
        desktop.wait_for_window("take a breath", timeout=5)
        time.sleep(2)
        rep.command("dial", customer.uri)
        wait_for(lambda: playback_streams(env), 5, "the ringback plays")
        rang = datetime.now().astimezone()
        rang_mono = time.monotonic()
        assert capture_streams(env) == []  # ringing: the microphone is not open yet
        wait_for(lambda: app.status()["phase"] == "calm", 5, "the dial is recorded")
        seen_after = time.monotonic() - rang_mono
        wait_for(lambda: desktop.find_windows("take a breath") == [], 2, "the break made way")
        # Nobody answers; both nudge times pass while it rings; the rep gives up.
        time.sleep(SECOND * 60 - 2 + 1)
        assert ours(desktop) == []  # no nudge while dialling
        rep.command("hangup")
        wait_for(lambda: not app.status()["on_call"], 15, "the unanswered call ended")
        time.sleep(1)
    # After the call, the note left in the break is a click away; no offer to flag a call
    # that only rang.
    assert [n["summary"] for n in ours(desktop)] == ["Your note can wait for you"]
    assert app.status()["phase"] == "calm"
    [record] = app.export()
    dialed = datetime.fromisoformat(record["dialed_at"])
    assert record["dial_source"] == "detected"
    late = (dialed - rang).total_seconds()
    print(f"{type(server).__name__}: dial recorded {late:+.3f} s from the ringback, "
          f"the phase calm {seen_after:.3f} s after")  # fmt: skip
    assert abs(late) <= 1.0, (dialed, rang)
    assert seen_after <= 2.5  # a ring counts after 0.75 s; status is asked over the channel
    assert sorted(n["state"] for n in record["nudges"]) == ["cancelled", "cancelled"]


def test_an_app_ignored_by_the_name_the_rep_knows_is_never_a_call(
    app: RunningApp, server: Any, tmp_path: Path
) -> None:
    """`arecord` is what the rep started; the sound server calls it "ALSA plug-in
    [aplay]". Typed into the ignore list as `arecord`, it is never a call."""
    import subprocess

    from tests.end2end.calling import require

    require("arecord")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
    assert app.cli("config", "set", "calls.ignore_apps", "arecord").returncode == 0
    recorder = subprocess.Popen(
        ["arecord", "-q", "-f", "S16_LE", "-r", "8000", "/dev/null"],
        env=dict(server.env, HOME=str(home)),
        stderr=subprocess.DEVNULL,
    )
    try:
        seen = wait_for(lambda: app.status()["apps_seen"], 10, "arecord is seen")
        time.sleep(7)  # longer than a call's few seconds
        status = app.status()
    finally:
        recorder.terminate()
        recorder.wait(5)
    assert seen[0]["name"] == "ALSA plug-in [aplay]" and seen[0]["ignored"] is True
    assert status["microphone_in_use_by"] == ["ALSA plug-in [aplay]"]  # seen, shown
    assert status["on_call"] is False  # not counted


def test_a_flag_during_a_real_call_starts_its_break_at_the_hang_up(
    app: RunningApp, desktop: VirtualDesktop, server: Any, tmp_path: Path
) -> None:
    env = server.env
    with softphones(tmp_path / "phones", env) as (rep, customer):
        answered_call(app, rep, customer, env)
        flagged = app.cli("flag", "--label", "Acme")
        assert "Your break starts when this call ends." in flagged.stdout
        assert app.status()["phase"] == "held"
        time.sleep(2)
        assert desktop.find_windows("take a breath") == []  # not over the call
        rep.command("hangup")
        hung_up = datetime.now().astimezone()
        desktop.wait_for_window("take a breath", timeout=10)
    [record] = app.export()
    started = datetime.fromisoformat(record["break_started_at"])
    assert 0 <= (started - hung_up).total_seconds() <= 1.0, (started, hung_up)
    assert app.status()["phase"] == "break"


def test_a_browser_dialer_is_seen_and_ignored_as_chromium(
    app: RunningApp, server: Any, tmp_path: Path
) -> None:
    assert app.cli("config", "set", "calls.ignore_apps", "chromium").returncode == 0
    with browser_dialer(tmp_path / "browser", server.env):
        seen = wait_for(lambda: app.status()["apps_seen"], 10, "Chromium is seen")
        time.sleep(7)  # longer than a call's few seconds
        assert app.status()["on_call"] is False
        assert app.cli("config", "set", "calls.ignore_apps", "").returncode == 0
        wait_for(lambda: app.status()["on_call"], 10, "no longer ignored: a call")
        call_app = app.status()["call_app"]
    print(f"{type(server).__name__}: Chromium seen as {seen}")
    assert [(s["name"], s["program"], s["ignored"]) for s in seen] == [
        ("Chromium input", "chromium", True)
    ]
    assert call_app == "Chromium input"
    assert app.cli("config", "get", "calls.call_apps").stdout.strip() == "chromium"
