"""Presents the service: builds one presenter per window or area and joins them up.

The presenters hold no rules and never touch storage. They render what the service
announces, forward clicks to it, and show the sentence of any `UserError` where the rep
is looking. The tray's balloon and the nudge card join the service's notifier chain as the
fallbacks after the desktop's own notifications. What spans every window (the lock, a new
language or style, quitting) is decided here, once.

| area | module |
|---|---|
| break, nudge card, flag offer | `presenters/breaks.py` |
| the note after a break | `presenters/notes.py` |
| follow-ups: done, snooze, cancel | `presenters/followups.py` |
| journal, its search, export | `presenters/journal.py` |
| insights, the manager's report | `presenters/insights.py` |
| settings | `presenters/settings.py` |
| the playbook from the tray, its reminder | `presenters/playbook.py` |
| passphrase dialogs | `presenters/lock.py` |
| tray or home window, tooltip | `presenters/tray.py` |
| practise my answers | `presenters/practice.py` |
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon

from resilience_app import i18n
from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.models import Phase
from resilience_app.service import Service
from resilience_app.ui import language, style
from resilience_app.ui.presenters.base import attempt, bring_forward
from resilience_app.ui.presenters.breaks import BreakPresenter
from resilience_app.ui.presenters.followups import FollowUpPresenter
from resilience_app.ui.presenters.insights import InsightsPresenter
from resilience_app.ui.presenters.journal import JournalPresenter
from resilience_app.ui.presenters.lock import LockPresenter
from resilience_app.ui.presenters.notes import NotePresenter
from resilience_app.ui.presenters.playbook import PlaybookPresenter
from resilience_app.ui.presenters.practice import PracticePresenter
from resilience_app.ui.presenters.settings import SettingsPresenter
from resilience_app.ui.presenters.tray import CardChannel, TrayPresenter
from resilience_app.ui.tray import Tray

if TYPE_CHECKING:
    from resilience_app.ui.home_window import HomeWindow


class Presenter(QObject):
    """What `app.py` hands the service to: the presenters, built and joined."""

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
        self._shut_down = False
        self.tray = TrayPresenter(service, self, notifier, tray_available=tray_available)
        self.lock = LockPresenter(service, self, changed=self._lock_shown)
        unlocked = self.lock.when_unlocked
        self.followups = FollowUpPresenter(service, self)
        self.breaks = BreakPresenter(
            service, self, ask_outcome=self.followups.ask_outcome, cues=cues
        )
        self.notes = NotePresenter(service, self, when_unlocked=unlocked)
        self.practice = PracticePresenter(service, self, when_unlocked=unlocked)
        self.journal = JournalPresenter(
            service,
            self,
            when_unlocked=unlocked,
            open_incident=self.notes.open_by_id,
            followup_action=self.followups.action,
            followups_changed=self._followups_changed,
            practise=self.practice.open,
        )
        self.insights = InsightsPresenter(service, self, when_unlocked=unlocked)
        self.playbook = PlaybookPresenter(service, self, open_entry=self.journal.open_entry)
        self.settings = SettingsPresenter(service, self, ask_passphrase=self.lock.ask_passphrase)

        service.phase_changed.connect(self._phase_changed)
        service.notes_changed.connect(self.tray.render)
        service.followups_changed.connect(self._followups_changed)
        service.settings_changed.connect(self._setting_changed)
        service.window_requested.connect(self.present)
        service.calls_changed.connect(self._calls_changed)
        service.lock_changed.connect(self._lock_changed)
        service.before_lock.connect(self.notes.flush)  # the half-typed note is kept, sealed
        i18n.on_change(self._language_changed)
        language.apply(i18n.language())

    @property
    def deliveries(self) -> list[tuple[str, str]]:
        """(channel, title) of every notification sent, newest last."""
        return self.notifier.deliveries

    # -- start and stop -------------------------------------------------------------------

    def start(self, tray: Tray | None = None) -> None:
        """Show the tray (or the home window). `tray` is one the app already put up while
        the rest was loading. What to show next, the service says when it starts."""
        self.tray.start(tray, self._connect_actions)
        self.notifier.add(
            CardChannel(self.breaks.show_card, hide=lambda: self.breaks.hide("nudge_window"))
        )
        self.tray.render()
        self.breaks.start()
        self._follow_desktop(True)

    def warm(self) -> None:
        """Once, while the app is idle after start: have ready what a flag shows (the
        break window, built and drawn once off screen, and what the service reads for a
        break), so the first flag is as quick as the ones after it."""
        self.service.warm()
        self.breaks.warm()

    def _connect_actions(self, target: Tray | HomeWindow) -> None:
        target.flag_requested.connect(self.breaks.flag)
        target.dialing_requested.connect(self.breaks.dialed)
        target.reflection_requested.connect(self.notes.open_next_note)
        target.settings_requested.connect(self.settings.open)
        target.journal_requested.connect(self.journal.open)
        target.insights_requested.connect(self.insights.open)
        target.practise_requested.connect(self.practice.open)
        target.ready_requested.connect(self.breaks.ready)
        target.playbook_add_requested.connect(self.playbook.open_add)
        target.followup_action.connect(self.followups.action)
        target.pause_requested.connect(self.tray.pause)
        target.resume_requested.connect(lambda: attempt(self.service.resume))
        target.lock_requested.connect(lambda: attempt(self.service.lock))
        target.unlock_requested.connect(lambda: self.lock.when_unlocked("", lambda: None))
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
        windows = self.journal.shutdown()
        self.notes.flush()
        # Delete the windows now, in order, rather than leave top-level widgets to be
        # destroyed during interpreter shutdown, which crashes PySide6.
        windows += self.breaks.drop("break_window") + self.notes.drop("form")
        windows += self.breaks.drop("nudge_window", "flag_offer")
        windows += self.followups.drop("outcome_dialog") + self.settings.drop("settings_window")
        windows += self.insights.drop("insights_window", "report_window")
        windows += self.playbook.drop("add_dialog") + self.practice.drop("practice_window")
        windows += self.lock.forget()
        for window in windows:
            window.hide()
            shiboken6.delete(window)
        self.tray.hide_all()

    def present(self, window: str = "", tab: str = "") -> None:
        """Bring a window forward: `resilience journal`, or a second start of the app."""
        if window == "insights":
            self.insights.open()
        elif window == "settings":
            self.settings.open()
        elif window == "journal":
            self.journal.open(tab)
        elif self.service.phase is Phase.BREAK:
            self.service.show_current()
        elif self.notes.visible("form"):
            bring_forward(self.notes.form)
        else:
            self.tray.present()

    # -- what the service announces, for more than one window -----------------------------

    def _phase_changed(self, phase: Phase) -> None:
        self.breaks.phase_changed(phase)
        self.tray.render()

    def _followups_changed(self) -> None:
        items = self.service.upcoming()
        self.tray.show_upcoming(items)
        self.journal.show_upcoming(items)

    def _calls_changed(self) -> None:
        self.tray.render()
        self.settings.calls_changed()

    def _setting_changed(self, key: str, value: Any) -> None:
        if key == "ui.theme":
            style.prefer(str(value))
            self._restyle()
        elif key == "nudge.paused_until":
            self.tray.render()
        else:
            self.breaks.setting_changed(key, value)

    def _restyle(self) -> None:
        windows = [*self.breaks.windows(), *self.notes.windows(), *self.settings.windows()]
        windows += [self.tray.home, *self.journal.windows(), *self.lock.windows()]
        windows += [*self.practice.windows(), *self.playbook.windows()]
        for window in [w for w in windows if w is not None]:
            window.setStyleSheet(style.sheet())
            window.update()
        self.insights.restyle()

    def _lock_shown(self) -> None:
        self.settings.show_lock()
        self.tray.render()

    def _lock_changed(self, locked: bool) -> None:
        if locked:
            # What the rep wrote leaves the screen with the key.
            self.notes.hide("form")
            self.journal.locked()
            self.practice.locked()
            self.insights.locked()  # the patterns and the manager's report
            self.followups.locked()
            self.breaks.locked()
            self.playbook.locked()
        else:
            self.service.warm()
            self.playbook.unlocked()  # the positives a break may show, read now, not at a flag
            self.lock.unlocked()  # by any path: the question goes, what waited for it opens
        self._lock_shown()

    # -- language -------------------------------------------------------------------------

    def _language_changed(self, code: str) -> None:
        """Another language: Qt's own strings follow at once; the windows are built again
        (after the current click is done: one of them may be the one that asked)."""
        language.apply(code)
        QTimer.singleShot(0, self._rebuild_windows)

    def _rebuild_windows(self) -> None:
        note = self.notes.forget()  # first: the draft is kept before anything goes
        again = [self.breaks.forget(), note, self.settings.forget()]  # the break under the note
        again += [self.journal.forget(), self.insights.forget()]
        again += [self.practice.forget(), self.playbook.forget(), self.lock.asked_again()]
        for dialog in self.lock.forget():
            dialog.hide()
            dialog.deleteLater()
        self.tray.retranslate()
        self.tray.render()
        self._followups_changed()
        for show in again:
            show()
