"""A global shortcut on Wayland, asked of the desktop through its portal
(org.freedesktop.portal.GlobalShortcuts: KDE Plasma 5.27 and 6, GNOME 48 and later).

The exchange, all of it asynchronous (the desktop may show the rep a dialog first, and the
GUI thread never waits for it):
1. `CreateSession` returns a Request object; its `Response` signal brings the session.
2. `BindShortcuts(session, [(id, {description, preferred_trigger})], "", options)`: its
   Response lists the shortcuts the desktop actually bound (the rep may untick ours, or
   close the dialog: response 1); where it lists none (Plasma 6 after its dialog),
   `ListShortcuts` is asked.
3. `Activated(session, id, timestamp, options)` each time the rep presses the key;
   `ShortcutsChanged` when the rep binds or unbinds it later in the desktop's settings
   (the session stays open for that when the answer left the key out).
4. `org.freedesktop.portal.Session.Close` gives the key back.

`register` therefore answers None at once (nothing known against it yet); a problem found
later (declined in the dialog, left out, the desktop's error) lands in `problem` and is
handed to `problem_found`, which `CallDesk` sets (resilience_app/service/calls.py) so the
Settings line and `resilience status` say it.

Spoken with jeepney (pure Python, already in the Linux bundle through keyring) on a
connection of its own, read from Qt's event loop through a QSocketNotifier: PySide6's
QtDBus cannot build BindShortcuts' `a(sa{sv})` argument (QDBusArgument.beginArray wants a
registered C++ element type; libdbus aborts the process on a mismatch). One connection
per key: the portal ties a session to the connection that made it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from jeepney import (  # type: ignore[import-untyped]
    DBusAddress,
    HeaderFields,
    MessageType,
    new_method_call,
)
from jeepney.io.blocking import (  # type: ignore[import-untyped]
    DBusConnection,
    open_dbus_connection,
)
from jeepney.low_level import Message  # type: ignore[import-untyped]
from PySide6.QtCore import QObject, QSocketNotifier

from resilience_app.core import shortcut as shortcuts
from resilience_app.i18n import N_, _
from resilience_app.i18n import Message as Sentence

log = logging.getLogger(__name__)

PORTAL = "org.freedesktop.portal.Desktop"
DESKTOP = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
REQUEST = "org.freedesktop.portal.Request"
SESSION = "org.freedesktop.portal.Session"
BUS = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")

# The XDG shortcuts spec's names: its modifiers, and xkbcommon's keysym names for keys
# (letters lower-case, as xkb names them).
XDG_MODIFIERS = {"Ctrl": "CTRL", "Alt": "ALT", "Shift": "SHIFT", "Meta": "LOGO"}
XKB_NAMES = {
    "Space": "space", "PgUp": "Prior", "PgDown": "Next", "Return": "Return",
    "Enter": "KP_Enter", "Backspace": "BackSpace", "Escape": "Escape", "Print": "Print",
    "ScrollLock": "Scroll_Lock", "+": "plus", "-": "minus", ",": "comma", ".": "period",
    "/": "slash", ";": "semicolon", "=": "equal", "[": "bracketleft", "]": "bracketright",
    "'": "apostrophe", "`": "grave", "\\": "backslash",
}  # fmt: skip


def xdg_trigger(text: str) -> str | None:
    """Our shortcut ("Ctrl+Alt+B") as the XDG shortcuts spec writes a trigger
    ("CTRL+ALT+b"), or None for no shortcut."""
    parsed = shortcuts.parse(text)
    if parsed is None:
        return None
    mods = [XDG_MODIFIERS[m] for m in shortcuts.MODIFIER_ORDER if m in parsed.modifiers]
    key = XKB_NAMES.get(parsed.key, parsed.key.lower() if len(parsed.key) == 1 else parsed.key)
    return "+".join([*mods, key])


def _open(address: str | None) -> DBusConnection:
    return open_dbus_connection(address or "SESSION")


def offered(address: str | None = None, timeout: float = 3.0) -> bool:
    """Whether the desktop's portal has the GlobalShortcuts interface (its `version`
    property answers). Blocks for at most `timeout`: once, at start-up (the portal may be
    started on demand by the bus)."""
    try:
        with _open(address) as connection:
            get = new_method_call(
                DBusAddress(DESKTOP, PORTAL, "org.freedesktop.DBus.Properties"),
                "Get", "ss", (SHORTCUTS, "version"),
            )  # fmt: skip
            reply = connection.send_and_get_reply(get, timeout=timeout)
    except Exception as exc:  # no bus, no address, a timeout: no portal to speak of
        log.info("no shortcuts portal: %s", exc)
        return False
    if reply.header.message_type is not MessageType.method_return:
        log.info("no shortcuts portal: %s", reply.body)
        return False
    _signature, version = reply.body[0]
    return isinstance(version, int) and version >= 1


class PortalGlobalKey(QObject):
    """One shortcut through the portal, with a session of its own (one instance a key)."""

    def __init__(
        self,
        shortcut_id: str = "flag",
        description: str = N_("Flag a call: start a break"),
        *,
        advise: Callable[[Sentence], Sentence] = lambda problem: problem,
        address: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.shortcut_id = shortcut_id
        self.description = description  # marked with N_, shown by the desktop
        self._advise = advise  # a problem, then what to do instead
        self._address = address  # None: the session bus
        # Found after `register` returned; kept as written, translated when shown.
        self.problem: Sentence | None = None
        self.problem_found: Callable[[Sentence | None], None] | None = None
        self._connection: DBusConnection | None = None
        self._notifier: QSocketNotifier | None = None
        self._replies: dict[int, Callable[[Message], None]] = {}
        self._responses: dict[str, Callable[[int, dict[str, Any]], None]] = {}
        self._session: str | None = None
        self._shortcut = ""
        self._pressed: Callable[[], None] | None = None
        self._round = 0  # a new one at each register/unregister: late answers are ignored

    # -- the GlobalKey port
    def register(self, shortcut: str, pressed: Callable[[], None]) -> Sentence | None:
        self.unregister()
        trigger = xdg_trigger(shortcut)
        if trigger is None:
            return None
        try:
            self._connect()
        except Exception as exc:
            return self._advise(
                Sentence(
                    N_("The desktop's shortcut service cannot be reached ({reason})."),
                    reason=type(exc).__name__,
                )
            )
        self._shortcut, self._pressed = shortcut, pressed
        round_ = self._round
        token, session_token = self._token(), self._token()

        def created(code: int, results: dict[str, Any]) -> None:
            session = str(results.get("session_handle", ("s", ""))[1])
            if round_ != self._round:  # given back meanwhile
                if code == 0 and session:
                    self._close(session)
                return
            if code != 0 or not session:
                self._fail(self._refusal(code))
                return
            self._session = session
            self._bind(trigger)

        self._request(
            token, created, "CreateSession", "a{sv}",
            ({"handle_token": ("s", token), "session_handle_token": ("s", session_token)},),
        )  # fmt: skip
        return None

    def unregister(self) -> None:
        self._round += 1  # answers still to come are for a key no longer wanted
        if self._session is not None:
            self._close(self._session)
            self._session = None
        self._pressed = None
        self.problem = None

    def close(self) -> None:
        """Gives the key back and hangs up the connection (the app quits)."""
        self.unregister()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # -- the exchange
    def _bind(self, trigger: str) -> None:
        token, round_ = self._token(), self._round

        def bound(code: int, results: dict[str, Any]) -> None:
            if round_ != self._round:
                return
            if code != 0:
                self._fail(self._refusal(code))
            elif "shortcuts" in results:
                self._check(results, trigger)
            else:  # Plasma 6 answers a dialog's "OK" with no list: ask for it
                self._list(trigger)

        info = {"description": ("s", _(self.description)), "preferred_trigger": ("s", trigger)}
        self._request(
            token, bound, "BindShortcuts", "oa(sa{sv})sa{sv}",
            (self._session, [(self.shortcut_id, info)], "", {"handle_token": ("s", token)}),
        )  # fmt: skip

    def _list(self, trigger: str) -> None:
        token, round_ = self._token(), self._round

        def listed(code: int, results: dict[str, Any]) -> None:
            if round_ != self._round:
                return
            if code != 0:
                self._fail(self._refusal(code))
            else:
                self._check(results, trigger)

        self._request(
            token, listed, "ListShortcuts", "oa{sv}",
            (self._session, {"handle_token": ("s", token)}),
        )  # fmt: skip

    def _check(self, results: dict[str, Any], trigger: str) -> None:
        """The shortcuts the desktop says are bound: ours among them, or a problem. The
        session stays open either way: the rep may bind the key later in the desktop's
        own settings (Plasma 5.27 opens them instead of a dialog), and ShortcutsChanged
        then says so."""
        granted = {key: info for key, info in results.get("shortcuts", ("", []))[1]}
        if self.shortcut_id not in granted:
            # Translators: {shortcut} is a key combination, as "Ctrl+Alt+B".
            problem = N_("The desktop did not grant {shortcut} to Resilience.")
            self._report(self._advise(Sentence(problem, shortcut=self._shortcut)))
            return
        given = granted[self.shortcut_id].get("trigger_description", ("s", ""))[1]
        log.info("the desktop bound %s to %s", self.shortcut_id, given or trigger)
        if self.problem is not None:
            self._report(None)

    def _refusal(self, code: int) -> Sentence:
        if code == 1:
            # Translators: {shortcut} is a key combination, as "Ctrl+Alt+B".
            declined = N_("{shortcut} was declined in the desktop's dialog.")
            return Sentence(declined, shortcut=self._shortcut)
        # Translators: {shortcut} is a key combination, as "Ctrl+Alt+B".
        return Sentence(N_("The desktop could not set up {shortcut}."), shortcut=self._shortcut)

    def _fail(self, problem: Sentence) -> None:
        """The key is not to be had: the session (if any) is given back."""
        self.unregister()
        self._report(self._advise(problem))

    def _report(self, problem: Sentence | None) -> None:
        log.log(
            logging.WARNING if problem else logging.INFO,
            "the portal's shortcut %s: %s", self.shortcut_id,
            problem.english() if problem else "bound",
        )  # fmt: skip
        self.problem = problem
        if self.problem_found is not None:
            self.problem_found(problem)

    def _close(self, session: str) -> None:
        self._send(new_method_call(DBusAddress(session, PORTAL, SESSION), "Close"))

    def _token(self) -> str:
        return "resilience_" + secrets.token_hex(8)

    def _request(
        self,
        token: str,
        answered: Callable[[int, dict[str, Any]], None],
        method: str,
        signature: str,
        body: tuple[Any, ...],
    ) -> None:
        """Calls a portal method that answers through a Request object's Response; the
        handler is in place before the call, so an early Response is not missed."""
        assert self._connection is not None and self._connection.unique_name is not None
        sender = self._connection.unique_name[1:].replace(".", "_")
        expected = f"{DESKTOP}/request/{sender}/{token}"
        self._responses[expected] = answered
        round_ = self._round

        def replied(reply: Message) -> None:
            if round_ != self._round:
                return
            if reply.header.message_type is MessageType.error:
                self._responses.pop(expected, None)
                error = reply.header.fields.get(HeaderFields.error_name, "")
                self._fail(
                    Sentence(
                        N_("The desktop's shortcut service answered with an error ({error})."),
                        error=error,
                    )
                )
                return
            handle = str(reply.body[0])
            if handle != expected and expected in self._responses:  # a portal before 0.9
                self._responses[handle] = self._responses.pop(expected)

        call = new_method_call(DBusAddress(DESKTOP, PORTAL, SHORTCUTS), method, signature, body)
        self._replies[self._send(call)] = replied

    # -- the connection
    def _connect(self) -> None:
        if self._connection is not None:
            return
        connection = _open(self._address)
        self._connection = connection
        for rule in (
            f"type='signal',interface='{REQUEST}',member='Response'",
            f"type='signal',interface='{SHORTCUTS}',member='Activated',path='{DESKTOP}'",
            f"type='signal',interface='{SHORTCUTS}',member='ShortcutsChanged',path='{DESKTOP}'",
            f"type='signal',interface='{SESSION}',member='Closed'",
        ):
            self._send(new_method_call(BUS, "AddMatch", "s", (rule,)))
        if self._connection is None:  # the bus dropped it on the way
            raise ConnectionError("the session bus closed the connection")
        self._notifier = QSocketNotifier(connection.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._readable)

    def _send(self, message: Message) -> int:
        if self._connection is None:
            return 0
        serial: int = next(self._connection.outgoing_serial)
        try:
            self._connection.send(message, serial=serial)
        except OSError as exc:
            self._lost(exc)
        return serial

    def _readable(self) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            data = connection.sock.recv(65536)
        except OSError as exc:
            self._lost(exc)
            return
        if not data:
            self._lost(ConnectionResetError("closed by the bus"))
            return
        connection.parser.add_data(data)
        while (message := connection.parser.get_next_message()) is not None:
            self._dispatch(message)

    def _lost(self, exc: Exception) -> None:
        log.warning("the connection to the shortcuts portal is gone: %s", exc)
        had_key = self._pressed is not None
        self._session = None
        self.close()
        if had_key:
            self._fail(Sentence(N_("The connection to the desktop's shortcut service was lost.")))

    def _dispatch(self, message: Message) -> None:
        header = message.header
        if header.message_type in (MessageType.method_return, MessageType.error):
            replied = self._replies.pop(header.fields.get(HeaderFields.reply_serial, 0), None)
            if replied is not None:
                replied(message)
            return
        if header.message_type is not MessageType.signal:
            return
        path = header.fields.get(HeaderFields.path)
        interface = header.fields.get(HeaderFields.interface)
        member = header.fields.get(HeaderFields.member)
        if interface == REQUEST and member == "Response":
            answered = self._responses.pop(str(path), None)
            if answered is not None:
                code, results = message.body
                answered(int(code), dict(results))
        elif interface == SHORTCUTS and member == "Activated":
            session, shortcut_id = message.body[0], message.body[1]
            if session == self._session and shortcut_id == self.shortcut_id and self._pressed:
                self._pressed()
        elif interface == SHORTCUTS and member == "ShortcutsChanged":
            session, listing = message.body
            if session == self._session:  # the rep changed them in the desktop's settings
                self._check({"shortcuts": ("a(sa{sv})", listing)}, "")
        elif interface == SESSION and member == "Closed" and path == self._session:
            self._session = None
            self._fail(
                # Translators: {shortcut} is a key combination, as "Ctrl+Alt+B".
                Sentence(N_("The desktop ended the shortcut {shortcut}."), shortcut=self._shortcut)
            )
