"""The Wayland shortcut through org.freedesktop.portal.GlobalShortcuts, against a stand-in
portal (fake_portal.py, written with GDBus as xdg-desktop-portal is) on a private session
bus: Debian 12's real portal starts here with its KDE backend, but that backend needs KWin
or a kglobalaccel with a display to grant keys, so it answers every BindShortcuts without
the key (which `test_a_shortcut_the_desktop_leaves_out_is_said` covers).

The app's side is the real PortalGlobalKey over a real bus; only the desktop is played."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from resilience_app import i18n
from resilience_app.adapters import hotkey
from resilience_app.adapters.portal_shortcuts import PortalGlobalKey, offered, xdg_trigger
from resilience_app.service.service import Service
from tests.end2end.desktop import _DBUS_CONFIG, require_tool

pytestmark = pytest.mark.e2e
FAKE_PORTAL = Path(__file__).with_name("fake_portal.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, which has python3-gi


class Bus:
    """A private session bus (dbus-daemon), and the fake portal on it when asked."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        config = tmp / "bus.conf"
        config.write_text(_DBUS_CONFIG.format(socket=tmp / "bus"))
        self.daemon = subprocess.Popen(
            [require_tool("dbus-daemon"), f"--config-file={config}", "--nofork", "--nopidfile",
             "--print-address=1"],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            text=True, cwd=tmp,
        )  # fmt: skip
        assert self.daemon.stdout is not None
        self.address = self.daemon.stdout.readline().strip()
        self.portal: subprocess.Popen[str] | None = None
        self._control: DBusConnection | None = None

    def start_portal(self, *args: str) -> None:
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address)
        self.portal = subprocess.Popen(
            [SYSTEM_PYTHON, str(FAKE_PORTAL), *args],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env,
        )  # fmt: skip
        assert self.portal.stdout is not None
        assert self.portal.stdout.readline().strip() == "ready"

    def control(self, method: str, signature: str | None = None, *args: Any) -> Any:
        """Steers the fake portal (its org.resilience.test.FakePortal interface)."""
        if self._control is None:
            self._control = open_dbus_connection(self.address)
        call = new_method_call(
            DBusAddress("/control", "org.freedesktop.portal.Desktop",
                        "org.resilience.test.FakePortal"),
            method, signature, args,
        )  # fmt: skip
        reply = self._control.send_and_get_reply(call, timeout=5)
        assert reply.header.message_type is MessageType.method_return, reply.body
        return reply.body[0] if reply.body else None

    def log(self) -> list[str]:
        return list(self.control("Log"))

    def stop(self) -> None:
        if self._control is not None:
            self._control.close()
        for process in (self.portal, self.daemon):
            if process is not None:
                process.terminate()
                process.wait(5)
                if process.stdout is not None:
                    process.stdout.close()


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[Bus]:
    bus = Bus(tmp_path)
    yield bus
    bus.stop()


@pytest.fixture
def portal(bus: Bus) -> Bus:
    bus.start_portal()
    return bus


@pytest.fixture
def make_key(portal: Bus) -> Iterator[Callable[..., PortalGlobalKey]]:
    keys: list[PortalGlobalKey] = []

    def make(*args: Any, **kwargs: Any) -> PortalGlobalKey:
        key = PortalGlobalKey(
            *args,
            address=portal.address,
            advise=lambda p: hotkey._bind(p, hotkey.FLAG_COMMAND),
            **kwargs,
        )
        keys.append(key)
        return key

    yield make
    for key in keys:
        key.close()


class Presses:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def test_our_shortcuts_are_written_as_the_xdg_spec_writes_triggers() -> None:
    assert xdg_trigger("Ctrl+Alt+B") == "CTRL+ALT+b"
    assert xdg_trigger("Super+Shift+F9") == "SHIFT+LOGO+F9"
    assert xdg_trigger("Ctrl+Alt+Space") == "CTRL+ALT+space"
    assert xdg_trigger("Ctrl+Alt+PgDown") == "CTRL+ALT+Next"
    assert xdg_trigger("Ctrl++") == "CTRL+plus"
    assert xdg_trigger("") is None


def test_the_portal_is_offered_only_with_its_global_shortcuts(bus: Bus) -> None:
    assert not offered(bus.address)  # nobody owns org.freedesktop.portal.Desktop
    assert not offered("unix:path=" + str(bus.tmp / "no-such-bus"))
    bus.start_portal("--no-shortcuts")
    assert not offered(bus.address)  # a portal whose backend lacks the interface


def test_the_portal_with_global_shortcuts_is_offered(portal: Bus) -> None:
    assert offered(portal.address)


def test_register_binds_and_a_press_is_delivered(
    qtbot: Any, portal: Bus, make_key: Callable[..., PortalGlobalKey]
) -> None:
    key, presses = make_key(), Presses()
    assert key.register("Ctrl+Alt+B", presses) is None
    qtbot.waitUntil(lambda: any(line.startswith("bind") for line in portal.log()))
    (created, bound) = portal.log()
    session = created.split()[1]
    assert bound == f"bind {session} flag CTRL+ALT+b Flag a call: start a break"
    qtbot.waitUntil(lambda: key._session == session)  # the answer is in
    portal.control("Activate", "s", "flag")
    qtbot.waitUntil(lambda: presses.count == 1)
    portal.control("Activate", "s", "someone-else")
    portal.control("Activate", "s", "flag")
    qtbot.waitUntil(lambda: presses.count == 2)
    assert key.problem is None


def test_the_answer_may_come_long_after_register_returned(
    qtbot: Any, portal: Bus, make_key: Callable[..., PortalGlobalKey]
) -> None:
    """The desktop's dialog is open for as long as the rep takes; nothing waits for it."""
    portal.control("Answer", "s", "hold")
    key, presses = make_key(), Presses()
    assert key.register("Ctrl+Alt+B", presses) is None
    qtbot.waitUntil(lambda: any(line.startswith("bind") for line in portal.log()))
    portal.control("Activate", "s", "flag")  # not bound yet: nothing to press
    portal.control("Release")
    portal.control("Activate", "s", "flag")
    qtbot.waitUntil(lambda: presses.count == 1)
    assert key.problem is None


@pytest.mark.parametrize("refused", [False, True])
def test_a_bound_shortcut_not_listed_in_the_answer_is_asked_for(
    refused: bool, qtbot: Any, portal: Bus, make_key: Callable[..., PortalGlobalKey]
) -> None:
    """Plasma 6 answers its dialog's OK with an empty result: ListShortcuts tells."""
    portal.control("Answer", "s", "grant-unlisted")
    if refused:
        portal.control("Refuse", "as", ["flag"])
    key, presses = make_key(), Presses()
    key.register("Ctrl+Alt+B", presses)
    qtbot.waitUntil(lambda: any(line.startswith("list") for line in portal.log()))
    if refused:
        qtbot.waitUntil(lambda: key.problem is not None)
        assert key.problem is not None and str(key.problem).startswith("The desktop did not grant")
        return
    portal.control("Activate", "s", "flag")
    qtbot.waitUntil(lambda: presses.count == 1)
    assert key.problem is None


def test_a_shortcut_the_desktop_leaves_out_is_said(
    qtbot: Any, portal: Bus, make_key: Callable[..., PortalGlobalKey]
) -> None:
    portal.control("Refuse", "as", ["flag"])
    key, found, presses = make_key(), [], Presses()
    key.problem_found = found.append
    assert key.register("Ctrl+Alt+B", presses) is None
    qtbot.waitUntil(lambda: found != [])
    assert found == [key.problem]
    assert key.problem is not None
    assert str(key.problem).startswith("The desktop did not grant Ctrl+Alt+B to Resilience.")
    assert "`resilience flag`" in str(key.problem)  # what to do instead
    # The rep binds it in the desktop's settings after all (Plasma 5.27 opens them):
    portal.control("Grant", "s", "flag")
    qtbot.waitUntil(lambda: key.problem is None)
    assert found[-1] is None
    portal.control("Activate", "s", "flag")
    qtbot.waitUntil(lambda: presses.count == 1)


def test_declined_in_the_dialog_is_said(
    qtbot: Any, portal: Bus, make_key: Callable[..., PortalGlobalKey]
) -> None:
    portal.control("Answer", "s", "cancel")
    key = make_key()
    assert key.register("Ctrl+Alt+B", Presses()) is None
    qtbot.waitUntil(lambda: key.problem is not None)
    assert key.problem is not None
    assert str(key.problem).startswith("Ctrl+Alt+B was declined in the desktop's dialog.")


def test_unregister_closes_the_session(
    qtbot: Any, portal: Bus, make_key: Callable[..., PortalGlobalKey]
) -> None:
    key, presses = make_key(), Presses()
    key.register("Ctrl+Alt+B", presses)
    qtbot.waitUntil(lambda: key._session is not None)
    session = key._session
    assert portal.control("Sessions") == [session]
    key.unregister()
    qtbot.waitUntil(lambda: portal.control("Sessions") == [])
    assert portal.log()[-1] == f"close {session}"
    portal.control("Activate", "s", "flag")
    key.register("", presses)  # no shortcut: nothing asked of the desktop
    assert portal.control("Sessions") == []
    assert presses.count == 0


def test_a_key_given_back_before_the_desktop_answered_is_closed_when_it_answers(
    qtbot: Any, portal: Bus, make_key: Callable[..., PortalGlobalKey]
) -> None:
    key, presses = make_key(), Presses()
    key.register("Ctrl+Alt+B", presses)
    key.unregister()  # before the event loop ran: CreateSession's answer is still to come
    qtbot.waitUntil(lambda: any(line.startswith("close") for line in portal.log()))
    assert portal.control("Sessions") == []
    assert not any(line.startswith("bind") for line in portal.log())
    assert key._session is None and key.problem is None


def test_two_keys_have_a_session_each(
    qtbot: Any, portal: Bus, make_key: Callable[..., PortalGlobalKey]
) -> None:
    flag, dial = make_key(), make_key("dial", "Say you are dialing")
    flagged, dialed = Presses(), Presses()
    flag.register("Ctrl+Alt+B", flagged)
    dial.register("Ctrl+Alt+D", dialed)
    qtbot.waitUntil(lambda: flag._session is not None and dial._session is not None)
    assert flag._session != dial._session
    portal.control("Activate", "s", "dial")
    qtbot.waitUntil(lambda: dialed.count == 1)
    assert flagged.count == 0


def test_without_the_portal_wayland_gets_the_bind_it_yourself_sentence(
    bus: Bus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hotkey.sys, "platform", "linux")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    key = hotkey.for_this_system("wayland")
    assert isinstance(key, hotkey.NullGlobalKey)
    problem = key.register("Ctrl+Alt+B", Presses())
    assert problem is not None and "it offers none to Resilience" in str(problem)
    assert "`resilience flag`" in str(problem)
    bus.start_portal()
    hotkey._PORTALS.clear()  # asked again later (the answer is kept a few seconds)
    found = hotkey.for_this_system("wayland")
    assert isinstance(found, PortalGlobalKey)
    found.close()


def test_a_late_refusal_reaches_the_status_and_settings_line(
    qtbot: Any, portal: Bus, make_key: Callable[..., PortalGlobalKey], service: Service
) -> None:
    from resilience_app.ui.presenters.settings import calls_status

    i18n.set_language("en")
    portal.control("Answer", "s", "cancel")
    service.call_desk.global_key = make_key()
    service.start()
    assert service.hotkey_problem is None  # asked; no answer yet
    qtbot.waitUntil(lambda: service.hotkey_problem is not None)
    assert service.status()["hotkey"]["problem"].startswith(
        "Ctrl+Alt+B was declined in the desktop's dialog."
    )
    assert calls_status(service)[1].startswith("Ctrl+Alt+B is not available: Ctrl+Alt+B was")
    portal.control("Answer", "s", "grant")
    service.set_setting("hotkey.flag", "Ctrl+Alt+J")
    assert service.hotkey_problem is None
    qtbot.waitUntil(lambda: len(portal.control("Sessions")) == 1)
    service.close()  # quitting gives the key back, even one still being asked for
    qtbot.waitUntil(lambda: portal.control("Sessions") == [])


XDP = Path("/usr/libexec/xdg-desktop-portal")
XDP_KDE = Path("/usr/lib/x86_64-linux-gnu/libexec/xdg-desktop-portal-kde")


@pytest.mark.skipif(
    not (XDP.exists() and XDP_KDE.exists()),
    reason="needs xdg-desktop-portal and xdg-desktop-portal-kde (Debian packages)",
)
def test_the_real_portal_takes_the_shortcut_as_sent_and_the_session_back(
    qtbot: Any, bus: Bus, tmp_path: Path
) -> None:
    """Debian 12's xdg-desktop-portal with its KDE backend: the frontend checks every
    argument's type (GDBus) and the backend logs what it understood. Without KWin the
    backend binds nothing, so the answer is "not granted" here; a desktop session grants."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = dict(
        os.environ, DBUS_SESSION_BUS_ADDRESS=bus.address, XDG_CURRENT_DESKTOP="KDE",
        XDG_RUNTIME_DIR=str(runtime), QT_QPA_PLATFORM="offscreen",
        QT_LOGGING_RULES="xdp-kde*.debug=true",
    )  # fmt: skip
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    backend_log = tmp_path / "kde.log"
    with open(backend_log, "wb") as log:
        backend = subprocess.Popen([str(XDP_KDE)], env=env, stdout=log, stderr=log)
        frontend = subprocess.Popen(
            [str(XDP), "--replace"], env=env, stdout=log, stderr=subprocess.DEVNULL
        )
    key = PortalGlobalKey(
        address=bus.address, advise=lambda p: hotkey._bind(p, hotkey.FLAG_COMMAND)
    )
    try:
        qtbot.waitUntil(
            lambda: "Desktop portal registered" in backend_log.read_text(), timeout=15000
        )
        qtbot.waitUntil(lambda: offered(bus.address, timeout=1), timeout=15000)
        assert key.register("Ctrl+Alt+B", Presses()) is None
        qtbot.waitUntil(lambda: key._session is not None, timeout=10000)
        session = key._session
        qtbot.waitUntil(lambda: "BindShortcuts called" in backend_log.read_text(), timeout=10000)
        understood = (
            'QPair("flag",QMap(("description", QVariant(QString, "Flag a call: start a break"))'
            '("preferred_trigger", QVariant(QString, "CTRL+ALT+b"))))'
        )
        qtbot.waitUntil(lambda: understood in backend_log.read_text(), timeout=5000)
        # The answer came, and it is about the key, not an error about what was sent.
        qtbot.wait(500)
        assert key.problem is None or str(key.problem).startswith("The desktop did not grant")
        key.unregister()
        qtbot.waitUntil(
            lambda: f'"Close"\nxdp-kde-session: "{session}"' in backend_log.read_text(),
            timeout=5000,
        )
    finally:
        key.close()
        for process in (frontend, backend):
            process.terminate()
            process.wait(5)
