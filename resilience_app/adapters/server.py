"""The app's end of the command channel: a QLocalServer in the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from resilience_app.adapters.ipc import ChannelError, decode, encode

log = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any]], dict[str, Any]]


class CommandServer(QObject):
    """Answers one JSON request per connection with `handler(command, args)`."""

    def __init__(self, name: str, handler: Handler, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._handler = handler
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    def listen(self) -> bool:
        # Only called while holding the instance lock, so a leftover socket file is stale.
        QLocalServer.removeServer(self.name)
        if not self._server.listen(self.name):
            log.error("command channel %s: %s", self.name, self._server.errorString())
            return False
        return True

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            self._buffers[sock] = bytearray()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._forget(s))

    def _forget(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()

    def _read(self, sock: QLocalSocket) -> None:
        buffer = self._buffers.get(sock)
        if buffer is None:
            return
        buffer += bytes(sock.readAll().data())
        if b"\n" not in buffer:
            return
        line = bytes(buffer).split(b"\n", 1)[0]
        self._buffers[sock] = bytearray()
        try:
            message = decode(line)
            command = str(message.get("command", ""))
            args = message.get("args") or {}
            if not isinstance(args, dict):
                raise ChannelError("args must be an object")
            reply = self._handler(command, args)
        except ChannelError as exc:
            reply = {"ok": False, "error": f"Bad request: {exc}"}
        except Exception:  # a bug must not take the tray down with it
            log.exception("command failed")
            reply = {"ok": False, "error": "The app hit an internal error; see its log."}
        sock.write(encode(reply))
        sock.flush()
        sock.disconnectFromServer()
