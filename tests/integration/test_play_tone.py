"""`resilience play-tone`, the check of the breathing guide's tones, as a real process: heard
on a real sound server (PulseAudio's null sink, its monitor recorded), and one sentence
for each way it cannot play. tests/windows/test_bundle.py runs it in the Windows bundle."""

from __future__ import annotations

import array
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.end2end.sound import SoundServer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PulseAudio runs on Linux"),
]
ROOT = Path(__file__).resolve().parents[2]
RATE = 16_000


def play_tone(env: dict[str, str], *args: str, program: list[str] | None = None) -> tuple[int, str]:
    done = subprocess.run(
        [*(program or [sys.executable, "-m", "resilience_app"]), "play-tone", *args],
        env=dict(env, LANGUAGE="en"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout + done.stderr


def test_the_tone_is_heard_on_the_sound_server(tmp_path: Path) -> None:
    with SoundServer(tmp_path / "runtime") as sound:
        recording = tmp_path / "speaker.raw"
        recorder = subprocess.Popen(
            ["parecord", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1",
             "-d", "speaker.monitor", str(recording)],
            env=sound.env,
        )  # fmt: skip
        try:
            started = time.monotonic()
            code, said = play_tone(sound.env)
            took = time.monotonic() - started
            time.sleep(0.5)  # the sound server's own latency, before the recording stops
        finally:
            recorder.terminate()
            recorder.wait(5)
        samples = array.array("h", recording.read_bytes())
    assert code == 0 and said.startswith("Played breath-in.wav on "), said
    loud = [i for i in range(0, len(samples), RATE // 100) if abs(samples[i]) > 300]
    heard = (loud[-1] - loud[0]) / RATE if loud else 0.0
    assert 0.25 < heard < 0.6, f"{heard:.2f} s of tone recorded (the file is 0.45 s)"
    print(f"played and heard ({heard:.2f} s of tone) in {took:.1f} s")


def test_no_sound_server_is_no_audio_device(tmp_path: Path) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), QT_AUDIO_BACKEND="pulseaudio")
    env.pop("PULSE_SERVER", None)
    code, said = play_tone(env)
    assert code == 1
    assert said == (
        "resilience: No audio device: this computer offers no sound output, so no tone can play.\n"
    )


def test_a_file_that_is_no_sound_is_named(tmp_path: Path) -> None:
    with SoundServer(tmp_path / "runtime") as sound:
        code, said = play_tone(sound.env, str(ROOT / "README.md"))
    assert code == 1 and said.startswith("resilience: "), said
    assert f"could not play {ROOT / 'README.md'} (is it a WAV file?)." in said


def test_without_qt_multimedia_it_says_so(tmp_path: Path) -> None:
    # A Python that cannot import PySide6.QtMultimedia, as in a bundle that left it out.
    blocked = "import sys; sys.modules['PySide6.QtMultimedia'] = None; import runpy; "
    blocked += "runpy.run_module('resilience_app', run_name='__main__')"
    code, said = play_tone(dict(os.environ), program=[sys.executable, "-c", blocked])
    assert code == 1
    assert said.startswith("resilience: Qt Multimedia is missing from this installation ("), said
    assert "so the breathing guide's tones cannot play." in said
