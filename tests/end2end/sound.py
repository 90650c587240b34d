"""A real, private sound server for tests: PulseAudio with a null microphone and speaker.

`SoundServer(runtime_dir)` starts Debian's `pulseaudio` (no hardware: a null source named
"mic" and a null sink named "speaker") with its socket in `runtime_dir/pulse/native`, where
any client with XDG_RUNTIME_DIR=runtime_dir finds it. `softphone("Zoiper")` plays a
softphone on a call: `parecord` capturing from the microphone under that application name,
exactly what a dialer does to the sound server. `record()` captures what the apps played.

Debian packages: pulseaudio pulseaudio-utils.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


class SoundServer:
    def __init__(self, runtime_dir: Path) -> None:
        self.runtime_dir = Path(runtime_dir)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = self.runtime_dir / "pulseaudio.log"

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ, XDG_RUNTIME_DIR=str(self.runtime_dir))
        env.pop("PULSE_SERVER", None)
        return env

    @property
    def socket(self) -> Path:
        return self.runtime_dir / "pulse" / "native"

    def start(self) -> SoundServer:
        if shutil.which("pulseaudio") is None or shutil.which("parecord") is None:
            pytest.skip("needs Debian's pulseaudio and pulseaudio-utils")
        self.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    "pulseaudio",
                    "-n",
                    "--daemonize=no",
                    "--exit-idle-time=-1",
                    "--disable-shm=yes",
                    "--log-target=stderr",
                    "-L",
                    "module-null-source source_name=mic",
                    "-L",
                    "module-native-protocol-unix",
                    "-L",
                    "module-null-sink sink_name=speaker",
                ],
                env=self.env,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 15
        while not self._answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pulseaudio did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.05)
        return self

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        done = subprocess.run(["pactl", "info"], env=self.env, capture_output=True, timeout=5)
        return done.returncode == 0

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def __enter__(self) -> SoundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def capture_streams(self) -> list[str]:
        out = subprocess.run(
            ["pactl", "list", "short", "source-outputs"], env=self.env, capture_output=True,
            text=True, timeout=5,
        ).stdout  # fmt: skip
        return [line for line in out.splitlines() if line.strip()]

    @contextlib.contextmanager
    def softphone(self, app: str = "Zoiper", source: str = "mic") -> Iterator[None]:
        """A dialer on a call: capturing from the microphone until the block ends."""
        proc = subprocess.Popen(
            ["parecord", f"--property=application.name={app}", "-d", source, "/dev/null"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 5
            while not self.capture_streams():
                if time.monotonic() > deadline:
                    raise RuntimeError("parecord never opened the microphone")
                time.sleep(0.02)
            yield
        finally:
            proc.terminate()
            proc.wait(5)

    def playback_streams(self) -> list[str]:
        out = subprocess.run(
            ["pactl", "list", "short", "sink-inputs"], env=self.env, capture_output=True,
            text=True, timeout=5,
        ).stdout  # fmt: skip
        return [line for line in out.splitlines() if line.strip()]

    @contextlib.contextmanager
    def ringing(self, app: str = "Zoiper") -> Iterator[None]:
        """A dialer ringing: playing (silence) to the speakers until the block ends."""
        proc = subprocess.Popen(
            ["pacat", "--playback", f"--property=application.name={app}", "--raw"],
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert proc.stdin is not None
            proc.stdin.write(bytes(44100 * 4 * 2))  # two seconds, then it waits for more
            proc.stdin.flush()
            deadline = time.monotonic() + 5
            while not self.playback_streams():
                if time.monotonic() > deadline:
                    raise RuntimeError("pacat never started playing")
                time.sleep(0.02)
            yield
        finally:
            proc.kill()
            proc.wait(5)
            if proc.stdin is not None:
                proc.stdin.close()
