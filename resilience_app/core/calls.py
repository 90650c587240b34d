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
- such a call app starting to play sound while a dial is awaited (`ringing_counts`: a
  break or its nudges wait for the next call) is the dial too: softphones open the
  microphone only once the other side answers, so the ringback is the first sign of a
  dial (once it has played for `MIN_RING`: a notification's blip is no ring; the dial is
  dated to when it began). A call that only rang (never answered) ends like any other,
  with its dial counted and no offer to flag it; one that rings on for `RING_LIMIT`
  without the microphone is over, and that sound starts no other. While nothing awaits a
  dial, playback is ignored (a browser dialer is also the browser the rep watches a video
  in), and during a call only the call's own app's sound counts;
- applications the rep chose to ignore (a softphone that keeps the microphone open all
  shift, voice typing) never count;
- names the rep types (to ignore, or as call apps) match the application's name, its
  program and its executable, as whole words and in any case: `chromium` matches
  "Chromium input", `arecord` the `arecord` process that PulseAudio shows as
  "ALSA plug-in [aplay]";
- `resilience call start/end` (a dialer's hook) starts and ends a call at once, no waiting.
  A hook call whose end never comes (a crashed softphone, a dialer with only a start
  hook) ends all the same: at a flag (the call went south, so it is over), when the
  microphone it used goes quiet, and at the latest after `hook_timeout` (`expired` fires,
  for the log).

Like the loop it runs only when asked: `tick()` does what has fallen due, `next_wakeup()`
says when to ask again, and the clock is injected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from resilience_app.core.clock import Clock
from resilience_app.core.events import Event
from resilience_app.core.kinds import DialSource

MIN_CALL = timedelta(seconds=5)
MIN_RING = timedelta(seconds=0.75)  # shorter sound (a notification's blip) is no ring
RING_LIMIT = timedelta(minutes=2)  # a "ring" nobody answers for this long is over
END_GRACE = timedelta(seconds=3)
HOOK_TIMEOUT = timedelta(hours=2)
HOOK_APP = "your dialer"


@dataclass(frozen=True)
class Call:
    app: str
    started_at: datetime
    source: DialSource  # DETECTED or HOOK
    answered: bool = True  # False: it only rang (a call app's playback), no microphone yet
    program: str = ""  # the program behind `app`, where the sound server says


@dataclass(frozen=True)
class AudioUse:
    """One application using the sound server: the microphone, or (`playing`) the speakers.

    `name` is what the sound server shows ("Chromium input", "ALSA plug-in [baresip]"),
    `program` the process's program name as the stream gives it, `executables` what the
    process was started as (its command's first word, the file it runs)."""

    name: str
    program: str = ""
    executables: tuple[str, ...] = field(default=(), compare=False)
    playing: bool = False
    stream: int = -1  # the sound server's stream: two streams of one app are two uses

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for t in (self.name, self.program, *self.executables) if t))

    @classmethod
    def of(cls, app: AudioUse | str) -> AudioUse:
        """Adapters that know only a name (Windows, macOS) report plain strings."""
        return app if isinstance(app, AudioUse) else cls(str(app))


def words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.casefold()))


def app_names(text: str) -> frozenset[str]:
    """A list of names as written in settings ("Zoiper, Talon") as names to compare."""
    return frozenset(name.strip().casefold() for name in text.split(",") if name.strip())


def named(names: Iterable[str], use: AudioUse) -> bool:
    """Whether one of the names the rep wrote is this application: its name, program or
    executable holds the name's words, in order, as whole words (any case)."""
    wanted = [w for w in (words(n) for n in names) if w]
    if not wanted:
        return False
    labels = [words(label) for label in use.labels]
    return any(_holds(label, w) for w in wanted for label in labels)


def _holds(label: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    size = len(wanted)
    return any(label[i : i + size] == wanted for i in range(len(label) - size + 1))


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
        self.ringing_counts = False  # a dial is awaited: a call app's playback is the dial
        self.hook_timeout = HOOK_TIMEOUT
        self._using: dict[AudioUse, datetime] = {}  # since when each use has been going on
        self._ringing_since: datetime | None = None  # when a dial began to be awaited
        self._spent: set[AudioUse] = set()  # sound that rang too long: it starts no call
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
        names = {use.name for use in self._using if not use.playing}
        return sorted(names, key=str.casefold)

    @property
    def microphone_uses(self) -> list[AudioUse]:
        return sorted((u for u in self._using if not u.playing), key=lambda u: u.name.casefold())

    def is_ignored(self, use: AudioUse) -> bool:
        return named(self.ignored, use)

    def is_known(self, use: AudioUse) -> bool:
        return named(self.known, use)

    # -- what the adapters and hooks report ---------------------------------------------

    def set_ignored(self, names: Iterable[str]) -> None:
        self.ignored = frozenset(n.casefold() for n in names)
        self._update(self.clock.now())

    def set_known(self, names: Iterable[str]) -> None:
        self.known = frozenset(n.casefold() for n in names)
        self._update(self.clock.now())

    def set_ringing_counts(self, counts: bool) -> None:
        """Whether a dial is awaited. Sound a call app was already playing then (a video in
        the browser that is also the dialer) is not a ring; sound it starts later is."""
        if counts != self.ringing_counts:
            self.ringing_counts = counts
            self._ringing_since = self.clock.now() if counts else None
            self._update(self.clock.now())

    def microphone(self, apps: Iterable[AudioUse | str]) -> None:
        """The applications using the microphone (and, `playing`, the speakers) now: the
        adapter calls on every change."""
        now = self.clock.now()
        current = {AudioUse.of(app) for app in apps}
        self._using = {use: self._using.get(use, now) for use in current}
        self._spent &= current
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

    @property
    def speaking(self) -> bool:
        """An app not ignored holds the microphone now."""
        return any(not use.playing for use in self._counted())

    def flagged(self) -> None:
        """The rep flagged a call: a call the hook started is over (its end may never come),
        unless the microphone still shows it. A call the microphone shows goes on until
        the microphone says otherwise."""
        current = self._current
        if current is not None and current.source is DialSource.HOOK and not self.speaking:
            self._end(self.clock.now())
            self.changed.emit()

    # -- time --------------------------------------------------------------------------

    def next_wakeup(self) -> datetime | None:
        current = self._current
        if current is None:
            counted = self._counted()
            due = [
                since + (MIN_RING if use.playing else MIN_CALL) for use, since in counted.items()
            ]
            return min(due) if due else None
        if self._released_at is not None:
            return self._released_at + END_GRACE
        if current.source is DialSource.HOOK:
            return current.started_at + self.hook_timeout
        if not current.answered:
            return current.started_at + RING_LIMIT
        return None

    def tick(self) -> None:
        self._update(self.clock.now())

    def shift(self, by: timedelta) -> None:
        """The wall clock was stepped by `by`: what is being timed (a microphone held, a
        call, a release) keeps what it has lasted in elapsed time."""
        self._using = {app: since + by for app, since in self._using.items()}
        if self._released_at is not None:
            self._released_at += by
        if self._ringing_since is not None:
            self._ringing_since += by
        if self._current is not None:
            self._current = replace(self._current, started_at=self._current.started_at + by)
        self.changed.emit()

    # -- rules -------------------------------------------------------------------------

    def _counted(self) -> dict[AudioUse, datetime]:
        """What counts now: the microphone held by an app not ignored, and a call app's
        playback while ringing counts or during its call (the ringback, the other side)."""
        current = self._current
        since_ring = self._ringing_since

        def rings(use: AudioUse, since: datetime) -> bool:
            if use in self._spent or not self.is_known(use):
                return False
            if current is not None:  # the other side of this call, no other app's sound
                return use.name == current.app or bool(
                    use.program and use.program == current.program
                )
            return since_ring is not None and since >= since_ring

        return {
            use: since
            for use, since in self._using.items()
            if not self.is_ignored(use) and (not use.playing or rings(use, since))
        }

    def _update(self, now: datetime) -> None:
        counted = self._counted()
        current = self._current
        speaking = any(not use.playing for use in counted)
        if current is None:
            held = [
                (since, use.name, use)
                for use, since in counted.items()
                if now - since >= (MIN_RING if use.playing else MIN_CALL)
                or (not use.playing and self.is_known(use))
            ]
            if held:
                since, app, use = min(held, key=lambda h: (h[0], h[1]))
                self._start(Call(app, since, DialSource.DETECTED, not use.playing, use.program))
        elif current.source is DialSource.DETECTED or self._heard or speaking:
            # A hook call ends like a detected one once the microphone was heard in it.
            if speaking and not current.answered:
                self._current = current = replace(current, answered=True)
            if counted and (speaking or current.source is DialSource.DETECTED):
                self._released_at = None
                self._heard = True
            elif self._released_at is None:
                self._released_at = now
            elif now - self._released_at >= END_GRACE:
                self._end(self._released_at)
        current = self._current
        if (
            current is not None
            and not current.answered
            and current.source is DialSource.DETECTED
            and now - current.started_at >= RING_LIMIT
        ):
            self._spent |= {use for use in self._using if use.playing}
            self._end(now)
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
