"""Connects the loop to what the rep sees: tray (or home window), break, note, nudges.

The shell holds no rules. It renders the loop's state, forwards clicks to the loop, and
picks the best channel that works here for a nudge: a desktop notification, else a tray
balloon, else a small always-on-top window.
"""

from __future__ import annotations

import logging
import random
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from resilience_app.adapters.notify import Notifier
from resilience_app.adapters.sound import Chime
from resilience_app.core import journal, texts
from resilience_app.core.followups import FollowUpError, FollowUps
from resilience_app.core.loop import LoopError, RecoveryLoop
from resilience_app.core.models import (
    FollowUp,
    FollowUpKind,
    Incident,
    Nudge,
    NudgeKind,
    Phase,
    Positive,
    Reflection,
    Removed,
    new_id,
)
from resilience_app.core.settings import SettingError, Settings
from resilience_app.ui import style
from resilience_app.ui.ticker import Ticker
from resilience_app.ui.tray import Tray

if TYPE_CHECKING:
    from resilience_app.ui.break_window import BreakWindow
    from resilience_app.ui.home_window import HomeWindow
    from resilience_app.ui.nudge_window import NudgeWindow
    from resilience_app.ui.reflection_form import ReflectionForm
    from resilience_app.ui.settings_window import SettingsWindow

log = logging.getLogger(__name__)
TOOLTIP_REFRESH_MS = 60_000
# The positive shown in a break comes from this far back (a bounded read, however long
# the history).
POSITIVES_FROM = timedelta(days=120)


class Shell(QObject):
    quit_requested = Signal()

    def __init__(
        self,
        loop: RecoveryLoop,
        settings: Settings,
        notifier: Notifier,
        *,
        followups: FollowUps | None = None,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        chime: Chime | None = None,
        rng: random.Random | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.loop = loop
        self.settings = settings
        self.notifier = notifier
        self.followups = followups
        self._journal: Any = None  # built on first use: the tray starts without it
        self._insights: Any = None  # likewise, and it brings QtCharts
        self._last_removed: Removed | None = None
        self._flag_started: float | None = None
        self._record_cache: tuple[int, list[Incident], list[journal.PositiveEntry]] | None = None
        self.flag_to_window_ms: float | None = None
        self._tray_available = tray_available
        self.chime = chime or Chime()
        self._rng = rng or random.Random()
        self._recent_positives: deque[str] = deque(maxlen=5)
        self._degraded_logged: set[str] = set()
        self.deliveries: list[tuple[str, str]] = []  # (channel, title), newest last
        self.tray: Tray | None = None
        self.home: HomeWindow | None = None
        self.tooltip_ticker = Ticker("tooltip-refresh", TOOLTIP_REFRESH_MS, self.render, self)

        loop.phase_changed.connect(self._phase_changed)
        loop.break_started.connect(self.show_break)
        loop.break_ended.connect(self._break_ended)
        loop.nudge_fired.connect(self.deliver_nudge)
        loop.dialed_recorded.connect(lambda incident: self._hide("nudge_window"))
        loop.reflections_changed.connect(self.render)
        loop.schedule_changed.connect(self._refresh_break)
        loop.save_failed.connect(self._save_failed)
        self._unsaved = False
        settings.changed.connect(self._setting_changed)
        if followups is not None:
            followups.reminder_due.connect(self.deliver_followup)
            followups.changed.connect(self._followups_changed)

    # -- windows, built on first use (the tray starts with none of them) ------------------

    @cached_property
    def break_window(self) -> BreakWindow:
        from resilience_app.ui.break_window import BreakWindow

        window = BreakWindow(self.loop.clock.now)
        window.end_requested.connect(self._end_break)
        window.add_minute_requested.connect(self._add_minute)
        window.pattern_chosen.connect(lambda key: self._set("break.pattern", key))
        window.reduced_motion_toggled.connect(lambda on: self._set("break.reduced_motion", on))
        window.first_painted.connect(self._break_visible)
        return window

    @cached_property
    def form(self) -> ReflectionForm:
        from resilience_app.ui.reflection_form import ReflectionForm

        form = ReflectionForm()
        form.save_requested.connect(self._save_note)
        form.later_requested.connect(self._later_note)
        form.discard_requested.connect(self._discard_note)
        form.draft_changed.connect(self._draft)
        return form

    @cached_property
    def nudge_window(self) -> NudgeWindow:
        from resilience_app.ui.nudge_window import NudgeWindow

        window = NudgeWindow()
        window.dialing_requested.connect(self.dialed)
        window.snooze_requested.connect(self._snooze)
        return window

    @cached_property
    def settings_window(self) -> SettingsWindow:
        from resilience_app.ui.settings_window import SettingsWindow

        window = SettingsWindow()
        window.apply_requested.connect(self._apply_settings)
        return window

    def built(self, name: str) -> Any:
        """The window called `name` if it exists yet, else None (never builds it)."""
        return self.__dict__.get(name)

    def _hide(self, name: str) -> None:
        window = self.built(name)
        if window is not None:
            window.hide()

    # -- start and stop -------------------------------------------------------------------

    def start(self, tray: Tray | None = None) -> None:
        """Show the tray (or the home window) and whatever the last run left open.
        `tray` is one the app already put up while the rest was loading."""
        if tray is not None or self._tray_available():
            self.tray = tray or Tray(self)
            self.tray.setParent(self)  # one owner, so Qt tears it down in order at exit
            self._connect_actions(self.tray)
            self.tray.show()
        else:
            from resilience_app.ui.home_window import HomeWindow

            log.warning("no system tray on this desktop; using a small window instead")
            self.home = HomeWindow()
            self._connect_actions(self.home)
            self.home.show()
        self.render()
        self._followups_changed()
        current = self.loop.current
        if current is not None and self.loop.phase is Phase.BREAK:
            self.show_break(current)
        elif current is not None and current.reflection_open:
            self.open_note(current)

    def _connect_actions(self, target: Tray | HomeWindow) -> None:
        target.flag_requested.connect(self.flag)
        target.dialing_requested.connect(self.dialed)
        target.reflection_requested.connect(self.open_next_note)
        target.settings_requested.connect(self.open_settings)
        target.journal_requested.connect(self.open_journal)
        target.insights_requested.connect(self.open_insights)
        target.followup_action.connect(self._followup_action)
        target.quit_requested.connect(self.quit_requested.emit)

    def shutdown(self) -> None:
        """Keep any half-written note, then close every window."""
        form = self.built("form")
        if form is not None and form.incident_id is not None and form.isVisible():
            form.flush_draft()
        self.tooltip_ticker.stop()
        # Delete the windows now, in order, rather than leave top-level widgets to be
        # destroyed during interpreter shutdown, which crashes PySide6.
        windows = [self.__dict__.pop(n, None) for n in ("break_window", "form", "nudge_window")]
        windows += [self.__dict__.pop("settings_window", None), self._journal, self._insights]
        self._journal = self._insights = None
        for window in windows:
            if window is not None:
                window.hide()
                shiboken6.delete(window)
        if self.tray is not None:
            self.tray.hide()
        if self.home is not None:
            self.home.hide()

    def present(self, window: str = "", tab: str = "") -> None:
        """A second `resilience` start hands over here: bring the app's face forward.
        `resilience journal` asks for the journal instead."""
        if window == "insights":
            self.open_insights()
            return
        if window == "settings":
            self.open_settings()
            return
        if window == "journal":
            self.open_journal()
            tabs = {"positives": 0, "calls": 1, "upcoming": 2}
            self.journal_window.tabs.setCurrentIndex(tabs.get(tab, 0))
            return
        current = self.loop.current
        if self.loop.phase is Phase.BREAK and current is not None:
            self.show_break(current)
        elif self.built("form") is not None and self.form.isVisible():
            _raise(self.form)
        elif self.home is not None:
            self.home.showNormal()
            _raise(self.home)
        elif self.tray is not None:
            self.tray.message("Resilience is running", "It lives here in the tray.", urgent=False)

    # -- rendering ------------------------------------------------------------------------

    def tooltip(self) -> str:
        phase = self.loop.phase
        current = self.loop.current
        if phase is Phase.WAITING and current is not None:
            minutes = int((self.loop.clock.now() - current.flagged_at).total_seconds() // 60)
            target = int(self.settings.second_nudge_minutes)
            return (
                f"Resilience — {minutes} min since the tough call. "
                f"Aim to dial again within {target} min."
            )
        return f"Resilience — {texts.PHASE_NAME[phase]}"

    def render(self) -> None:
        phase = self.loop.phase
        tooltip = self.tooltip()
        notes = len(self.loop.open_reflections())
        if self.tray is not None:
            self.tray.show_state(phase, tooltip, notes)
        if self.home is not None:
            self.home.show_state(phase, tooltip, notes)
        # Minutes since the flag only change while waiting; otherwise nothing ticks.
        if phase is Phase.WAITING:
            self.tooltip_ticker.start()
        else:
            self.tooltip_ticker.stop()

    def _phase_changed(self, phase: Phase) -> None:
        if phase is not Phase.BREAK:
            # However the break ended (time, button, or dialing mid-break), its window goes.
            self._hide("break_window")
        self.render()

    # -- the loop, from clicks ------------------------------------------------------------

    def flag(self) -> None:
        self.mark_flag()
        self.loop.flag()

    def mark_flag(self) -> None:
        """A flag arrived (click or command): time it until the break window is drawn."""
        self._flag_started = time.perf_counter()

    def _break_visible(self) -> None:
        if self._flag_started is not None:
            self.flag_to_window_ms = (time.perf_counter() - self._flag_started) * 1000
            self._flag_started = None

    def metrics(self) -> dict[str, Any]:
        """Figures `make bench` reads through `resilience status`."""
        window = self.built("break_window")
        return {
            "flag_to_window_ms": self.flag_to_window_ms,
            "animation_frames": window.frames if window is not None else 0,
        }

    def dialed(self) -> None:
        self.loop.dialed()

    def show_break(self, incident: Incident) -> None:
        recent = self.loop.store.incidents_since(self.loop.clock.now() - POSITIVES_FROM)
        positive = journal.pick_positive(recent, list(self._recent_positives), self._rng)
        if positive:
            self._recent_positives.append(positive)
        self.break_window.show_break(
            incident,
            pattern=self.settings.get("break.pattern"),
            reduced_motion=self.settings.get("break.reduced_motion"),
            tip=journal.tip_for(len(recent)),
            positive=positive,
        )
        self.break_window.show()
        _raise(self.break_window)

    def _refresh_break(self) -> None:
        current = self.loop.current
        window = self.built("break_window")
        if window is not None and window.isVisible() and current is not None and current.on_break:
            window.update_incident(current)

    def _end_break(self) -> None:
        try:
            self.loop.end_break()
        except LoopError:
            self._hide("break_window")

    def _add_minute(self) -> None:
        try:
            self.loop.extend_break(1)
        except LoopError as exc:
            log.info("+1 minute ignored: %s", exc)

    def _break_ended(self, incident: Incident) -> None:
        self._hide("break_window")
        if self.settings.get("break.sound"):
            self.chime.play()
        self.open_note(incident)

    def _snooze(self) -> None:
        self._hide("nudge_window")
        try:
            self.loop.snooze()
        except LoopError as exc:
            log.info("snooze ignored: %s", exc)

    # -- notes ----------------------------------------------------------------------------

    def open_note(self, incident: Incident) -> None:
        if self.form.isVisible() and self.form.incident_id not in (None, incident.id):
            self.form.flush_draft()
        self.form.load(incident)
        self.form.show()
        _raise(self.form)

    def open_next_note(self) -> None:
        waiting = self.loop.open_reflections()
        if waiting:
            self.open_note(waiting[0])

    def _draft(self, incident_id: str, reflection: Reflection) -> None:
        try:
            self.loop.save_draft(incident_id, reflection)
        except LoopError as exc:
            log.warning("draft not kept: %s", exc)

    def _save_note(
        self,
        incident_id: str,
        reflection: Reflection,
        chosen: list[tuple[FollowUpKind, datetime]] | None = None,
    ) -> None:
        try:
            self.loop.save_reflection(incident_id, reflection)
        except LoopError as exc:
            self.form.show_error(str(exc))
            return
        if self.followups is not None:
            for kind, due in chosen or []:
                self.followups.add(incident_id, kind, due)
        self.form.hide()
        self._refresh_journal()

    def _later_note(self, incident_id: str, reflection: Reflection) -> None:
        self._draft(incident_id, reflection)
        self.form.hide()

    def _discard_note(self, incident_id: str) -> None:
        try:
            self.loop.discard_reflection(incident_id)
        except LoopError as exc:
            log.warning("discard ignored: %s", exc)
        self.form.hide()

    # -- nudges ---------------------------------------------------------------------------

    def deliver_nudge(self, nudge: Nudge, incident: Incident) -> None:
        minutes = (self.loop.clock.now() - incident.flagged_at).total_seconds() / 60
        title = texts.NUDGE_TITLE[nudge.kind]
        body = texts.nudge_body(nudge.kind, minutes)
        firm = nudge.kind is not NudgeKind.FIRST
        channel = self.notify(title, body, urgent=firm)
        # The firm nudge also gets a card with buttons, unless that already was the channel.
        if firm and channel != "window":
            self.nudge_window.show_nudge(title, body)
            self.deliveries.append(("window", title))

    def notify(self, title: str, body: str, *, urgent: bool = False) -> str:
        """Send through the best channel that works here; returns the channel's name."""
        if self.notifier.available():
            self.notifier.send(title, body, urgent=urgent)
            channel = "desktop"
        elif self.tray is not None and QSystemTrayIcon.supportsMessages():
            self._degraded("desktop notifications unavailable; using tray messages")
            self.tray.message(title, body, urgent=urgent)
            channel = "tray"
        else:
            self._degraded("no notifications or tray messages; using a small window")
            self.nudge_window.show_nudge(title, body)
            channel = "window"
        self.deliveries.append((channel, title))
        return channel

    def tell(self, message: str) -> None:
        """A sentence the rep must see (storage trouble, a damaged file set aside)."""
        self.notify("Resilience", message, urgent=True)

    def _save_failed(self, message: str) -> None:
        # Once per outage: drafts save as the rep types, and each would fail the same way.
        if not self._unsaved:
            self._unsaved = True
            self.tell(message)

    def saved_again(self) -> None:
        if self._unsaved:
            self._unsaved = False
            self.notify("Resilience", "Saved. Everything you wrote is safely on disk again.")

    def _degraded(self, message: str) -> None:
        if message not in self._degraded_logged:
            self._degraded_logged.add(message)
            log.warning(message)

    # -- follow-ups -----------------------------------------------------------------------

    def deliver_followup(self, followup: FollowUp) -> None:
        incident = self.loop.store.incident(followup.incident_id)
        title = texts.followup_title(followup.kind, incident.label if incident else "")
        body = texts.FOLLOW_UP_HINT[followup.kind]
        if followup.note:
            body = f"{followup.note}. {body}"
        self.notify(f"Follow-up: {title}", body + " Mark it done from Upcoming in the tray.")

    def _upcoming_items(self) -> list[tuple[FollowUp, str]]:
        if self.followups is None:
            return []
        items = []
        for followup in self.followups.upcoming():
            incident = self.loop.store.incident(followup.incident_id)
            items.append((followup, incident.label if incident else ""))
        return items

    def _followups_changed(self) -> None:
        items = self._upcoming_items()
        menu = [
            (
                f.id,
                f"{f.due_at.astimezone():%a %d %b %H:%M} · {texts.followup_title(f.kind, label)}",
            )
            for f, label in items
        ]
        for target in (self.tray, self.home):
            if target is not None:
                target.set_upcoming(menu)
        if self._journal is not None:
            self._journal.show_upcoming(items)

    def _followup_action(self, followup_id: str, action: str) -> None:
        if self.followups is None:
            return
        try:
            if action == "done":
                self.followups.done(followup_id)
            elif action == "cancel":
                self.followups.cancel(followup_id)
            elif action == "hour":
                self.followups.snooze(followup_id, 60)
            elif action == "tomorrow":
                self.followups.snooze(followup_id, 24 * 60)
        except FollowUpError as exc:
            log.info("follow-up action ignored: %s", exc)

    # -- journal --------------------------------------------------------------------------

    @property
    def journal_window(self) -> Any:
        if self._journal is None:
            from resilience_app.ui.journal_window import JournalWindow

            window = JournalWindow()
            window.refresh_requested.connect(self._refresh_journal)
            window.add_positive_requested.connect(self._add_positive)
            window.open_incident_requested.connect(self._open_incident)
            window.delete_requested.connect(self._delete_incident)
            window.undo_requested.connect(self._undo_delete)
            window.followup_done_requested.connect(lambda i: self._followup_action(i, "done"))
            window.followup_cancel_requested.connect(lambda i: self._followup_action(i, "cancel"))
            window.followup_snooze_requested.connect(self._snooze_followup)
            window.followup_move_requested.connect(self._move_followup)
            window.export_requested.connect(self._export)
            self._journal = window
        return self._journal

    def open_journal(self) -> None:
        window = self.journal_window
        self._refresh_journal()
        self._followups_changed()
        window.show()
        _raise(window)

    def _refresh_journal(self) -> None:
        window = self._journal
        if window is None:
            return
        incidents, entries = self._record()
        text, since, until = window.positive_query()
        window.show_positives(journal.search_positives(entries, text, since, until))
        window.show_incidents(journal.filter_incidents(incidents, window.call_filter()))

    def _record(self) -> tuple[list[Incident], list[journal.PositiveEntry]]:
        """Every call and positive, decoded once per change to the store: typing in a
        search box must not re-read ten years of history on every key."""
        store: Any = self.loop.store
        generation = store.generation
        if self._record_cache is None or self._record_cache[0] != generation:
            incidents = store.incidents()
            entries = journal.positive_entries(incidents, store.positives())
            self._record_cache = (generation, incidents, entries)
        return self._record_cache[1], self._record_cache[2]

    def _add_positive(self, text: str) -> None:
        positive = Positive(new_id(), self.loop.clock.now(), text)
        try:
            self.loop.store.save_positive(positive)  # type: ignore[attr-defined]
        except OSError as exc:
            self.tell(f"Could not save that positive ({exc.strerror or exc}).")
            return
        self._refresh_journal()

    def _open_incident(self, incident_id: str) -> None:
        try:
            self.open_note(self.loop.incident(incident_id))
        except LoopError as exc:
            log.info("open ignored: %s", exc)

    def _delete_incident(self, incident_id: str) -> None:
        try:
            self._last_removed = self.loop.delete(incident_id)
        except LoopError as exc:
            self.journal_window.show_undo(str(exc))
            self.journal_window.undo_button.hide()
            return
        label = self._last_removed.incident.label
        self.journal_window.show_undo(f"Deleted the call{' with ' + label if label else ''}.")
        self._refresh_journal()
        self._followups_changed()

    def _undo_delete(self) -> None:
        if self._last_removed is not None:
            self.loop.undo_delete(self._last_removed)
            self._last_removed = None
        self.journal_window.hide_undo()
        self._refresh_journal()
        self._followups_changed()

    def _snooze_followup(self, followup_id: str, minutes: float) -> None:
        if self.followups is not None:
            try:
                self.followups.snooze(followup_id, minutes)
            except FollowUpError as exc:
                log.info("snooze ignored: %s", exc)

    def _move_followup(self, followup_id: str, due: datetime) -> None:
        if self.followups is not None:
            try:
                self.followups.reschedule(followup_id, due)
            except FollowUpError as exc:
                log.info("move ignored: %s", exc)

    def _export(self, fmt: str, path: str, since: datetime | None, until: datetime | None) -> None:
        from pathlib import Path

        from resilience_app.storage.export import export, gather

        try:
            journal_data = gather(self.loop.store, since, until)  # type: ignore[arg-type]
            Path(path).write_text(
                export(fmt, journal_data, self.loop.clock.now()), encoding="utf-8"
            )
        except OSError as exc:
            self.journal_window.status.setText(f"Could not write {path}: {exc.strerror or exc}.")
            return
        count = len(journal_data.incidents)
        self.journal_window.status.setText(f"Exported {count} calls to {path}.")

    # -- insights -------------------------------------------------------------------------

    @property
    def insights_window(self) -> Any:
        if self._insights is None:
            from resilience_app.ui.insights_window import InsightsWindow

            self._insights = InsightsWindow()
            self._insights.period_changed.connect(lambda days: self._refresh_insights())
        return self._insights

    def open_insights(self) -> None:
        window = self.insights_window
        self._refresh_insights()
        window.show()
        _raise(window)

    def _refresh_insights(self) -> None:
        from resilience_app.core import insights

        window = self.insights_window
        now = self.loop.clock.now()
        today = now.astimezone().date()
        days = window.days_back()
        store = self.loop.store
        if days:
            first = today - timedelta(days=days - 1)
            read_from = min(first, today - timedelta(days=61))
            since = datetime.combine(read_from, datetime.min.time()).astimezone()
            incidents = store.incidents_between(since, None)  # type: ignore[attr-defined]
        else:
            incidents = store.incidents()
            first = incidents[0].flagged_at.astimezone().date() if incidents else today
        window.show_insights(insights.summarize(incidents, first, today, now))

    # -- settings -------------------------------------------------------------------------

    def open_settings(self) -> None:
        self.settings_window.load(self.settings.as_dict())
        self.settings_window.show()
        _raise(self.settings_window)

    def _apply_settings(self, values: dict[str, Any]) -> None:
        try:
            self.settings.update(values)
        except SettingError as exc:
            self.settings_window.show_result(str(exc))
            return
        self.settings_window.show_result(None)

    def _set(self, key: str, value: Any) -> None:
        try:
            self.settings.set(key, value)
        except SettingError as exc:
            log.warning("setting refused: %s", exc)

    def weekly_look_back(self) -> None:
        self.notify(
            "Your week in calls",
            "A few minutes to look back: what went well, and what keeps coming up. "
            "Insights is open.",
        )
        self.open_insights()

    def _restyle(self) -> None:
        names = ("break_window", "form", "nudge_window", "settings_window")
        windows = [self.built(name) for name in names]
        windows += [self.home, self._journal]
        for window in [w for w in windows if w is not None]:
            window.setStyleSheet(style.sheet())
            window.update()
        if self._insights is not None:
            self._insights.restyle()
            self._refresh_insights()  # series colours come from the palette too

    def _setting_changed(self, key: str, value: Any) -> None:
        if key == "ui.theme":
            style.prefer(str(value))
            self._restyle()
        elif key == "break.pattern" and self.built("break_window") is not None:
            self.break_window.set_pattern(value)
        elif key == "break.reduced_motion" and self.built("break_window") is not None:
            self.break_window.set_reduced_motion(bool(value))


def _raise(window: QWidget) -> None:
    window.raise_()
    window.activateWindow()
