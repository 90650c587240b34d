"""Real disk faults: a full tmpfs and a read-only remount (root only, as on CI)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import Reflection
from resilience_app.service import Service
from resilience_app.service.build import open_service
from resilience_app.storage.store import Store
from tests.doubles import Shown
from tests.files import journal_paths

pytestmark = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0, reason="mounting a small tmpfs needs root"
)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48k,mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def remount(mount_point: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount_point)], check=True)


def long_note(n: int) -> Reflection:
    return Reflection("x" * 400, positives=[f"positive number {n} " + "y" * 300])


def service_on(data_dir: Path, clock: FakeClock) -> tuple[Service, Shown]:
    told = Shown()
    return open_service(data_dir, clock=clock, notifier=NotifierChain([told])), told


def test_disk_full_keeps_the_note_tells_the_rep_and_saves_once_space_returns(
    small_disk: Path,
) -> None:
    clock = FakeClock(datetime(2026, 11, 24, 9, tzinfo=UTC))
    service, told = service_on(small_disk / "data", clock)
    written = 0
    while service.durable and written < 500:
        incident = service.flag().incident
        service.end_break()
        service.save_note(incident.id, long_note(written))
        service.dialed()
        clock.advance(minutes=20)
        written += 1
    assert not service.durable, "the 48 KiB disk never filled up"
    assert "No space left on device" in told.messages[0] and "kept in memory" in told.messages[0]
    assert "Not saved to disk yet (No space left on device)" in str(service.unsaved_sentence())
    # The journal on disk still parses: the failed write left the old file whole.
    assert len(Store(small_disk / "data", readonly=True).incidents()) >= 1
    # Everything is still there in memory, including the note that did not fit.
    assert len(service.store.incidents()) == written
    remount(small_disk, "size=4m")
    clock.advance(seconds=10)
    service.tick()  # the retry the running app's wake-up makes
    assert service.durable and told.messages[-1].startswith("Saved.")
    reread = Store(small_disk / "data", readonly=True).incidents()
    assert len(reread) == written
    assert reread[-1].reflection.positives == [f"positive number {written - 1} " + "y" * 300]


def test_read_only_disk_keeps_data_and_saves_after_it_is_writable_again(small_disk: Path) -> None:
    data_dir = small_disk / "data"
    clock = FakeClock()
    service, told = service_on(data_dir, clock)
    first = service.flag("Before").incident
    remount(small_disk, "ro")
    try:
        service.end_break()
        service.save_draft(first.id, Reflection(what_happened="typed while read-only"))
        assert told.messages and "Read-only file system" in told.messages[0]
        assert service.incident(first.id).reflection.what_happened == "typed while read-only"
    finally:
        remount(small_disk, "rw")
    service.store.flush()
    [path] = journal_paths(data_dir)
    assert "typed while read-only" in path.read_text(encoding="utf-8")
    assert Store(data_dir, readonly=True).incident(first.id).reflection_status.value == "draft"  # type: ignore[union-attr]
