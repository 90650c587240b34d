"""Which applications are using the microphone, per platform. Never what they hear.

Each backend reports a set of application names whenever it changes, in the GUI thread:

- Linux: the PulseAudio API (served by PipeWire too, through pipewire-pulse) via pulsectl.
  A thread subscribes to the server's events and lists capture and playback streams after
  each one: no polling, so an idle app does not wake up. Monitor sources (what is being
  played), paused streams and level meters do not count as the microphone. Playback is
  reported too (`AudioUse.playing`): a softphone's ringback is the first sign of a dial.
  Each use carries the app's name, program and executable, for names the rep types.
  With no sound server it says so once and reconnects as soon as the server's socket
  appears (inotify, not a timer).
- Windows: the per-app microphone consent store in the registry, which Windows updates
  when an app starts and stops using the microphone (LastUsedTimeStop = 0 while in use).
- macOS: CoreAudio's "device is running somewhere" on each input device that is not
  virtual or an aggregate; CoreAudio does not say which app, so the report is one name.
- Both of those poll (`PollingMicrophone`): every 2 s, only while the service says it
  matters, and a change is reported only after two equal readings in a row.
- Elsewhere (and when nothing works): `NullMicrophone`, with a sentence saying why.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from resilience_app.core.calls import AudioUse
from resilience_app.i18n import N_, Message

log = logging.getLogger(__name__)
Report = Callable[[frozenset[Any]], None]  # AudioUse, or plain names where that is all
NO_SINK = 0xFFFFFFFF  # a source that is not the monitor of a sink: a real input
LEVEL_METERS = {"peak detect", "pulseaudio volume control", "gnome-control-center"}
SLOW_RETRY_SECONDS = 600.0  # a last resort if the socket's folder cannot be watched


class NullMicrophone:
    """Sees nothing, and says why (in the language in use when it is shown)."""

    def __init__(self, problem: Message) -> None:
        self.problem: Message | None = problem

    def start(self, report: Report) -> None:
        log.info("calls are not noticed here: %s", problem_text(self.problem))

    def stop(self) -> None:
        pass

    def interest(self, needed: bool) -> None:
        pass


def capture_apps(sources: Iterable[Any], outputs: Iterable[Any]) -> frozenset[str]:
    """Application names of the capture streams on real inputs (pulsectl objects)."""
    return frozenset(use.name for use in capture_uses(sources, outputs))


def capture_uses(sources: Iterable[Any], outputs: Iterable[Any]) -> frozenset[AudioUse]:
    """The capture streams on real inputs (pulsectl objects), as uses of the microphone."""
    real = {s.index for s in sources if getattr(s, "monitor_of_sink", NO_SINK) == NO_SINK}
    uses = set()
    for stream in outputs:
        if stream.source not in real or getattr(stream, "corked", False):
            continue
        props = getattr(stream, "proplist", {}) or {}
        if getattr(stream, "resample_method", "") == "peaks":
            continue  # PA_STREAM_PEAK_DETECT: a volume meter, not a call
        if str(props.get("media.name", "")).casefold() in LEVEL_METERS:
            continue
        uses.add(stream_use(stream, playing=False))
    return frozenset(uses)


def playback_uses(inputs: Iterable[Any], own_pid: int | None = None) -> frozenset[AudioUse]:
    """The playback streams that are playing (pulsectl sink inputs), ours left out."""
    own = str(os.getpid() if own_pid is None else own_pid)
    uses = set()
    for stream in inputs:
        props = getattr(stream, "proplist", {}) or {}
        if getattr(stream, "corked", False) or str(props.get("application.process.id")) == own:
            continue
        uses.add(stream_use(stream, playing=True))
    return frozenset(uses)


def stream_use(stream: Any, *, playing: bool) -> AudioUse:
    props = getattr(stream, "proplist", {}) or {}
    program = str(props.get("application.process.binary") or "")
    name = (
        props.get("application.name")
        or program
        or getattr(stream, "name", "")
        # Translators: shown as "Microphone in use by: an application" when an app
        # does not give its name.
        or N_("an application")  # kept as written: translated where it is shown
    )
    index = getattr(stream, "index", -1)
    return AudioUse(str(name), program, process_names(props), playing, int(index))


def process_names(props: dict[str, Any], proc: Path = Path("/proc")) -> tuple[str, ...]:
    """What the stream's process was started as (its command's first word) and the file it
    runs, when it runs on this machine: `arecord` is the `aplay` program under another name."""
    pid = str(props.get("application.process.id") or "")
    host = props.get("application.process.host")
    if not pid.isdigit() or (host and host != socket.gethostname()):
        return ()
    names: list[str] = []
    try:
        argv0 = (proc / pid / "cmdline").read_bytes().split(b"\0", 1)[0]
        names.append(os.path.basename(argv0.decode("utf-8", "replace")))
    except OSError:
        pass
    with contextlib.suppress(OSError):  # another user's process: its file is not ours to read
        names.append(os.path.basename(os.readlink(proc / pid / "exe")))
    return tuple(dict.fromkeys(n for n in names if n))


# Why the server's streams cannot be listed: kept as written, translated when shown.
NO_SERVER = N_("the sound server is not running, so calls are not noticed until it is back")
SERVER_GONE = N_("the sound server went away, so calls are not noticed until it is back")


class PulseMicrophone(QObject):
    """Capture streams of the PulseAudio (or PipeWire) server, by subscription."""

    _seen = Signal(object)  # frozenset[str], from the watching thread
    _lost = Signal(object)  # Message: translated when shown, not in the watching thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problem: Message | None = None
        self._report: Report | None = None
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pulse: Any = None
        self._said: Message | None = None
        # Watches the folder of the server's socket only while the server is missing.
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(lambda _path: self._wake.set())
        self._seen.connect(self._deliver)
        self._lost.connect(self._server_gone)

    def start(self, report: Report) -> None:
        self._report = report
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="microphone-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        while thread is not None and thread.is_alive():
            pulse = self._pulse
            if pulse is not None:
                pulse.event_listen_stop()  # safe from another thread; racy, so repeated
            thread.join(0.05)
        self._thread = None
        self._unwatch()

    def _unwatch(self) -> None:
        watched = self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)

    def interest(self, needed: bool) -> None:
        pass  # subscribed, not polled: watching costs nothing while idle

    def _deliver(self, apps: frozenset[str]) -> None:
        if self.problem is not None:
            log.info("the sound server is back; calls are noticed again")
            self._unwatch()
        self.problem = None
        self._said = None
        if self._report is not None:
            self._report(apps)

    def _server_gone(self, why: Message) -> None:
        self.problem = why
        if self._said != why:  # once per outage
            self._said = why
            log.warning("calls are not noticed: %s", why.english())
        if self._report is not None:
            self._report(frozenset())
        self._watch_for_server()

    def _watch_for_server(self) -> None:
        """Wake the thread when the server's socket folder changes (it came back)."""
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        if not runtime or self._watcher.directories():
            return
        folders = [str(p) for p in (Path(runtime) / "pulse", Path(runtime)) if p.is_dir()]
        if folders:
            self._watcher.addPaths(folders)

    def _run(self) -> None:
        import pulsectl

        while not self._stopping.is_set():
            try:
                with pulsectl.Pulse("resilience-call-watch", connect=False) as pulse:
                    pulse.connect(autospawn=False)
                    self._pulse = pulse
                    self._listen(pulse)
            except Exception as exc:  # the thread must live on, and say calls go unseen
                self._pulse = None
                if self._stopping.is_set():
                    return
                if not isinstance(exc, (pulsectl.PulseError, pulsectl.PulseDisconnected)):
                    log.error("watching the sound server failed with %s", type(exc).__name__)
                self._lost.emit(
                    Message(NO_SERVER if isinstance(exc, pulsectl.PulseError) else SERVER_GONE)
                )
                self._wake.clear()
                self._wake.wait(SLOW_RETRY_SECONDS)
            finally:
                self._pulse = None

    def _listen(self, pulse: Any) -> None:
        import pulsectl

        moved = [False]  # a change came in; pulsectl forgets one that came mid-listing

        def changed(event: Any) -> None:
            moved[0] = True
            raise pulsectl.PulseLoopStop

        pulse.event_mask_set("source_output", "source", "sink_input")
        pulse.event_callback_set(changed)
        while not self._stopping.is_set():
            moved[0] = False
            uses = capture_uses(pulse.source_list(), pulse.source_output_list())
            self._seen.emit(uses | playback_uses(pulse.sink_input_list()))
            if not moved[0]:  # else it changed while being listed: list it again
                pulse.event_listen()  # blocks until the next change (or event_listen_stop)


CONSENT_KEY = (
    r"Software\Microsoft\Windows\CurrentVersion\CapabilityAccessManager\ConsentStore\microphone"
)


class PollingMicrophone(QObject):
    """A reading of who uses the microphone, taken every 2 s while it matters."""

    POLL_MS = 2000

    def __init__(self, read: Callable[[], frozenset[str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problem: Message | None = None
        self._read = read
        self._report: Report | None = None
        self._reported: frozenset[str] = frozenset()
        self._last: frozenset[str] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self.poll)
        self._needed = True

    def start(self, report: Report) -> None:
        self._report = report
        self.poll()
        if self._needed:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._report = None

    def interest(self, needed: bool) -> None:
        """Poll only while a call would change something (a break, a wait, an offer)."""
        self._needed = needed
        if needed and self._report is not None and not self._timer.isActive():
            self._timer.start()
        elif not needed:
            self._timer.stop()

    def poll(self) -> None:
        try:
            now = self._read()
        except OSError as exc:
            self.problem = Message(
                N_("the microphone settings could not be read ({reason})"), reason=str(exc)
            )
            now = frozenset()
        else:
            self.problem = None
        stable = now == self._last  # two equal readings in a row
        self._last = now
        if stable and now != self._reported and self._report is not None:
            self._reported = now
            self._report(now)


def read_consent_store(winreg: Any = None) -> frozenset[str]:
    """Apps whose microphone use has started and not stopped, from HKCU's consent store:
    packaged apps by package name, desktop apps (under NonPackaged) by program name."""
    if winreg is None:  # pragma: no cover - Windows only
        import winreg as _winreg

        winreg = _winreg
    apps: set[str] = set()

    def in_use(key: Any) -> bool:
        try:
            stop, _kind = winreg.QueryValueEx(key, "LastUsedTimeStop")
            start, _kind = winreg.QueryValueEx(key, "LastUsedTimeStart")
        except OSError:
            return False
        return int(stop) == 0 and int(start) != 0

    def children(key: Any) -> list[str]:
        names = []
        index = 0
        while True:
            try:
                names.append(winreg.EnumKey(key, index))
            except OSError:
                return names
            index += 1

    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, CONSENT_KEY) as root:
        for name in children(root):
            with winreg.OpenKey(root, name) as sub:
                if name == "NonPackaged":
                    for program in children(sub):
                        with winreg.OpenKey(sub, program) as entry:
                            if in_use(entry):
                                exe = program.replace("#", "\\").rsplit("\\", 1)[-1]
                                apps.add(exe[:-4] if exe.lower().endswith(".exe") else exe)
                elif in_use(sub):
                    apps.add(name.split("_", 1)[0])
    return frozenset(apps)


def read_coreaudio(audio: Any = None) -> frozenset[str]:  # pragma: no cover - macOS
    """macOS: whether any real input device is running somewhere (in use by some app)."""
    import ctypes

    def fourcc(code: str) -> int:
        return int.from_bytes(code.encode("ascii"), "big")

    class Address(ctypes.Structure):
        _fields_ = [
            ("selector", ctypes.c_uint32),
            ("scope", ctypes.c_uint32),
            ("element", ctypes.c_uint32),
        ]

    if audio is None:
        audio = ctypes.cdll.LoadLibrary("/System/Library/Frameworks/CoreAudio.framework/CoreAudio")
    glob, inpt = fourcc("glob"), fourcc("inpt")

    def data(obj: int, selector: int, scope: int, kind: Any) -> list[Any]:
        address = Address(selector, scope, 0)
        size = ctypes.c_uint32(0)
        if audio.AudioObjectGetPropertyDataSize(obj, ctypes.byref(address), 0, None,
                                                ctypes.byref(size)):  # fmt: skip
            return []
        count = size.value // ctypes.sizeof(kind)
        buffer = (kind * count)()
        if audio.AudioObjectGetPropertyData(obj, ctypes.byref(address), 0, None,
                                            ctypes.byref(size), buffer):  # fmt: skip
            return []
        return list(buffer)

    for device in data(1, fourcc("dev#"), glob, ctypes.c_uint32):  # kAudioObjectSystemObject
        if not data(device, fourcc("stm#"), inpt, ctypes.c_uint32):
            continue  # no input streams: not a microphone
        transport = data(device, fourcc("tran"), glob, ctypes.c_uint32)
        if transport and transport[0] in (fourcc("virt"), fourcc("grup")):
            continue  # virtual or aggregate: a loopback, not a microphone
        running = data(device, fourcc("gone"), glob, ctypes.c_uint32)
        if running and running[0]:
            return frozenset({N_("an application")})
    return frozenset()


def for_this_system() -> Any:
    """The best backend that can work here."""
    if sys.platform.startswith("linux"):
        try:
            import pulsectl  # noqa: F401  (the library and libpulse must both load)
        except (ImportError, OSError) as exc:
            return NullMicrophone(
                Message(N_("the PulseAudio client library is missing ({reason})"), reason=str(exc))
            )
        return PulseMicrophone()
    if sys.platform == "win32":
        return PollingMicrophone(read_consent_store)
    if sys.platform == "darwin":
        return PollingMicrophone(read_coreaudio)
    return NullMicrophone(Message(N_("noticing calls is not available on this system")))


def problem_text(problem: Message | None) -> str:
    """A problem for the log: as written in the code."""
    return "none" if problem is None else problem.english()
