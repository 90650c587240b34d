"""The break window, the nudge card and the offer to flag a call that just ended."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from resilience_app.core.errors import UserError
from resilience_app.core.models import Incident, Phase
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.service import Service
from resilience_app.service.views import BreakView, NudgeCard
from resilience_app.ui.presenters.base import BasePresenter, attempt, bring_forward

if TYPE_CHECKING:
    from resilience_app.ui.break_window import BreakWindow
    from resilience_app.ui.flag_offer import FlagOffer
    from resilience_app.ui.nudge_window import NudgeWindow

log = logging.getLogger(__name__)
WINDOWS = ("break_window", "nudge_window", "flag_offer")


class SilentCues:
    """Where Qt Multimedia is missing: the guide is shown and announced, not heard."""

    def play(self, motion: str) -> None:
        pass


class BreakPresenter(BasePresenter):
    """Flag, the break and its breathing guide (and its sound cues), the nudge card."""

    def __init__(
        self,
        service: Service,
        owner: QObject,
        *,
        ask_outcome: Callable[[str], None],
        cues: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(service, owner)
        self._ask_outcome = ask_outcome  # the easy lead on the card, done in one more click
        self._make_cues = cues  # the breathing sound cues' player; Qt Multimedia by default
        self._cues: Any = None  # built when the rep turns the cues on (or at start if on)
        self._flag_requested_at: float | None = None
        service.break_requested.connect(self.show_break)
        service.break_changed.connect(self._refresh_break)
        service.card_requested.connect(self.show_nudge_card)
        service.dialed_recorded.connect(lambda incident: self.hide("nudge_window"))
        service.flag_offered.connect(lambda call: self.flag_offer.offer())
        service.add_metrics_source(self._metrics)

    @cached_property
    def break_window(self) -> BreakWindow:
        from resilience_app.ui.break_window import BreakWindow

        window = BreakWindow(self.service.now)  # follows a step of the wall clock
        window.end_requested.connect(self._end_break)
        window.add_minute_requested.connect(lambda: attempt(self.service.extend_break))
        window.pattern_chosen.connect(lambda key: self._set("break.pattern", key))
        window.reduced_motion_toggled.connect(lambda on: self._set("break.reduced_motion", on))
        window.phase_sounds_toggled.connect(lambda on: self._set("break.phase_sounds", on))
        window.phase_started.connect(self._phase_cue)
        window.first_painted.connect(self._break_visible)
        window.size_choice.size_chosen.connect(self._size_chosen)
        return window

    @cached_property
    def nudge_window(self) -> NudgeWindow:
        from resilience_app.ui.nudge_window import NudgeWindow

        window = NudgeWindow()
        window.dialing_requested.connect(self.dialed)
        window.snooze_requested.connect(self._snooze)
        window.easy_done_requested.connect(self._ask_outcome)
        window.card_dismissed.connect(self.service.playbook.dismiss_card)
        return window

    @cached_property
    def flag_offer(self) -> FlagOffer:
        from resilience_app.ui.flag_offer import FlagOffer

        offer = FlagOffer()
        offer.flag_requested.connect(self.flag)
        return offer

    def start(self) -> None:
        if self.service.setting("break.phase_sounds"):
            # Opened now, not at the first break: the sound system takes a moment to answer.
            QTimer.singleShot(0, self._cue_player)

    def warm(self) -> None:
        window = self.break_window
        if not window.isVisible():
            window.winId()  # its native window made now, not at the first show
            window.grab()  # polish, layout, glyphs: the first paint's one-time costs

    # -- the loop, from clicks ------------------------------------------------------------

    def flag(self) -> None:
        attempt(self.service.flag)

    def dialed(self) -> None:
        attempt(self.service.dialed)

    def phase_changed(self, phase: Phase) -> None:
        if phase is not Phase.BREAK:
            # However the break ended (time, button, or dialing mid-break), its window goes.
            self.hide("break_window")
        elif (window := self.built("nudge_window")) is not None:
            window.hide_card()  # never during the breathing

    def show_break(self, view: BreakView) -> None:
        self._flag_requested_at = view.requested_at
        self.break_window.show_break(
            view.incident,
            pattern=view.pattern,
            reduced_motion=view.reduced_motion,
            tip=view.tip,
            positive=view.positive,
        )
        self.break_window.set_phase_sounds(bool(self.service.setting("break.phase_sounds")))
        self.break_window.show()
        bring_forward(self.break_window)

    def locked(self) -> None:
        if (card := self.built("nudge_window")) is not None:
            card.hide_card()  # the answer is sealed with the journal
        current = self.service.current
        if self.visible("break_window") and current is not None:
            # The break goes on, without the call's label or a past positive.
            self.show_break(self.service.break_view(current))

    def _size_chosen(self, value: str) -> None:
        from resilience_app.ui.size_choice import keep

        window = self.break_window
        keep(window.size_choice, self.service.set_size, window.incident_id, value)

    def _break_visible(self) -> None:
        if self._flag_requested_at is not None:
            elapsed = (time.perf_counter() - self._flag_requested_at) * 1000
            self.service.record_metric("flag_to_window_ms", elapsed)
            self._flag_requested_at = None

    def _metrics(self) -> dict[str, Any]:
        window = self.built("break_window")
        return {"animation_frames": window.frames if window is not None else 0}

    def _refresh_break(self, incident: Incident) -> None:
        if self.visible("break_window"):
            self.break_window.update_incident(incident)

    def _cue_player(self) -> Any:
        if self._cues is None:
            if self._make_cues is not None:
                self._cues = self._make_cues()
            else:
                try:
                    from resilience_app.ui.cues import PhaseCues

                    self._cues = PhaseCues(self.owner)
                except ImportError as exc:  # a build without Qt Multimedia
                    log.warning("no breathing sound cues here (%s); the guide stays silent", exc)
                    self._cues = SilentCues()
        return self._cues

    def _phase_cue(self, motion: str) -> None:
        if self.service.setting("break.phase_sounds"):
            self._cue_player().play(motion)

    def _end_break(self) -> None:
        try:
            self.service.end_break()
        except UserError:
            self.hide("break_window")  # nothing left to end: just put the window away

    def _snooze(self) -> None:
        self.hide("nudge_window")
        attempt(self.service.snooze)

    def show_card(
        self, title: str, body: str, entry: PlaybookEntry | None = None, nudge: bool = True
    ) -> None:
        easy = self.service.easy_lead()
        self.nudge_window.show_nudge(
            title,
            body,
            easy=(easy.followup.id, easy.title) if easy is not None else None,
            card=entry,
            nudge=nudge,
        )

    def show_nudge_card(self, card: NudgeCard) -> None:
        self.show_card(card.title, card.body, card.entry, card.nudge)

    def ready(self) -> None:
        """The tray's "Ready for the next call?…": the card on demand."""
        attempt(lambda: self.show_nudge_card(self.service.ready_card()))
        if (window := self.built("nudge_window")) is not None and window.isVisible():
            window.take_keys()  # asked for: Enter is "I'm dialing"

    # -- settings that show in the break window -------------------------------------------

    def _set(self, key: str, value: Any) -> None:
        attempt(lambda: self.service.set_setting(key, value))

    def setting_changed(self, key: str, value: Any) -> None:
        window = self.built("break_window")
        if key == "break.pattern" and window is not None:
            window.set_pattern(value)
        elif key == "break.reduced_motion" and window is not None:
            window.set_reduced_motion(bool(value))
        elif key == "break.phase_sounds":
            if window is not None:
                window.set_phase_sounds(bool(value))
            if value:
                self._cue_player()

    # -- restyle, a new language, quit ----------------------------------------------------

    def windows(self) -> list[Any]:
        return [w for w in (self.built(n) for n in WINDOWS) if w is not None]

    def forget(self) -> Callable[[], None]:
        """Drop the windows for a new language; the callable shows the break again."""
        shown = self.visible("break_window")
        for window in self.drop(*WINDOWS):
            window.hide()
            window.deleteLater()
        return self.service.show_current if shown else lambda: None
