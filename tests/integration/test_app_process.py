"""The real app process (offscreen, no tray) driven through the real command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from resilience_app.adapters import ipc


def cli(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed: {result.stderr}")
    return result


def status(data_dir: Path) -> dict[str, Any]:
    return json.loads(cli(data_dir, "status").stdout)


class App:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                ipc.request_for(data_dir, "status", timeout=2)
                return
            except ipc.AppNotRunning:
                if self.proc.poll() is not None:
                    raise AssertionError(f"app exited: {self.proc.communicate()[1]}") from None
                time.sleep(0.05)
        raise AssertionError("app did not start listening within 20 s")

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.communicate()[1]

    def kill(self) -> None:
        self.proc.kill()
        self.proc.communicate(timeout=10)


@pytest.fixture
def app(data_dir: Path) -> Iterator[App]:
    cli(data_dir, "config", "set", "nudge.first_minutes", "0.02")  # 1.2 s
    cli(data_dir, "config", "set", "nudge.second_minutes", "0.04")  # 2.4 s
    running = App(data_dir)
    yield running
    stderr = running.stop()
    assert "Traceback" not in stderr, stderr


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_flag_nudges_dialed_export(app: App, data_dir: Path) -> None:
    out = cli(data_dir, "flag", "--label", "Acme", "--rough", "7").stdout
    assert out.startswith("Flagged.")
    s = status(data_dir)
    assert s["running"] is True and s["phase"] == "break"
    # Both nudges are planned with the flag. The first is due 1.2 s after it, which a busy
    # machine can pass before `status` answers: what is still pending is what is left of
    # the two, in order, and the journal holds both.
    pending = [n["kind"] for n in s["pending_nudges"]]
    assert pending in (["first", "second"], ["second"], []), pending
    [planned] = json.loads(cli(data_dir, "export").stdout)["incidents"]
    assert sorted(n["kind"] for n in planned["nudges"]) == ["first", "second"]
    # Both nudges fire on time (no sleeps sized to the deadline: we poll the app).
    wait_for(lambda: status(data_dir)["pending_nudges"] == [])
    result = cli(data_dir, "dialed")
    assert "Back on the phone" in result.stdout
    assert status(data_dir)["phase"] == "calm"
    [record] = json.loads(cli(data_dir, "export").stdout)["incidents"]
    assert record["label"] == "Acme" and record["rough"] == 7
    assert record["time_to_next_dial_seconds"] >= 2.4
    assert sorted(n["state"] for n in record["nudges"]) == ["fired", "fired"]


def test_second_start_hands_over(app: App, data_dir: Path) -> None:
    second = cli(data_dir)
    assert "already running" in second.stdout
    assert app.proc.poll() is None


def test_bad_input_through_the_running_app(app: App, data_dir: Path) -> None:
    bad = cli(data_dir, "config", "set", "nudge.second_minutes", "0.01", check=False)
    assert bad.returncode == 2 and "later than nudge.first_minutes" in bad.stderr
    assert "Traceback" not in bad.stderr
    ok = cli(data_dir, "config", "set", "break.pattern", "coherent")
    assert ok.stdout == "break.pattern = coherent\n"
    assert json.loads((data_dir / "settings.json").read_text())["break.pattern"] == "coherent"


def test_a_flag_acknowledged_survives_kill_9_and_nudges_resume(data_dir: Path) -> None:
    cli(data_dir, "config", "set", "nudge.first_minutes", "0.05")  # 3 s
    cli(data_dir, "config", "set", "nudge.second_minutes", "0.5")
    app = App(data_dir)
    cli(data_dir, "flag", "--label", "Initech")
    app.kill()  # no chance to save anything more
    time.sleep(3.2)  # the first nudge falls due while the app is down
    again = App(data_dir)
    try:
        s = status(data_dir)
        assert s["current_incident"]["label"] == "Initech"
        assert [n["kind"] for n in s["pending_nudges"]] == ["second"]  # first fired on start
        [record] = json.loads(cli(data_dir, "export").stdout)["incidents"]
        first = next(n for n in record["nudges"] if n["kind"] == "first")
        assert first["state"] == "fired"
    finally:
        assert "Traceback" not in again.stop()


def test_sigterm_quits_cleanly_and_releases_the_lock(data_dir: Path) -> None:
    app = App(data_dir)
    stderr = app.stop()
    assert app.proc.returncode == 0, stderr
    flag = cli(data_dir, "flag", check=False)
    assert flag.returncode == 1 and "not running" in flag.stderr


def test_import_goes_through_the_running_app(app: App, data_dir: Path, tmp_path: Path) -> None:
    cli(data_dir, "flag", "--label", "Existing")
    cli(data_dir, "dialed")
    document = json.loads(cli(data_dir, "export").stdout)
    record = dict(document["incidents"][0], id="imported-1", label="From my old laptop")
    record["nudges"] = []
    file = tmp_path / "old.json"
    file.write_text(json.dumps(dict(document, incidents=[record])), encoding="utf-8")
    out = cli(data_dir, "import", str(file)).stdout
    assert out == "Imported 1 call.\n"
    labels = sorted(i["label"] for i in json.loads(cli(data_dir, "export").stdout)["incidents"])
    assert labels == ["Existing", "From my old laptop"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 and Wayland sessions")
def test_started_outside_any_desktop_session_it_says_so_in_one_sentence(tmp_path: Path) -> None:
    """No DISPLAY, no WAYLAND_DISPLAY, Qt's default platform: not Qt's abort (exit 134 and a
    hint about an xcb library that is installed), one sentence and exit 1."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["XDG_RUNTIME_DIR"] = str(tmp_path / "runtime")  # no wayland-0 socket in it
    started = subprocess.run(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert started.returncode == 1, started.stderr
    assert started.stderr.startswith("resilience: no desktop session found"), started.stderr
    assert started.stderr.count("\n") == 1 and "xcb" not in started.stderr
    assert not (tmp_path / "data").exists()  # nothing made for an app that never started
