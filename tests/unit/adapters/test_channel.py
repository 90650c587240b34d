"""The command channel for real: the app's QLocalServer and the CLI's client socket, the
instance lock, and the client's wait for an app that is still starting.

On Windows the channel is a named pipe. There the client asks from a process of its own, as
the CLI does: a QLocalSocket in a second thread of the app's own process never gets its
request out under Wine (the write waits forever), a situation the app itself never creates.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.adapters import ipc
from resilience_app.adapters.lock import InstanceLock
from resilience_app.adapters.server import CommandServer
from resilience_app.paths import socket_path

WINDOWS = sys.platform == "win32"
ASK = """
import json, sys
from resilience_app.adapters import ipc
try:
    reply = {"reply": ipc.request(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), timeout=5)}
except Exception as exc:
    reply = {"error": type(exc).__name__, "message": str(exc)}
print(json.dumps(reply))
"""


def ask_in_thread(name: str, command: str, args: dict[str, Any]) -> dict[str, Any]:
    """The client blocks, the server needs the Qt loop: run the client beside it."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["reply"] = ipc.request(name, command, args, timeout=5)
        except Exception as exc:  # handed back to the test thread
            box["error"] = exc

    def run_apart() -> None:
        done = subprocess.run(
            [sys.executable, "-c", ASK, name, command, json.dumps(args)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        answer = json.loads(done.stdout or "{}")
        box.update(answer if "reply" in answer else {"error": answer or done.stderr})

    thread = threading.Thread(target=run_apart if WINDOWS else run)
    thread.start()
    box["thread"] = thread
    return box


class RawClient:
    """A client that speaks bytes, not our protocol: an AF_UNIX socket, or on Windows the
    named pipe opened as a file (what any program can do)."""

    def __init__(self, name: str) -> None:
        self.sock: Any = None
        self.pipe: IO[bytes] | None = None
        if WINDOWS:
            self.pipe = open(rf"\\.\pipe\{name}", "r+b", buffering=0)  # noqa: SIM115
        else:
            import socket

            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(5)
            try:
                self.sock.connect(name)
            except OSError:
                self.sock.close()
                raise

    def send(self, data: bytes) -> None:
        if self.pipe is not None:
            self.pipe.write(data)
        else:
            self.sock.sendall(data)

    def recv(self) -> bytes:
        return self.pipe.read(65536) if self.pipe is not None else bytes(self.sock.recv(65536))

    def close(self) -> None:
        (self.pipe or self.sock).close()


@pytest.fixture
def served(qtbot: QtBot, data_dir: Path) -> tuple[CommandServer, list[tuple[str, Any]]]:
    calls: list[tuple[str, Any]] = []

    def handler(command: str, args: dict[str, Any], request_id: str | None) -> dict[str, Any]:
        calls.append((command, args))
        if command == "boom":
            raise RuntimeError(f"a bug near {args}")  # the message quotes the request
        return {"ok": True, "echo": args}

    data_dir.mkdir(parents=True)
    server = CommandServer(socket_path(data_dir), handler)
    assert server.listen()
    yield server, calls
    server.close()


def test_a_request_and_its_reply(
    qtbot: QtBot, served: tuple[CommandServer, list[Any]], data_dir: Path
) -> None:
    server, calls = served
    box = ask_in_thread(server.name, "flag", {"label": "Ação — “ok”"})
    qtbot.waitUntil(lambda: not box["thread"].is_alive(), timeout=5000)
    assert box["reply"] == {"ok": True, "echo": {"label": "Ação — “ok”"}}
    assert calls == [("flag", {"label": "Ação — “ok”"})]


def test_a_bug_in_a_handler_does_not_take_the_app_down(
    qtbot: QtBot, served: tuple[CommandServer, list[Any]]
) -> None:
    server, _ = served
    box = ask_in_thread(server.name, "boom", {})
    qtbot.waitUntil(lambda: not box["thread"].is_alive(), timeout=5000)
    assert box["reply"]["ok"] is False and "internal error" in box["reply"]["error"]
    assert box["reply"]["maybe"] is True  # the CLI says it may be done (exit 4), not "failed"
    again = ask_in_thread(server.name, "status", {})
    qtbot.waitUntil(lambda: not again["thread"].is_alive(), timeout=5000)
    assert again["reply"]["ok"] is True


def test_nobody_listening_is_app_not_running(data_dir: Path) -> None:
    with pytest.raises(ipc.AppNotRunning):
        ipc.request_waiting_for_start(data_dir, "status")


def test_one_lock_per_data_folder(data_dir: Path) -> None:
    first, second = InstanceLock(data_dir), InstanceLock(data_dir)
    assert first.acquire() and first.held
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_a_flood_of_idle_connections_never_takes_the_channel_down(
    qtbot: QtBot, served: tuple[CommandServer, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from resilience_app.adapters import server as server_module

    monkeypatch.setattr(server_module, "IDLE_MS", 300)
    server, _ = served
    idle: list[RawClient] = []

    def flood() -> None:  # another process would do this; a thread is enough here
        for _ in range(60):
            try:
                idle.append(RawClient(server.name))
            except OSError:  # the backlog (or every pipe instance) is taken
                continue

    flooder = threading.Thread(target=flood)
    flooder.start()
    qtbot.waitUntil(lambda: not flooder.is_alive(), timeout=15000)
    qtbot.waitUntil(lambda: server.evicted > 0, timeout=5000)
    assert len(server._open) <= server_module.MAX_CONNECTIONS
    qtbot.waitUntil(lambda: not server._open, timeout=5000)  # idle ones are closed
    box = ask_in_thread(server.name, "status", {})
    qtbot.waitUntil(lambda: not box["thread"].is_alive(), timeout=5000)
    assert box["reply"]["ok"] is True and server.listening
    for client in idle:
        client.close()


def test_a_request_that_never_ends_is_refused(
    qtbot: QtBot, served: tuple[CommandServer, list[Any]]
) -> None:
    server, calls = served
    client = RawClient(server.name)
    received = bytearray()

    def send() -> None:
        with contextlib.suppress(OSError):
            client.send(b'{"command": "flag", "args": {"label": "' + b"x" * (2 * 2**20))
        while True:
            try:
                chunk = client.recv()
            except OSError:
                return
            if not chunk:
                return
            received.extend(chunk)

    thread = threading.Thread(target=send)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=10000)
    client.close()
    assert b"too long" in received and calls == []


@pytest.mark.skipif(WINDOWS, reason="a named pipe has no file that could be removed")
def test_the_channel_comes_back_when_its_socket_file_is_removed(
    qtbot: QtBot, served: tuple[CommandServer, list[Any]]
) -> None:
    server, _ = served
    os.unlink(server.name)
    assert not server.listening
    assert server.ensure_listening() and os.path.exists(server.name)
    box = ask_in_thread(server.name, "status", {})
    qtbot.waitUntil(lambda: not box["thread"].is_alive(), timeout=5000)
    assert box["reply"]["ok"] is True


def test_a_handler_failure_logs_no_request_text(
    qtbot: QtBot, served: tuple[CommandServer, list[Any]], caplog: pytest.LogCaptureFixture
) -> None:
    server, _ = served
    box = ask_in_thread(server.name, "boom", {"what": "my very private note"})
    qtbot.waitUntil(lambda: not box["thread"].is_alive(), timeout=5000)
    assert "RuntimeError" in caplog.text and "private" not in caplog.text
