"""The tray icon (or, on a desktop without a tray, the small home window): where the rep is
in the loop, the follow-up menu, pause and lock; and the tray's balloon and the card as the
last notification channels."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSystemTrayIcon

from resilience_app import i18n
from resilience_app.adapters.notify import NotifierChain
from resilience_app.core import texts
from resilience_app.core.models import Phase
from resilience_app.i18n import _
from resilience_app.service import Service
from resilience_app.service.views import TrayState
from resilience_app.ui.presenters.base import BasePresenter, attempt, bring_forward
from resilience_app.ui.ticker import Ticker
from resilience_app.ui.tray import Tray

if TYPE_CHECKING:
    from resilience_app.ui.home_window import HomeWindow

log = logging.getLogger(__name__)
TOOLTIP_REFRESH_MS = 60_000


class TrayChannel:
    """The tray's balloon, when the desktop has no notification server."""

    name = "tray"

    def __init__(self, tray: Tray) -> None:
        self._tray = tray

    def available(self) -> bool:
        return bool(QSystemTrayIcon.supportsMessages())

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
        # A balloon cannot be taken back; the desktop hides it after a few seconds.
        self._tray.message(title, message, urgent=urgent)


class CardChannel:
    """The always-on-top card: the channel of last resort, always there. What it shows
    with a tag it takes back (`hide`) when that tag is withdrawn, unless something else
    was put on the card since."""

    name = "window"

    def __init__(
        self, show: Callable[[str, str], None], hide: Callable[[], None] | None = None
    ) -> None:
        self._show = show
        self._hide = hide
        self._showing = ""  # the tag of what this channel put on the card last

    def available(self) -> bool:
        return True

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
        self._show(title, message)
        self._showing = tag

    def withdraw(self, tag: str) -> None:
        if tag and tag == self._showing:
            self._showing = ""
            if self._hide is not None:
                self._hide()


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


class TrayPresenter(BasePresenter):
    """Puts up the tray (or the home window) and keeps its state, menu and tooltip current."""

    def __init__(
        self,
        service: Service,
        owner: QObject,
        notifier: NotifierChain,
        *,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
    ) -> None:
        super().__init__(service, owner)
        self.notifier = notifier
        self._tray_available = tray_available
        self.icon: Tray | None = None
        self.home: HomeWindow | None = None
        self.tooltip_ticker = Ticker("tooltip-refresh", TOOLTIP_REFRESH_MS, self.render, owner)

    def start(self, tray: Tray | None, connect: Callable[[Tray | HomeWindow], None]) -> None:
        """Show `tray` (one the app already put up), a new one, or else the home window;
        `connect` joins its clicks to the presenters."""
        if tray is not None or self._tray_available():
            self.icon = tray or Tray(self.owner)
            self.icon.setParent(self.owner)  # one owner, so Qt tears it down in order at exit
            connect(self.icon)
            self.icon.show()
            self.notifier.add(TrayChannel(self.icon))
        else:
            from resilience_app.ui.home_window import HomeWindow

            log.warning("no system tray on this desktop; using a small window instead")
            self.home = HomeWindow()
            connect(self.home)
            self.home.show()

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
        if self.icon is not None:
            self.icon.show_state(state.phase, tip, state.open_notes)
            self.icon.show_lock(protected=protected, locked=locked)
            self.icon.show_pause(until)
        if self.home is not None:
            self.home.show_state(state.phase, status_line(state), state.open_notes)
            self.home.show_lock(protected=protected, locked=locked)
            self.home.show_pause(until)
        # Minutes since the flag only change while waiting; otherwise nothing ticks.
        if state.phase is Phase.WAITING:
            self.tooltip_ticker.start()
        else:
            self.tooltip_ticker.stop()

    def show_upcoming(self, items: list[Any]) -> None:
        """The follow-up menu: when each is due, and whom it is for."""
        menu = [
            (i.followup.id, f"{i.followup.due_at.astimezone():%a %d %b %H:%M} · {i.title}")
            for i in items
        ]
        for target in (self.icon, self.home):
            if target is not None:
                target.set_upcoming(menu)

    def pause(self, minutes: int) -> None:
        attempt(lambda: self.service.pause(minutes=minutes or None))

    def present(self) -> None:
        """Nothing else to bring forward: the home window, or a word from the tray."""
        if self.home is not None:
            self.home.showNormal()
            bring_forward(self.home)
        elif self.icon is not None:
            self.icon.message(
                _("Resilience is running"), _("It lives here in the tray."), urgent=False
            )

    def retranslate(self) -> None:
        for target in (self.icon, self.home):
            if target is not None:
                target.retranslate()

    def hide_all(self) -> None:
        self.tooltip_ticker.stop()
        for target in (self.icon, self.home):
            if target is not None:
                target.hide()
