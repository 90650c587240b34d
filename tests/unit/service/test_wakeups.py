"""Start, wake-ups and a save retried on a wake-up (`service/wakeups.py`).

The application service on its own: a real store, a fake clock, no Qt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.models import (
    Phase,
)
from resilience_app.service import Service
from tests.unit.service.helpers import Channel, Recorder


def test_one_wake_up_for_everything_planned(service: Service, clock: FakeClock) -> None:
    assert service.next_wakeup() is None
    service.flag()
    assert service.next_wakeup() == clock.now() + timedelta(minutes=3)  # the break's end
    service.set_setting("lookback.enabled", "on")
    assert service.lookback.next_wakeup() is not None


def test_start_catches_up_and_says_what_to_show(
    service: Service, seen: Recorder, clock: FakeClock
) -> None:
    incident = service.flag().incident
    clock.advance(minutes=5)  # the app was closed when the break ended
    service.start()
    assert seen.named("phase_changed")[-1] is Phase.WAITING
    assert [i.id for i in seen.named("note_requested")] == [incident.id]
    assert service.status()["running"] is True


def test_a_failed_write_is_retried_until_it_is_on_disk(
    service: Service, clock: FakeClock, desktop: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resilience_app import files

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    incident = service.flag("kept").incident
    assert not service.durable and service.status()["unsaved_changes"]
    assert "No space left" in desktop.sent[0][1]
    assert service.next_wakeup() == clock.now() + timedelta(seconds=10)
    monkeypatch.undo()
    clock.advance(seconds=10)
    service.tick()
    assert service.durable and desktop.sent[-1][1].startswith("Saved.")
    fresh = type(service.store)(service.store.data_dir)
    stored = fresh.incident(incident.id)
    assert stored is not None and stored.label == "kept"
    assert stored.flagged_at.tzinfo is UTC or stored.flagged_at.utcoffset() == timedelta(0)
    assert datetime.now(UTC) > stored.flagged_at - timedelta(days=3650)
