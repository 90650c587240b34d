"""`status` as plain data, and the weekly look back (`service/status.py`).

The application service on its own: a real store, a fake clock, no Qt."""

from __future__ import annotations

import json

from resilience_app.core.clock import FakeClock
from resilience_app.service import Service
from tests.unit.service.helpers import Channel, Recorder


def test_status_is_plain_data(service: Service) -> None:
    service.flag("Acme", 4)
    status = service.status()
    json.dumps(status)
    assert status["phase"] == "break" and status["current_incident"]["label"] == "Acme"
    assert [n["kind"] for n in status["pending_nudges"]] == ["first", "second"]
    service.record_metric("flag_to_window_ms", 4.0)
    service.add_metrics_source(lambda: {"animation_frames": 12})
    assert service.status()["metrics"] == {"flag_to_window_ms": 4.0, "animation_frames": 12}


def test_the_weekly_look_back_opens_insights(
    service: Service, seen: Recorder, clock: FakeClock, desktop: Channel
) -> None:
    service.set_setting("lookback.enabled", "on")
    clock.advance(minutes=60 * 24 * 7)
    service.tick()
    assert seen.named("window_requested") == [("insights", "")]
    assert desktop.sent[-1][0] == "Your week in calls"
