"""The lock, the channel and rescue files live only in folders of the rep's own; the CLI
sends nothing to a channel another user owns; the lock is never taken through a link."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from resilience_app import paths
from resilience_app.adapters import ipc
from resilience_app.adapters.lock import InstanceLock, LockError

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX owners and modes")
root = pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="chown needs root")
NOBODY = 65534


@posix
def test_a_folder_that_is_a_link_or_open_to_others_is_skipped_never_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    assert paths.private_folder(link) is None
    shared = tmp_path / "shared"  # a folder of the rep's that others may use (0775)
    shared.mkdir()
    shared.chmod(0o775)
    assert paths.private_folder(shared) is None
    assert oct(shared.stat().st_mode & 0o777) == "0o775"  # left exactly as it was
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    assert paths._session_runtime() is None  # so the channel goes elsewhere
    assert oct(shared.stat().st_mode & 0o777) == "0o775"
    made = tmp_path / "made-now"
    assert paths.private_folder(made) == made and oct(made.stat().st_mode & 0o777) == "0o700"


@root
def test_a_folder_another_user_made_first_is_never_used(tmp_path: Path) -> None:
    theirs = tmp_path / "resilience-0"
    theirs.mkdir(mode=0o777)
    os.chown(theirs, NOBODY, NOBODY)
    assert paths.private_folder(theirs) is None


@posix
def test_without_a_session_runtime_folder_the_channel_stays_out_of_tmp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="h"))  # a short home, like most reps have
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    deep = tmp_path / ("a-long-folder-name" * 8) / "data"
    channel = paths.socket_path(deep)
    assert channel.startswith(str(home)) and len(channel) <= 100
    assert not channel.startswith(("/tmp/resilience", "/var/tmp"))
    for place in paths.lock_paths(deep):
        assert place.name == "app.lock"


@posix
def test_the_lock_is_not_taken_through_a_link(data_dir: Path, tmp_path: Path) -> None:
    data_dir.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (data_dir / "app.lock").symlink_to(victim)
    with pytest.raises(LockError):
        InstanceLock(data_dir).acquire()
    assert victim.read_text() == "keep me"


@posix
def test_removing_the_data_folder_does_not_let_a_second_writer_in(data_dir: Path) -> None:
    first = InstanceLock(data_dir)
    assert first.acquire()
    shutil.rmtree(data_dir)
    second = InstanceLock(data_dir)
    assert not second.acquire()  # the runtime folder's lock is still held
    assert first.check()  # the first takes its data-folder lock back
    assert (data_dir / "app.lock").exists()
    first.release()
    assert second.acquire()
    second.release()


@posix
def test_a_lock_that_cannot_be_made_again_is_not_taken_for_another_app(data_dir: Path) -> None:
    """`rm -r` of the data folder may race the app taking its lock back: a lock file that
    cannot be opened is tried again later, not read as "another app took over"."""
    first = InstanceLock(data_dir)
    assert first.acquire()
    shutil.rmtree(data_dir)
    data_dir.write_text("a file where the folder was")  # the folder cannot be made again
    assert first.check()  # still the writer: nobody else holds a lock
    data_dir.unlink()
    assert first.check()  # once the folder can be made, the lock is taken back
    assert (data_dir / "app.lock").exists()
    first.release()


@root
def test_the_cli_sends_nothing_to_a_channel_another_user_owns(tmp_path: Path) -> None:
    path = tmp_path / "ipc.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    try:
        os.chown(path, NOBODY, NOBODY)
        with pytest.raises(ipc.NotOurs):
            ipc.request(str(path), "note", {"what": "my private note"})
    finally:
        server.close()


@root
def test_the_cli_checks_who_is_listening_not_only_the_file(tmp_path: Path) -> None:
    """A socket file of the rep's, held by a process of another user."""
    import subprocess
    import sys
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="peer-"))  # a folder the other user can reach
    shared.chmod(0o777)
    path = shared / "ipc.sock"
    listener = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, socket, sys, time; os.setgid(65534); os.setuid(65534); "
            "s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); "
            "print('up', flush=True); c, _ = s.accept(); time.sleep(0.5); "
            "print(c.recv(100), flush=True)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert listener.stdout is not None and listener.stdout.readline().strip() == "up"
        os.chown(path, 0, 0)  # the file looks like ours
        with pytest.raises(ipc.NotOurs):
            ipc.request(str(path), "note", {"what": "my private note"})
        out, _ = listener.communicate(timeout=10)
        assert "private" not in out
    finally:
        listener.kill()
