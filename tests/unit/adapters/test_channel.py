"""The command channel for real: the app's QLocalServer and the CLI's client socket, the
instance lock, and the client's wait for an app that is still starting."""

from __future__ import annotations

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

    def handler(command: str, args: dict[str, Any]) -> dict[str, Any]:
        calls.append((command, args))
        if command == "boom":
            raise RuntimeError("a bug")
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
