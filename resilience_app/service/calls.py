"""`CallDesk`: knowing when the rep is on a call: a dialer's hooks, the microphone, the
global shortcuts (one flags, one says "I'm dialing"), and the one-click flag offered when a
call ends."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from resilience_app.core import values
from resilience_app.core.calls import AudioUse, Call, app_names, named
from resilience_app.core.errors import UserError
from resilience_app.core.events import Event
from resilience_app.core.models import DialSource, Phase
from resilience_app.i18n import N_, Message, _
from resilience_app.service.context import Context
from resilience_app.service.ports import AnswersLater, GlobalKey, Microphone
from resilience_app.service.recovery import Recovery

log = logging.getLogger(__name__)
MAX_CALL_APPS = 50  # the setting's limit; the oldest learned name goes first
RECENT_APPS = 8  # the apps seen using the microphone that Settings lists
AWAITING_DIAL = (Phase.BREAK, Phase.WAITING)  # a call app's ring is the dial then
HOTKEYS = ("hotkey.flag", "hotkey.dial")  # the global shortcuts' settings
# The name the microphone adapters give an app that gives none (macOS never says which),
# kept as written: translated where it is shown, so it follows a new language.
UNNAMED_APP = N_("an application")


def app_label(name: str) -> str:
    """An app's name as the rep reads it (the unnamed one in the language in use)."""
    return _(name) if name == UNNAMED_APP else name


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
        dial_key: GlobalKey | None = None,
        tick: Callable[[], None],
    ) -> None:
        self.ctx = ctx
        self.recovery = recovery
        self.microphone = microphone
        self.global_key = global_key  # hotkey.flag
        self.dial_key = dial_key  # hotkey.dial
        self.tick = tick
        self.calls_changed: Event[[]] = Event()  # on a call or not, who uses the microphone
        self.flag_offered: Event[[Call]] = Event()  # a call ended: offer one-click flagging
        self.watching = False  # the microphone adapter is running
        # Why each shortcut (by its setting) is not registered, and what each one holds.
        # Kept as written: each is translated when shown, in the language in use then.
        self.key_problems: dict[str, Message | None] = dict.fromkeys(HOTKEYS)
        self._held: dict[str, str] = {}
        self.recent: list[AudioUse] = []  # seen using the microphone this session, newest first
        self._no_offer_for: Call | None = None  # the rep said this "call" was none

        settings, calls = ctx.settings, ctx.calls
        calls.set_ignored(app_names(settings.get("calls.ignore_apps")))
        calls.set_known(app_names(settings.get("calls.call_apps")))
        calls.set_ringing_counts(ctx.loop.phase in AWAITING_DIAL)
        # Writes a setting (the settings room, joined by the service): a new call app.
        self.remember: Callable[[str, Any], Any] | None = None
        calls.hook_timeout = timedelta(minutes=settings.get("calls.hook_timeout_minutes"))
        ctx.loop.phase_changed.connect(self._phase_changed)
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

    def microphone_used_by(self, apps: frozenset[AudioUse | str]) -> None:
        """The microphone adapter: these applications use the microphone (or, `playing`,
        the speakers) now. Adapters that know only names report plain strings."""
        self.ctx.follow_clock()
        self._sync_ringing()  # a restart restores the phase without telling
        uses = {AudioUse.of(app) for app in apps}
        for use in sorted((u for u in uses if not u.playing), key=lambda u: u.name):
            self.recent = [use, *[u for u in self.recent if u.name != use.name]][:RECENT_APPS]
        self.ctx.calls.microphone(uses)
        self.calls_changed.emit()

    def apps_seen(self) -> list[dict[str, Any]]:
        """The apps seen using the microphone recently, for Settings and `status`: what the
        sound server calls them, their program, whether they are ignored, a call app,
        using it now."""
        calls = self.ctx.calls
        now = {use.name for use in calls.microphone_uses}
        return [
            {
                "name": use.name,
                "program": use.program,
                "in_use": use.name in now,
                "ignored": calls.is_ignored(use),
                "call_app": calls.is_known(use),
            }
            for use in self.recent
        ]

    def not_a_call(self, name: str) -> str:
        """The rep says an app seen using the microphone is no call: its program name (or
        its name) joins the ignore list, and a call it is on ends. Returns the name added."""
        use = next((u for u in self.recent if u.name == name), None)
        if use is None:
            raise UserError(_("{app} has not been seen using the microphone.").format(app=name))
        added = (use.program or use.name).replace(",", " ").strip()
        settings, calls = self.ctx.settings, self.ctx.calls
        current = calls.current
        if current is not None and current.app == use.name:
            self._no_offer_for = current  # it was no call: nothing to offer to flag
        if self.remember is None:
            return added
        # No longer a call app either, under any name that meant it.
        known = [n.strip() for n in str(settings.get("calls.call_apps")).split(",")]
        kept = [n for n in known if n and not named([n], use)]
        if len(kept) != len([n for n in known if n]):
            self.remember("calls.call_apps", ", ".join(kept))
        listed = [n.strip() for n in str(settings.get("calls.ignore_apps")).split(",")]
        if not calls.is_ignored(use):
            self.remember("calls.ignore_apps", ", ".join([*[n for n in listed if n], added]))
        return added

    @property
    def detection_problem(self) -> str | None:
        """Why calls are not noticed by themselves right now (in the language in use now,
        whenever it was found), or None when they are."""
        problem = self.detection_off()
        return None if problem is None else str(problem)

    def detection_off(self) -> Message | None:
        """Why calls are not noticed, kept as written (translated when shown)."""
        if not self.ctx.settings.get("calls.detect"):
            return Message(N_("Call detection is off in Settings."))
        if self.microphone is None:
            return Message(N_("This way of starting Resilience does not watch the microphone."))
        return self.microphone.problem

    def _phase_changed(self, phase: Phase) -> None:
        self._sync_ringing()
        self.tell_interest()

    def _sync_ringing(self) -> None:
        self.ctx.calls.set_ringing_counts(self.ctx.loop.phase in AWAITING_DIAL)

    def _call_started(self, call: Call) -> None:
        # The dial is when the call began; one that began before the flag is not the next.
        self.ctx.loop.dialed(at=call.started_at, source=call.source)
        self.calls_changed.emit()
        if call.source is DialSource.DETECTED:
            self._learn(call)

    def _learn(self, call: Call) -> None:
        """An app seen on a call is a call app from now on: its next use is the dial. Its
        program's name is kept where known: it names its microphone and its sound alike
        ("chromium" for "Chromium input" and "Chromium")."""
        # "an application" (no name given, or macOS, which never says which) is not one app.
        unnamed = call.app == UNNAMED_APP
        if unnamed or self.remember is None:
            return
        if self.ctx.calls.is_known(AudioUse(call.app, call.program)):
            return
        app = (call.program or call.app).replace(",", " ").strip()
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
        # A call that only rang (nobody picked up), or one the rep said was none, is no
        # call to flag.
        disowned, self._no_offer_for = call == self._no_offer_for, None
        offer = self.ctx.settings.get("calls.offer_flag")
        if offer and not flagged_during and call.answered and not disowned:
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

    @property
    def hotkey_problem(self) -> str | None:
        """Why the flag key is not registered (in the language in use now), or None."""
        return self._key_problem("hotkey.flag")

    @property
    def dial_key_problem(self) -> str | None:
        """Why the dial key is not registered (in the language in use now), or None."""
        return self._key_problem("hotkey.dial")

    def _key_problem(self, name: str) -> str | None:
        problem = self.key_problems[name]
        return None if problem is None else str(problem)

    def _keys(self) -> dict[str, tuple[GlobalKey | None, Callable[[], None]]]:
        return {
            "hotkey.flag": (self.global_key, self._hotkey_pressed),
            "hotkey.dial": (self.dial_key, self._dial_key_pressed),
        }

    def register_hotkeys(self) -> None:
        """Each global key as its setting says. The keys that change are all given back
        before any is registered again, so the two can swap combinations; a key that was
        refused is tried again."""
        settings = self.ctx.settings
        moved = {
            name: (key, pressed, str(settings.get(name)))
            for name, (key, pressed) in self._keys().items()
            if key is not None
            and (self._held.get(name) != settings.get(name) or self.key_problems[name])
        }
        for key, _pressed, _shortcut in moved.values():
            key.unregister()
        for name, (key, pressed, shortcut) in moved.items():
            if isinstance(key, AnswersLater):  # a refusal (or a grant) may come later
                key.problem_found = lambda problem, n=name: self._key_problem_found(n, problem)
            problem = key.register(shortcut, pressed) if shortcut else None
            self.key_problems[name], self._held[name] = problem, shortcut
            if problem:
                log.warning("the shortcut %s is not available: %s", shortcut, problem.english())
        self.calls_changed.emit()  # the settings window says what each key does

    def _key_problem_found(self, name: str, problem: Message | None) -> None:
        """The desktop answered late (the rep declined in the portal's dialog): the
        Settings line and `resilience status` say so from now on."""
        self.key_problems[name] = problem
        self.calls_changed.emit()

    def _hotkey_pressed(self) -> None:
        try:
            self.recovery.flag()
        except UserError as exc:
            log.info("shortcut refused: %s", exc)

    def _dial_key_pressed(self) -> None:
        """The dial key: "I'm dialing", as the tray and the nudge card say it."""
        try:
            closed = self.recovery.dialed()
        except UserError as exc:
            log.info("dial key refused: %s", exc)
            return
        if closed is None:
            log.info("dial key: no tough call was waiting for a next dial; nothing recorded")

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
        elif key in HOTKEYS and self.ctx.running:
            self.register_hotkeys()
        elif key == "calls.offer_flag":
            self.tell_interest()

    def stop(self) -> None:
        """Closing: the microphone is no longer watched, the shortcuts are given back."""
        if self.watching and self.microphone is not None:
            self.microphone.stop()
            self.watching = False
        if self.ctx.running:
            for key, _pressed in self._keys().values():
                if key is not None:
                    key.unregister()
            self._held.clear()
