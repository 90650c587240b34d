"""`Wakeups`: the app's life over time: start (pick up where the last run stopped),
open for a command without firing anything, what falls due next and doing it (`tick`),
and closing. The rooms each keep their own plans; this asks them all."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from resilience_app.core.models import Incident, NudgeState, Phase
from resilience_app.service.availability import Availability
from resilience_app.service.calls import CallDesk
from resilience_app.service.context import Context
from resilience_app.service.durability import Durability
from resilience_app.service.playbook import PlaybookDesk
from resilience_app.service.privacy import Privacy
from resilience_app.service.recovery import Recovery
from resilience_app.service.settings import SettingsDesk


class Wakeups:
    """Start, wake-ups and close, over the rooms that plan something."""

    def __init__(
        self,
        ctx: Context,
        *,
        recovery: Recovery,
        calls: CallDesk,
        availability: Availability,
        durability: Durability,
        privacy: Privacy,
        settings: SettingsDesk,
        playbook: PlaybookDesk,
    ) -> None:
        self.ctx = ctx
        self.recovery = recovery
        self.call_desk = calls
        self.availability = availability
        self.durability = durability
        self.privacy = privacy
        self.desk = settings
        self.playbook = playbook

    def start(self) -> None:
        """The running app: pick up where the last run stopped, catch up on what fell due
        while it was closed, and say what there is to show."""
        ctx, recovery = self.ctx, self.recovery
        rescued = self.durability.merge_rescued()
        self.privacy.unlock_from_keyring()
        ctx.loop.restore(catch_up=False)
        asked: list[Incident] = []
        recovery.note_requested.connect(asked.append)
        try:
            self.tick()
        finally:
            recovery.note_requested.disconnect(asked.append)
        recovery.phase_changed.emit(ctx.loop.phase)
        ctx.notes_changed.emit()
        ctx.followups_changed.emit()
        current = ctx.loop.current
        if current is not None and ctx.loop.phase is Phase.BREAK:
            recovery.request_break(current)
        elif current is not None and current.reflection_open and current not in asked:
            recovery.note_requested.emit(current)
        self.desk.renew_login()
        for notice in [*ctx.store.notices, *rescued]:
            ctx.tell(notice)
        ctx.store.on_notice = ctx.tell
        self.call_desk.watch_microphone(bool(ctx.settings.get("calls.detect")))
        self.call_desk.register_hotkeys()
        ctx.schedule_changed.emit()

    def has_journal(self) -> bool:
        """True when the data folder holds a journal (a first start has happened)."""
        return self.ctx.store.has_journal

    def notices(self) -> list[str]:
        """Sentences about what storage had to do (a damaged file set aside...)."""
        return list(self.ctx.store.notices)

    def open_offline(self) -> list[str]:
        """A command with no app running: the current state, without firing anything.
        Returns sentences about what storage had to do (for the command to print)."""
        said = self.durability.merge_rescued()
        self.ctx.loop.restore(catch_up=False)
        return [*self.ctx.store.notices, *said]

    def now(self) -> datetime:
        """The wall-clock time, once any step of it has been followed (the break window
        counts down with this, so a step shows the true time left at once)."""
        self.ctx.follow_clock()
        return self.ctx.clock.now()

    def next_wakeup(self) -> datetime | None:
        """The earliest moment `tick()` has something to do, or None."""
        ctx, hours = self.ctx, self.availability
        ctx.follow_clock()
        # Reminders and the look back wait while the rep is on a call, and for working
        # hours and the end of a pause.
        held = ctx.calls.on_call
        paused = hours.paused_until()
        # While a call is being confirmed the loop waits; the confirmation wakes it.
        planned = (
            None if ctx.calls.maybe_starting else ctx.loop.next_wakeup(),
            None if held else hours.when_allowed(ctx.followups.next_wakeup()),
            None if held else hours.when_allowed(ctx.lookback.next_wakeup()),
            ctx.calls.next_wakeup(),
            self.durability.next_retry,
            self.privacy.lock_due(),
            paused,
            None if held else hours.when_allowed(self.recovery.note_reminder_at),
            # The reminder to answer a playbook entry waits for a break's end, too.
            None
            if held or ctx.loop.phase is Phase.BREAK
            else hours.when_allowed(self.playbook.next_wakeup()),
        )
        times = [t for t in planned if t is not None]
        return min(times) if times else None

    def tick(self) -> None:
        """Do what has fallen due: end a break, nudge, remind, look back, retry a save.
        During a call a nudge that falls due is skipped, and reminders wait for its end;
        outside working hours and during a pause, nudges are dropped (and recorded so) and
        reminders wait."""
        ctx, hours = self.ctx, self.availability
        ctx.follow_clock()
        ctx.calls.tick()
        on_call = ctx.calls.on_call
        now = ctx.clock.now()
        paused = hours.paused_until()
        if paused is not None and paused <= now:
            hours.resume()
            paused = None
        quiet: NudgeState | None = None
        if paused is not None:
            quiet = NudgeState.PAUSED
        elif not hours.working_now():
            quiet = NudgeState.OFF_HOURS
        if not ctx.calls.maybe_starting:  # else: wait the seconds until it is known
            ctx.loop.tick(on_call=on_call, quiet=quiet)
        if not on_call and quiet is None:
            ctx.followups.tick()
            ctx.lookback.tick()
        reminder_at = self.recovery.note_reminder_at
        note_due = reminder_at is not None and reminder_at <= now
        if not on_call and quiet is None and note_due:
            self.recovery.remind_note()
        if not on_call and quiet is None and ctx.loop.phase is not Phase.BREAK:
            self.playbook.tick()
        retry = self.durability.next_retry
        if retry is not None and retry <= ctx.clock.now():
            self.durability.retry_save()
        due = self.privacy.lock_due()
        if due is not None and due <= ctx.clock.now():
            self.privacy.lock()

    def close(self, *, flush: bool = True) -> Path | None:
        """Stop using the journal. Changes the disk still refuses go to a rescue file
        elsewhere (merged back at the next start); returns its path, if one was written.
        `flush=False` when this process is no longer the folder's one writer."""
        self.call_desk.stop()
        return self.durability.close(flush=flush)
