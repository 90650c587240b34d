"""The command channel for real: the app's QLocalServer and the CLI's client socket, the
instance lock, and the client's wait for an app that is still starting."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.adapters import ipc
from resilience_app.adapters.lock import InstanceLock
from resilience_app.adapters.server import CommandServer
from resilience_app.paths import socket_path


def ask_in_thread(name: str, command: str, args: dict[str, Any]) -> dict[str, Any]:
    """The client blocks, the server needs the Qt loop: run the client beside it."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["reply"] = ipc.request(name, command, args, timeout=5)
        except Exception as exc:  # handed back to the test thread
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    box["thread"] = thread
    return box


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
    import socket as sockets

    from resilience_app.adapters import server as server_module

    monkeypatch.setattr(server_module, "IDLE_MS", 300)
    server, _ = served
    idle: list[sockets.socket] = []

    def flood() -> None:  # another process would do this; a thread is enough here
        for _ in range(60):
            client = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
            client.settimeout(5)
            try:
                client.connect(server.name)
            except OSError:
                client.close()
                continue
            idle.append(client)

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
    import socket as sockets

    server, calls = served
    client = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    client.connect(server.name)
    client.settimeout(5)
    received = bytearray()

    def send() -> None:
        with contextlib.suppress(OSError):
            client.sendall(b'{"command": "flag", "args": {"label": "' + b"x" * (2 * 2**20))
        while True:
            try:
                chunk = client.recv(65536)
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


def test_the_channel_comes_back_when_its_socket_file_is_removed(
    qtbot: QtBot, served: tuple[CommandServer, list[Any]]
) -> None:
    import os

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
