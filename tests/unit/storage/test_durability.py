"""Writing through (storage/durability.py): a disk that refuses keeps
the old file and the change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from resilience_app import files
from resilience_app.storage.store import (
    Store,
)
from tests.files import journal_paths
from tests.unit.storage.samples import sample


def test_a_failed_write_keeps_the_old_file_and_the_change_in_memory(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(data_dir)
    store.save_incident(sample())
    [path] = journal_paths(data_dir)
    before = path.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    refused: list[OSError] = []
    store.on_save_failed = refused.append
    store.save_incident(sample("def"))  # never raises: the caller is told another way
    assert [e.errno for e in refused] == [28] and store.last_error is refused[0]
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert store.dirty and store.incident("def") is not None
    monkeypatch.undo()
    store.flush()
    assert not store.dirty
    assert Store(data_dir).incident("def") is not None


@pytest.mark.skipif(os.name != "posix", reason="a folder's mode bits mean nothing to Windows")
def test_read_only_folder_is_reported_and_keeps_data(data_dir: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions; test_disk_faults remounts a tmpfs read-only")
    store = Store(data_dir)
    store.save_incident(sample())
    folder = journal_paths(data_dir)[0].parent
    folder.chmod(0o500)
    try:
        store.save_incident(sample("def"))
        assert isinstance(store.last_error, PermissionError) and store.dirty
        assert store.incident("def") is not None
    finally:
        folder.chmod(0o700)
    store.flush()
    assert Store(data_dir).incident("def") is not None
