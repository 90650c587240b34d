"""The command channel between `resilience <command>` and the running app (client side).

One JSON object per line each way. On POSIX this is a plain AF_UNIX socket, so a command
like `resilience flag` never imports Qt; the app serves it with QLocalServer, which uses
the same kind of socket. On Windows QLocalServer speaks named pipes, so the client uses
QLocalSocket there.

Nothing is sent until the client knows the app at the other end is the rep's own: the
socket file must belong to the rep, and the process holding it must run as the rep
(the kernel's peer credentials). Every request carries an id; when the connection drops
before the answer, the client asks again with the same id and the app answers from
memory instead of doing the thing twice.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import struct
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from resilience_app.i18n import _
from resilience_app.paths import channel_named_in_lock, socket_path

PROTOCOL = 1
MAX_REQUEST = 1024 * 1024  # the app refuses anything longer
MAX_MESSAGE = 64 * 1024 * 1024


class AppNotRunning(Exception):
    """Nobody is listening on the channel for this data directory."""


class ChannelError(Exception):
    """The app answered, but not in a way we understand (or too slowly)."""


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"


class Dropped(ChannelError):
    """The connection closed before an answer came (the request may have been handled)."""


class NoAnswer(ChannelError):
    """The app took the request but gave no answer in time: it may still carry it out."""


class NotOurs(ChannelError):
    """The channel belongs to another user: nothing is sent to it."""


def decode(line: bytes) -> dict[str, Any]:
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ChannelError(_("unreadable message: {reason}").format(reason=str(exc)[:80])) from None
    if not isinstance(data, dict):
        raise ChannelError(_("a message must be a JSON object"))
    return data


def request(
    name: str,
    command: str,
    args: dict[str, Any] | None = None,
    *,
    timeout: float = 10.0,
    request_id: str | None = None,
) -> dict[str, Any]:
    """Send one command to the app listening at `name`; return its reply object. If the
    connection drops before the answer, ask once more with the same request id."""
    message = {
        "protocol": PROTOCOL,
        "id": request_id or uuid.uuid4().hex,
        "command": command,
        "args": args or {},
    }
    try:
        payload = encode(message)
    except (UnicodeEncodeError, ValueError) as exc:
        raise ChannelError(
            _("the request cannot be sent as text ({reason})").format(reason=exc)
        ) from None
    send = _request_unix if os.name == "posix" else _request_qt
    try:
        return send(name, payload, timeout)
    except (Dropped, NoAnswer):
        # Asked again with the same id: an app that did it answers from memory.
        return send(name, payload, timeout)


def request_for(
    data_dir: Any, command: str, args: dict[str, Any] | None = None, *, timeout: float = 10.0
) -> dict[str, Any]:
    names = []
    named = channel_named_in_lock(Path(data_dir))
    if named:
        names.append(named)  # where the app holding the lock said it listens
    try:
        computed = socket_path(Path(data_dir))
    except OSError:
        computed = ""  # no private channel folder here
    if computed and computed not in names:
        names.append(computed)
    for name in names:
        try:
            return request(name, command, args, timeout=timeout)
        except AppNotRunning:
            continue
    raise AppNotRunning(str(data_dir))


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


def _check_owner(path: str) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise AppNotRunning(path) from None
    if not stat.S_ISSOCK(info.st_mode) or info.st_uid != os.getuid():
        raise NotOurs(_("{path} is not your own channel").format(path=path))


def _check_peer(sock: socket.socket) -> None:
    """The process at the other end runs as the rep (Linux and macOS say so)."""
    uid: int | None = None
    if hasattr(socket, "SO_PEERCRED"):
        size = struct.calcsize("3i")
        _pid, uid, _gid = struct.unpack(
            "3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, size)
        )
    elif sys.platform == "darwin":  # pragma: no cover - macOS: LOCAL_PEERCRED, a struct xucred
        raw = sock.getsockopt(0, 0x001, struct.calcsize("IIh16I"))
        uid = struct.unpack_from("II", raw)[1]
    if uid is not None and uid != os.getuid():
        raise NotOurs(_("the app at the other end belongs to another user"))


def _request_unix(path: str, payload: bytes, timeout: float) -> dict[str, Any]:
    _check_owner(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        busy_until = time.monotonic() + min(timeout, 5.0)
        while True:
            try:
                sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                raise AppNotRunning(path) from None
            except BlockingIOError:
                # A full backlog (a flood of idle connections): the app closes the oldest
                # ones, so a moment later there is room.
                if time.monotonic() > busy_until:
                    raise ChannelError(_("the app is too busy to take the request")) from None
                time.sleep(0.05)
        _check_peer(sock)
        sock.sendall(payload)
        buffer = bytearray()
        while b"\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            buffer += chunk
            if len(buffer) > MAX_MESSAGE:
                raise ChannelError(_("reply too large"))
    except TimeoutError:
        raise NoAnswer(
            _("the app did not answer within {seconds} s").format(seconds=f"{timeout:g}")
        ) from None
    except (ConnectionResetError, BrokenPipeError):
        raise Dropped(_("the connection was reset")) from None
    finally:
        sock.close()
    if not buffer:
        raise Dropped(_("the app closed the channel without answering"))
    return decode(bytes(buffer).split(b"\n", 1)[0])


def _request_qt(name: str, payload: bytes, timeout: float) -> dict[str, Any]:  # pragma: no cover
    """Windows: the named pipe through QLocalSocket, with the same outcomes as on POSIX: no
    pipe is AppNotRunning, silence past `timeout` is NoAnswer, a hang-up is Dropped."""
    from PySide6.QtNetwork import QLocalSocket

    connected = QLocalSocket.LocalSocketState.ConnectedState
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(int(timeout * 1000)):
        raise AppNotRunning(name)
    deadline = time.monotonic() + timeout
    buffer = bytearray()
    try:
        sock.write(payload)
        sock.waitForBytesWritten(int(timeout * 1000))
        while True:
            # What arrived before a hang-up is still there to read.
            buffer += bytes(sock.readAll().data())
            if b"\n" in buffer or sock.state() != connected:
                break
            if len(buffer) > MAX_MESSAGE:
                raise ChannelError(_("reply too large"))
            left = deadline - time.monotonic()
            if left <= 0:
                raise NoAnswer(
                    _("the app did not answer within {seconds} s").format(seconds=f"{timeout:g}")
                )
            sock.waitForReadyRead(max(1, int(left * 1000)))
    finally:
        sock.abort()
    if not buffer:
        raise Dropped(_("the app closed the channel without answering"))
    return decode(bytes(buffer).split(b"\n", 1)[0])
