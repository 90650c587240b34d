"""`Availability`: when the rep may be nudged and reminded: working hours, and a pause
("no nudges for an hour", "until tomorrow"). A flag still gives a break at any hour."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import time as time_of_day
from typing import Any

from resilience_app.core import workhours
from resilience_app.core.clock import local_moment
from resilience_app.core.errors import UserError
from resilience_app.i18n import _
from resilience_app.service.context import Context
from resilience_app.service.settings import SettingsDesk


class Availability:
    """Working hours and the pause; a pause is a setting, so it survives a restart
    (`settings`)."""

    def __init__(self, ctx: Context, settings: SettingsDesk) -> None:
        self.ctx = ctx
        self.desk = settings
        ctx.settings.changed.connect(self._follow_setting)

    def _follow_setting(self, key: str, value: Any) -> None:
        if key.startswith("work.") or key == "nudge.paused_until":
            self.ctx.schedule_changed.emit()  # nudges and reminders move with the hours

    def schedule(self) -> workhours.Schedule | None:
        """The rep's working hours, or None when nudges may come at any hour."""
        settings = self.ctx.settings
        if not settings.get("work.limit"):
            return None
        return workhours.Schedule.from_settings(
            str(settings.get("work.days")),
            str(settings.get("work.start")),
            str(settings.get("work.end")),
            str(settings.get("work.gap")),
        )

    def working_now(self) -> bool:
        schedule = self.schedule()
        return schedule is None or schedule.working(self.ctx.clock.now())

    def when_allowed(self, due: datetime | None) -> datetime | None:
        """When something due at `due` may be said: after a pause, within working hours."""
        if due is None:
            return None
        paused = self.paused_until()
        if paused is not None:
            due = max(due, paused)
        schedule = self.schedule()
        if schedule is not None:
            start = schedule.next_start(max(due, self.ctx.clock.now()))
            return start  # None: no working day at all, so nothing is ever said
        return due

    def paused_until(self) -> datetime | None:
        raw = str(self.ctx.settings.get("nudge.paused_until") or "")
        return datetime.fromisoformat(raw) if raw else None

    def pause(self, *, minutes: float | None = None, until: time_of_day | None = None) -> datetime:
        """No nudges for `minutes`, or until the next `until` (a local time of day), or
        until tomorrow's start of work. A flag still gives a break."""
        now = self.ctx.clock.now()
        if minutes is not None:
            if not 0 < minutes <= 7 * 24 * 60:
                raise UserError(_("Pause for between 1 minute and a week."), usage=True)
            end = now + timedelta(minutes=minutes)
        elif until is not None:
            local = now.astimezone()
            end = local_moment(local.date(), until)
            if end <= now:
                end = local_moment(local.date() + timedelta(days=1), until)
        else:
            start = workhours.parse_time(str(self.ctx.settings.get("work.start")))
            tomorrow = now.astimezone().date() + timedelta(days=1)
            end = local_moment(tomorrow, start)
            schedule = self.schedule()
            if schedule is not None:
                end = schedule.next_start(end) or end
        self.desk.set_setting("nudge.paused_until", end.isoformat())
        self.ctx.schedule_changed.emit()
        return end

    def resume(self) -> None:
        if self.ctx.settings.get("nudge.paused_until"):
            self.desk.set_setting("nudge.paused_until", "")
            self.ctx.schedule_changed.emit()
