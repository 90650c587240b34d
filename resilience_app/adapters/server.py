"""The app's end of the command channel: a QLocalServer in the GUI thread.

A local socket is still a door. What comes through it is bounded: at most
`MAX_CONNECTIONS` at once (when full, the oldest connection is closed to make room, so a
flood can neither use up the process's file descriptors, which would make Qt close the
server and delete its socket, nor keep a real request out: that one sends at once and is
answered within milliseconds), an idle connection is closed after `IDLE_MS`, a request
longer than `ipc.MAX_REQUEST` is refused. If the server ever stops listening or its socket
file vanishes, `ensure_listening` opens it again. Nothing a request carries reaches the
log: a handler's failure is logged by exception type and place only.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from resilience_app.adapters.ipc import MAX_REQUEST, ChannelError, decode, encode
from resilience_app.i18n import _

log = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any], "str | None"], dict[str, Any]]
MAX_CONNECTIONS = 16
IDLE_MS = 5_000


class CommandServer(QObject):
    """Answers one JSON request per connection with `handler(command, args, request_id)`."""

    def __init__(self, name: str, handler: Handler, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._handler = handler
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._open: dict[QLocalSocket, tuple[bytearray, float]] = {}
        self._sweeper = QTimer(self)  # runs only while connections are open
        self._sweeper.setInterval(1000)
        self._sweeper.timeout.connect(self._close_idle)
        self.evicted = 0  # connections closed to make room for newer ones
        self._said_busy = False

    def listen(self) -> bool:
        # Only called while holding the instance lock, so a leftover socket file is stale.
        QLocalServer.removeServer(self.name)
        if not self._server.listen(self.name):
            log.error("command channel %s: %s", self.name, self._server.errorString())
            return False
        return True

    @property
    def listening(self) -> bool:
        return bool(self._server.isListening()) and (
            os.name != "posix" or os.path.exists(self.name)
        )

    def ensure_listening(self) -> bool:
        """Open the channel again if it was closed or its socket file removed."""
        if self.listening:
            return True
        log.warning("the command channel %s was gone; opening it again", self.name)
        self._server.close()
        return self.listen()

    def close(self) -> None:
        self._sweeper.stop()
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            if len(self._open) >= MAX_CONNECTIONS:
                oldest = min(self._open, key=lambda s: self._open[s][1])
                self.evicted += 1
                if not self._said_busy:
                    self._said_busy = True
                    log.warning(
                        "more than %d open connections; closing the oldest", MAX_CONNECTIONS
                    )
                oldest.abort()
                self._forget(oldest)
            self._open[sock] = (bytearray(), time.monotonic())
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._forget(s))
        if self._open and not self._sweeper.isActive():
            self._sweeper.start()
        if not self._server.isListening():
            self.ensure_listening()

    def _forget(self, sock: QLocalSocket) -> None:
        if self._open.pop(sock, None) is not None:
            sock.deleteLater()
        if not self._open:
            self._sweeper.stop()
            self._said_busy = False

    def _close_idle(self) -> None:
        now = time.monotonic()
        for sock, (_buffer, since) in list(self._open.items()):
            if (now - since) * 1000 >= IDLE_MS:
                sock.abort()
                self._forget(sock)

    def _read(self, sock: QLocalSocket) -> None:
        entry = self._open.get(sock)
        if entry is None:
            return
        buffer = entry[0]
        buffer += bytes(sock.readAll().data())
        if b"\n" not in buffer:
            if len(buffer) > MAX_REQUEST:
                self._answer(sock, {"ok": False, "error": _("Bad request: it is too long.")})
            return
        line = bytes(buffer).split(b"\n", 1)[0]
        buffer.clear()
        if len(line) > MAX_REQUEST:
            reply: dict[str, Any] = {"ok": False, "error": _("Bad request: it is too long.")}
        else:
            reply = self._handle(line)
        self._answer(sock, reply)

    def _handle(self, line: bytes) -> dict[str, Any]:
        try:
            message = decode(line)
            command = message.get("command")
            args = message.get("args") or {}
            request_id = message.get("id")
            if not isinstance(command, str) or not isinstance(args, dict):
                raise ChannelError("a request names a command and gives its arguments")
            if request_id is not None and not isinstance(request_id, str):
                raise ChannelError("a request id is text")
            return self._handler(command, args, request_id)
        except ChannelError as exc:
            return {"ok": False, "error": _("Bad request: {reason}").format(reason=exc)}
        except Exception as exc:  # a bug must not take the tray down with it
            # The type and the place only: the message could quote what the rep wrote.
            where = "".join(traceback.format_tb(exc.__traceback__)[-3:])
            log.error("command failed with %s at\n%s", type(exc).__name__, where)
            # Part of the request may have been carried out (and saved) before the bug.
            said = _(
                "The app hit an internal error while carrying this out, so it may be partly "
                "done. Check with `resilience status` before trying again; its log says more."
            )
            return {"ok": False, "maybe": True, "error": said}

    def _answer(self, sock: QLocalSocket, reply: dict[str, Any]) -> None:
        try:
            data = encode(reply)
        except (UnicodeEncodeError, ValueError):
            data = encode({"ok": False, "error": _("The answer could not be sent as text.")})
        sock.write(data)
        sock.flush()
        sock.disconnectFromServer()
