"""The command channel between `resilience <command>` and the running app (client side).

One JSON object per line each way. On POSIX this is a plain AF_UNIX socket, so a command
like `resilience flag` never imports Qt; the app serves it with QLocalServer, which uses
the same kind of socket. On Windows QLocalServer speaks named pipes, so the client uses
QLocalSocket there.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from resilience_app.paths import socket_path

PROTOCOL = 1
MAX_MESSAGE = 64 * 1024 * 1024


class AppNotRunning(Exception):
    """Nobody is listening on the channel for this data directory."""


class ChannelError(Exception):
    """The app answered, but not in a way we understand (or too slowly)."""


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ChannelError(f"unreadable message: {exc}") from None
    if not isinstance(data, dict):
        raise ChannelError("a message must be a JSON object")
    return data


def request(
    name: str, command: str, args: dict[str, Any] | None = None, *, timeout: float = 10.0
) -> dict[str, Any]:
    """Send one command to the app listening at `name`; return its reply object."""
    payload = encode({"protocol": PROTOCOL, "command": command, "args": args or {}})
    if os.name == "posix":
        return _request_unix(name, payload, timeout)
    return _request_qt(name, payload, timeout)  # pragma: no cover - Windows


def request_for(
    data_dir: Any, command: str, args: dict[str, Any] | None = None, *, timeout: float = 10.0
) -> dict[str, Any]:
    return request(socket_path(data_dir), command, args, timeout=timeout)


STARTING_WAIT = 10.0


def request_waiting_for_start(
    data_dir: Path, command: str, args: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Ask the app; if it holds the instance lock but does not answer yet, it is starting
    (its tray icon shows before its command channel opens), so wait for it a little."""
    from resilience_app.adapters.lock import InstanceLock

    deadline = time.monotonic() + STARTING_WAIT
    while True:
        try:
            return request_for(data_dir, command, args)
        except AppNotRunning:
            lock = InstanceLock(data_dir)
            if lock.acquire():
                lock.release()
                raise  # nobody holds the lock: no app at all
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _request_unix(path: str, payload: bytes, timeout: float) -> dict[str, Any]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        try:
            sock.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            raise AppNotRunning(path) from None
        sock.sendall(payload)
        buffer = bytearray()
        while b"\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            buffer += chunk
            if len(buffer) > MAX_MESSAGE:
                raise ChannelError("reply too large")
    except TimeoutError:
        raise ChannelError(f"the app did not answer within {timeout:g} s") from None
    finally:
        sock.close()
    if not buffer:
        raise ChannelError("the app closed the channel without answering")
    return decode(bytes(buffer).split(b"\n", 1)[0])


def _request_qt(name: str, payload: bytes, timeout: float) -> dict[str, Any]:  # pragma: no cover
    from PySide6.QtNetwork import QLocalSocket

    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(int(timeout * 1000)):
        raise AppNotRunning(name)
    sock.write(payload)
    sock.waitForBytesWritten(int(timeout * 1000))
    buffer = bytearray()
    while b"\n" not in buffer:
        if not sock.waitForReadyRead(int(timeout * 1000)):
            break
        buffer += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    if not buffer:
        raise ChannelError("the app closed the channel without answering")
    return decode(bytes(buffer).split(b"\n", 1)[0])
