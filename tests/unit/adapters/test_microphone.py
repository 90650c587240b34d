"""The microphone adapters against the real thing where it runs here: a PulseAudio server
with a null microphone and a softphone (parecord) on a call. The Windows consent store is
read through a stand-in for winreg holding what Windows writes (it runs for real under
Wine in `make test-windows`)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from resilience_app import i18n
from resilience_app.adapters.microphone import (
    CONSENT_KEY,
    PollingMicrophone,
    PulseMicrophone,
    capture_apps,
    playback_uses,
    process_names,
    read_consent_store,
)
from tests.end2end.sound import SoundServer

pulse = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PulseAudio runs on Linux")


def test_only_real_inputs_open_and_not_metering_count() -> None:
    sources = [
        SimpleNamespace(index=0, monitor_of_sink=0xFFFFFFFF),  # the microphone
        SimpleNamespace(index=1, monitor_of_sink=3),  # "monitor of speakers"
    ]
    stream = SimpleNamespace
    outputs = [
        stream(source=0, corked=False, proplist={"application.name": "Zoiper"}),
        stream(source=1, corked=False, proplist={"application.name": "OBS"}),  # records output
        stream(source=0, corked=True, proplist={"application.name": "Paused"}),
        stream(source=0, corked=False, resample_method="peaks", proplist={}),  # a level meter
        stream(source=0, corked=False, proplist={"media.name": "Peak detect"}),
        stream(source=0, corked=False, proplist={"application.process.binary": "linphone"}),
    ]
    assert capture_apps(sources, outputs) == frozenset({"Zoiper", "linphone"})


def names_into(seen: list[frozenset[str]]) -> Any:
    """The names of the apps using the microphone, as each report comes."""
    return lambda uses: seen.append(frozenset(u.name for u in uses if not u.playing))


def test_playback_counts_unless_paused_or_ours_and_each_use_knows_its_program(
    tmp_path: Path,
) -> None:
    proc = tmp_path / "proc"
    (proc / "42").mkdir(parents=True)
    (proc / "42" / "cmdline").write_bytes(b"/usr/bin/arecord\0-f\0cd\0")
    inputs = [
        SimpleNamespace(
            corked=False,
            proplist={
                "application.name": "ALSA plug-in [baresip]",
                "application.process.binary": "baresip",
            },
        ),
        SimpleNamespace(corked=True, proplist={"application.name": "Paused"}),
        SimpleNamespace(
            corked=False, proplist={"application.name": "Us", "application.process.id": "7"}
        ),
    ]
    uses = playback_uses(inputs, own_pid=7)
    assert [(u.name, u.program, u.playing) for u in uses] == [
        ("ALSA plug-in [baresip]", "baresip", True)
    ]
    props = {"application.process.id": "42", "application.process.host": "elsewhere"}
    assert process_names(props, proc) == ()  # another machine's process id
    props["application.process.host"] = socket.gethostname()
    assert process_names(props, proc) == ("arecord",)  # no exe link in this stand-in
    assert process_names({"application.process.id": "x"}, proc) == ()


@pytest.fixture
def sound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    server = SoundServer(tmp_path / "runtime")
    server.start()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(server.runtime_dir))
    yield server
    server.stop()


@pulse
def test_a_softphone_on_a_call_is_seen_by_subscription(qtbot: QtBot, sound: SoundServer) -> None:
    seen: list[frozenset[str]] = []
    watch = PulseMicrophone()
    watch.start(names_into(seen))
    try:
        qtbot.waitUntil(lambda: seen == [frozenset()], timeout=5000)
        with sound.softphone("Zoiper"):
            qtbot.waitUntil(lambda: seen[-1] == frozenset({"Zoiper"}), timeout=5000)
        qtbot.waitUntil(lambda: seen[-1] == frozenset(), timeout=5000)
        with sound.softphone("OBS", source="speaker.monitor"):  # recording the speakers
            qtbot.wait(500)
        assert frozenset({"OBS"}) not in seen
        assert watch.problem is None
    finally:
        watch.stop()


@pulse
def test_a_dialer_ringing_is_seen_as_playback_with_its_program(
    qtbot: QtBot, sound: SoundServer
) -> None:
    seen: list[frozenset[Any]] = []
    watch = PulseMicrophone()
    watch.start(seen.append)
    try:
        qtbot.waitUntil(lambda: seen == [frozenset()], timeout=5000)
        with sound.ringing("Zoiper"):
            qtbot.waitUntil(lambda: any(u.playing for u in seen[-1]), timeout=5000)
            (use,) = seen[-1]
            assert (use.name, use.program) == ("Zoiper", "pacat")
            assert "pacat" in use.executables
        qtbot.waitUntil(lambda: seen[-1] == frozenset(), timeout=5000)
    finally:
        watch.stop()


@pulse
def test_a_sound_server_that_goes_and_comes_back(qtbot: QtBot, sound: SoundServer) -> None:
    seen: list[frozenset[str]] = []
    watch = PulseMicrophone()
    watch.start(names_into(seen))
    try:
        with sound.softphone("Zoiper"):
            qtbot.waitUntil(lambda: bool(seen) and seen[-1] == {"Zoiper"}, timeout=5000)
            sound.stop()
            qtbot.waitUntil(lambda: watch.problem is not None, timeout=5000)
        assert "sound server" in str(watch.problem) and seen[-1] == frozenset()
        sound.start()  # its socket reappears: the watch reconnects without polling
        qtbot.waitUntil(lambda: watch.problem is None, timeout=10000)
        with sound.softphone("Linphone"):
            qtbot.waitUntil(lambda: seen[-1] == {"Linphone"}, timeout=5000)
    finally:
        watch.stop()


@pulse
def test_no_sound_server_at_all_is_a_sentence(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "runtime"
    empty.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(empty))
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    seen: list[frozenset[str]] = []
    watch = PulseMicrophone()
    watch.start(names_into(seen))
    try:
        qtbot.waitUntil(lambda: watch.problem is not None, timeout=5000)
        assert "not running" in str(watch.problem) and seen == [frozenset()]
    finally:
        watch.stop()


@pulse
def test_no_sound_server_found_in_german_reads_in_french_once_switched(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watching thread finds the server missing while German is in use; the sentence
    is kept as written, so Settings shows it in French after a switch (not "der
    Soundserver läuft nicht" inside a French line)."""
    empty = tmp_path / "runtime"
    empty.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(empty))
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    watch = PulseMicrophone()
    i18n.set_language("de")
    try:
        watch.start(lambda apps: None)
        qtbot.waitUntil(lambda: watch.problem is not None, timeout=5000)
        assert "Soundserver" in str(watch.problem)
        i18n.set_language("fr")
        french = str(watch.problem)
        assert "Soundserver" not in french and "läuft" not in french
        assert french == i18n._(
            "the sound server is not running, so calls are not noticed until it is back"
        )
        assert (
            french != "the sound server is not running, so calls are not noticed until it is back"
        )
    finally:
        watch.stop()
        i18n.set_language("en")


@pulse
def test_an_unexpected_error_in_the_watch_is_said_not_silent(
    qtbot: QtBot, sound: SoundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pulsectl raising something of its own (a bug, a changed protocol) must not end the
    watch thread quietly while Settings goes on saying calls are noticed."""
    import pulsectl

    real = pulsectl.Pulse

    class Broken(real):  # type: ignore[misc, valid-type]
        def event_listen(self, *args: Any, **kwargs: Any) -> None:
            raise KeyError("a surprise")

    monkeypatch.setattr(pulsectl, "Pulse", Broken)
    seen: list[frozenset[str]] = []
    watch = PulseMicrophone()
    watch.start(names_into(seen))
    try:
        qtbot.waitUntil(lambda: watch.problem is not None, timeout=5000)
        assert "calls are not noticed" in str(watch.problem)
        assert watch._thread is not None and watch._thread.is_alive()  # it retries later
    finally:
        watch.stop()


class Registry:
    """What Windows writes under HKCU (a stand-in for winreg's read calls)."""

    HKEY_CURRENT_USER = "HKCU"

    def __init__(self, tree: dict[str, Any]) -> None:
        self.tree = tree

    def OpenKey(self, parent: Any, name: str) -> Any:
        node = self.tree if parent == "HKCU" else parent.node
        for part in name.split("\\"):
            node = node["keys"][part]
        return _Key(node)

    def EnumKey(self, key: Any, index: int) -> str:
        names = list(key.node.get("keys", {}))
        if index >= len(names):
            raise OSError("no more keys")
        return names[index]

    def QueryValueEx(self, key: Any, name: str) -> tuple[int, int]:
        try:
            return key.node["values"][name], 11  # REG_QWORD
        except KeyError:
            raise OSError(name) from None


class _Key:
    def __init__(self, node: dict[str, Any]) -> None:
        self.node = node

    def __enter__(self) -> _Key:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def consent_tree(**apps: tuple[int, int]) -> dict[str, Any]:
    packaged = {k: v for k, v in apps.items() if "#" not in k}
    desktop = {k: v for k, v in apps.items() if "#" in k}

    def entry(start: int, stop: int) -> dict[str, Any]:
        return {"values": {"LastUsedTimeStart": start, "LastUsedTimeStop": stop}}

    node: dict[str, Any] = {"keys": {n: entry(*v) for n, v in packaged.items()}}
    node["keys"]["NonPackaged"] = {"keys": {n: entry(*v) for n, v in desktop.items()}}
    path = CONSENT_KEY.split("\\")
    tree: dict[str, Any] = node
    for part in reversed(path):
        tree = {"keys": {part: tree}}
    return tree


def test_the_consent_store_as_windows_writes_it() -> None:
    tree = consent_tree(
        **{
            "Microsoft.SkypeApp_kzf8qxf38zg5c": (133450000000000000, 0),  # in use
            "Microsoft.WindowsSoundRecorder_8wekyb3d8bbwe": (133450000000000000, 1334500001),
            "C:#Program Files#Zoiper5#Zoiper5.exe": (133450000000000000, 0),  # in use
            "C:#Tools#old.exe": (0, 0),  # never used
        }
    )
    apps = read_consent_store(Registry(tree))
    assert apps == frozenset({"Microsoft.SkypeApp", "Zoiper5"})


def test_consent_store_changes_count_after_two_equal_readings(qtbot: QtBot) -> None:
    readings = iter([frozenset(), frozenset({"Zoiper5"}), frozenset({"Zoiper5"}), frozenset()])
    seen: list[frozenset[str]] = []
    watch = PollingMicrophone(lambda: next(readings))
    watch.start(seen.append)  # first reading: nothing yet to compare with
    watch.poll()  # Zoiper5 once: not yet
    assert seen == []
    watch.poll()  # Zoiper5 twice: reported
    assert seen == [frozenset({"Zoiper5"})]
    watch.interest(False)
    assert not watch._timer.isActive()  # nothing to look for: no polling at all
    watch.stop()


class CoreAudio:
    """A stand-in for CoreAudio's two property calls (macOS cannot run here): devices with
    their input streams, transport type and 'running somewhere'."""

    def __init__(self, devices: dict[int, dict[str, Any]]) -> None:
        self.devices = devices

    @staticmethod
    def code(text: str) -> int:
        return int.from_bytes(text.encode(), "big")

    def _values(self, obj: int, selector: int) -> list[int] | None:
        if obj == 1 and selector == self.code("dev#"):
            return list(self.devices)
        device = self.devices.get(obj, {})
        names = {"stm#": "inputs", "tran": "transport", "gone": "running"}
        for four, key in names.items():
            if selector == self.code(four):
                value = device.get(key)
                return None if value is None else list(value)
        return None

    def AudioObjectGetPropertyDataSize(self, obj, address, qsize, qdata, size):  # type: ignore[no-untyped-def]
        values = self._values(obj, address._obj.selector)
        if values is None:
            return 1  # an OSStatus error
        size._obj.value = 4 * len(values)
        return 0

    def AudioObjectGetPropertyData(self, obj, address, qsize, qdata, size, buffer):  # type: ignore[no-untyped-def]
        for n, value in enumerate(self._values(obj, address._obj.selector) or []):
            buffer[n] = value
        return 0


def test_coreaudio_in_use_means_a_real_input_running_somewhere() -> None:
    from resilience_app.adapters.microphone import read_coreaudio

    code = CoreAudio.code
    speakers = {"inputs": [], "transport": [code("bltn")], "running": [1]}
    loopback = {"inputs": [7], "transport": [code("virt")], "running": [1]}
    headset = {"inputs": [9], "transport": [code("usb ")], "running": [0]}
    assert read_coreaudio(CoreAudio({10: speakers, 11: loopback, 12: headset})) == frozenset()
    headset["running"] = [1]
    assert read_coreaudio(CoreAudio({10: speakers, 11: loopback, 12: headset})) == {
        "an application"
    }
