"""The call tracker's rules with a fake clock: a ringing call app is the dial, names the rep
types match as words, playback that is not a ring never counts."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from resilience_app.core.calls import (
    END_GRACE,
    MIN_CALL,
    MIN_RING,
    RING_LIMIT,
    AudioUse,
    Call,
    CallTracker,
    named,
)
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import DialSource

BARESIP_MIC = AudioUse("ALSA plug-in [baresip]", "baresip", ("baresip",))
BARESIP_RING = AudioUse("ALSA plug-in [baresip]", "baresip", ("baresip",), playing=True)
CHROMIUM_MIC = AudioUse("Chromium input", "chromium", ("chromium",))
CHROMIUM_SOUND = AudioUse("Chromium", "chromium", ("chromium",), playing=True)


def tracker(known: str = "", ignored: str = "") -> tuple[CallTracker, FakeClock, list[Call]]:
    clock = FakeClock()
    calls = CallTracker(clock)
    calls.set_known([n for n in known.split(",") if n])
    calls.set_ignored([n for n in ignored.split(",") if n])
    started: list[Call] = []
    calls.started.connect(started.append)
    return calls, clock, started


def test_a_call_app_ringing_is_the_dial_at_once_while_a_dial_is_awaited() -> None:
    calls, clock, started = tracker(known="baresip")
    ended: list[tuple[Call, datetime]] = []
    calls.ended.connect(lambda call, at: ended.append((call, at)))
    calls.set_ringing_counts(True)
    rang_at = clock.advance(2)
    calls.microphone([BARESIP_RING])
    assert started == [] and calls.maybe_starting  # nudges wait; a blip is no ring
    assert calls.next_wakeup() == rang_at + MIN_RING
    clock.advance(MIN_RING.total_seconds())
    calls.tick()
    assert [(c.app, c.started_at, c.source, c.answered) for c in started] == [
        ("ALSA plug-in [baresip]", rang_at, DialSource.DETECTED, False)
    ]
    clock.advance(10)  # answered: the ringback stops, the microphone opens
    calls.microphone([BARESIP_MIC, BARESIP_RING])
    assert calls.current is not None and calls.current.answered
    clock.advance(60)
    calls.microphone([])
    clock.advance(END_GRACE.total_seconds())
    calls.tick()
    assert len(started) == 1 and ended[0][0].answered and ended[0][0].started_at == rang_at


def test_a_call_that_only_rang_ends_unanswered_with_its_dial_kept() -> None:
    calls, clock, started = tracker(known="baresip")
    ended: list[Call] = []
    calls.ended.connect(lambda call, at: ended.append(call))
    calls.set_ringing_counts(True)
    calls.microphone([BARESIP_RING])
    clock.advance(30)
    calls.tick()
    calls.microphone([])  # nobody picked up
    clock.advance(END_GRACE.total_seconds())
    calls.tick()
    assert len(started) == 1 and [c.answered for c in ended] == [False]
    assert not calls.on_call


def test_playback_is_no_call_while_no_dial_is_awaited_or_by_an_unknown_app() -> None:
    calls, clock, started = tracker(known="baresip")
    calls.microphone([BARESIP_RING])  # calm: a ring now is not a dial anyone waits for
    clock.advance(MIN_CALL.total_seconds() * 3)
    calls.tick()
    assert started == [] and not calls.maybe_starting
    calls.microphone([])
    calls.set_ringing_counts(True)
    calls.microphone([AudioUse("Music", "rhythmbox", playing=True)])
    clock.advance(60)
    calls.tick()
    assert started == []


def test_sound_already_playing_when_a_dial_began_to_be_awaited_is_not_a_ring() -> None:
    calls, clock, started = tracker(known="chromium")
    calls.microphone([CHROMIUM_SOUND])  # a video in the browser that is also the dialer
    clock.advance(5)
    calls.set_ringing_counts(True)
    clock.advance(60)
    calls.tick()
    assert started == []
    calls.microphone([])
    clock.advance(1)
    calls.microphone([CHROMIUM_SOUND])  # the dialer rings
    clock.advance(1)
    calls.tick()
    assert len(started) == 1


def test_a_second_stream_of_an_app_already_playing_is_a_ring() -> None:
    calls, clock, started = tracker(known="chromium")
    video = AudioUse("Chromium", "chromium", playing=True, stream=3)
    calls.microphone([video])
    clock.advance(5)
    calls.set_ringing_counts(True)
    clock.advance(30)
    calls.tick()
    assert started == []
    calls.microphone([video, AudioUse("Chromium", "chromium", playing=True, stream=4)])
    clock.advance(1)
    calls.tick()
    assert len(started) == 1


def test_a_blip_is_no_ring_and_a_ring_nobody_answers_is_over_after_the_limit() -> None:
    calls, clock, started = tracker(known="chromium")
    ended: list[Call] = []
    calls.ended.connect(lambda call, at: ended.append(call))
    calls.set_ringing_counts(True)
    calls.microphone([CHROMIUM_SOUND])  # a notification's sound
    clock.advance(0.4)
    calls.microphone([])
    clock.advance(10)
    calls.tick()
    assert started == []
    calls.microphone([CHROMIUM_SOUND])  # music, say: taken for a ring
    clock.advance(1)
    calls.tick()
    assert len(started) == 1
    clock.advance(RING_LIMIT.total_seconds())
    calls.tick()
    assert [c.answered for c in ended] == [False] and not calls.on_call
    clock.advance(60)
    calls.tick()
    assert len(started) == 1  # that sound starts no other call
    calls.microphone([])
    calls.microphone([CHROMIUM_SOUND])  # new sound is a ring again
    clock.advance(1)
    calls.tick()
    assert len(started) == 2


def test_during_a_call_only_its_own_apps_sound_keeps_it_going() -> None:
    calls, clock, _started = tracker(known="baresip,chromium")
    ended: list[Call] = []
    calls.ended.connect(lambda call, at: ended.append(call))
    calls.microphone([BARESIP_MIC, CHROMIUM_SOUND])  # music in the browser meanwhile
    assert calls.on_call
    clock.advance(60)
    calls.microphone([CHROMIUM_SOUND])  # hung up; the music plays on
    clock.advance(END_GRACE.total_seconds())
    calls.tick()
    assert len(ended) == 1 and not calls.on_call


def test_a_known_apps_microphone_is_a_call_at_once_an_unknown_one_after_the_minimum() -> None:
    calls, _clock, started = tracker(known="Chromium")
    calls.microphone([CHROMIUM_MIC])
    assert [c.app for c in started] == ["Chromium input"]
    other, clock2, started2 = tracker()
    other.microphone([CHROMIUM_MIC])
    assert started2 == [] and other.maybe_starting
    clock2.advance(MIN_CALL.total_seconds())
    other.tick()
    assert [c.app for c in started2] == ["Chromium input"]


def test_ignored_names_match_name_program_or_executable_as_words() -> None:
    arecord = AudioUse("ALSA plug-in [aplay]", "aplay", ("arecord", "aplay"))
    for typed in ("arecord", "ARECORD", "aplay", "alsa plug-in"):
        assert named([typed], arecord), typed
    assert named(["chromium"], CHROMIUM_MIC) and named(["Chromium Input"], CHROMIUM_MIC)
    for typed in ("chrom", "input chromium", "", "  ", "record"):
        assert not named([typed], CHROMIUM_MIC if "chrom" in typed else arecord), typed
    calls, clock, started = tracker(ignored="arecord")
    calls.microphone([arecord])
    clock.advance(60)
    calls.tick()
    assert started == [] and calls.microphone_users == ["ALSA plug-in [aplay]"]


def test_an_ignored_app_never_rings() -> None:
    calls, clock, started = tracker(known="baresip", ignored="baresip")
    calls.set_ringing_counts(True)
    calls.microphone([BARESIP_RING, BARESIP_MIC])
    clock.advance(60)
    calls.tick()
    assert started == []


words_text = st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), max_size=30)


@given(name=words_text, typed=words_text)
def test_a_name_matches_only_when_its_words_are_in_the_label(name: str, typed: str) -> None:
    use = AudioUse(name)
    if named([typed], use):
        assert typed.strip() and any(ch.isalnum() or ch == "_" for ch in typed)
    # What the app shows always matches itself, when it has a word in it.
    if any(ch.isalnum() for ch in name):
        assert named([name], use)
