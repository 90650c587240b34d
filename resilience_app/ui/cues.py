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
import time
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from importlib.resources import as_file
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QLoggingCategory,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    QUrl,
    qInstallMessageHandler,
)

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


@dataclass(frozen=True)
class ToneTrial:
    """What happened when one tone was played for a check (`resilience play-tone`).

    outcome: "played"; "no_device" (the system offers no sound output); "unplayable" (Qt
    Multimedia refused the file or the device refused its format); "unfinished" (it did
    not end within the time allowed); "no_multimedia" (Qt Multimedia is not installed:
    the breathing guide is silent everywhere).
    """

    outcome: str
    device: str = ""
    detail: str = ""
    seconds: float = 0.0


DEFAULT_TONE = "breath-in.wav"


def try_tone(path: Path | None, timeout: float = 10.0) -> ToneTrial:
    """Play `path` (None: the breathing-in tone) once through QSoundEffect, as the guide
    does, and wait for it to end or for `timeout` seconds. Needs no window: a
    QCoreApplication is made if there is none."""
    if path is None:
        with as_file(resource("sounds", DEFAULT_TONE)) as tone:
            return try_tone(tone, timeout)
    try:
        import PySide6.QtMultimedia  # noqa: F401
    except ImportError as exc:  # a build without Qt Multimedia
        return ToneTrial("no_multimedia", detail=str(exc))
    # Qt says what went wrong in its own words on stderr ("QSoundEffect: Error decoding
    # source ...", "PulseAudioService: pa_context_connect() failed"); the check says it in
    # one sentence, and Qt's words go to the log.
    previous = qInstallMessageHandler(_qt_to_log)
    try:
        return _try_tone(path, timeout)
    finally:
        qInstallMessageHandler(previous)


def _qt_to_log(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    log.debug("Qt: %s", message)


def _try_tone(path: Path, timeout: float) -> ToneTrial:
    from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

    choose_audio_backend()
    QLoggingCategory.setFilterRules("qt.multimedia.ffmpeg.info=false")
    if QCoreApplication.instance() is None:
        # Kept by Qt until the process exits; a check is the whole of that process.
        _keep.append(QCoreApplication([sys.argv[0] if sys.argv else "resilience"]))
    device = QMediaDevices.defaultAudioOutput()
    if device.isNull() or not QMediaDevices.audioOutputs():
        return ToneTrial("no_device")
    name = device.description()
    effect = QSoundEffect(device)
    loop = QEventLoop()
    timer = QTimer(singleShot=True)
    timer.timeout.connect(loop.quit)
    began: list[bool] = []  # isPlaying() at each change
    effect.statusChanged.connect(loop.quit)
    effect.playingChanged.connect(lambda: began.append(effect.isPlaying()))
    effect.playingChanged.connect(loop.quit)
    started = time.monotonic()
    timer.start(int(timeout * 1000))

    def wait_for(done: Callable[[], bool]) -> bool:
        """Qt's events until done() or the time is up; done() as it stands then."""
        while not done() and timer.isActive():
            loop.exec()
        return done()

    failed = QSoundEffect.Status.Error
    try:
        effect.setVolume(VOLUME)
        effect.setSource(QUrl.fromLocalFile(str(path)))
        if not wait_for(lambda: effect.status() in (QSoundEffect.Status.Ready, failed)):
            return ToneTrial("unfinished", device=name, seconds=time.monotonic() - started)
        if effect.status() != failed:
            effect.play()
            wait_for(lambda: effect.status() == failed or (True in began and not began[-1]))
        seconds = time.monotonic() - started
        if effect.status() == failed:
            return ToneTrial("unplayable", device=name, seconds=seconds)
        if True not in began or began[-1]:
            return ToneTrial("unfinished", device=name, seconds=seconds)
        return ToneTrial("played", device=name, seconds=seconds)
    finally:
        timer.stop()
        effect.blockSignals(True)  # it may still be playing: nothing is listening any more
        effect.stop()


_keep: list[QCoreApplication] = []
