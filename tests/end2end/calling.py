"""Real calling software for end-to-end tests: a PipeWire sound server (beside the
PulseAudio one in `sound.py`) and a SIP softphone, baresip, calling another baresip over
loopback. The caller uses the sound server through ALSA's PulseAudio plugin, as Debian's
baresip does on a desktop: it plays the ringback while the other side rings and opens the
microphone when it answers. The callee stands for the customer: its sound goes to ALSA's
null device, so everything the sound server shows is the rep's softphone."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

BARESIP_MODULES = Path("/usr/lib/baresip/modules")


def require(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (scripts/system-deps.sh test)")


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


def _pactl(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(["pactl", *args], env=env, capture_output=True, text=True, timeout=5)
    return done.stdout if done.returncode == 0 else ""


class PipeWireServer:
    """PipeWire with its PulseAudio front (pipewire-pulse) and WirePlumber, private to a
    runtime folder, with a null microphone `mic` and null speakers `speaker`."""

    DROP_IN = """
context.objects = [
  { factory = adapter
    args = { factory.name = support.null-audio-sink node.name = "mic"
             media.class = "Audio/Source/Virtual" audio.position = [ MONO ]
             node.driver = true priority.driver = 1000 object.linger = true } }
  { factory = adapter
    args = { factory.name = support.null-audio-sink node.name = "speaker"
             media.class = "Audio/Sink" audio.position = [ FL FR ]
             node.driver = true priority.driver = 1001 object.linger = true } }
]
"""

    def __init__(self, runtime_dir: Path, base: Path, bus: str = "") -> None:
        self.runtime_dir = runtime_dir
        self.base = base
        self.bus = bus  # WirePlumber quits without a session bus: one is started if none
        self.procs: list[subprocess.Popen[bytes]] = []
        self.log: Any = None

    @property
    def env(self) -> dict[str, str]:
        import os

        env = dict(os.environ)
        env.pop("PULSE_SERVER", None)
        env.update(
            XDG_RUNTIME_DIR=str(self.runtime_dir),
            XDG_CONFIG_HOME=str(self.base / "config"),
            XDG_STATE_HOME=str(self.base / "state"),
            PIPEWIRE_RUNTIME_DIR=str(self.runtime_dir),
        )
        if self.bus:
            env["DBUS_SESSION_BUS_ADDRESS"] = self.bus
        return env

    def start(self) -> PipeWireServer:
        require("pipewire", "wireplumber", "pipewire-pulse", "pactl")
        self.runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        drop_in = self.base / "config" / "pipewire" / "pipewire.conf.d"
        drop_in.mkdir(parents=True, exist_ok=True)
        (drop_in / "50-null-devices.conf").write_text(self.DROP_IN)
        log = self.log = (self.base / "pipewire.log").open("ab")
        if not self.bus:
            require("dbus-daemon")
            bus = subprocess.Popen(
                ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                stdout=subprocess.PIPE, stderr=log,
            )  # fmt: skip
            self.procs.append(bus)  # type: ignore[arg-type]
            assert bus.stdout is not None
            self.bus = bus.stdout.readline().decode().strip()
        for program in ("pipewire", "wireplumber", "pipewire-pulse"):
            self.procs.append(subprocess.Popen([program], env=self.env, stdout=log, stderr=log))
            time.sleep(0.3)
        wait_for(lambda: "PipeWire" in _pactl(self.env, "info"), 20, "pipewire-pulse answers")
        wait_for(lambda: "mic" in _pactl(self.env, "list", "short", "sources"), 20, "the mic")
        _pactl(self.env, "set-default-source", "mic")
        _pactl(self.env, "set-default-sink", "speaker")
        return self

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()
        if self.log is not None:
            self.log.close()
            self.log = None

    def __enter__(self) -> PipeWireServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Baresip:
    """One baresip user agent, driven through its ctrl_tcp module (JSON netstrings)."""

    def __init__(self, home: Path, env: dict[str, str], name: str, *, rep: bool) -> None:
        self.home, self.name = home, name
        self.sip_port = free_port()
        while (self.sip_port + 1) % 65536 == 0:
            self.sip_port = free_port()
        self.ctrl_port = free_port()
        self.events: list[tuple[float, dict[str, Any]]] = []  # (monotonic, event)
        device = "default" if rep else "null"  # the customer's sound goes nowhere
        config = home / "config"
        config.mkdir(parents=True, exist_ok=True)
        modules = "\n".join(f"module {m}.so" for m in ("g711", "alsa", "account", "menu"))
        (config / "config").write_text(
            f"""sip_listen 127.0.0.1:{self.sip_port}
audio_player alsa,{device}
audio_source alsa,{device}
audio_alert alsa,{device}
audio_path /usr/share/baresip
module_path {BARESIP_MODULES}
{modules}
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}
"""
        )
        (config / "accounts").write_text(
            f"<sip:{name}@127.0.0.1:{self.sip_port}>;regint=0;answermode=manual\n"
        )
        (config / "contacts").write_text("")
        # ALSA's default device is the sound server, through the PulseAudio plugin.
        (home / ".asoundrc").write_text(
            "pcm.!default { type pulse }\nctl.!default { type pulse }\n"
        )
        self.env = dict(env, HOME=str(home))
        self.log = (home / "baresip.log").open("ab")
        self.proc = subprocess.Popen(
            ["baresip", "-f", str(config)], env=self.env, stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=self.log,
        )  # fmt: skip
        self.sock = wait_for(self._connect, 15, f"baresip {name} listens")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def uri(self) -> str:
        return f"sip:{self.name}@127.0.0.1:{self.sip_port}"

    def _connect(self) -> socket.socket | None:
        if self.proc.poll() is not None:
            raise AssertionError(f"baresip exited: {(self.home / 'baresip.log').read_text()}")
        try:
            return socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=1)
        except OSError:
            return None

    def _read(self) -> None:
        buffer = b""
        self.sock.settimeout(None)
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b":" in buffer:
                size, _, rest = buffer.partition(b":")
                if not size.isdigit() or len(rest) < int(size) + 1:
                    break
                body, buffer = rest[: int(size)], rest[int(size) + 1 :]
                with contextlib.suppress(ValueError):
                    self.events.append((time.monotonic(), json.loads(body)))

    def command(self, command: str, params: str = "") -> None:
        body = json.dumps({"command": command, "params": params, "token": command}).encode()
        self.sock.sendall(str(len(body)).encode() + b":" + body + b",")

    def event_at(self, kind: str, after: int = 0) -> float | None:
        """When the event came (the one after `after` earlier ones of its kind)."""
        times = [t for t, e in self.events if e.get("type") == kind]
        return times[after] if len(times) > after else None

    def wait_event(self, kind: str, timeout: float = 15, after: int = 0) -> float:
        return float(wait_for(lambda: self.event_at(kind, after), timeout, f"{self.name}: {kind}"))

    def log_tail(self, size: int = 1500) -> str:
        self.log.flush()
        return (self.home / "baresip.log").read_text(errors="replace")[-size:]

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.command("quit")
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        with contextlib.suppress(OSError):
            self.sock.close()
        self.log.close()


@contextlib.contextmanager
def softphones(base: Path, env: dict[str, str]) -> Iterator[tuple[Baresip, Baresip]]:
    """The rep's softphone and the customer's, both on this machine."""
    require("baresip", "pactl")
    if not (BARESIP_MODULES / "alsa.so").exists():
        pytest.skip("baresip's ALSA module is missing (baresip-core)")
    rep = Baresip(base / "rep", env, "rep", rep=True)
    try:
        customer = Baresip(base / "customer", env, "customer", rep=False)
        try:
            yield rep, customer
        finally:
            customer.stop()
    finally:
        rep.stop()


def playback_streams(env: dict[str, str]) -> list[str]:
    return [line for line in _pactl(env, "list", "short", "sink-inputs").splitlines() if line]


def capture_streams(env: dict[str, str]) -> list[str]:
    out = _pactl(env, "list", "short", "source-outputs")
    return [line for line in out.splitlines() if line]


DIALER_PAGE = """<!doctype html><title>dialer</title><script>
async function call() {
  const mic = await navigator.mediaDevices.getUserMedia({audio: true});
  const a = new RTCPeerConnection(), b = new RTCPeerConnection();
  a.onicecandidate = e => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = e => e.candidate && a.addIceCandidate(e.candidate);
  b.ontrack = e => { const s = new Audio(); s.srcObject = e.streams[0]; s.play(); };
  mic.getTracks().forEach(t => a.addTrack(t, mic));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  document.title = "on a call";
}
call().catch(e => document.title = "failed: " + e);
</script>"""


@contextlib.contextmanager
def browser_dialer(base: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """A browser dialer on a call: Chromium, headless, capturing from the sound server for
    real (getUserMedia, sent over an RTCPeerConnection to itself), as web dialers run."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("not installed: chromium (scripts/system-deps.sh test)")
    base.mkdir(parents=True, exist_ok=True)
    page = base / "dialer.html"
    page.write_text(DIALER_PAGE)
    log = (base / "chromium.log").open("ab")
    proc = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--use-fake-ui-for-media-stream",
         "--autoplay-policy=no-user-gesture-required", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={base / 'profile'}", page.as_uri()],
        env=env, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        wait_for(lambda: capture_streams(env), 60, "Chromium opens the microphone")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()
