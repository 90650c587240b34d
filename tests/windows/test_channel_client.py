"""The command line's end of the named pipe against apps that misbehave: one that takes
the request and never answers, one that answers and hangs up at once."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from resilience_app.adapters import ipc

SERVER = """
import sys
from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QLocalServer
app = QCoreApplication([])
server, held = QLocalServer(), []
def accept():
    while server.hasPendingConnections():
        sock = server.nextPendingConnection()
        held.append(sock)
        if sys.argv[2] == "answer-and-hang-up":
            sock.readyRead.connect(lambda s=sock: (s.write(b'{"ok": true, "said": "hi"}\\n'),
                                                   s.flush(), s.abort()))
server.newConnection.connect(accept)
assert server.listen(sys.argv[1])
print("listening", flush=True)
app.exec()
"""


@pytest.fixture
def app_that(request: pytest.FixtureRequest) -> Iterator[str]:
    name = f"resilience-test-{request.param}"
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, name, request.param], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "listening"
        yield name
    finally:
        proc.kill()
        proc.communicate(timeout=30)


@pytest.mark.parametrize("app_that", ["never-answers"], indirect=True)
def test_no_answer_in_time_is_no_answer_not_a_dropped_line(app_that: str) -> None:
    # The CLI says "it may still carry it out" (exit 4) rather than "could not talk".
    with pytest.raises(ipc.NoAnswer):
        ipc.request(app_that, "flag", {}, timeout=1)


@pytest.mark.parametrize("app_that", ["answer-and-hang-up"], indirect=True)
def test_an_answer_followed_by_a_hang_up_is_read(app_that: str) -> None:
    assert ipc.request(app_that, "status", {}, timeout=5) == {"ok": True, "said": "hi"}


def test_nobody_on_the_pipe_is_app_not_running() -> None:
    with pytest.raises(ipc.AppNotRunning):
        ipc.request("resilience-test-nobody-here", "status", {}, timeout=1)
