"""Which sound system Qt Multimedia is asked for (resilience_app.ui.cues.choose_audio_backend)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from resilience_app.ui.cues import choose_audio_backend

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PipeWire/PulseAudio")


def test_without_a_pipewire_server_pulseaudio_is_asked_for(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    choose_audio_backend(env)
    assert env["QT_AUDIO_BACKEND"] == "pulseaudio"


def test_a_running_pipewire_server_is_left_to_qt(tmp_path: Path) -> None:
    (tmp_path / "pipewire-0").touch()
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    choose_audio_backend(env)
    assert "QT_AUDIO_BACKEND" not in env
    elsewhere = tmp_path / "pw"
    elsewhere.mkdir()
    (elsewhere / "mine").touch()
    env = {"PIPEWIRE_RUNTIME_DIR": str(elsewhere), "PIPEWIRE_REMOTE": "mine"}
    choose_audio_backend(env)
    assert "QT_AUDIO_BACKEND" not in env


def test_the_reps_own_choice_stays() -> None:
    env = {"QT_AUDIO_BACKEND": "pipewire"}
    choose_audio_backend(env)
    assert env == {"QT_AUDIO_BACKEND": "pipewire"}
