"""Calls, as the app can know them: a dialer using the microphone, or a dialer's hook.

`CallTracker` turns "which applications are using the microphone right now" (reported by
a platform adapter whenever it changes) into calls:

- an application that keeps the microphone for `MIN_CALL` (a few seconds) is on a call
  that started when it opened the microphone; a shorter use (a device test, a voice
  assistant's blip) is no call at all;
- a call ends when nobody has used the microphone for `END_GRACE` (a softphone switching
  devices mid-call does not split one call in two);
- an application the rep's calls were seen in before (or one the rep named) starts a call
  the moment it opens the microphone: it is the dial, with no wait;
- applications the rep chose to ignore (a softphone that keeps the microphone open all
  shift, voice typing) never count;
- `resilience call start/end` (a dialer's hook) starts and ends a call at once, no waiting.
  A hook call whose end never comes (a crashed softphone, a dialer with only a start
  hook) ends all the same: at a flag (the call went south, so it is over), when the
  microphone it used goes quiet, and at the latest after `hook_timeout` (`expired` fires,
  for the log).

Like the loop it runs only when asked: `tick()` does what has fallen due, `next_wakeup()`
says when to ask again, and the clock is injected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from resilience_app.core.clock import Clock
from resilience_app.core.events import Event
from resilience_app.core.kinds import DialSource

MIN_CALL = timedelta(seconds=5)
END_GRACE = timedelta(seconds=3)
HOOK_TIMEOUT = timedelta(hours=2)
HOOK_APP = "your dialer"


@dataclass(frozen=True)
class Call:
    app: str
    started_at: datetime
    source: DialSource  # DETECTED or HOOK


def app_names(text: str) -> frozenset[str]:
    """The ignore list as written in settings ("Zoiper, Talon") as names to compare."""
    return frozenset(name.strip().casefold() for name in text.split(",") if name.strip())


class CallTracker:
    """Whether the rep is on a call; `started` and `ended` fire once per call."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.started: Event[[Call]] = Event()
        self.ended: Event[[Call, datetime]] = Event()
        self.changed: Event[[]] = Event()  # next_wakeup() may have moved
        self.expired: Event[[Call]] = Event()  # a hook call ended by the timeout
        self.ignored: frozenset[str] = frozenset()
        self.known: frozenset[str] = frozenset()  # call apps: their use is a call at once
        self.hook_timeout = HOOK_TIMEOUT
        self._using: dict[str, datetime] = {}  # app -> since when it holds the microphone
        self._current: Call | None = None
        self._released_at: datetime | None = None  # microphone let go during a call
        self._heard = False  # the microphone was in use during the current hook call

    # -- questions ---------------------------------------------------------------------

    @property
    def on_call(self) -> bool:
        return self._current is not None

    @property
    def current(self) -> Call | None:
        return self._current

    @property
    def maybe_starting(self) -> bool:
        """The microphone is in use but not yet long enough to call it a call: what falls
        due now (a nudge) waits a few seconds for the answer."""
        return self._current is None and bool(self._counted())

    @property
    def microphone_users(self) -> list[str]:
        """Applications using the microphone now (ignored ones included, for the rep)."""
        return sorted(self._using, key=str.casefold)

    # -- what the adapters and hooks report ---------------------------------------------

    def set_ignored(self, names: Iterable[str]) -> None:
        self.ignored = frozenset(n.casefold() for n in names)
        self._update(self.clock.now())

    def set_known(self, names: Iterable[str]) -> None:
        self.known = frozenset(n.casefold() for n in names)
        self._update(self.clock.now())

    def microphone(self, apps: Iterable[str]) -> None:
        """The applications using the microphone now (the adapter calls on every change)."""
        now = self.clock.now()
        current = set(apps)
        self._using = {app: self._using.get(app, now) for app in current}
        self._update(now)

    def hook_started(self, app: str = "") -> None:
        now = self.clock.now()
        if self._current is None:
            self._start(Call(app or HOOK_APP, now, DialSource.HOOK))
        self.changed.emit()

    def hook_ended(self) -> None:
        if self._current is not None:
            self._end(self.clock.now())
        self.changed.emit()

    def flagged(self) -> None:
        """The rep flagged a call: a call the hook started is over (its end may never come).
        A call the microphone shows goes on until the microphone says otherwise."""
        current = self._current
        if current is not None and current.source is DialSource.HOOK:
            self._end(self.clock.now())
            self.changed.emit()

    # -- time --------------------------------------------------------------------------

    def next_wakeup(self) -> datetime | None:
        current = self._current
        if current is None:
            counted = self._counted()
            return min(counted.values()) + MIN_CALL if counted else None
        if self._released_at is not None:
            return self._released_at + END_GRACE
        if current.source is DialSource.HOOK:
            return current.started_at + self.hook_timeout
        return None

    def tick(self) -> None:
        self._update(self.clock.now())

    def shift(self, by: timedelta) -> None:
        """The wall clock was stepped by `by`: what is being timed (a microphone held, a
        call, a release) keeps what it has lasted in elapsed time."""
        self._using = {app: since + by for app, since in self._using.items()}
        if self._released_at is not None:
            self._released_at += by
        if self._current is not None:
            self._current = replace(self._current, started_at=self._current.started_at + by)
        self.changed.emit()

    # -- rules -------------------------------------------------------------------------

    def _counted(self) -> dict[str, datetime]:
        return {a: t for a, t in self._using.items() if a.casefold() not in self.ignored}

    def _update(self, now: datetime) -> None:
        counted = self._counted()
        current = self._current
        if current is None:
            held = [
                (since, app)
                for app, since in counted.items()
                if now - since >= MIN_CALL or app.casefold() in self.known
            ]
            if held:
                since, app = min(held)
                self._start(Call(app, since, DialSource.DETECTED))
        elif current.source is DialSource.DETECTED or self._heard or counted:
            # A hook call ends like a detected one once the microphone was heard in it.
            if counted:
                self._released_at = None
                self._heard = True
            elif self._released_at is None:
                self._released_at = now
            elif now - self._released_at >= END_GRACE:
                self._end(self._released_at)
        if (
            self._current is not None
            and self._current.source is DialSource.HOOK
            and now - self._current.started_at >= self.hook_timeout
        ):
            call = self._current
            self._end(now)
            self.expired.emit(call)
        self.changed.emit()

    def _start(self, call: Call) -> None:
        self._current = call
        self._released_at = None
        self._heard = False
        self.started.emit(call)

    def _end(self, at: datetime) -> None:
        call, self._current = self._current, None
        self._released_at = None
        self._heard = False
        if call is not None:
            self.ended.emit(call, at)
