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
    disk_sentence,
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
from resilience_app.paths import digest
from resilience_app.service.context import Context
from resilience_app.service.followups import FollowUpDesk
from resilience_app.service.journal import Journal
from resilience_app.service.notes import Notes
from resilience_app.service.ports import GlobalKey, Microphone, Notifier, Sound, Vault
from resilience_app.service.reports import Reports
from resilience_app.service.transfer import Transfer
from resilience_app.service.views import (
    BreakView,
    FlagOutcome,
    TrayState,
)
from resilience_app.storage import protection, rescue
from resilience_app.storage.sealing import Locked, open_data_key
from resilience_app.storage.store import Store, shard_name

log = logging.getLogger(__name__)

# The positive shown in a break comes from this far back (a bounded read, however long
# the history).
POSITIVES_FROM = timedelta(days=120)
NOTE_REMINDER_AFTER = timedelta(minutes=10)  # calls not seen: remind after this
# While a write is failing, try again this often.
SAVE_RETRY = timedelta(seconds=10)
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
        self._save_settings = save_settings
        self._start_at_login = start_at_login
        self._sound = sound
        self._microphone = microphone
        self._global_key = global_key
        self._vault = vault
        self._vault_account = digest(store.data_dir)
        # Makes the process leave no crash dump (its memory holds what the rep wrote and
        # the passphrase): called by the builder for a protected journal, here when the
        # lock is turned on.
        self._forbid_dumps = forbid_dumps
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
        self.settings_changed: Event[[str, Any]] = Event()
        self.window_requested = ctx.window_requested  # window, tab
        self.schedule_changed = ctx.schedule_changed  # next_wakeup() may have moved
        self.calls_changed: Event[[]] = Event()  # on a call or not, who uses the microphone
        self.flag_offered: Event[[Call]] = Event()  # a call ended: offer one-click flagging
        self.lock_changed: Event[[bool]] = Event()  # locked or not
        self.before_lock: Event[[]] = Event()  # keep half-typed notes before they go

        self.metrics: dict[str, Any] = {"flag_to_window_ms": None}
        self._metric_sources: list[Callable[[], dict[str, Any]]] = []
        self._flag_started: float | None = None
        self._recent_positives: deque[str] = deque(maxlen=5)
        self._tips_shown = self._rng.randrange(len(texts.BREAK_TIPS))
        self._pool: list[str] | None = None  # positives a break may show; None: read again
        self._unsaved = False  # a write failed and the rep was told
        self._next_retry: datetime | None = None
        self._watching = False  # the microphone adapter is running
        self.hotkey_problem: str | None = None  # why the shortcut is not registered
        self._last_dial: Incident | None = None  # for "back on the phone after 7 min"
        # A note skipped because the rep dialed during its break: one gentle reminder after
        # the call (when it ends, or NOTE_REMINDER_AFTER later if calls are not seen).
        self._note_waiting: str | None = None
        self._note_reminder_at: datetime | None = None
        self._last_use = clock.now()  # of what the rep wrote (for the idle lock)

        # -- the rooms ---------------------------------------------------------------------
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
        store.on_save_failed = self._save_failed
        store.on_recreated = self._rewrite_settings
        self.lookback.due.connect(self._look_back)
        self.lookback.changed.connect(self.schedule_changed.emit)
        settings.changed.connect(self.settings_changed.emit)
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
        if self.settings.get("app.start_at_login"):
            # Follow a moved installation: rewrite the entry with today's command.
            problem = self._apply_login(True)
            if problem:
                # Translators: {problem} is a sentence saying why, from the system.
                self.tell(_("Could not renew start at login: {problem}").format(problem=problem))
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
        elif key == "lock.remember":
            if not value and self._vault is not None:
                self._vault.forget(self._vault_account)
            elif self.store.sealer.data_key is not None:
                self._remember(self.store.sealer.data_key)
        elif key.startswith("work.") or key == "nudge.paused_until":
            self.schedule_changed.emit()  # nudges and reminders move with the hours
        elif key == "lock.idle_minutes":
            self._last_use = self.clock.now()
            self.schedule_changed.emit()
        elif key == "ui.language":
            i18n.set_language(str(value))

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
        if self._next_retry is not None:
            self._next_retry += jump
        self._last_use += jump
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
            self._next_retry,
            self._lock_due(),
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
        if self._next_retry is not None and self._next_retry <= self.clock.now():
            self._retry_save()
        due = self._lock_due()
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

    # -- settings ---------------------------------------------------------------------------

    def setting(self, key: str) -> Any:
        return self.settings.get(key)

    def setting_values(self) -> dict[str, Any]:
        return self.settings.as_dict()

    def set_setting(self, key: str, raw: Any) -> Any:
        """Change one setting: checked, written to disk, then applied."""
        self.update_settings({key: raw})
        return self.settings.get(key)

    def update_settings(self, raw_values: dict[str, Any]) -> dict[str, Any]:
        """Change several settings at once (all or nothing); returns what changed.

        The new values reach the disk before anything applies them, so a setting the rep
        was told about is still there after a restart."""
        trial = Settings(self.settings.as_dict())
        trial.update(raw_values)  # raises SettingError with a sentence
        changed = {k: v for k, v in trial.as_dict().items() if v != self.settings.get(k)}
        if not changed:
            return {}
        if changed.get("lock.remember"):
            self._check_remember()
        try:
            self._save_settings(trial.as_dict())
        except OSError as exc:
            raise UserError(
                # Translators: {reason} is the system's reason ("No space left on device").
                _("Could not save your settings ({reason}); nothing was changed.").format(
                    reason=exc.strerror or exc
                )
            ) from None
        self.settings.update(changed)
        self.restore_removed_files()  # a journal removed meanwhile goes back with this write
        if "app.start_at_login" in changed:
            problem = self._apply_login(bool(changed["app.start_at_login"]))
            if problem:
                raise UserError(
                    # Translators: {problem} is a sentence saying why, from the system.
                    _(
                        "Your settings are saved, but start at login could not be changed: "
                        "{problem}"
                    ).format(problem=problem)
                )
        return changed

    def _rewrite_settings(self) -> None:
        """The data folder was made again: put the settings in use back on disk too."""
        try:
            self._save_settings(self.settings.as_dict())
        except (OSError, UserError) as exc:
            log.warning("settings not written again: %s", exc)

    def _apply_login(self, enabled: bool) -> str | None:
        """Write or remove the start-at-login entry; a sentence if that failed."""
        if self._start_at_login is None:
            return None
        try:
            self._start_at_login(enabled)
        except UserError as exc:
            return exc.message
        except OSError as exc:
            return str(exc.strerror or exc)
        return None

    # -- windows ----------------------------------------------------------------------------

    def request_window(self, window: str = "", tab: str = "") -> None:
        self.ctx.request_window(window, tab)

    # -- the passphrase lock ------------------------------------------------------------------

    @property
    def protected(self) -> bool:
        return self.store.protected

    @property
    def locked(self) -> bool:
        return self.store.locked

    @property
    def keyring_problem(self) -> str | None:
        """Why "remember on this computer" cannot work here, or None."""
        if self._vault is None:
            # Translators: why the journal's key cannot be kept on this computer; shown after
            # "Not available here:".
            return _("this copy of Resilience has no keyring")
        return self._vault.problem

    def _check_remember(self) -> None:
        """Refuse "remember on this computer" where nothing can be kept (the check that
        greys the box in Settings), before anything is done."""
        problem = self.keyring_problem
        if problem is not None:
            raise UserError(
                # Translators: {problem} says why ("no keyring is available on this desktop").
                _(
                    "Your journal's key cannot be kept on this computer: {problem}. Nothing was "
                    "changed."
                ).format(problem=problem)
            )

    def _need_open(self, locked: str) -> None:
        """What shows or changes what the rep wrote needs the journal unlocked; `locked` is
        the sentence saying so (marked with N_())."""
        if self.store.locked:
            raise Locked(locked)
        self._last_use = self.clock.now()
        if self.settings.get("lock.idle_minutes"):
            self.schedule_changed.emit()

    def unlock(self, passphrase: str, *, remember: bool | None = None) -> list[str]:
        """Open the journal with the passphrase; with `remember`, keep its key in the
        desktop's keyring so it opens by itself at the next login. Returns what storage
        found on the way (a record set aside), also told as it was found."""
        key = self.store.sealer.key
        if key is None:
            raise UserError(_("Your journal is not protected by a passphrase."))
        if remember:
            self._check_remember()
        data_key = open_data_key(key, passphrase)  # WrongPassphrase: one sentence
        before = len(self.store.notices)
        self._opened(data_key)
        found = self.store.notices[before:]
        if remember is not None and remember != self.settings.get("lock.remember"):
            self.set_setting("lock.remember", remember)  # kept in (or taken from) the keyring
        elif self.settings.get("lock.remember"):
            self._remember(data_key)
        return found

    def unlock_from_keyring(self) -> bool:
        """At start, when the rep chose "remember on this computer"."""
        if not (self.locked and self.settings.get("lock.remember") and self._vault):
            return False
        data_key = self._vault.load(self._vault_account)
        if data_key is None:
            return False
        try:
            self._opened(data_key)
        except UserError:
            log.warning("the key in the keyring does not open this journal; asking instead")
            return False
        return True

    def _opened(self, data_key: bytes) -> None:
        try:
            self.store.unlock(data_key)
        except UserError:
            # A file found changed could not be set aside: the journal stays locked, so
            # what the rep sees and what the store holds never disagree.
            self.store.lock()
            raise
        self._last_use = self.clock.now()
        self._pool = None
        self.journal.let_go(everything=False)
        self.loop.restore(catch_up=False)  # the current call read again, with its note
        self.lock_changed.emit(False)
        self.notes_changed.emit()
        self.followups_changed.emit()
        self.journal_changed.emit()
        self.schedule_changed.emit()

    def _remember(self, data_key: bytes) -> None:
        if self._vault is None:
            return
        if self.settings.get("lock.remember"):
            problem = self._vault.save(self._vault_account, data_key)
            if problem:
                self.tell(
                    # Translators: {problem} says why ("no keyring is available on this desktop").
                    _("Your key could not be kept on this computer: {problem}.").format(
                        problem=problem
                    )
                )
        else:
            self._vault.forget(self._vault_account)

    def lock(self) -> None:
        """Lock now: what the rep wrote cannot be shown until the passphrase is typed."""
        if not self.store.protected:
            raise UserError(
                _(
                    "Your journal has no passphrase yet; set one in Settings or with "
                    "`resilience passphrase set`."
                )
            )
        self.before_lock.emit()
        self.store.lock()
        self._pool = None
        # What else held words the rep wrote: the positives a break showed last, a deleted
        # call kept for undo, the last call dialed (for "back on the phone after 7 min").
        self._recent_positives.clear()
        self._last_dial = None
        self.journal.let_go(everything=True)
        self.loop.restore(catch_up=False)
        self.lock_changed.emit(True)
        self.followups_changed.emit()
        self.journal_changed.emit()
        self.schedule_changed.emit()

    def set_passphrase(self, passphrase: str, *, remember: bool | None = None) -> None:
        """Protect the journal: every file rewritten sealed, all or nothing."""
        if remember:
            self._check_remember()
        if self._forbid_dumps is not None:
            self._forbid_dumps()
        data_key = protection.enable(self.store, passphrase)
        self._opened(data_key)
        if remember is not None and remember != self.settings.get("lock.remember"):
            self.set_setting("lock.remember", remember)
        elif self.settings.get("lock.remember"):
            self._remember(data_key)

    def change_passphrase(self, old: str, new: str) -> None:
        """A new passphrase for the same key; the journal stays locked or unlocked as it was."""
        protection.change(self.store, old, new)

    def remove_passphrase(self, passphrase: str) -> None:
        """Turn the lock off: every file rewritten in plain text, all or nothing."""
        protection.disable(self.store, passphrase)
        if self._vault is not None:
            self._vault.forget(self._vault_account)
        self._pool = None
        self.loop.restore(catch_up=False)
        self.lock_changed.emit(False)
        self.journal_changed.emit()

    def _lock_due(self) -> datetime | None:
        minutes = self.settings.get("lock.idle_minutes")
        if not minutes or self.store.locked or not self.store.protected:
            return None
        return self._last_use + timedelta(minutes=float(minutes))

    # -- saving -----------------------------------------------------------------------------

    @property
    def durable(self) -> bool:
        """True when everything acknowledged is on disk."""
        return not self.store.dirty

    def unsaved_sentence(self) -> str | None:
        """What the rep is told when what they just did is kept but not on disk yet."""
        if self.durable:
            return None
        error = self.store.last_error
        if error is None:
            return _(
                "Not saved to disk yet (the disk refused it). Resilience keeps it and tries again "
                "every few seconds, so there is no need to enter it again."
            )
        # Translators: {reason} is the system's reason ("No space left on device").
        return _(
            "Not saved to disk yet ({reason}). Resilience keeps it and tries again every few "
            "seconds, so there is no need to enter it again."
        ).format(reason=error.strerror or str(error))

    def restore_removed_files(self) -> None:
        """Files of the data folder went away under the running app (it watches the
        folders): write back at once what it holds, not only at the next change."""
        if self.store.readonly or not self.store.restore_vanished():
            return
        try:
            self.store.flush()
        except OSError as exc:
            self.store.last_error = exc
            self._save_failed(exc)

    def _save_failed(self, exc: OSError) -> None:
        # Once per outage: drafts save as the rep types, and each would fail the same way.
        if not self._unsaved:
            self._unsaved = True
            self.tell(disk_sentence(exc))
        if self._next_retry is None:
            self._plan_retry()

    def _plan_retry(self) -> None:
        self._next_retry = self.clock.now() + SAVE_RETRY
        self.schedule_changed.emit()

    def _retry_save(self) -> None:
        self._next_retry = None
        try:
            self.store.flush()
        except OSError as exc:
            log.warning("save still failing: %s", exc.strerror or exc)
            self.store.last_error = exc
            self._plan_retry()
            return
        self.schedule_changed.emit()
        if self._unsaved:
            self._unsaved = False
            self.notifier.send(
                "Resilience",
                _("Saved. Everything you wrote is safely on disk again."),
                urgent=False,
            )

    def close(self, *, flush: bool = True) -> Path | None:
        """Stop using the journal. Changes the disk still refuses go to a rescue file
        elsewhere (merged back at the next start); returns its path, if one was written.
        `flush=False` when this process is no longer the folder's one writer."""
        kept = None
        if self._watching and self._microphone is not None:
            self._microphone.stop()
            self._watching = False
        if self._global_key is not None and self.running:
            self._global_key.unregister()
        if self.store.dirty:
            try:
                if not flush:
                    raise OSError("not the writer any more")
                self.store.flush()
            except OSError:
                kept = rescue.write(self.store)
        self.store.close()
        return kept

    def merge_rescued(self) -> list[str]:
        """Put back what an earlier run could not save; sentences for the rep."""
        if self.store.readonly:
            return []
        said = rescue.merge(self.store)
        if said:
            self._record_changed()
        return said
