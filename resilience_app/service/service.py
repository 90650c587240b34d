"""`Service`: the app's use cases over the recovery loop, follow-ups and the journal.

The service decides; it never draws. It announces what happened through events that the
windows (or nobody, on the command line) listen to, and talks to the outside world only
through the adapters it was handed: a notifier chain, a sound, start-at-login, the
settings file. Everything runs in one thread (the GUI thread in the running app).

This class only builds the rooms (one use case each, in this package) and hands each use
case over under its old name; what a use case does is in its room.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from resilience_app import i18n
from resilience_app.core.clock import Clock
from resilience_app.core.models import Incident, Phase
from resilience_app.core.settings import Settings
from resilience_app.service.availability import Availability
from resilience_app.service.calls import CallDesk
from resilience_app.service.context import Context
from resilience_app.service.durability import Durability
from resilience_app.service.followups import FollowUpDesk
from resilience_app.service.journal import Journal
from resilience_app.service.keyring import Keyring
from resilience_app.service.notes import Notes
from resilience_app.service.playbook import PlaybookDesk
from resilience_app.service.ports import GlobalKey, Microphone, Notifier, Sound, Vault
from resilience_app.service.privacy import Privacy
from resilience_app.service.recovery import Recovery
from resilience_app.service.reports import Reports
from resilience_app.service.settings import SettingsDesk
from resilience_app.service.sizes import Sizes
from resilience_app.service.status import Status
from resilience_app.service.transfer import Transfer
from resilience_app.service.wakeups import Wakeups
from resilience_app.storage.store import Store


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
        dial_key: GlobalKey | None = None,
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
        self.loop = ctx.loop
        self.followups = ctx.followups
        self.lookback = ctx.lookback
        self.calls = ctx.calls

        # -- what happened, shared by the rooms (the windows listen) -----------------------
        self.notes_changed = ctx.notes_changed  # notes waiting to be written
        self.followups_changed = ctx.followups_changed
        self.journal_changed = ctx.journal_changed  # anything in the record
        self.window_requested = ctx.window_requested  # window, tab
        self.schedule_changed = ctx.schedule_changed  # next_wakeup() may have moved
        self.tell = ctx.tell
        self.follow_clock = ctx.follow_clock
        self.request_window = ctx.request_window

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
        self.notes = Notes(ctx, self._need_open, playbook=lambda: self.playbook)
        self.followup_desk = FollowUpDesk(ctx, self._need_open)
        journal_room, transfer, reports = self.journal, self.transfer, self.reports
        notes, desk = self.notes, self.followup_desk
        self.open_notes = notes.open_notes
        self.incident = notes.incident
        self.save_note = notes.save_note
        self.save_draft = notes.save_draft
        self.discard_note = notes.discard_note
        self.set_size = notes.set_size  # small, big, make-or-break (the flag's or the note's)
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
        self.product_gaps = reports.gaps.product_gaps
        self.playbook_figures_days = reports.gaps.playbook_figures_days
        sizes = Sizes(ctx, self._need_open, reports._period)  # time to next dial by size
        self.dial_by_size, self.dial_by_size_days = sizes.dial_by_size, sizes.dial_by_size_days
        # The loop as the rep lives it; then calls, hours, status and wake-ups over it.
        self.recovery = recovery = Recovery(ctx, desk, sound)
        privacy.let_go.connect(recovery.let_go)
        privacy.let_go.connect(lambda everything: self.journal.let_go(everything=everything))
        self.call_desk = call_desk = CallDesk(
            ctx,
            recovery,
            microphone=microphone,
            global_key=global_key,
            dial_key=dial_key,
            tick=lambda: self.tick(),  # late: the wake-ups are built below
        )
        call_desk.remember = desk_s.set_setting
        self.availability = hours = Availability(ctx, desk_s)
        self.playbook = PlaybookDesk(ctx, self._need_open, hours)
        recovery.playbook_card = self.playbook.nudge_card
        self.status_desk = status = Status(ctx, call_desk, hours)
        self.wakeups = wakeups = Wakeups(
            ctx,
            recovery=recovery,
            calls=call_desk,
            availability=hours,
            durability=durability,
            privacy=privacy,
            settings=desk_s,
            playbook=self.playbook,
        )
        self.phase_changed = recovery.phase_changed
        self.break_requested = recovery.break_requested  # show (or bring back) a break
        self.break_changed = recovery.break_changed  # its end moved ("+1 minute")
        self.note_requested = recovery.note_requested  # open the note for this call
        self.card_requested = recovery.card_requested  # the firm nudge's, a playbook card
        self.ready_card = recovery.ready_card
        self.dialed_recorded = recovery.dialed_recorded
        self.flag = recovery.flag
        self.dialed = recovery.dialed
        self.end_break = recovery.end_break
        self.extend_break = recovery.extend_break
        self.snooze = recovery.snooze
        self.tray_state = recovery.tray_state
        self.show_current = recovery.show_current
        self.break_view = recovery.break_view
        self.warm = recovery.warm
        self.calls_changed = call_desk.calls_changed  # on a call or not, who uses the mic
        self.flag_offered = call_desk.flag_offered  # a call ended: offer one-click flagging
        self.call_started = call_desk.call_started
        self.call_ended = call_desk.call_ended
        self.microphone_used_by = call_desk.microphone_used_by
        self.apps_seen = call_desk.apps_seen  # on the microphone lately, for Settings
        self.not_a_call = call_desk.not_a_call
        self.schedule = hours.schedule
        self.working_now = hours.working_now
        self.paused_until = hours.paused_until
        self.pause = hours.pause
        self.resume = hours.resume
        self.status = status.status
        self.metrics = status.metrics
        self.add_metrics_source = status.add_metrics_source
        self.record_metric = status.record_metric
        self.start = wakeups.start
        self.open_offline = wakeups.open_offline
        self.notices = wakeups.notices
        self.now = wakeups.now
        self.next_wakeup = wakeups.next_wakeup
        self.tick = wakeups.tick
        self.close = wakeups.close

    @property
    def phase(self) -> Phase:
        return self.recovery.phase

    @property
    def current(self) -> Incident | None:
        return self.recovery.current

    @property
    def detection_problem(self) -> str | None:
        return self.call_desk.detection_problem

    @property
    def hotkey_problem(self) -> str | None:
        return self.call_desk.hotkey_problem

    @property
    def dial_key_problem(self) -> str | None:
        return self.call_desk.dial_key_problem

    @property
    def has_journal(self) -> bool:
        return self.wakeups.has_journal()

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
