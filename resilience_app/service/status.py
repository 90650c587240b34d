"""`Status`: the state of the app as plain data (`resilience status`), the figures the
windows keep for `make bench`, and the weekly look back's invitation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resilience_app.core.clock import start_of_local_day
from resilience_app.core.loop import incidents_on
from resilience_app.core.models import Phase
from resilience_app.i18n import _
from resilience_app.service.availability import Availability
from resilience_app.service.calls import CallDesk, app_label
from resilience_app.service.context import Context


class Status:
    """What `status` says; reads the calls (detection, the shortcuts) and the hours."""

    def __init__(self, ctx: Context, calls: CallDesk, availability: Availability) -> None:
        self.ctx = ctx
        self.call_desk = calls
        self.availability = availability
        self.metrics: dict[str, Any] = {"flag_to_window_ms": None}
        self._metric_sources: list[Callable[[], dict[str, Any]]] = []
        ctx.lookback.due.connect(self._look_back)
        ctx.lookback.changed.connect(ctx.schedule_changed.emit)

    def status(self) -> dict[str, Any]:
        """The state of the loop as plain data (`resilience status`)."""
        ctx = self.ctx
        ctx.follow_clock()
        loop, store, calls = ctx.loop, ctx.store, ctx.calls
        now = ctx.clock.now()
        today = store.incidents_since(start_of_local_day(now))
        current = loop.current
        paused = self.availability.paused_until()
        status: dict[str, Any] = {
            "running": ctx.running,
            "phase": loop.phase.value,
            "now": now.isoformat(),
            "current_incident": None,
            "pending_nudges": [
                {"kind": n.kind.value, "due_at": n.due_at.isoformat(), "incident_id": n.incident_id}
                for n in loop.pending_nudges()
            ],
            "incidents_today": incidents_on(now, today),
            "unfinished_reflections": len(loop.open_reflections()),
            "unsaved_changes": store.dirty,
            "protected": store.protected,
            "locked": store.locked,
            "on_call": calls.on_call,
            "call_app": app_label(calls.current.app) if calls.current else None,
            "microphone_in_use_by": [app_label(name) for name in calls.microphone_users],
            "apps_seen": self.call_desk.apps_seen(),
            "call_detection": self.call_desk.detection_problem or "on",
            "hotkey": {
                "shortcut": ctx.settings.get("hotkey.flag"),
                "problem": self.call_desk.hotkey_problem,
            },
            "dial_hotkey": {
                "shortcut": ctx.settings.get("hotkey.dial"),
                "problem": self.call_desk.dial_key_problem,
            },
            "paused_until": paused.isoformat() if paused else None,
            "working_hours": self.availability.working_now(),
        }
        if current is not None:
            status["current_incident"] = {
                "id": current.id,
                "label": current.label,
                "rough": current.rough,
                "size": current.size.value if current.size else None,
                "flagged_at": current.flagged_at.isoformat(),
                "minutes_since_flag": round(
                    max(0.0, (now - current.flagged_at).total_seconds()) / 60, 2
                ),
                "break_ends_at": (
                    current.break_ends_at.isoformat()
                    if loop.phase is Phase.BREAK and current.break_ends_at
                    else None
                ),
            }
        if ctx.running:
            metrics = dict(self.metrics)
            for source in self._metric_sources:
                metrics.update(source())
            status["metrics"] = metrics
        return status

    def add_metrics_source(self, source: Callable[[], dict[str, Any]]) -> None:
        """Figures the windows keep (animation frames), for `make bench` via `status`."""
        self._metric_sources.append(source)

    def record_metric(self, name: str, value: Any) -> None:
        self.metrics[name] = value

    def _look_back(self) -> None:
        self.ctx.notifier.send(
            _("Your week in calls"),
            # Translators: "Insights" is the name of the window with the rep's patterns.
            _(
                "A few minutes to look back: what went well, and what keeps coming up. "
                "Insights is open."
            ),
            urgent=False,
        )
        self.ctx.window_requested.emit("insights", "")
