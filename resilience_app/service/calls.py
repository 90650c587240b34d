"""`CallDesk`: knowing when the rep is on a call: a dialer's hooks, the microphone, the
global shortcut that flags, and the one-click flag offered when a call ends."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from resilience_app.core import values
from resilience_app.core.calls import Call, app_names
from resilience_app.core.errors import UserError
from resilience_app.core.events import Event
from resilience_app.core.models import DialSource, Phase
from resilience_app.i18n import N_, _
from resilience_app.service.context import Context
from resilience_app.service.ports import AnswersLater, GlobalKey, Microphone
from resilience_app.service.recovery import Recovery

log = logging.getLogger(__name__)
MAX_CALL_APPS = 50  # the setting's limit; the oldest learned name goes first


class CallDesk:
    """Calls as the core's tracker sees them; a call's end does what fell due meanwhile
    (`tick`, handed in late: the wake-ups are built after this room)."""

    def __init__(
        self,
        ctx: Context,
        recovery: Recovery,
        *,
        microphone: Microphone | None,
        global_key: GlobalKey | None,
        tick: Callable[[], None],
    ) -> None:
        self.ctx = ctx
        self.recovery = recovery
        self.microphone = microphone
        self.global_key = global_key
        self.tick = tick
        self.calls_changed: Event[[]] = Event()  # on a call or not, who uses the microphone
        self.flag_offered: Event[[Call]] = Event()  # a call ended: offer one-click flagging
        self.watching = False  # the microphone adapter is running
        self.hotkey_problem: str | None = None  # why the shortcut is not registered

        settings, calls = ctx.settings, ctx.calls
        calls.set_ignored(app_names(settings.get("calls.ignore_apps")))
        calls.set_known(app_names(settings.get("calls.call_apps")))
        # Writes a setting (the settings room, joined by the service): a new call app.
        self.remember: Callable[[str, Any], Any] | None = None
        calls.hook_timeout = timedelta(minutes=settings.get("calls.hook_timeout_minutes"))
        ctx.loop.phase_changed.connect(lambda phase: self.tell_interest())
        settings.changed.connect(self._follow_setting)
        calls.started.connect(self._call_started)
        calls.ended.connect(self._call_ended)
        calls.changed.connect(self._calls_moved)
        calls.expired.connect(self._call_expired)

    def call_started(self, app: str = "") -> None:
        """A dialer's hook: a call started now."""
        self.ctx.follow_clock()
        self.ctx.calls.hook_started(values.line(app, what=_("The app name"), limit=100))

    def call_ended(self) -> None:
        """A dialer's hook: the call ended."""
        self.ctx.follow_clock()
        self.ctx.calls.hook_ended()

    def microphone_used_by(self, apps: frozenset[str]) -> None:
        """The microphone adapter: these applications use the microphone now."""
        self.ctx.follow_clock()
        self.ctx.calls.microphone(apps)
        self.calls_changed.emit()

    @property
    def detection_problem(self) -> str | None:
        """Why calls are not noticed by themselves right now (in the rep's language), or
        None when they are."""
        problem = self.detection_off()
        return None if problem is None else _(problem)

    def detection_off(self) -> str | None:
        """Why calls are not noticed, as written in the code (English, for `status`)."""
        if not self.ctx.settings.get("calls.detect"):
            return N_("Call detection is off in Settings.")
        if self.microphone is None:
            return N_("This way of starting Resilience does not watch the microphone.")
        return self.microphone.problem

    def _call_started(self, call: Call) -> None:
        # The dial is when the call began; one that began before the flag is not the next.
        self.ctx.loop.dialed(at=call.started_at, source=call.source)
        self.calls_changed.emit()
        if call.source is DialSource.DETECTED:
            self._learn(call.app)

    def _learn(self, app: str) -> None:
        """An app seen on a call is a call app from now on: its next use is the dial."""
        app = app.replace(",", " ").strip()
        # "an application" (no name given, or macOS, which never says which) is not one app.
        unnamed = app.casefold() == _("an application").casefold()
        if unnamed or app.casefold() in self.ctx.calls.known or self.remember is None:
            return
        names = [n.strip() for n in str(self.ctx.settings.get("calls.call_apps")).split(",")]
        kept = [*[n for n in names if n][-(MAX_CALL_APPS - 1) :], app]
        try:
            self.remember("calls.call_apps", ", ".join(kept))
        except UserError as exc:  # a name the setting refuses (too long): not learned
            log.info("a call app was not remembered: %s", exc)

    def _call_ended(self, call: Call, at: datetime) -> None:
        held = self.ctx.loop.call_over(at)  # a flag during this call: its break starts now
        self.calls_changed.emit()
        if self.recovery.note_waiting is not None:
            self.recovery.remind_note()
        self.ctx.schedule_changed.emit()  # reminders held during the call are due now
        self.tick()
        current = self.ctx.loop.current
        flagged_during = held is not None or (
            current is not None and current.flagged_at >= call.started_at
        )
        if self.ctx.settings.get("calls.offer_flag") and not flagged_during:
            self.flag_offered.emit(call)

    def _call_expired(self, call: Call) -> None:
        log.warning(
            "the call %s's hook started at %s never ended; it counts as over after %d minutes",
            call.app,
            call.started_at.isoformat(timespec="seconds"),
            self.ctx.calls.hook_timeout // timedelta(minutes=1),
        )

    def _calls_moved(self) -> None:
        self.ctx.schedule_changed.emit()
        self.tell_interest()

    def tell_interest(self) -> None:
        """A polling microphone backend rests while no call could change anything."""
        if self.microphone is not None and self.watching:
            self.microphone.interest(
                self.ctx.loop.phase is not Phase.CALM
                or self.ctx.calls.on_call
                or bool(self.ctx.settings.get("calls.offer_flag"))
            )

    def watch_microphone(self, wanted: bool) -> None:
        if self.microphone is None or wanted == self.watching:
            return
        if wanted:
            self.microphone.start(self.microphone_used_by)
            self.watching = True
            self.tell_interest()
        else:
            self.microphone.stop()
            self.ctx.calls.microphone(())
        self.watching = wanted
        self.calls_changed.emit()

    def register_hotkey(self, shortcut: str) -> None:
        if self.global_key is None:
            return
        self.global_key.unregister()
        if isinstance(self.global_key, AnswersLater):  # a refusal may come later
            self.global_key.problem_found = self._hotkey_problem_found
        self.hotkey_problem = (
            self.global_key.register(shortcut, self._hotkey_pressed) if shortcut else None
        )
        if self.hotkey_problem:
            log.warning("the shortcut %s is not available: %s", shortcut, self.hotkey_problem)
        self.calls_changed.emit()

    def _hotkey_problem_found(self, problem: str | None) -> None:
        """The desktop answered late (the rep declined in the portal's dialog): the
        Settings line and `resilience status` say so from now on."""
        self.hotkey_problem = problem
        self.calls_changed.emit()

    def _hotkey_pressed(self) -> None:
        try:
            self.recovery.flag()
        except UserError as exc:
            log.info("shortcut refused: %s", exc)

    def _follow_setting(self, key: str, value: Any) -> None:
        calls = self.ctx.calls
        if key == "calls.ignore_apps":
            calls.set_ignored(app_names(str(value)))
        elif key == "calls.call_apps":
            calls.set_known(app_names(str(value)))
        elif key == "calls.hook_timeout_minutes":
            calls.hook_timeout = timedelta(minutes=int(value))
            calls.tick()  # a call past the new limit ends now
        elif key == "calls.detect" and self.ctx.running:
            self.watch_microphone(bool(value))
        elif key == "hotkey.flag" and self.ctx.running:
            self.register_hotkey(str(value))
        elif key == "calls.offer_flag":
            self.tell_interest()

    def stop(self) -> None:
        """Closing: the microphone is no longer watched, the shortcut is given back."""
        if self.watching and self.microphone is not None:
            self.microphone.stop()
            self.watching = False
        if self.global_key is not None and self.ctx.running:
            self.global_key.unregister()
