"""`Recovery`: the loop as the rep lives it: flag, the break (its view, a positive, "+1
minute"), back on the phone, nudges and "2 more minutes", the tray's state, and the one
gentle reminder of a note skipped because the rep dialed during the break."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from resilience_app.core import journal, sizes, texts, values
from resilience_app.core.errors import UserError
from resilience_app.core.events import Event
from resilience_app.core.models import DialSource, Incident, LossSize, Nudge, NudgeKind, Phase
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.core.texts import BREAK_HELD
from resilience_app.i18n import _
from resilience_app.service.context import Context
from resilience_app.service.followups import FollowUpDesk
from resilience_app.service.ports import Sound
from resilience_app.service.sizes import easy_first
from resilience_app.service.views import BreakView, FlagOutcome, NudgeCard, TrayState
from resilience_app.storage.store import shard_name

# The positive shown in a break comes from this far back (a bounded read, however long
# the history).
POSITIVES_FROM = timedelta(days=120)
NOTE_REMINDER_AFTER = timedelta(minutes=10)  # calls not seen: remind after this
CARD = "window"  # the notifier channel that is the always-on-top card itself
NUDGE_TAG = "nudge"  # both nudges are sent with it, so they can be taken back
# How long the tray says "back on the phone after 7 min" after a dial.
BACK_ON_PHONE_SHOWN = timedelta(minutes=60)


class Recovery:
    """Flag to dial; the easy lead of a nudge comes from the follow-ups (`desk`)."""

    def __init__(self, ctx: Context, desk: FollowUpDesk, sound: Sound | None) -> None:
        self.ctx = ctx
        self.desk = desk
        self.sound = sound
        self.phase_changed: Event[[Phase]] = Event()
        self.break_requested: Event[[BreakView]] = Event()  # show (or bring back) a break
        self.break_changed: Event[[Incident]] = Event()  # its end moved ("+1 minute")
        self.note_requested: Event[[Incident]] = Event()  # open the note for this call
        self.card_requested: Event[[NudgeCard]] = Event()  # the firm nudge's, a playbook card
        self.dialed_recorded: Event[[Incident]] = Event()

        self._flag_started: float | None = None
        self._recent_positives: deque[str] = deque(maxlen=5)
        self._tips_shown = ctx.rng.randrange(len(texts.BREAK_TIPS))
        self.pool: list[str] | None = None  # positives a break may show; None: read again
        self.last_dial: Incident | None = None  # for "back on the phone after 7 min"
        # A note skipped because the rep dialed during its break: one gentle reminder after
        # the call (when it ends, or NOTE_REMINDER_AFTER later if calls are not seen).
        self.note_waiting: str | None = None
        self.note_reminder_at: datetime | None = None
        # The playbook's card for a nudge (the service joins `PlaybookDesk.nudge_card`).
        self.playbook_card: Callable[[], PlaybookEntry | None] = lambda: None

        ctx.record_moved.connect(self._forget_pool)
        ctx.clock_stepped.connect(self._clock_stepped)
        loop = ctx.loop
        loop.phase_changed.connect(self.phase_changed.emit)
        loop.break_started.connect(self._break_started)
        loop.break_held.connect(self._break_held)
        loop.break_ended.connect(self._break_ended)
        loop.nudge_fired.connect(self._deliver_nudge)
        loop.dialed_recorded.connect(self._dial_recorded)
        # Back on the phone (a dial however it is known, a call starting) or flagged again:
        # a nudge still on screen is taken back. A dial and a new flag reach the loop's
        # events; a call that starts with no call flagged reaches only the tracker's.
        loop.dialed_recorded.connect(self.take_back_nudges)
        loop.break_started.connect(self.take_back_nudges)
        loop.break_held.connect(self.take_back_nudges)
        ctx.calls.started.connect(self.take_back_nudges)
        loop.break_cut_short.connect(self._note_skipped)
        loop.reflections_changed.connect(ctx.notes_changed.emit)
        loop.schedule_changed.connect(ctx.schedule_changed.emit)

    # -- the loop --------------------------------------------------------------------------

    def flag(
        self, label: str = "", rough: int | None = None, size: LossSize | None = None
    ) -> FlagOutcome:
        """A call went south: start a break (or bring the running one back)."""
        self._flag_started = time.perf_counter()
        self.ctx.follow_clock()
        loop, call = self.ctx.loop, self.ctx.calls.current
        already = loop.current is not None and loop.current.on_break
        # The microphone still shows the call (flagged before hanging up): the break
        # waits for its end. A hook's call is over at a flag (its end may never come),
        # unless the microphone still shows it.
        on_call = call is not None and (
            call.source is DialSource.DETECTED or self.ctx.calls.speaking
        )
        incident = loop.flag(values.line(label, what=_("The label")), rough, size, on_call=on_call)
        self.ctx.calls.flagged()  # a call that went south is over, whether its hook says so or not
        held = incident.held
        return FlagOutcome(incident, already and not held, self.ctx.settings.break_minutes, held)

    def dialed(self) -> Incident | None:
        """The rep is back on the phone; returns the call it closes, if one was open. While
        a flagged call is still on, there is no dial yet (it would throw the break away)."""
        self.ctx.follow_clock()
        if self.ctx.loop.phase is Phase.HELD:
            raise UserError(
                _(
                    "This call is still going on: your break starts when it ends, and the "
                    "call after the break is your next dial."
                )
            )
        return self.ctx.loop.dialed(source=DialSource.CLICKED)

    def end_break(self) -> None:
        self.ctx.follow_clock()
        self.ctx.loop.end_break()

    def extend_break(self, minutes: float = 1.0) -> None:
        """ "+1 minute": the running break ends later (10 minutes at most in all)."""
        self.ctx.follow_clock()
        self.ctx.loop.extend_break(minutes)
        current = self.ctx.loop.current
        if current is not None:
            self.break_changed.emit(current)

    def snooze(self) -> Nudge:
        """ "2 more minutes" after a nudge (answered: it leaves the screen, and comes back
        then)."""
        self.ctx.follow_clock()
        nudge = self.ctx.loop.snooze()
        self.take_back_nudges()
        return nudge

    @property
    def phase(self) -> Phase:
        return self.ctx.loop.phase

    @property
    def current(self) -> Incident | None:
        return self.ctx.loop.current

    def tray_state(self) -> TrayState:
        self.ctx.follow_clock()
        loop = self.ctx.loop
        current = loop.current
        now = self.ctx.clock.now()
        minutes = None
        if loop.phase is Phase.WAITING and current is not None:
            minutes = int(max(0.0, (now - current.flagged_at).total_seconds()) // 60)
        back = None
        last = self.last_dial if current is None else None
        if (
            last is not None
            and last.dialed_at is not None
            and last.time_to_dial is not None
            and now - last.dialed_at <= BACK_ON_PHONE_SHOWN
        ):
            back = round(last.time_to_dial.total_seconds() / 60)
        return TrayState(
            loop.phase,
            minutes,
            self.ctx.settings.second_nudge_minutes,
            len(loop.open_reflections()),
            back_after_minutes=back,
            on_call=self.ctx.calls.on_call,
        )

    # -- the break ---------------------------------------------------------------------------

    def show_current(self) -> None:
        """Bring the running break back into view (a second start of the app)."""
        current = self.ctx.loop.current
        if current is not None and self.ctx.loop.phase is Phase.BREAK:
            self.request_break(current)

    def _break_started(self, incident: Incident) -> None:
        self.request_break(incident)
        self.ctx.journal_changed.emit()

    def _break_held(self, incident: Incident) -> None:
        """Flagged during the call: no window over it; one line says what happens."""
        self._flag_started = None
        # Tagged as a nudge: taken back when the break starts (or the rep dials).
        self.ctx.notifier.send(_("Flagged"), _(BREAK_HELD), urgent=False, tag=NUDGE_TAG)
        self.ctx.journal_changed.emit()

    def request_break(self, incident: Incident) -> None:
        view = self.break_view(incident, requested_at=self._flag_started)
        self._flag_started = None
        self.break_requested.emit(view)

    def break_view(self, incident: Incident, *, requested_at: float | None = None) -> BreakView:
        """What a break shows: the guide the rep chose, a tip, maybe one of their positives."""
        positive = journal.pick_positive(
            self._positive_pool(), list(self._recent_positives), self.ctx.rng
        )
        if positive:
            self._recent_positives.append(positive)
        self._tips_shown += 1
        settings = self.ctx.settings
        return BreakView(
            incident=incident,
            pattern=str(settings.get("break.pattern")),
            reduced_motion=bool(settings.get("break.reduced_motion")),
            tip=journal.tip_for(self._tips_shown),
            positive=positive,
            requested_at=requested_at,
        )

    def _positive_pool(self) -> list[str]:
        """The rep's recent positives, read once and kept until one is written or removed,
        so a flag does not re-read months of notes. None while the journal is locked: a
        break needs nothing the rep wrote."""
        store = self.ctx.store
        if store.locked:
            return []
        if self.pool is None:
            since = self.ctx.clock.now() - POSITIVES_FROM
            from_notes = journal.positives(store.incidents_since(since))
            self.pool = from_notes + [p.text for p in store.positives(since)]
        return self.pool

    def warm(self) -> None:
        """Read ahead what the next flag needs (the app calls this once it is idle after
        start, and after an unlock): the positives a break may show, and this month's
        summary, kept up to date by each save from then on; and what sealing needs, when
        the journal is protected. Nothing the rep wrote is read while locked."""
        store = self.ctx.store
        store.sealer.prepare()
        if store.locked:
            return
        self._positive_pool()
        store.month_tallies(shard_name(self.ctx.clock.now()))

    def _forget_pool(self) -> None:
        self.pool = None

    def let_go(self, everything: bool) -> None:
        self.pool = None
        if everything:
            self._recent_positives.clear()
            self.last_dial = None

    def _break_ended(self, incident: Incident) -> None:
        if self.ctx.settings.get("break.sound") and self.sound is not None:
            self.sound.play()
        self.note_requested.emit(incident)

    def _clock_stepped(self, jump: timedelta) -> None:
        if self.note_reminder_at is not None:
            self.note_reminder_at += jump
        self.ctx.calls.shift(jump)
        self.ctx.loop.shift(jump)
        current = self.ctx.loop.current
        if current is not None and self.ctx.loop.phase is Phase.BREAK:
            self.break_changed.emit(current)

    # -- nudges and the note reminder -------------------------------------------------------

    def _nudge_text(self, kind: NudgeKind, incident: Incident | None) -> tuple[str, str]:
        since = incident.flagged_at if incident is not None else self.ctx.clock.now()
        minutes = (self.ctx.clock.now() - since).total_seconds() / 60
        body = texts.nudge_body(kind, minutes)
        big = incident is not None and sizes.is_big(incident.size)
        body = easy_first(body, self.desk.easy_lead(), big=big)
        return texts.nudge_title(kind), body

    def _deliver_nudge(self, nudge: Nudge, incident: Incident) -> None:
        title, body = self._nudge_text(nudge.kind, incident)
        firm = nudge.kind is not NudgeKind.FIRST
        channel = self.ctx.notifier.send(title, body, urgent=firm, tag=NUDGE_TAG)
        # The firm nudge also gets a card with "I'm dialing", unless that was the channel;
        # any nudge brings a card from the playbook when it has one for now.
        entry = self.playbook_card()
        if entry is not None or (firm and channel != CARD):
            self.card_requested.emit(NudgeCard(title, body, entry, firm or channel == CARD))

    def take_back_nudges(self, *_why: object) -> None:
        """No nudge stays on screen once the rep is back on the phone or flagged again."""
        self.ctx.notifier.withdraw(NUDGE_TAG)

    def ready_card(self) -> NudgeCard:
        """The tray's "Ready for the next call?": the first nudge's card, on demand, with a
        card from the playbook when there is one (none during a break)."""
        title, body = self._nudge_text(NudgeKind.FIRST, self.ctx.loop.current)
        entry = None if self.ctx.loop.phase is Phase.BREAK else self.playbook_card()
        return NudgeCard(title, body, entry)

    def _dial_recorded(self, incident: Incident) -> None:
        self.last_dial = incident
        self.dialed_recorded.emit(incident)

    def _note_skipped(self, incident: Incident) -> None:
        if incident.reflection_open:
            self.note_waiting = incident.id
            self.note_reminder_at = self.ctx.clock.now() + NOTE_REMINDER_AFTER
            self.ctx.schedule_changed.emit()

    def remind_note(self) -> None:
        """Once, gently: the note about the call whose break was cut short is still there."""
        incident_id, self.note_waiting, self.note_reminder_at = self.note_waiting, None, None
        if incident_id is None:
            return
        found = self.ctx.store.incident(incident_id)
        if found is None or not found.reflection_open:
            return
        self.ctx.notifier.send(
            _("Your note can wait for you"),
            _(
                "You went back to the phone during your break, well done. When you have a "
                "minute, the note about that call is in the tray: Write my note."
            ),
            urgent=False,
        )
        self.ctx.notes_changed.emit()
