"""Presents the service: tray (or home window), break, note, nudge card, journal, insights.

The presenter holds no rules and never touches storage. It renders what the service
announces, forwards clicks to it, and shows the sentence of any `UserError` where the rep
is looking. Its tray balloon and nudge card join the service's notifier chain as the
fallbacks after the desktop's own notifications.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from resilience_app import i18n
from resilience_app.adapters.notify import NotifierChain
from resilience_app.core import texts
from resilience_app.core.errors import UserError
from resilience_app.core.models import FollowUpKind, Incident, Phase, Reflection
from resilience_app.i18n import _, ngettext
from resilience_app.service import Service
from resilience_app.service.views import BreakView, TrayState
from resilience_app.ui import language, style, windowing
from resilience_app.ui.ticker import Ticker
from resilience_app.ui.tray import Tray

if TYPE_CHECKING:
    from resilience_app.ui.break_window import BreakWindow
    from resilience_app.ui.flag_offer import FlagOffer
    from resilience_app.ui.home_window import HomeWindow
    from resilience_app.ui.journal_model import JournalSearch
    from resilience_app.ui.journal_window import JournalWindow
    from resilience_app.ui.nudge_window import NudgeWindow
    from resilience_app.ui.outcome_dialog import OutcomeDialog
    from resilience_app.ui.passphrase_dialog import PassphraseDialog
    from resilience_app.ui.reflection_form import ReflectionForm
    from resilience_app.ui.report_window import ReportWindow
    from resilience_app.ui.settings_window import SettingsWindow

log = logging.getLogger(__name__)
TOOLTIP_REFRESH_MS = 60_000
JOURNAL_TABS = {"positives": 0, "calls": 1, "upcoming": 2}


class TrayChannel:
    """The tray's balloon, when the desktop has no notification server."""

    name = "tray"

    def __init__(self, tray: Tray) -> None:
        self._tray = tray

    def available(self) -> bool:
        return bool(QSystemTrayIcon.supportsMessages())

    def send(self, title: str, message: str, *, urgent: bool) -> None:
        self._tray.message(title, message, urgent=urgent)


class CardChannel:
    """The always-on-top card: the channel of last resort, always there."""

    name = "window"

    def __init__(self, show: Callable[[str, str], None]) -> None:
        self._show = show

    def available(self) -> bool:
        return True

    def send(self, title: str, message: str, *, urgent: bool) -> None:
        self._show(title, message)


def status_line(state: TrayState) -> str:
    """Where the rep is in the loop, in a few words (the tray's tooltip, the home window)."""
    if state.phase is Phase.WAITING and state.minutes_since_flag is not None:
        return _(
            "{minutes} min since the tough call. Aim to dial again within {target} min."
        ).format(minutes=state.minutes_since_flag, target=int(state.target_minutes))
    if state.phase is Phase.CALM and state.back_after_minutes is not None:
        minutes = state.back_after_minutes
        if minutes < 1:
            return _("Back on the phone within a minute. Well done.")
        return _("Back on the phone after {minutes} min. Well done.").format(minutes=minutes)
    name = texts.phase_name(state.phase)
    return name[:1].upper() + name[1:]


def tooltip(state: TrayState) -> str:
    line = status_line(state)
    # Translators: the tray icon's tooltip: the app's name, then where the rep is.
    return _("Resilience — {status}").format(status=line)


def calls_status(service: Service) -> tuple[str, str]:
    """The settings window's two lines: what the app sees, and the shortcut."""
    problem = service.detection_problem
    users = service.calls.microphone_users
    if problem:
        seen = _("Calls are not noticed: {problem}").format(problem=problem)
    elif users:
        seen = _("Microphone in use by: {apps}").format(apps=", ".join(users))
    else:
        seen = _("Microphone not in use. Calls are noticed when a dialer uses it.")
    key = str(service.setting("hotkey.flag"))
    if not key:
        shortcut = _("No global shortcut.")
    elif service.hotkey_problem:
        shortcut = _("{key} is not available: {problem}").format(
            key=key, problem=service.hotkey_problem
        )
    else:
        shortcut = _("{key} flags a call from anywhere.").format(key=key)
    return seen, shortcut


class SilentCues:
    """Where Qt Multimedia is missing: the guide is shown and announced, not heard."""

    def play(self, motion: str) -> None:
        pass


class Presenter(QObject):
    quit_requested = Signal()

    def __init__(
        self,
        service: Service,
        notifier: NotifierChain,
        *,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        cues: Callable[[], Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.notifier = notifier
        self._tray_available = tray_available
        self._make_cues = cues  # the breathing sound cues' player; Qt Multimedia by default
        self._cues: Any = None  # built when the rep turns the cues on (or at start if on)
        self._shut_down = False
        self._journal: JournalWindow | None = None  # built on first use
        self._journal_search: JournalSearch | None = None
        self._insights: Any = None  # likewise, and it brings QtCharts
        self._flag_requested_at: float | None = None
        self.tray: Tray | None = None
        self.home: HomeWindow | None = None
        self.tooltip_ticker = Ticker("tooltip-refresh", TOOLTIP_REFRESH_MS, self.render, self)

        service.phase_changed.connect(self._phase_changed)
        service.break_requested.connect(self.show_break)
        service.break_changed.connect(self._refresh_break)
        service.note_requested.connect(self.open_note)
        service.card_requested.connect(self._show_card)
        service.dialed_recorded.connect(lambda incident: self._hide("nudge_window"))
        service.notes_changed.connect(self.render)
        service.followups_changed.connect(self._followups_changed)
        service.journal_changed.connect(self._refresh_journal)
        service.settings_changed.connect(self._setting_changed)
        service.window_requested.connect(self.present)
        service.calls_changed.connect(self._calls_changed)
        service.flag_offered.connect(lambda call: self.flag_offer.offer())
        service.lock_changed.connect(self._lock_changed)
        service.before_lock.connect(self._before_lock)
        service.add_metrics_source(self._metrics)
        self._after_unlock: list[Callable[[], None]] = []  # what the rep asked for, locked
        i18n.on_change(self._language_changed)
        language.apply(i18n.language())
        self._passphrase_dialogs: dict[str, PassphraseDialog] = {}

    @property
    def deliveries(self) -> list[tuple[str, str]]:
        """(channel, title) of every notification sent, newest last."""
        return self.notifier.deliveries

    # -- windows, built on first use (the tray starts with none of them) ------------------

    @cached_property
    def break_window(self) -> BreakWindow:
        from resilience_app.ui.break_window import BreakWindow

        window = BreakWindow(self.service.now)  # follows a step of the wall clock
        window.end_requested.connect(self._end_break)
        window.add_minute_requested.connect(lambda: self._try(self.service.extend_break))
        window.pattern_chosen.connect(lambda key: self._set("break.pattern", key))
        window.reduced_motion_toggled.connect(lambda on: self._set("break.reduced_motion", on))
        window.phase_sounds_toggled.connect(lambda on: self._set("break.phase_sounds", on))
        window.phase_started.connect(self._phase_cue)
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
        window.easy_done_requested.connect(self._ask_outcome)
        return window

    @cached_property
    def flag_offer(self) -> FlagOffer:
        from resilience_app.ui.flag_offer import FlagOffer

        offer = FlagOffer()
        offer.flag_requested.connect(self.flag)
        return offer

    @cached_property
    def settings_window(self) -> SettingsWindow:
        from resilience_app.ui.settings_window import SettingsWindow

        window = SettingsWindow()
        window.apply_requested.connect(self._apply_settings)
        window.passphrase_requested.connect(self._ask_passphrase)
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
        """Show the tray (or the home window). `tray` is one the app already put up while
        the rest was loading. What to show next, the service says when it starts."""
        if tray is not None or self._tray_available():
            self.tray = tray or Tray(self)
            self.tray.setParent(self)  # one owner, so Qt tears it down in order at exit
            self._connect_actions(self.tray)
            self.tray.show()
            self.notifier.add(TrayChannel(self.tray))
        else:
            from resilience_app.ui.home_window import HomeWindow

            log.warning("no system tray on this desktop; using a small window instead")
            self.home = HomeWindow()
            self._connect_actions(self.home)
            self.home.show()
        self.notifier.add(CardChannel(self._show_card))
        self.render()
        if self.service.setting("break.phase_sounds"):
            # Opened now, not at the first break: the sound system takes a moment to answer.
            QTimer.singleShot(0, self._cue_player)
        self._follow_desktop(True)

    def warm(self) -> None:
        """Once, while the app is idle after start: have ready what a flag shows (the
        break window, built and drawn once off screen, and what the service reads for a
        break), so the first flag is as quick as the ones after it."""
        self.service.warm()
        window = self.break_window
        if not window.isVisible():
            window.winId()  # its native window made now, not at the first show
            window.grab()  # polish, layout, glyphs: the first paint's one-time costs

    def _connect_actions(self, target: Tray | HomeWindow) -> None:
        target.flag_requested.connect(self.flag)
        target.dialing_requested.connect(self.dialed)
        target.reflection_requested.connect(self.open_next_note)
        target.settings_requested.connect(self.open_settings)
        target.journal_requested.connect(self.open_journal)
        target.insights_requested.connect(self.open_insights)
        target.followup_action.connect(self._followup_action)
        target.pause_requested.connect(self._pause)
        target.resume_requested.connect(lambda: self._try(self.service.resume))
        target.lock_requested.connect(lambda: self._try(self.service.lock))
        target.unlock_requested.connect(lambda: self.when_unlocked("", lambda: None))
        target.quit_requested.connect(self.quit_requested.emit)

    def _follow_desktop(self, on: bool) -> None:
        """Restyle when the desktop turns dark or light, asks for high contrast (Qt 6.10+)
        or changes its font size."""
        app = QGuiApplication.instance()
        if app is None:
            return
        hints = QGuiApplication.styleHints()
        accessibility = getattr(hints, "accessibility", None)
        signals = [hints.colorSchemeChanged, app.fontChanged]  # type: ignore[attr-defined]
        if accessibility is not None:
            signals.append(accessibility().contrastPreferenceChanged)
        for signal in signals:
            if on:
                signal.connect(self._desktop_changed)
            else:
                with contextlib.suppress(RuntimeError, TypeError):
                    signal.disconnect(self._desktop_changed)

    def _desktop_changed(self, *_args: object) -> None:
        self._restyle()

    def shutdown(self) -> None:
        """Keep any half-written note, then close every window (once: a logout's SIGTERM
        may follow a Quit)."""
        if self._shut_down:
            return
        self._shut_down = True
        self._follow_desktop(False)
        i18n.remove_listener(self._language_changed)
        if self._journal_search is not None:
            self._journal_search.shutdown()
        form = self.built("form")
        if form is not None and form.incident_id is not None and form.isVisible():
            form.flush_draft()
        self.tooltip_ticker.stop()
        # Delete the windows now, in order, rather than leave top-level widgets to be
        # destroyed during interpreter shutdown, which crashes PySide6.
        names = ("break_window", "form", "nudge_window", "flag_offer", "outcome_dialog")
        windows = [self.__dict__.pop(n, None) for n in names]
        windows += [self.__dict__.pop("settings_window", None), self._journal, self._insights]
        windows.append(self.__dict__.pop("report_window", None))
        windows += list(self._passphrase_dialogs.values())
        self._passphrase_dialogs = {}
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
        """Bring a window forward: `resilience journal`, or a second start of the app."""
        if window == "insights":
            self.open_insights()
        elif window == "settings":
            self.open_settings()
        elif window == "journal":
            self.open_journal()
            self.journal_window.tabs.setCurrentIndex(JOURNAL_TABS.get(tab, 0))
        elif self.service.phase is Phase.BREAK:
            self.service.show_current()
        elif self.built("form") is not None and self.form.isVisible():
            _raise(self.form)
        elif self.home is not None:
            self.home.showNormal()
            _raise(self.home)
        elif self.tray is not None:
            self.tray.message(
                _("Resilience is running"), _("It lives here in the tray."), urgent=False
            )

    # -- rendering ------------------------------------------------------------------------

    def render(self) -> None:
        state = self.service.tray_state()
        tip = tooltip(state)
        protected, locked = self.service.protected, self.service.locked
        paused = self.service.paused_until()
        until = ""
        if paused is not None:
            same_day = paused.astimezone().date() == self.service.clock.now().astimezone().date()
            until = i18n.format_time(paused) if same_day else i18n.format_datetime(paused)
        if paused is not None:
            tip += "\n" + _("Nudges paused until {time}.").format(time=until)
        if self.tray is not None:
            self.tray.show_state(state.phase, tip, state.open_notes)
            self.tray.show_lock(protected=protected, locked=locked)
            self.tray.show_pause(until)
        if self.home is not None:
            self.home.show_state(state.phase, status_line(state), state.open_notes)
            self.home.show_lock(protected=protected, locked=locked)
            self.home.show_pause(until)
        # Minutes since the flag only change while waiting; otherwise nothing ticks.
        if state.phase is Phase.WAITING:
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
        self._try(self.service.flag)

    def dialed(self) -> None:
        self._try(self.service.dialed)

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
        _raise(self.break_window)

    def _break_visible(self) -> None:
        if self._flag_requested_at is not None:
            elapsed = (time.perf_counter() - self._flag_requested_at) * 1000
            self.service.record_metric("flag_to_window_ms", elapsed)
            self._flag_requested_at = None

    def _metrics(self) -> dict[str, Any]:
        window = self.built("break_window")
        return {"animation_frames": window.frames if window is not None else 0}

    def _refresh_break(self, incident: Incident) -> None:
        window = self.built("break_window")
        if window is not None and window.isVisible():
            window.update_incident(incident)

    def _cue_player(self) -> Any:
        if self._cues is None:
            if self._make_cues is not None:
                self._cues = self._make_cues()
            else:
                try:
                    from resilience_app.ui.cues import PhaseCues

                    self._cues = PhaseCues(self)
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
            self._hide("break_window")  # nothing left to end: just put the window away

    def _snooze(self) -> None:
        self._hide("nudge_window")
        self._try(self.service.snooze)

    def _show_card(self, title: str, body: str) -> None:
        easy = self.service.easy_lead()
        self.nudge_window.show_nudge(
            title, body, easy=(easy.followup.id, easy.title) if easy is not None else None
        )

    # -- notes ----------------------------------------------------------------------------

    def open_note(self, incident: Incident) -> None:
        self.when_unlocked(
            _("Type your passphrase to write your note. Until then it waits for you."),
            lambda: self._show_note(incident.id),
        )

    def _show_note(self, incident_id: str) -> None:
        try:
            incident = self.service.incident(incident_id)  # read again, with its note
        except UserError as exc:
            log.info("note not shown: %s", exc)
            return
        if self.form.isVisible() and self.form.incident_id not in (None, incident.id):
            self.form.flush_draft()
        self.form.load(incident)
        self.form.show()
        _raise(self.form)

    def open_next_note(self) -> None:
        waiting = self.service.open_notes()
        if waiting:
            self.open_note(waiting[0])

    def _draft(self, incident_id: str, reflection: Reflection) -> None:
        self._try(lambda: self.service.save_draft(incident_id, reflection))

    def _save_note(
        self,
        incident_id: str,
        reflection: Reflection,
        chosen: list[tuple[FollowUpKind, datetime]] | None = None,
    ) -> None:
        try:
            self.service.save_note(incident_id, reflection, chosen or [])
        except UserError as exc:
            self.form.show_error(exc.message)
            return
        self.form.hide()

    def _later_note(self, incident_id: str, reflection: Reflection) -> None:
        self._draft(incident_id, reflection)
        self.form.hide()

    def _discard_note(self, incident_id: str) -> None:
        self._try(lambda: self.service.discard_note(incident_id))
        self.form.hide()

    # -- follow-ups -----------------------------------------------------------------------

    def _followups_changed(self) -> None:
        items = self.service.upcoming()
        menu = [
            (i.followup.id, f"{i.followup.due_at.astimezone():%a %d %b %H:%M} · {i.title}")
            for i in items
        ]
        for target in (self.tray, self.home):
            if target is not None:
                target.set_upcoming(menu)
        if self._journal is not None:
            self._journal.show_upcoming(items)

    def _followup_action(self, followup_id: str, action: str) -> None:
        service = self.service
        actions: dict[str, Callable[[], object]] = {
            "done": lambda: self._ask_outcome(followup_id),
            "cancel": lambda: service.followup_cancel(followup_id),
            "hour": lambda: service.followup_snooze(followup_id, 60),
            "tomorrow": lambda: service.followup_snooze(followup_id, 24 * 60),
        }
        if action in actions:
            self._try(actions[action])

    @cached_property
    def outcome_dialog(self) -> OutcomeDialog:
        from resilience_app.ui.outcome_dialog import OutcomeDialog

        dialog = OutcomeDialog()
        dialog.chosen.connect(self._outcome_chosen)
        return dialog

    def _ask_outcome(self, followup_id: str) -> None:
        """Done, and what came of it, in one more click."""
        titles = {i.followup.id: i.title for i in self.service.upcoming()}
        self.outcome_dialog.ask(followup_id, titles.get(followup_id, ""))

    def _outcome_chosen(self, followup_id: str, outcome: str, heard: str) -> None:
        from resilience_app.core.kinds import FollowUpOutcome

        self._try(
            lambda: self.service.followup_done(
                followup_id, FollowUpOutcome(outcome) if outcome else None, heard
            )
        )

    def _show_script(self, followup_id: str) -> None:
        found = next((i for i in self.service.upcoming() if i.followup.id == followup_id), None)
        if found is None or self._journal is None:
            return
        kind = found.followup.kind
        text, own = self.service.script(kind)
        self._journal.show_script(kind.value, texts.follow_up_short(kind), text, own)

    def _keep_script(self, kind: str, text: str | None) -> None:
        from resilience_app.core.kinds import FollowUpKind

        try:
            self.service.save_script(FollowUpKind(kind), text)
        except UserError as exc:
            if self._journal is not None:
                self._journal.status.setText(exc.message)
            return
        if self._journal is not None:
            shown, own = self.service.script(FollowUpKind(kind))
            self._journal.show_script(kind, texts.follow_up_short(FollowUpKind(kind)), shown, own)
            self._journal.status.setText(
                _("Your version is kept for every follow-up of this kind.")
                if own
                else _("Back to the app's version.")
            )

    # -- journal --------------------------------------------------------------------------

    @property
    def journal_window(self) -> JournalWindow:
        if self._journal is None:
            from resilience_app.ui.journal_window import JournalWindow

            window = JournalWindow()
            service = self.service
            window.refresh_requested.connect(self._refresh_journal)
            window.hidden.connect(self._stop_journal_search)
            window.add_positive_requested.connect(
                lambda text: self._try(lambda: service.add_positive(text))
            )
            window.open_incident_requested.connect(self._open_incident)
            window.delete_requested.connect(self._delete_incident)
            window.undo_requested.connect(self._undo_delete)
            window.followup_done_requested.connect(lambda i: self._followup_action(i, "done"))
            window.followup_cancel_requested.connect(lambda i: self._followup_action(i, "cancel"))
            window.followup_snooze_requested.connect(
                lambda i, minutes: self._try(lambda: service.followup_snooze(i, minutes))
            )
            window.followup_move_requested.connect(
                lambda i, due: self._try(lambda: service.followup_move(i, due))
            )
            window.export_requested.connect(self._export)
            window.script_requested.connect(self._show_script)
            window.script_saved.connect(lambda kind, text: self._keep_script(kind, text))
            window.script_reset.connect(lambda kind: self._keep_script(kind, None))
            self._journal = window
        return self._journal

    def open_journal(self) -> None:
        self.when_unlocked(_("Type your passphrase to read it."), self._show_journal)

    def _show_journal(self) -> None:
        window = self.journal_window
        self._followups_changed()
        window.show()
        _raise(window)
        self._refresh_journal()  # the lists fill in as the search goes

    @property
    def journal_search(self) -> JournalSearch:
        """Fills the journal's lists from a thread of its own (built with the window)."""
        if self._journal_search is None:
            from resilience_app.ui.journal_model import JournalSearch

            search = self._journal_search = JournalSearch(self.service, self)
            search.calls_found.connect(self._journal_calls_found)
            search.positives_found.connect(self._journal_positives_found)
            search.finished.connect(self._journal_search_finished)
        return self._journal_search

    def _refresh_journal(self) -> None:
        window = self._journal
        if window is None or not window.isVisible() or self.service.locked:
            return  # searched again when it is shown
        window.begin_search()
        self.journal_search.start(window.call_filter(), window.positive_query())

    def _stop_journal_search(self) -> None:
        """The journal went out of view: its search stops and what it decoded goes (all
        read again when it is shown)."""
        if self._journal_search is not None:
            self._journal_search.release()

    def _journal_calls_found(self, token: int, found: list[Incident]) -> None:
        if self._journal is not None and token == self.journal_search.token:
            self._journal.add_calls(found)

    def _journal_positives_found(self, token: int, found: list[Any]) -> None:
        if self._journal is not None and token == self.journal_search.token:
            self._journal.add_positives(found)

    def _journal_search_finished(self, token: int) -> None:
        if self._journal is not None and token == self.journal_search.token:
            self._journal.search_finished()

    def _open_incident(self, incident_id: str) -> None:
        try:
            self.open_note(self.service.incident(incident_id))
        except UserError as exc:
            log.info("open ignored: %s", exc)

    def _delete_incident(self, incident_id: str) -> None:
        try:
            removed = self.service.delete_call(incident_id)
        except UserError as exc:
            self.journal_window.show_undo(exc.message)
            self.journal_window.undo_button.hide()
            return
        label = removed.incident.label
        self.journal_window.show_undo(
            _("Deleted the call with {label}.").format(label=label)
            if label
            else _("Deleted the call.")
        )

    def _undo_delete(self) -> None:
        self._try(self.service.undo_delete)
        self.journal_window.hide_undo()

    def _export(self, fmt: str, path: str, since: datetime | None, until: datetime | None) -> None:
        try:
            result = self.service.export(fmt, since, until, path=Path(path))
        except UserError as exc:
            self.journal_window.status.setText(exc.message)
            return
        self.journal_window.status.setText(
            ngettext(
                "Exported {n} call to {path}.", "Exported {n} calls to {path}.", result.calls
            ).format(n=result.calls, path=path)
            + (" " + result.unprotected if result.unprotected else "")
        )

    # -- insights -------------------------------------------------------------------------

    @property
    def insights_window(self) -> Any:
        if self._insights is None:
            from resilience_app.ui.insights_window import InsightsWindow

            self._insights = InsightsWindow()
            self._insights.period_changed.connect(lambda days: self._refresh_insights())
            self._insights.report_requested.connect(self.open_report)
        return self._insights

    def open_insights(self) -> None:
        self.when_unlocked(_("Type your passphrase to see its patterns."), self._show_insights)

    def _show_insights(self) -> None:
        window = self.insights_window
        self._refresh_insights()
        window.show()
        _raise(window)

    def _refresh_insights(self) -> None:
        if self.service.locked:
            return
        window = self.insights_window
        days = window.days_back()
        window.show_followups(self.service.followup_results_days(days))
        window.show_insights(self.service.insights_days(days))

    # -- the report for the manager ----------------------------------------------------------

    @cached_property
    def report_window(self) -> ReportWindow:
        from resilience_app.ui.report_window import ReportWindow

        window = ReportWindow()
        window.period_changed.connect(lambda first, last: self._report_period())
        window.ticks_changed.connect(self._report_preview)
        window.save_requested.connect(self._save_report)
        window.copy_requested.connect(self._copy_report)
        return window

    def open_report(self) -> None:
        self.when_unlocked(_("Type your passphrase to prepare the report."), self._show_report)

    def _show_report(self) -> None:
        self._report_period()
        self.report_window.show()
        _raise(self.report_window)

    def _report_period(self) -> None:
        window = self.report_window
        first, last = window.period()
        try:
            window.show_choices(self.service.report_choices(first, last))
        except UserError as exc:
            window.status.setText(exc.message)
            return
        self._report_preview()

    def _made_report(self) -> Any:
        window = self.report_window
        first, last = window.period()
        return self.service.manager_report(first, last, window.ticked())

    def _report_preview(self) -> None:
        from resilience_app.core import report

        try:
            self.report_window.show_report(report.to_html(self._made_report()))
            self.report_window.status.setText("")
        except UserError as exc:
            self.report_window.status.setText(exc.message)

    def _save_report(self, fmt: str, path: str) -> None:
        window = self.report_window
        try:
            written = self.service.write_report(self._made_report(), fmt, Path(path))
        except UserError as exc:
            window.status.setText(exc.message)
            return
        window.status.setText(_("Saved to {path}.").format(path=written))

    def _copy_report(self) -> None:
        from PySide6.QtWidgets import QApplication

        from resilience_app.core import report

        try:
            text = report.markdown(self._made_report())
        except UserError as exc:
            self.report_window.status.setText(exc.message)
            return
        QApplication.clipboard().setText(text)
        self.report_window.status.setText(_("Copied: paste it into an email or a chat."))

    # -- settings -------------------------------------------------------------------------

    def _calls_changed(self) -> None:
        self.render()
        window = self.built("settings_window")
        if window is not None and window.isVisible():
            window.show_calls(*calls_status(self.service))

    def open_settings(self) -> None:
        self.settings_window.load(self.service.setting_values())
        self.settings_window.show_calls(*calls_status(self.service))
        self._show_lock_settings()
        if not self.settings_window.isVisible():
            self.settings_window.fit()
        self.settings_window.show()
        _raise(self.settings_window)

    def _apply_settings(self, values: dict[str, Any]) -> None:
        try:
            self.service.update_settings(values)
        except UserError as exc:
            self.settings_window.show_result(exc.message)
            return
        self.settings_window.show_result(None)

    def _set(self, key: str, value: Any) -> None:
        self._try(lambda: self.service.set_setting(key, value))

    def _restyle(self) -> None:
        names = ("break_window", "form", "nudge_window", "flag_offer", "settings_window")
        windows = [self.built(name) for name in names]
        windows += [self.home, self._journal, *self._passphrase_dialogs.values()]
        for window in [w for w in windows if w is not None]:
            window.setStyleSheet(style.sheet())
            window.update()
        if self._insights is not None:
            self._insights.restyle()
            self._refresh_insights()  # series colours come from the palette too

    def _pause(self, minutes: int) -> None:
        self._try(lambda: self.service.pause(minutes=minutes or None))

    def _setting_changed(self, key: str, value: Any) -> None:
        if key == "ui.theme":
            style.prefer(str(value))
            self._restyle()
        elif key == "break.pattern" and self.built("break_window") is not None:
            self.break_window.set_pattern(value)
        elif key == "nudge.paused_until":
            self.render()
        elif key == "break.reduced_motion" and self.built("break_window") is not None:
            self.break_window.set_reduced_motion(bool(value))
        elif key == "break.phase_sounds":
            if self.built("break_window") is not None:
                self.break_window.set_phase_sounds(bool(value))
            if value:
                self._cue_player()

    # -- the passphrase lock ---------------------------------------------------------------

    def when_unlocked(self, reason: str, action: Callable[[], None]) -> None:
        """Run `action` now, or once the rep has typed the passphrase (if they do)."""
        if not self.service.locked:
            action()
            return
        self._after_unlock.append(action)
        self._dialog("unlock").ask(
            reason or _("Type your passphrase to read and write your notes."),
            remember=bool(self.service.setting("lock.remember")),
        )

    def _dialog(self, mode: str) -> PassphraseDialog:
        dialog = self._passphrase_dialogs.get(mode)
        if dialog is None:
            from resilience_app.ui.passphrase_dialog import PassphraseDialog

            dialog = PassphraseDialog(mode)
            dialog.submitted.connect(lambda values, m=mode: self._passphrase_given(m, values))
            dialog.export_requested.connect(self._export_before_protecting)
            if mode == "unlock":
                dialog.rejected.connect(self._after_unlock.clear)
            self._passphrase_dialogs[mode] = dialog
        problem = self.service.keyring_problem
        dialog.remember.setEnabled(problem is None)
        if problem is not None:
            dialog.remember.setToolTip(_("Not available here: {problem}.").format(problem=problem))
        return dialog

    def _ask_passphrase(self, mode: str) -> None:
        self._dialog(mode).ask(remember=bool(self.service.setting("lock.remember")))

    def _passphrase_given(self, mode: str, values: dict[str, Any]) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        dialog = self._dialog(mode)
        service = self.service
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if mode == "unlock":
                service.unlock(values["passphrase"], remember=values.get("remember"))
            elif mode == "set":
                service.set_passphrase(values["passphrase"], remember=values.get("remember"))
            elif mode == "change":
                service.change_passphrase(values["old"], values["new"])
            else:
                service.remove_passphrase(values["passphrase"])
        except UserError as exc:
            dialog.show_error(exc.message)
            return
        finally:
            QApplication.restoreOverrideCursor()
        dialog.finish()
        self._show_lock_settings()
        self.render()
        if mode == "unlock":
            pending = list(self._after_unlock)
            self._after_unlock.clear()
            for action in pending:
                action()

    def _export_before_protecting(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        dialog = self._dialog("set")
        suggested = str(Path.home() / "resilience-journal.json")
        path, _filter = QFileDialog.getSaveFileName(
            dialog, _("Export a copy of your journal"), suggested, _("JSON (*.json)")
        )
        if not path:
            return
        try:
            result = self.service.export("json", path=Path(path))
        except UserError as exc:
            dialog.show_error(exc.message)
            return
        dialog.show_status(
            ngettext(
                "A copy of {n} call is in {path}.",
                "A copy of {n} calls is in {path}.",
                result.calls,
            ).format(n=result.calls, path=path)
        )

    def _show_lock_settings(self) -> None:
        window = self.built("settings_window")
        if window is not None:
            service = self.service
            window.show_lock(service.protected, service.locked, service.keyring_problem)

    def _before_lock(self) -> None:
        form = self.built("form")
        if form is not None and form.incident_id is not None and form.isVisible():
            form.flush_draft()  # the half-typed note is kept (sealed) before it goes

    def _lock_changed(self, locked: bool) -> None:
        if locked:
            # What the rep wrote leaves the screen with the key.
            self._hide("form")
            if self._journal_search is not None:
                self._journal_search.stop()
            for window in (self._journal, self._insights):
                if window is not None:
                    window.hide()
            window = self.built("break_window")
            current = self.service.current
            if window is not None and window.isVisible() and current is not None:
                # The break goes on, without the call's label or a past positive.
                self.show_break(self.service.break_view(current))
        else:
            self.service.warm()  # the positives a break may show, read now, not at a flag
        self._show_lock_settings()
        self.render()

    # -- language -------------------------------------------------------------------------

    def _language_changed(self, code: str) -> None:
        """Another language: Qt's own strings follow at once; the windows are built again
        (after the current click is done: one of them may be the one that asked)."""
        language.apply(code)
        QTimer.singleShot(0, self._rebuild_windows)

    def _rebuild_windows(self) -> None:
        form = self.built("form")
        note = form.incident_id if form is not None and form.isVisible() else None
        if note is not None and form is not None:
            form.flush_draft()
        shown = {
            name: window.isVisible()
            for name in ("break_window", "form", "nudge_window", "flag_offer", "settings_window")
            if (window := self.built(name)) is not None
        }
        journal = self._journal is not None and self._journal.isVisible()
        insights = self._insights is not None and self._insights.isVisible()
        old = [self.__dict__.pop(name) for name in list(shown)]
        old += [w for w in (self._journal, self._insights) if w is not None]
        old += list(self._passphrase_dialogs.values())
        self._journal = self._insights = None
        self._passphrase_dialogs = {}
        for window in old:
            window.hide()
            window.deleteLater()
        if self.tray is not None:
            self.tray.retranslate()
        if self.home is not None:
            self.home.retranslate()
        self.render()
        self._followups_changed()
        if shown.get("break_window"):
            self.service.show_current()
        if note is not None:
            self._show_note(note)
        if shown.get("settings_window"):
            self.open_settings()
        if journal:
            self._show_journal()
        if insights:
            self._show_insights()

    # -- errors ---------------------------------------------------------------------------

    def _try(self, action: Callable[[], object]) -> None:
        """Run a click's use case; a refusal is logged (the windows show their own)."""
        try:
            action()
        except UserError as exc:
            log.info("request refused: %s", exc)


def _raise(window: QWidget) -> None:
    windowing.bring_forward(window)  # raise and focus where the window system allows it
