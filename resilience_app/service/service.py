"""`Service`: the app's use cases over the recovery loop, follow-ups and the journal.

The service decides; it never draws. It announces what happened through events that the
windows (or nobody, on the command line) listen to, and talks to the outside world only
through the adapters it was handed: a notifier chain, a sound, start-at-login, the
settings file. Everything runs in one thread (the GUI thread in the running app).
"""

from __future__ import annotations

import logging
import random
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

from resilience_app import i18n
from resilience_app.core import journal, scripts, texts, values, workhours
from resilience_app.core.calls import Call, app_names
from resilience_app.core.clock import Clock, local_moment, start_of_local_day
from resilience_app.core.errors import UserError
from resilience_app.core.events import Event
from resilience_app.core.loop import (
    incidents_on,
)
from resilience_app.core.models import (
    DialSource,
    Incident,
    Nudge,
    NudgeKind,
    NudgeState,
    Phase,
)
from resilience_app.core.settings import Settings
from resilience_app.i18n import N_, _
from resilience_app.service.context import Context
from resilience_app.service.durability import Durability
from resilience_app.service.followups import FollowUpDesk
from resilience_app.service.journal import Journal
from resilience_app.service.keyring import Keyring
from resilience_app.service.notes import Notes
from resilience_app.service.ports import GlobalKey, Microphone, Notifier, Sound, Vault
from resilience_app.service.privacy import Privacy
from resilience_app.service.reports import Reports
from resilience_app.service.settings import SettingsDesk
from resilience_app.service.transfer import Transfer
from resilience_app.service.views import (
    BreakView,
    FlagOutcome,
    TrayState,
)
from resilience_app.storage.store import Store, shard_name

log = logging.getLogger(__name__)

# The positive shown in a break comes from this far back (a bounded read, however long
# the history).
POSITIVES_FROM = timedelta(days=120)
NOTE_REMINDER_AFTER = timedelta(minutes=10)  # calls not seen: remind after this
CARD = "window"  # the notifier channel that is the always-on-top card itself
# How long the tray says "back on the phone after 7 min" after a dial.
BACK_ON_PHONE_SHOWN = timedelta(minutes=60)


class Service:
    """Every use case of the app. Build it with `service.build.open_service`."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        clock: Clock,
        *,
        notifier: Notifier,
        save_settings: Callable[[dict[str, Any]], None],
        start_at_login: Callable[[bool], None] | None = None,
        sound: Sound | None = None,
        microphone: Microphone | None = None,
        global_key: GlobalKey | None = None,
        vault: Vault | None = None,
        running: bool = True,
        rng: random.Random | None = None,
        forbid_dumps: Callable[[], object] | None = None,
    ) -> None:
        self.ctx = ctx = Context(
            store, settings, clock, notifier=notifier, running=running, rng=rng
        )
        self.store = store
        self.settings = settings
        self.clock = clock
        # The rep's language for every sentence from here on (the CLI set it already).
        i18n.set_language(str(settings.get("ui.language")))
        self.notifier = notifier
        self.running = running
        self._sound = sound
        self._microphone = microphone
        self._global_key = global_key
        self._rng = ctx.rng
        self.loop = ctx.loop
        self.followups = ctx.followups
        self.lookback = ctx.lookback
        self.calls = ctx.calls
        self.calls.set_ignored(app_names(settings.get("calls.ignore_apps")))
        self.calls.hook_timeout = timedelta(minutes=settings.get("calls.hook_timeout_minutes"))

        # -- what happened (the windows listen; nothing listens on the command line) ----
        self.phase_changed: Event[[Phase]] = Event()
        self.break_requested: Event[[BreakView]] = Event()  # show (or bring back) a break
        self.break_changed: Event[[Incident]] = Event()  # its end moved ("+1 minute")
        self.note_requested: Event[[Incident]] = Event()  # open the note for this call
        self.card_requested: Event[[str, str]] = Event()  # the firm nudge's card
        self.dialed_recorded: Event[[Incident]] = Event()
        self.notes_changed = ctx.notes_changed  # notes waiting to be written
        self.followups_changed = ctx.followups_changed
        self.journal_changed = ctx.journal_changed  # anything in the record
        self.window_requested = ctx.window_requested  # window, tab
        self.schedule_changed = ctx.schedule_changed  # next_wakeup() may have moved
        self.calls_changed: Event[[]] = Event()  # on a call or not, who uses the microphone
        self.flag_offered: Event[[Call]] = Event()  # a call ended: offer one-click flagging

        self.metrics: dict[str, Any] = {"flag_to_window_ms": None}
        self._metric_sources: list[Callable[[], dict[str, Any]]] = []
        self._flag_started: float | None = None
        self._recent_positives: deque[str] = deque(maxlen=5)
        self._tips_shown = self._rng.randrange(len(texts.BREAK_TIPS))
        self._pool: list[str] | None = None  # positives a break may show; None: read again
        self._watching = False  # the microphone adapter is running
        self.hotkey_problem: str | None = None  # why the shortcut is not registered
        self._last_dial: Incident | None = None  # for "back on the phone after 7 min"
        # A note skipped because the rep dialed during its break: one gentle reminder after
        # the call (when it ends, or NOTE_REMINDER_AFTER later if calls are not seen).
        self._note_waiting: str | None = None
        self._note_reminder_at: datetime | None = None

        # -- the rooms ---------------------------------------------------------------------
        self.durability = durability = Durability(ctx)
        self.keyring = keyring = Keyring(ctx, vault)
        self.settings_desk = desk_s = SettingsDesk(
            ctx,
            keyring,
            durability,
            save_settings=save_settings,
            start_at_login=start_at_login,
        )
        self.privacy = privacy = Privacy(ctx, keyring, desk_s, forbid_dumps=forbid_dumps)
        self._need_open = privacy.need_open
        self.settings_changed = desk_s.settings_changed
        self.setting = desk_s.setting
        self.setting_values = desk_s.setting_values
        self.set_setting = desk_s.set_setting
        self.update_settings = desk_s.update_settings
        self.lock_changed = privacy.lock_changed
        self.before_lock = privacy.before_lock
        self.unlock = privacy.unlock
        self.unlock_from_keyring = privacy.unlock_from_keyring
        self.lock = privacy.lock
        self.set_passphrase = privacy.set_passphrase
        self.change_passphrase = privacy.change_passphrase
        self.remove_passphrase = privacy.remove_passphrase
        self.unsaved_sentence = durability.unsaved_sentence
        self.restore_removed_files = durability.restore_removed_files
        self.merge_rescued = durability.merge_rescued
        self.journal = Journal(ctx, self._need_open)
        self.transfer = Transfer(ctx, self._need_open)
        self.reports = Reports(ctx, self._need_open)
        self.notes = Notes(ctx, self._need_open)
        self.followup_desk = FollowUpDesk(ctx, self._need_open)
        journal_room, transfer, reports = self.journal, self.transfer, self.reports
        notes, desk = self.notes, self.followup_desk
        self.open_notes = notes.open_notes
        self.incident = notes.incident
        self.save_note = notes.save_note
        self.save_draft = notes.save_draft
        self.discard_note = notes.discard_note
        self.add_positive = notes.add_positive
        self.upcoming = desk.upcoming
        self.add_followup = desk.add_followup
        self.find_followup = desk.find_followup
        self.find_any_followup = desk.find_any_followup
        self.followup_done = desk.followup_done
        self.followup_done_or_outcome = desk.followup_done_or_outcome
        self.followup_outcome = desk.followup_outcome
        self.followup_cancel = desk.followup_cancel
        self.followup_snooze = desk.followup_snooze
        self.followup_move = desk.followup_move
        self.script = desk.script
        self.save_script = desk.save_script
        self.easy_lead = desk.easy_lead
        self.journal_positives = journal_room.journal_positives
        self.journal_calls = journal_room.journal_calls
        self.journal_months = journal_room.journal_months
        self.journal_records = journal_room.journal_records
        self.journal_month = journal_room.journal_month
        self.journal_check = journal_room.journal_check
        self.delete_call = journal_room.delete_call
        self.undo_delete = journal_room.undo_delete
        self.journal_closed = journal_room.journal_closed
        self.export = transfer.export
        self.import_file = transfer.import_file
        self.insights = reports.insights
        self.insights_days = reports.insights_days
        self.followup_results = reports.followup_results
        self.followup_results_days = reports.followup_results_days
        self.manager_report = reports.manager_report
        self.report_choices = reports.report_choices
        self.write_report = reports.write_report
        ctx.record_moved.connect(self._forget_pool)
        privacy.let_go.connect(self._let_go)
        privacy.let_go.connect(lambda everything: self.journal.let_go(everything=everything))
        ctx.clock_stepped.connect(self._clock_stepped)

        loop = self.loop
        loop.phase_changed.connect(self.phase_changed.emit)
        loop.phase_changed.connect(lambda phase: self._tell_interest())
        loop.break_started.connect(self._break_started)
        loop.break_ended.connect(self._break_ended)
        loop.nudge_fired.connect(self._deliver_nudge)
        loop.dialed_recorded.connect(self._dial_recorded)
        loop.break_cut_short.connect(self._note_skipped)
        loop.reflections_changed.connect(self.notes_changed.emit)
        loop.schedule_changed.connect(self.schedule_changed.emit)
        self.lookback.due.connect(self._look_back)
        self.lookback.changed.connect(self.schedule_changed.emit)
        settings.changed.connect(self._follow_setting)
        self.calls.started.connect(self._call_started)
        self.calls.ended.connect(self._call_ended)
        self.calls.changed.connect(self._calls_moved)
        self.calls.expired.connect(self._call_expired)

    # -- start ---------------------------------------------------------------------------

    def start(self) -> None:
        """The running app: pick up where the last run stopped, catch up on what fell due
        while it was closed, and say what there is to show."""
        rescued = self.merge_rescued()
        self.unlock_from_keyring()
        self.loop.restore(catch_up=False)
        asked: list[Incident] = []
        self.note_requested.connect(asked.append)
        try:
            self.tick()
        finally:
            self.note_requested.disconnect(asked.append)
        self.phase_changed.emit(self.loop.phase)
        self.notes_changed.emit()
        self.followups_changed.emit()
        current = self.loop.current
        if current is not None and self.loop.phase is Phase.BREAK:
            self._request_break(current)
        elif current is not None and current.reflection_open and current not in asked:
            self.note_requested.emit(current)
        self.settings_desk.renew_login()
        for notice in [*self.store.notices, *rescued]:
            self.tell(notice)
        self.store.on_notice = self.tell
        self._watch_microphone(bool(self.settings.get("calls.detect")))
        self._register_hotkey(str(self.settings.get("hotkey.flag")))
        self.schedule_changed.emit()

    @property
    def has_journal(self) -> bool:
        """True when the data folder holds a journal (a first start has happened)."""
        return self.store.has_journal

    def notices(self) -> list[str]:
        """Sentences about what storage had to do (a damaged file set aside...)."""
        return list(self.store.notices)

    def open_offline(self) -> list[str]:
        """A command with no app running: the current state, without firing anything.
        Returns sentences about what storage had to do (for the command to print)."""
        said = self.merge_rescued()
        self.loop.restore(catch_up=False)
        return [*self.store.notices, *said]

    # -- the loop --------------------------------------------------------------------------

    def flag(self, label: str = "", rough: int | None = None) -> FlagOutcome:
        """A call went south: start a break (or bring the running one back)."""
        self._flag_started = time.perf_counter()
        self.follow_clock()
        already = self.loop.current is not None and self.loop.current.on_break
        incident = self.loop.flag(values.line(label, what=_("The label")), rough)
        self.calls.flagged()  # a call that went south is over, whether its hook says so or not
        return FlagOutcome(incident, already, self.settings.break_minutes)

    def dialed(self) -> Incident | None:
        """The rep is back on the phone; returns the call it closes, if one was open."""
        self.follow_clock()
        return self.loop.dialed(source=DialSource.CLICKED)

    # -- calls ------------------------------------------------------------------------------

    def call_started(self, app: str = "") -> None:
        """A dialer's hook: a call started now."""
        self.follow_clock()
        self.calls.hook_started(values.line(app, what=_("The app name"), limit=100))

    def call_ended(self) -> None:
        """A dialer's hook: the call ended."""
        self.follow_clock()
        self.calls.hook_ended()

    def microphone_used_by(self, apps: frozenset[str]) -> None:
        """The microphone adapter: these applications use the microphone now."""
        self.follow_clock()
        self.calls.microphone(apps)
        self.calls_changed.emit()

    @property
    def detection_problem(self) -> str | None:
        """Why calls are not noticed by themselves right now (in the rep's language), or
        None when they are."""
        problem = self._detection_off()
        return None if problem is None else _(problem)

    def _detection_off(self) -> str | None:
        """Why calls are not noticed, as written in the code (English, for `status`)."""
        if not self.settings.get("calls.detect"):
            return N_("Call detection is off in Settings.")
        if self._microphone is None:
            return N_("This way of starting Resilience does not watch the microphone.")
        return self._microphone.problem

    def _dial_recorded(self, incident: Incident) -> None:
        self._last_dial = incident
        self.dialed_recorded.emit(incident)

    def _note_skipped(self, incident: Incident) -> None:
        if incident.reflection_open:
            self._note_waiting = incident.id
            self._note_reminder_at = self.clock.now() + NOTE_REMINDER_AFTER
            self.schedule_changed.emit()

    def _remind_note(self) -> None:
        """Once, gently: the note about the call whose break was cut short is still there."""
        incident_id, self._note_waiting, self._note_reminder_at = self._note_waiting, None, None
        if incident_id is None:
            return
        found = self.store.incident(incident_id)
        if found is None or not found.reflection_open:
            return
        self.notifier.send(
            _("Your note can wait for you"),
            _(
                "You went back to the phone during your break, well done. When you have a "
                "minute, the note about that call is in the tray: Write my note."
            ),
            urgent=False,
        )
        self.notes_changed.emit()

    def _call_started(self, call: Call) -> None:
        # The dial is when the call began; one that began before the flag is not the next.
        self.loop.dialed(at=call.started_at, source=call.source)
        self.calls_changed.emit()

    def _call_ended(self, call: Call, at: datetime) -> None:
        self.calls_changed.emit()
        if self._note_waiting is not None:
            self._remind_note()
        self.schedule_changed.emit()  # reminders held during the call are due now
        self.tick()
        current = self.loop.current
        flagged_during = current is not None and current.flagged_at >= call.started_at
        if self.settings.get("calls.offer_flag") and not flagged_during:
            self.flag_offered.emit(call)

    def _call_expired(self, call: Call) -> None:
        log.warning(
            "the call %s's hook started at %s never ended; it counts as over after %d minutes",
            call.app,
            call.started_at.isoformat(timespec="seconds"),
            self.calls.hook_timeout // timedelta(minutes=1),
        )

    def _calls_moved(self) -> None:
        self.schedule_changed.emit()
        self._tell_interest()

    def _tell_interest(self) -> None:
        """A polling microphone backend rests while no call could change anything."""
        if self._microphone is not None and self._watching:
            self._microphone.interest(
                self.loop.phase is not Phase.CALM
                or self.calls.on_call
                or bool(self.settings.get("calls.offer_flag"))
            )

    def _watch_microphone(self, wanted: bool) -> None:
        if self._microphone is None or wanted == self._watching:
            return
        if wanted:
            self._microphone.start(self.microphone_used_by)
            self._watching = True
            self._tell_interest()
        else:
            self._microphone.stop()
            self.calls.microphone(())
        self._watching = wanted
        self.calls_changed.emit()

    def _register_hotkey(self, shortcut: str) -> None:
        if self._global_key is None:
            return
        self._global_key.unregister()
        self.hotkey_problem = (
            self._global_key.register(shortcut, self._hotkey_pressed) if shortcut else None
        )
        if self.hotkey_problem:
            log.warning("the shortcut %s is not available: %s", shortcut, self.hotkey_problem)
        self.calls_changed.emit()

    def _hotkey_pressed(self) -> None:
        try:
            self.flag()
        except UserError as exc:
            log.info("shortcut refused: %s", exc)

    def _follow_setting(self, key: str, value: Any) -> None:
        if key == "calls.ignore_apps":
            self.calls.set_ignored(app_names(str(value)))
        elif key == "calls.hook_timeout_minutes":
            self.calls.hook_timeout = timedelta(minutes=int(value))
            self.calls.tick()  # a call past the new limit ends now
        elif key == "calls.detect" and self.running:
            self._watch_microphone(bool(value))
        elif key == "hotkey.flag" and self.running:
            self._register_hotkey(str(value))
        elif key == "calls.offer_flag":
            self._tell_interest()
        elif key.startswith("work.") or key == "nudge.paused_until":
            self.schedule_changed.emit()  # nudges and reminders move with the hours

    def end_break(self) -> None:
        self.follow_clock()
        self.loop.end_break()

    def extend_break(self, minutes: float = 1.0) -> None:
        """ "+1 minute": the running break ends later (10 minutes at most in all)."""
        self.follow_clock()
        self.loop.extend_break(minutes)
        current = self.loop.current
        if current is not None:
            self.break_changed.emit(current)

    def snooze(self) -> Nudge:
        """ "2 more minutes" after a nudge."""
        self.follow_clock()
        return self.loop.snooze()

    @property
    def phase(self) -> Phase:
        return self.loop.phase

    @property
    def current(self) -> Incident | None:
        return self.loop.current

    def tray_state(self) -> TrayState:
        self.follow_clock()
        current = self.loop.current
        now = self.clock.now()
        minutes = None
        if self.loop.phase is Phase.WAITING and current is not None:
            minutes = int(max(0.0, (now - current.flagged_at).total_seconds()) // 60)
        back = None
        last = self._last_dial if current is None else None
        if (
            last is not None
            and last.dialed_at is not None
            and last.time_to_dial is not None
            and now - last.dialed_at <= BACK_ON_PHONE_SHOWN
        ):
            back = round(last.time_to_dial.total_seconds() / 60)
        return TrayState(
            self.loop.phase,
            minutes,
            self.settings.second_nudge_minutes,
            len(self.loop.open_reflections()),
            back_after_minutes=back,
            on_call=self.calls.on_call,
        )

    def show_current(self) -> None:
        """Bring the running break back into view (a second start of the app)."""
        current = self.loop.current
        if current is not None and self.loop.phase is Phase.BREAK:
            self._request_break(current)

    def _break_started(self, incident: Incident) -> None:
        self._request_break(incident)
        self.journal_changed.emit()

    def _request_break(self, incident: Incident) -> None:
        view = self.break_view(incident, requested_at=self._flag_started)
        self._flag_started = None
        self.break_requested.emit(view)

    def break_view(self, incident: Incident, *, requested_at: float | None = None) -> BreakView:
        """What a break shows: the guide the rep chose, a tip, maybe one of their positives."""
        positive = journal.pick_positive(
            self._positive_pool(), list(self._recent_positives), self._rng
        )
        if positive:
            self._recent_positives.append(positive)
        self._tips_shown += 1
        return BreakView(
            incident=incident,
            pattern=str(self.settings.get("break.pattern")),
            reduced_motion=bool(self.settings.get("break.reduced_motion")),
            tip=journal.tip_for(self._tips_shown),
            positive=positive,
            requested_at=requested_at,
        )

    def _positive_pool(self) -> list[str]:
        """The rep's recent positives, read once and kept until one is written or removed,
        so a flag does not re-read months of notes. None while the journal is locked: a
        break needs nothing the rep wrote."""
        if self.store.locked:
            return []
        if self._pool is None:
            since = self.clock.now() - POSITIVES_FROM
            from_notes = journal.positives(self.store.incidents_since(since))
            self._pool = from_notes + [p.text for p in self.store.positives(since)]
        return self._pool

    def warm(self) -> None:
        """Read ahead what the next flag needs (the app calls this once it is idle after
        start, and after an unlock): the positives a break may show, and this month's
        summary, kept up to date by each save from then on; and what sealing needs, when
        the journal is protected. Nothing the rep wrote is read while locked."""
        self.store.sealer.prepare()
        if self.store.locked:
            return
        self._positive_pool()
        self.store.month_tallies(shard_name(self.clock.now()))

    def _record_changed(self) -> None:
        self.ctx.record_changed()

    def _forget_pool(self) -> None:
        self._pool = None

    def _let_go(self, everything: bool) -> None:
        self._pool = None
        if everything:
            self._recent_positives.clear()
            self._last_dial = None

    def _break_ended(self, incident: Incident) -> None:
        if self.settings.get("break.sound") and self._sound is not None:
            self._sound.play()
        self.note_requested.emit(incident)

    # -- nudges and reminders -------------------------------------------------------------

    def _deliver_nudge(self, nudge: Nudge, incident: Incident) -> None:
        minutes = (self.clock.now() - incident.flagged_at).total_seconds() / 60
        title = texts.nudge_title(nudge.kind)
        body = texts.nudge_body(nudge.kind, minutes)
        easy = self.easy_lead()
        if easy is not None:
            body += " " + scripts.easy_lead_sentence(easy.followup.kind, easy.label)
        firm = nudge.kind is not NudgeKind.FIRST
        channel = self.notifier.send(title, body, urgent=firm)
        # The firm nudge also gets a card with "I'm dialing", unless that was the channel.
        if firm and channel != CARD:
            self.card_requested.emit(title, body)

    def _look_back(self) -> None:
        self.notifier.send(
            _("Your week in calls"),
            # Translators: "Insights" is the name of the window with the rep's patterns.
            _(
                "A few minutes to look back: what went well, and what keeps coming up. "
                "Insights is open."
            ),
            urgent=False,
        )
        self.window_requested.emit("insights", "")

    def tell(self, message: str) -> None:
        self.ctx.tell(message)

    # -- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The wall-clock time, once any step of it has been followed (the break window
        counts down with this, so a step shows the true time left at once)."""
        self.follow_clock()
        return self.clock.now()

    def follow_clock(self) -> None:
        self.ctx.follow_clock()

    def _clock_stepped(self, jump: timedelta) -> None:
        if self._note_reminder_at is not None:
            self._note_reminder_at += jump
        self.calls.shift(jump)
        self.loop.shift(jump)
        current = self.loop.current
        if current is not None and self.loop.phase is Phase.BREAK:
            self.break_changed.emit(current)

    def next_wakeup(self) -> datetime | None:
        """The earliest moment `tick()` has something to do, or None."""
        self.follow_clock()
        # Reminders and the look back wait while the rep is on a call, and for working
        # hours and the end of a pause.
        held = self.calls.on_call
        paused = self.paused_until()
        # While a call is being confirmed the loop waits; the confirmation wakes it.
        planned = (
            None if self.calls.maybe_starting else self.loop.next_wakeup(),
            None if held else self._when_allowed(self.followups.next_wakeup()),
            None if held else self._when_allowed(self.lookback.next_wakeup()),
            self.calls.next_wakeup(),
            self.durability.next_retry,
            self.privacy.lock_due(),
            paused,
            None if held else self._when_allowed(self._note_reminder_at),
        )
        times = [t for t in planned if t is not None]
        return min(times) if times else None

    def tick(self) -> None:
        """Do what has fallen due: end a break, nudge, remind, look back, retry a save.
        During a call a nudge that falls due is skipped, and reminders wait for its end;
        outside working hours and during a pause, nudges are dropped (and recorded so) and
        reminders wait."""
        self.follow_clock()
        self.calls.tick()
        on_call = self.calls.on_call
        now = self.clock.now()
        paused = self.paused_until()
        if paused is not None and paused <= now:
            self.resume()
            paused = None
        quiet: NudgeState | None = None
        if paused is not None:
            quiet = NudgeState.PAUSED
        elif not self.working_now():
            quiet = NudgeState.OFF_HOURS
        if not self.calls.maybe_starting:  # else: wait the seconds until it is known
            self.loop.tick(on_call=on_call, quiet=quiet)
        if not on_call and quiet is None:
            self.followups.tick()
            self.lookback.tick()
        note_due = self._note_reminder_at is not None and self._note_reminder_at <= now
        if not on_call and quiet is None and note_due:
            self._remind_note()
        retry = self.durability.next_retry
        if retry is not None and retry <= self.clock.now():
            self.durability.retry_save()
        due = self.privacy.lock_due()
        if due is not None and due <= self.clock.now():
            self.lock()

    # -- working hours and pause ---------------------------------------------------------------

    def schedule(self) -> workhours.Schedule | None:
        """The rep's working hours, or None when nudges may come at any hour."""
        if not self.settings.get("work.limit"):
            return None
        return workhours.Schedule.from_settings(
            str(self.settings.get("work.days")),
            str(self.settings.get("work.start")),
            str(self.settings.get("work.end")),
            str(self.settings.get("work.gap")),
        )

    def working_now(self) -> bool:
        schedule = self.schedule()
        return schedule is None or schedule.working(self.clock.now())

    def _when_allowed(self, due: datetime | None) -> datetime | None:
        """When something due at `due` may be said: after a pause, within working hours."""
        if due is None:
            return None
        paused = self.paused_until()
        if paused is not None:
            due = max(due, paused)
        schedule = self.schedule()
        if schedule is not None:
            start = schedule.next_start(max(due, self.clock.now()))
            return start  # None: no working day at all, so nothing is ever said
        return due

    def paused_until(self) -> datetime | None:
        raw = str(self.settings.get("nudge.paused_until") or "")
        return datetime.fromisoformat(raw) if raw else None

    def pause(self, *, minutes: float | None = None, until: time_of_day | None = None) -> datetime:
        """No nudges for `minutes`, or until the next `until` (a local time of day), or
        until tomorrow's start of work. A flag still gives a break."""
        now = self.clock.now()
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
            start = workhours.parse_time(str(self.settings.get("work.start")))
            tomorrow = now.astimezone().date() + timedelta(days=1)
            end = local_moment(tomorrow, start)
            schedule = self.schedule()
            if schedule is not None:
                end = schedule.next_start(end) or end
        self.set_setting("nudge.paused_until", end.isoformat())
        self.schedule_changed.emit()
        return end

    def resume(self) -> None:
        if self.settings.get("nudge.paused_until"):
            self.set_setting("nudge.paused_until", "")
            self.schedule_changed.emit()

    # -- the journal, export and import, insights: see journal.py, transfer.py, reports.py

    # -- status -----------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """The state of the loop as plain data (`resilience status`)."""
        self.follow_clock()
        loop = self.loop
        now = self.clock.now()
        today = self.store.incidents_since(start_of_local_day(now))
        current = loop.current
        status: dict[str, Any] = {
            "running": self.running,
            "phase": loop.phase.value,
            "now": now.isoformat(),
            "current_incident": None,
            "pending_nudges": [
                {"kind": n.kind.value, "due_at": n.due_at.isoformat(), "incident_id": n.incident_id}
                for n in loop.pending_nudges()
            ],
            "incidents_today": incidents_on(now, today),
            "unfinished_reflections": len(loop.open_reflections()),
            "unsaved_changes": self.store.dirty,
            "protected": self.store.protected,
            "locked": self.store.locked,
            "on_call": self.calls.on_call,
            "call_app": self.calls.current.app if self.calls.current else None,
            "microphone_in_use_by": self.calls.microphone_users,
            "call_detection": self._detection_off() or "on",
            "hotkey": {
                "shortcut": self.settings.get("hotkey.flag"),
                "problem": self.hotkey_problem,
            },
            "paused_until": paused.isoformat() if (paused := self.paused_until()) else None,
            "working_hours": self.working_now(),
        }
        if current is not None:
            status["current_incident"] = {
                "id": current.id,
                "label": current.label,
                "rough": current.rough,
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
        if self.running:
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

    @property
    def protected(self) -> bool:
        return self.privacy.protected

    @property
    def locked(self) -> bool:
        return self.privacy.locked

    @property
    def keyring_problem(self) -> str | None:
        return self.keyring.keyring_problem

    @property
    def durable(self) -> bool:
        return self.durability.durable

    # -- windows ----------------------------------------------------------------------------

    def request_window(self, window: str = "", tab: str = "") -> None:
        self.ctx.request_window(window, tab)

    def close(self, *, flush: bool = True) -> Path | None:
        """Stop using the journal. Changes the disk still refuses go to a rescue file
        elsewhere (merged back at the next start); returns its path, if one was written.
        `flush=False` when this process is no longer the folder's one writer."""
        if self._watching and self._microphone is not None:
            self._microphone.stop()
            self._watching = False
        if self._global_key is not None and self.running:
            self._global_key.unregister()
        return self.durability.close(flush=flush)
