"""Linux desktop notifications over the session bus, kept by id so they can be taken back.

The Desktop Notifications spec's `Notify` returns an id, and `CloseNotification(id)`
takes that notification off the screen. Each notification is sent with a *tag* ("nudge",
"followup:<id>"): the id is kept per tag, a second one with the same tag replaces the
first on screen, and `withdraw(tag)` closes it. What can be taken back also goes by
itself: a tagged notification expires after a few minutes.

Why not QtDBus, which the app has: from Python, PySide6 can write neither a D-Bus uint32
(`replaces_id`) nor a byte (the `urgency` hint); its integers go out as int32 or uint16,
and notification servers check the signature `susssasa{sv}i` and refuse the call. jeepney
(pure Python, already what keyring speaks to the Secret Service with) writes the message
with its signature spelled out. Every call runs on one worker thread, in order and with a
short timeout: the GUI never waits on the bus, and a withdraw always comes after the send
it takes back, once its id is known.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
NOTIFY_SIGNATURE = "susssasa{sv}i"
EXPIRES_MS = 5 * 60 * 1000  # a tagged notification (a nudge, a reminder) goes by itself
SERVER_DEFAULT = -1  # expire_timeout: as the notification server likes
REPLY_TIMEOUT_S = 2.0
URGENCY_NORMAL, URGENCY_CRITICAL = 1, 2


class DBusNotifier:
    """`org.freedesktop.Notifications` on the session bus (dunst, GNOME Shell, Plasma,
    xfce4-notifyd, mako…), with the ids kept per tag for `withdraw`.

    `bus` is jeepney's: "SESSION" (the address in DBUS_SESSION_BUS_ADDRESS) or an address.
    `present` says whether a notification server is there (asked before each send).
    """

    name = "desktop"

    def __init__(
        self,
        app_name: str,
        icon: str = "",
        *,
        present: Callable[[], bool] | None = None,
        bus: str = "SESSION",
        expires_ms: int = EXPIRES_MS,
        reply_timeout: float = REPLY_TIMEOUT_S,
    ) -> None:
        self.app_name = app_name
        self.icon = icon
        self.bus = bus
        self.expires_ms = expires_ms
        self.reply_timeout = reply_timeout
        self._present = present
        self._worker: ThreadPoolExecutor | None = None  # started at the first send
        # Only the worker thread touches these two.
        self._connection: Any = None
        self._ids: dict[str, int] = {}
        self._failed_once = False

    def available(self) -> bool:
        return (self._present or linux_server_present)()

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
        self._submit(self._notify, title, message, urgent, tag)

    def withdraw(self, tag: str) -> None:
        """Take the notification sent with `tag` off the screen (nothing if none is)."""
        self._submit(self._close, tag)

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until what was asked so far has reached the server (tests, shutdown)."""
        if self._worker is not None:
            self._worker.submit(lambda: None).result(timeout=timeout)

    def shutdown(self) -> None:
        """Finish what was asked (each call is bounded by the reply timeout) and let go of
        the bus."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.submit(self._disconnect)
            worker.shutdown(wait=True)

    # -- on the worker thread ----------------------------------------------------------

    def _submit(self, work: Callable[..., None], *args: Any) -> Future[None]:
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notify")
        return self._worker.submit(self._guarded, work, *args)

    def _guarded(self, work: Callable[..., None], *args: Any) -> None:
        try:
            work(*args)
        except Exception:  # a bug here must not take the worker (or the app) down
            log.exception("a desktop notification call failed")

    def _notify(self, title: str, message: str, urgent: bool, tag: str) -> None:
        hints = {"urgency": ("y", URGENCY_CRITICAL if urgent else URGENCY_NORMAL)}
        body: tuple[Any, ...] = (
            self.app_name,
            self._ids.get(tag, 0) if tag else 0,  # the same tag replaces what is on screen
            self.icon,
            title,
            message,
            [],
            hints,
            self.expires_ms if tag else SERVER_DEFAULT,
        )
        reply = self._call("Notify", NOTIFY_SIGNATURE, body)
        if reply is not None and tag:
            self._ids[tag] = int(reply[0])

    def _close(self, tag: str) -> None:
        notification = self._ids.pop(tag, None)
        if notification is not None:
            # An error reply (it expired or the rep closed it already) needs nothing more.
            self._call("CloseNotification", "u", (notification,), quiet=True)

    def _call(
        self, method: str, signature: str, body: tuple[Any, ...], *, quiet: bool = False
    ) -> tuple[Any, ...] | None:
        from jeepney import DBusAddress, MessageType, new_method_call

        address = DBusAddress(OBJECT_PATH, bus_name=SERVICE, interface=SERVICE)
        request = new_method_call(address, method, signature, body)
        try:
            connection = self._connect()
            reply = connection.send_and_get_reply(request, timeout=self.reply_timeout)
        except (OSError, ValueError, KeyError) as exc:
            # No bus, a bus gone, or no answer in time: the next call connects again.
            self._disconnect()
            self._fail(f"the notification server did not answer ({type(exc).__name__})")
            return None
        if reply.header.message_type is MessageType.error:
            if not quiet:
                self._fail("the notification server refused a notification")
                log.info("its reason: %s", reply.body[0] if reply.body else "none given")
            return None
        return tuple(reply.body)

    def _connect(self) -> Any:
        if self._connection is None:
            from jeepney.io.blocking import open_dbus_connection

            self._connection = open_dbus_connection(self.bus)
        return self._connection

    def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()

    def _fail(self, message: str) -> None:
        if not self._failed_once:
            self._failed_once = True
            log.warning("%s; nudges may not show until it does", message)


def linux_server_present() -> bool:
    """Whether a notification server is on the session bus (or starts on demand)."""
    from PySide6.QtDBus import QDBusConnection

    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    interface = bus.interface()
    registered = interface.isServiceRegistered(SERVICE)
    if registered.isValid() and registered.value():
        return True
    # Many servers start on demand through D-Bus activation.
    names = interface.activatableServiceNames()
    return bool(names.isValid() and SERVICE in (names.value() or []))
