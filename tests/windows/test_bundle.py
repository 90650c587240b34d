"""The Windows bundle, dist/windows/Resilience, plays the breathing guide's tones.

Run by `make test-windows-package` (after `make windows-package`) under Wine. The bundled
`resilience-cli.exe play-tone` plays a tone through Qt Multimedia as the guide does and says
what happened: the tone played, or the computer has no audio device (Wine with no sound
server). Anything else fails, above all a bundle without Qt Multimedia.

Wine 8 gives its audio endpoints no container id (PKEY_Device_ContainerId), which Windows
always sets and Qt 6.11 needs to list a device; under Wine the test adds one to each
endpoint, as the icuuc.dll stand-in fills another gap. `make test-windows-package` runs
the tests inside scripts/windows/with-sound-server: a PulseAudio server Wine plays on,
whose speaker is recorded; then the tone must play, and be in the recording.
"""

from __future__ import annotations

import array
import ctypes
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.package

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "windows" / "Resilience"
CLI = BUNDLE / "resilience-cli.exe"
QT = BUNDLE / "_internal" / "PySide6"
ENDPOINTS = r"SOFTWARE\Microsoft\Windows\CurrentVersion\MMDevices\Audio\Render"
CONTAINER_ID = "{8c7ed206-3f8a-4827-b3ab-ae9e1faefc6c},2"
PLAYED = "Played breath-in.wav on "
NO_DEVICE = "resilience: No audio device: this computer offers no sound output"
# with-sound-server's recording of the speaker (raw s16le, mono, 16 kHz), if it runs.
RECORDING = os.environ.get("RESILIENCE_SPEAKER_RECORDING")
RATE = 16_000


def under_wine() -> bool:
    try:
        ntdll = ctypes.WinDLL("ntdll")  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False
    return hasattr(ntdll, "wine_get_version")


def give_wine_endpoints_a_container_id() -> list[str]:
    """Wine writes its endpoints to the registry when a program first asks for them; ask
    (an IMMDeviceEnumerator), then add the id Wine leaves out. The endpoints' names."""
    import winreg

    ole32 = ctypes.OleDLL("ole32")  # type: ignore[attr-defined]
    ole32.CoInitialize(None)
    enumerator = ctypes.c_void_p()
    ole32.CoCreateInstance(
        uuid.UUID("bcde0395-e52f-467c-8e3d-c4579291692e").bytes_le,  # MMDeviceEnumerator
        None,
        1,  # CLSCTX_INPROC_SERVER
        uuid.UUID("a95664d2-9614-4f35-a746-de8db63617e6").bytes_le,  # IMMDeviceEnumerator
        ctypes.byref(enumerator),
    )
    release = ctypes.WINFUNCTYPE(ctypes.c_ulong, ctypes.c_void_p)(  # type: ignore[attr-defined]
        ctypes.cast(enumerator, ctypes.POINTER(ctypes.POINTER(ctypes.c_void_p)))[0][2]
    )
    release(enumerator)
    names: list[str] = []
    access = winreg.KEY_READ | winreg.KEY_WRITE | winreg.KEY_WOW64_64KEY
    try:
        render = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, ENDPOINTS, 0, access)
    except FileNotFoundError:  # no sound server, nor ever one: no endpoints
        return names
    with render:
        for index in range(winreg.QueryInfoKey(render)[0]):
            endpoint = winreg.EnumKey(render, index)
            with winreg.OpenKey(render, endpoint + r"\Properties", 0, access) as properties:
                try:
                    winreg.QueryValueEx(properties, CONTAINER_ID)
                except FileNotFoundError:
                    winreg.SetValueEx(properties, CONTAINER_ID, 0, winreg.REG_SZ, endpoint)
                names.append(
                    winreg.QueryValueEx(properties, "{a45c254e-df1c-4efd-8020-67d146a850e0},14")[0]
                )
    return names


def play_tone(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), "play-tone", *args],
        env=dict(os.environ, LANGUAGE="en"),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def bundle() -> Path:
    if sys.platform != "win32":
        pytest.skip("the Windows bundle: `make test-windows-package` runs it under Wine")
    if not CLI.is_file():
        pytest.fail(f"no bundle at {BUNDLE}: run `make windows-package`", pytrace=False)
    if under_wine():
        print(f"Wine's audio endpoints: {give_wine_endpoints_a_container_id()}")
    return BUNDLE


def test_the_bundle_carries_qt_multimedia_without_ffmpeg(bundle: Path) -> None:
    assert (QT / "Qt6Multimedia.dll").is_file()
    assert (QT / "QtMultimedia.pyd").is_file()
    # Media Foundation, Windows' own; FFmpeg's backend and its 20 MB of codecs stay out.
    assert [p.name for p in (QT / "plugins" / "multimedia").iterdir()] == ["windowsmediaplugin.dll"]
    assert not list(QT.glob("av*.dll")) and not list(QT.glob("sw*.dll"))


def recording() -> Path:
    assert RECORDING is not None
    return Path("Z:" + RECORDING)  # Wine's drive Z: is the Unix root


def heard_since(offset: int) -> float:
    """Seconds of sound on the speaker in the recording after byte `offset`."""
    samples = array.array("h", recording().read_bytes()[offset - offset % 2 :])
    loud = [i for i in range(0, len(samples), RATE // 100) if abs(samples[i]) > 300]
    return (loud[-1] - loud[0]) / RATE if loud else 0.0


def test_the_bundle_plays_a_tone_or_says_there_is_no_audio_device(bundle: Path) -> None:
    before = recording().stat().st_size if RECORDING else 0
    started = time.monotonic()
    done = play_tone()
    took = time.monotonic() - started
    said = done.stdout + done.stderr
    assert "Traceback" not in said, said
    if RECORDING:  # a sound server is there: the tone must play, and be heard
        assert done.returncode == 0 and done.stdout.startswith(PLAYED), said
        deadline = time.monotonic() + 5  # parecord writes what it got a moment later
        while (heard := heard_since(before)) < 0.25 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert 0.25 < heard < 0.6, f"{heard:.2f} s of tone recorded (the file is 0.45 s)"
        said = f"{said.strip()} ({heard:.2f} s of it recorded from the speaker)"
    elif done.returncode == 0:
        assert done.stdout.startswith(PLAYED) and done.stderr == "", said
    else:
        # Qt Multimedia missing, the tone refused or cut off: each its own sentence; fail.
        assert done.returncode == 1 and done.stderr.startswith(NO_DEVICE), said
    print(f"play-tone in {took:.1f} s: {said.strip()}")


def test_a_missing_tone_file_is_one_sentence(bundle: Path) -> None:
    done = play_tone("no-such-tone.wav")
    assert done.returncode == 2
    assert done.stderr == "resilience: There is no file at 'no-such-tone.wav'.\n"
