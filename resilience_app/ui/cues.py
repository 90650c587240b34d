"""The breathing guide's sound cues: a soft tone as each phase begins (in, hold, out).

Played through Qt Multimedia (`QSoundEffect`, from PySide6-Addons) from the short WAV files
in resources/sounds (made by scripts/make_tones.py), so a rep can breathe along with their
eyes closed, and a blind rep can follow the guide without a screen reader. The effects are
loaded once, ahead of the first break (the sound system takes a moment to open), and a
machine with no sound output simply stays silent (said once in the log).
"""

from __future__ import annotations

import logging
import os
import sys
from collections import deque
from contextlib import ExitStack
from importlib.resources import as_file

from PySide6.QtCore import QLoggingCategory, QObject, QUrl

from resilience_app.resources import resource

log = logging.getLogger(__name__)
MOTIONS = ("in", "hold", "out")
VOLUME = 0.6  # soft, under whatever the rep's desktop volume is


def choose_audio_backend(environ: dict[str, str] | os._Environ[str] = os.environ) -> None:
    """Qt Multimedia (6.10 on) tries PipeWire first wherever libpipewire is installed, even
    with no PipeWire server running (a desktop on PulseAudio, where libpipewire came with
    another package): libpipewire then prints "can't load config client.conf" on stderr
    before Qt settles on PulseAudio. Without a PipeWire server's socket, ask for PulseAudio
    straight away. A choice in the environment (QT_AUDIO_BACKEND) is left as it is."""
    if not sys.platform.startswith("linux") or environ.get("QT_AUDIO_BACKEND"):
        return
    runtime = environ.get("PIPEWIRE_RUNTIME_DIR") or environ.get("XDG_RUNTIME_DIR") or ""
    remote = environ.get("PIPEWIRE_REMOTE") or "pipewire-0"
    if not (runtime and os.path.exists(os.path.join(runtime, remote))):
        environ["QT_AUDIO_BACKEND"] = "pulseaudio"


class PhaseCues(QObject):
    """`play("in" | "hold" | "out")`; `played` lists what was asked for, newest last."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        choose_audio_backend()
        from PySide6.QtMultimedia import QSoundEffect

        # Qt Multimedia introduces its FFmpeg backend on stderr at start: not news for a rep.
        # (QT_LOGGING_RULES in the environment still overrides this.)
        QLoggingCategory.setFilterRules("qt.multimedia.ffmpeg.info=false")
        self._files = ExitStack()  # real paths for the WAVs, kept while the effects live
        self._effects: dict[str, QSoundEffect] = {}
        self._warned = False
        self.played: deque[str] = deque(maxlen=50)  # the last cues played, newest last
        for motion in MOTIONS:
            path = self._files.enter_context(as_file(resource("sounds", f"breath-{motion}.wav")))
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(VOLUME)
            self._effects[motion] = effect

    def play(self, motion: str) -> None:
        effect = self._effects.get(motion)
        if effect is None:
            return
        self.played.append(motion)
        if effect.status() == effect.Status.Error:
            if not self._warned:
                self._warned = True
                log.warning("the breathing sound cues cannot play here (no sound output?)")
            return
        for other in self._effects.values():
            if other is not effect and other.isPlaying():
                other.stop()  # a short phase: the new cue replaces the old one's tail
        effect.play()
