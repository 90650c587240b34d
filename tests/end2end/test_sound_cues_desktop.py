"""Eyes closed: the real app plays a soft tone as each breathing phase begins, heard on a
real sound server. PulseAudio's null sink "speaker" takes what the app plays (Qt
Multimedia, as on a rep's desktop); its monitor is recorded during a break, and each tone
is found by its pitch (Goertzel, in plain Python) at the phase times of the pattern.

The pitches are read from the WAV files the app ships, so the test hears what is shipped.
Debian packages: pulseaudio, pulseaudio-utils, plus the desktop's.
"""

from __future__ import annotations

import math
import struct
import subprocess
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from resilience_app.resources import resource

from resilience_app.core.breathing import PATTERNS
from tests.end2end.desktop import VirtualDesktop
from tests.end2end.sound import SoundServer
from tests.end2end.test_accessibility_desktop import ReadableApp

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
RATE = 16_000  # what the monitor is recorded at: plenty for tones under 1 kHz
WINDOW = 0.04  # seconds per analysis window (25 Hz apart is told apart)
HOP = 0.01
TOLERANCE = 0.15  # seconds: a frame of the guide (33 ms) plus the sound system's own delay


def goertzel(samples: list[float], frequency: float, rate: int) -> float:
    """The power of one frequency in a short stretch of sound."""
    coefficient = 2 * math.cos(2 * math.pi * frequency / rate)
    before = earlier = 0.0
    for sample in samples:
        before, earlier = sample + coefficient * before - earlier, before
    return (before * before + earlier * earlier - coefficient * before * earlier) / len(samples)


def hann(samples: list[float]) -> list[float]:
    n = len(samples)
    return [s * (0.5 - 0.5 * math.cos(2 * math.pi * i / (n - 1))) for i, s in enumerate(samples)]


def read_wav(path: Path) -> tuple[list[float], int]:
    with wave.open(str(path)) as wav:
        assert wav.getsampwidth() == 2 and wav.getnchannels() == 1
        frames = wav.readframes(wav.getnframes())
        rate = wav.getframerate()
    return [v / 32768 for v in struct.unpack(f"<{len(frames) // 2}h", frames)], rate


def pitch_of(motion: str) -> float:
    """The strongest pitch (200-1200 Hz, to 5 Hz) of the cue the app ships for `motion`."""
    samples, rate = read_wav(Path(str(resource("sounds", f"breath-{motion}.wav"))))
    middle = hann(samples[len(samples) // 4 : len(samples) // 4 + int(0.1 * rate)])
    return max(range(200, 1205, 5), key=lambda f: goertzel(middle, f, rate))


def onsets(samples: list[float], pitches: dict[str, float]) -> list[tuple[float, str]]:
    """(seconds into the recording, motion) where each tone starts."""
    size, hop = int(WINDOW * RATE), int(HOP * RATE)
    frames = []
    for start in range(0, len(samples) - size, hop):
        part = hann(samples[start : start + size])
        frames.append({m: goertzel(part, f, RATE) for m, f in pitches.items()})
    loudest = max(max(frame.values()) for frame in frames)
    found: list[tuple[float, str]] = []
    last_on: dict[str, int] = dict.fromkeys(pitches, -1000)
    for index, frame in enumerate(frames):
        top = max(frame, key=lambda m: frame[m])
        if frame[top] > loudest * 0.02:  # loud enough, and this pitch the loudest
            if index - last_on[top] > 30:  # silent for 0.3 s before: a new tone
                found.append((index * hop / RATE, top))
            last_on[top] = index
    return found


class Recorder:
    """`parec` on the speaker's monitor, read as it comes (raw 16-bit mono)."""

    def __init__(self, sound: SoundServer) -> None:
        self.proc = subprocess.Popen(
            ["parec", "-d", "speaker.monitor", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--latency-msec=20"],
            env=sound.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.chunks: list[bytes] = []
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read1(4096):
            self.chunks.append(chunk)

    def stop(self) -> list[float]:
        self.proc.terminate()
        self.proc.wait(5)
        self.thread.join(5)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        data = b"".join(self.chunks)
        data = data[: len(data) // 2 * 2]
        return [v / 32768 for v in struct.unpack(f"<{len(data) // 2}h", data)]


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with VirtualDesktop() as d:
        yield d


@pytest.fixture(scope="module")
def sound(desktop: VirtualDesktop) -> Iterator[SoundServer]:
    with SoundServer(Path(desktop.env["XDG_RUNTIME_DIR"])) as server:
        yield server


def test_each_phase_gets_its_tone_at_its_time(
    desktop: VirtualDesktop, sound: SoundServer, tmp_path: Path
) -> None:
    pitches = {motion: pitch_of(motion) for motion in ("in", "hold", "out")}
    assert len(set(pitches.values())) == 3  # three distinct pitches
    pattern = PATTERNS["box"]  # in 4 s, hold 4 s, out 4 s, hold 4 s
    expected, at = [], 0.0
    for step in pattern.steps:
        expected.append((at, step.motion))
        at += step.seconds
    app = ReadableApp(desktop, tmp_path / "data")
    app.cli("config", "set", "break.pattern", pattern.key)
    app.cli("config", "set", "break.phase_sounds", "on")
    app.start()
    time.sleep(1.5)  # the app opens the sound system at start, not at the first break
    recorder = Recorder(sound)
    try:
        time.sleep(0.5)
        app.cli("flag")
        desktop.wait_for_window("take a breath", timeout=10)
        time.sleep(expected[-1][0] + 1.5)  # through the last phase's start
    finally:
        samples = recorder.stop()
    app.cli("dialed")  # the break ends: no more tones
    app.stop()
    heard = onsets(samples, pitches)
    assert heard, "no tone was heard"
    start = heard[0][0]  # the first phase's tone: the recording's own clock starts here
    relative = [(round(t - start, 3), motion) for t, motion in heard]
    print(f"pitches {pitches}; heard (s after the first tone): {relative}")
    assert [m for _t, m in relative] == [m for _t, m in expected], relative
    for (when, _motion), (due, _due_motion) in zip(relative, expected, strict=True):
        assert abs(when - due) <= TOLERANCE, relative
