"""The real app process against a hostile machine: a full disk and a quit before space
returns, the data folder deleted under it, a flood of connections under a low file
limit, its log swapped for a link. Nothing acknowledged is lost; nothing wedges it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from resilience_app.paths import socket_path
from tests.integration.test_app_process import App, cli, status, wait_for

posix_root = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0, reason="mounting a small tmpfs needs root"
)


def mount_small(point: Path, size: str) -> None:
    point.mkdir(exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {done.stderr.strip()}")


def fill(point: Path) -> None:
    """Take every free byte of the little disk."""
    fd = os.open(point / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


@posix_root
def test_full_disk_then_logout_nothing_acknowledged_is_lost(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    mount_small(disk, "2m")
    try:
        data_dir = disk / "data"
        app = App(data_dir)
        stopped = False
        try:
            _fill_and_quit(app, data_dir, disk)
            stopped = True
        finally:
            if not stopped:
                app.kill()
        (disk / "filler").unlink()
        again = App(data_dir)
        try:
            exported = json.loads(cli(data_dir, "export").stdout)
            labels = [i["label"] for i in exported["incidents"]]
            assert labels == ["Before the disk filled", "On a full disk"]
            assert exported["incidents"][1]["reflection"]["positives"] == ["Kept my cool"]
            assert [p["text"] for p in exported["positives"]] == ["Still here"]
            assert status(data_dir)["unsaved_changes"] is False
        finally:
            assert "Traceback" not in again.stop()
        rescued = list(Path(f"/var/tmp/resilience-{os.getuid()}").glob("resilience-rescue-*"))
        assert rescued == []  # merged, then removed
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill_and_quit(app: App, data_dir: Path, disk: Path) -> None:
    """The disk fills, three commands are kept but not saved, then the rep logs out."""
    cli(data_dir, "flag", "--label", "Before the disk filled")
    cli(data_dir, "dialed")
    fill(disk)
    flagged = cli(data_dir, "flag", "--label", "On a full disk", check=False)
    assert flagged.returncode == 3, flagged.stderr
    assert flagged.stdout.startswith("Flagged.")
    assert "Not saved to disk yet (No space left on device)" in flagged.stderr
    noted = cli(data_dir, "note", "--positive", "Kept my cool", check=False)
    assert noted.returncode == 3 and "Not saved to disk yet" in noted.stderr
    positive = cli(data_dir, "positive", "add", "Still here", check=False)
    assert positive.returncode == 3
    assert status(data_dir)["unsaved_changes"] is True
    stderr = app.stop()  # logout: SIGTERM before any space came back
    assert app.proc.returncode == 0 and "Traceback" not in stderr
    assert "some changes could not be saved; they are kept in" in stderr


def test_the_data_folder_removed_under_the_running_app(data_dir: Path) -> None:
    app = App(data_dir)
    try:
        cli(data_dir, "flag", "--label", "First")
        # The app may put its lock back while the folder is being deleted: it notices.
        shutil.rmtree(data_dir, ignore_errors=True)
        assert not (data_dir / "journal").exists()
        # The CLI still reaches the running app: it is not "gone", so no second app starts.
        assert status(data_dir)["current_incident"]["label"] == "First"
        second = cli(data_dir)
        assert "already running" in second.stdout and app.proc.poll() is None
        cli(data_dir, "dialed")
        cli(data_dir, "flag", "--label", "Second")
        wait_for(lambda: (data_dir / "journal").is_dir())
        labels = [i["label"] for i in json.loads(cli(data_dir, "export").stdout)["incidents"]]
        assert labels == ["First", "Second"]
    finally:
        assert "Traceback" not in app.stop()


def test_what_was_saved_before_the_folder_was_removed_is_on_disk_again_at_once(
    data_dir: Path,
) -> None:
    """Acknowledged, then the data folder removed, and made again (empty) at once by
    something else: the app sees its files go and writes them back by itself, with no
    other command and no quit to do it."""
    app = App(data_dir)
    killed = False
    try:
        cli(data_dir, "flag", "--label", "First")
        assert cli(data_dir, "positive", "add", "Still here").returncode == 0
        shutil.rmtree(data_dir, ignore_errors=True)
        (data_dir / "journal").mkdir(parents=True, exist_ok=True)
        wait_for(lambda: any((data_dir / "journal").glob("2*.json")))
        time.sleep(0.5)  # the whole write back, not only its first file
        app.kill()  # no chance to save anything more
        killed = True
        exported = json.loads(cli(data_dir, "export").stdout)
        assert [i["label"] for i in exported["incidents"]] == ["First"]
        assert [p["text"] for p in exported["positives"]] == ["Still here"]
    finally:
        if not killed:
            app.kill()


def test_a_flood_of_idle_connections_under_a_low_file_limit(data_dir: Path) -> None:
    prlimit = shutil.which("prlimit")
    if prlimit is None:
        pytest.skip("prlimit (util-linux) is not installed")
    app = App(data_dir)
    try:
        subprocess.run([prlimit, f"--pid={app.proc.pid}", "--nofile=128:128"], check=True)
        path = socket_path(data_dir)
        idle = []
        for _ in range(300):
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.settimeout(2)
            try:
                client.connect(path)
            except OSError:
                client.close()
                continue
            idle.append(client)
        time.sleep(0.5)
        assert os.path.exists(path)
        assert status(data_dir)["running"] is True  # still served, flood or not
        for client in idle:
            client.close()
        cli(data_dir, "flag", "--label", "After the flood")
        assert status(data_dir)["phase"] == "break"
    finally:
        assert "Traceback" not in app.stop()


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_the_log_swapped_for_a_link_is_not_written_through(data_dir: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file\n")
    data_dir.mkdir(parents=True)
    (data_dir / "resilience.log").symlink_to(victim)
    app = App(data_dir)
    try:
        cli(data_dir, "flag", "--label", "Private label")
        assert status(data_dir)["phase"] == "break"
    finally:
        stderr = app.stop()
    assert victim.read_text() == "someone else's file\n"
    assert "no log file" in stderr and "Traceback" not in stderr


def test_invalid_bytes_and_odd_requests_never_reach_the_log(data_dir: Path) -> None:
    app = App(data_dir)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "resilience_app",
                "--data-dir",
                str(data_dir),
                "flag",
                "--label",
                b"secret \xff",
            ],
            capture_output=True,
            timeout=30,
        )
        assert done.returncode == 2 and b"Traceback" not in done.stderr
        raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        raw.connect(socket_path(data_dir))
        raw.sendall(b'{"command": "note", "args": {"positives": "my secret note"}}\n')
        reply = json.loads(raw.recv(65536))
        raw.close()
        assert reply["ok"] is False and "list of texts" in reply["error"]
    finally:
        app.stop()
    log = (data_dir / "resilience.log").read_text()
    assert "secret" not in log


@pytest.mark.parametrize(
    ("name", "command", "sentence"),
    [
        ("settings.json", ("config", "set", "break.minutes", "4"), "nothing was changed"),
        ("journal", ("positive", "add", "x"), "is a file, not a folder"),
        ("app.lock", ("positive", "add", "x"), "cannot open the lock"),
    ],
)
def test_the_apps_own_files_replaced_by_something_of_the_wrong_kind(
    data_dir: Path, name: str, command: tuple[str, ...], sentence: str
) -> None:
    data_dir.mkdir(parents=True)
    target = data_dir / name
    if name == "journal":
        target.write_text("a file where a folder should be")
    else:
        target.mkdir()
    done = cli(data_dir, *command, check=False)
    assert done.returncode in (1, 2) and sentence in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    if name == "settings.json":  # the app starts with the defaults and says why
        app = App(data_dir)
        stderr = app.stop()
        assert "unreadable" in stderr and "Traceback" not in stderr
        return
    started = subprocess.run(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=30,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert started.returncode == 1 and "Traceback" not in started.stderr
    assert started.stderr.startswith("resilience: ")


@posix_root
def test_a_full_disk_at_the_very_first_start(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    mount_small(disk, "64k")
    try:
        fill(disk)
        started = subprocess.run(
            [sys.executable, "-m", "resilience_app", "--data-dir", str(disk / "data")],
            capture_output=True,
            text=True,
            timeout=30,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        )
        assert started.returncode == 1 and "Traceback" not in started.stderr
        assert "No space left on device" in started.stderr
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_the_app_starts_while_a_command_holds_the_lock_for_a_moment(data_dir: Path) -> None:
    """An offline command working when the app starts: the app waits, then starts."""
    from resilience_app.adapters.lock import InstanceLock

    lock = InstanceLock(data_dir)
    assert lock.acquire()
    proc = subprocess.Popen(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.0)  # the command is still busy
        assert proc.poll() is None  # the app waits instead of giving up
        lock.release()
        wait_for(lambda: cli(data_dir, "status", check=False).returncode == 0, 15)
        wait_for(lambda: status(data_dir)["running"] is True, 15)
        parallel = [
            subprocess.Popen(
                [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir),
                 "positive", "add", f"Good one {n}"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for n in range(6)
        ]  # fmt: skip
        for command in parallel:
            _out, err = command.communicate(timeout=30)
            assert command.returncode == 0, err
        exported = json.loads(cli(data_dir, "export").stdout)
        assert len(exported["positives"]) == 6
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=15)
        assert "Traceback" not in err


@pytest.mark.skipif(os.name != "posix", reason="runtime folders")
def test_a_command_from_another_session_finds_the_running_app(
    data_dir: Path, tmp_path: Path
) -> None:
    """The app's channel lives in its session's runtime folder; a command started from
    elsewhere (cron, another terminal without XDG_RUNTIME_DIR) still reaches it."""
    session = tmp_path / "session-runtime"
    session.mkdir(mode=0o700)
    app_env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(session))
    proc = subprocess.Popen(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)],
        env=app_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    elsewhere = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    try:

        def reached() -> bool:
            done = subprocess.run(
                [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), "status"],
                env=elsewhere, capture_output=True, text=True, timeout=30,
            )  # fmt: skip
            return done.returncode == 0 and json.loads(done.stdout)["running"] is True

        wait_for(reached, 20)
        flag = subprocess.run(
            [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir), "flag"],
            env=elsewhere, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert flag.returncode == 0 and flag.stdout.startswith("Flagged.")
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=15)
        assert "Traceback" not in err
