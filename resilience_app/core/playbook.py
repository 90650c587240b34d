"""The rep's own playbook: what a customer said that the rep could not answer, the answer
written later, and the practice that brings it back before the next call.

Pure: an entry is data, and everything done to it here is a function of the entry and the
moment given (no clock of its own, no files). The service (`service/playbook.py`) keeps
the entries in the store and calls these.

- `merge(keep, gone, now)`: the same question said differently, made one entry: the calls
  and tags united, every wording of the answer kept.
- `practised(entry, had_it, now)`: the spaced schedule, Leitner boxes (`BOX_DAYS`).
- `card_for_now(entries, now)`: the one card shown before the next call.
- `reminder_at(entry, schedule)`: when the one gentle reminder to write an answer is due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from resilience_app.core.clock import local_moment
from resilience_app.core.errors import UserError
from resilience_app.core.workhours import Schedule

# The tags every rep has; a rep may add their own (`normalize_tag`).
TAGS = ("price", "product", "timing", "competitor", "trust", "other")
MAX_TAG = 40  # a rep's own tag is a word or two
MAX_TAGS = 20

# Leitner boxes: an answer in box n comes due BOX_DAYS[n - 1] days after it was practised.
# "Had it" moves it up one box (the last box keeps it there), "again" back to box 1.
BOX_DAYS = (1, 2, 4, 8, 16)

# The card before a call: an answer written this recently and not practised since comes
# first, while the rep still remembers why they wrote it.
JUST_ANSWERED = timedelta(days=2)

# The reminder: a while before the end of the working day, once the call has cooled; if
# the day has less left than that, the next morning, a little after the start.
BEFORE_END = timedelta(minutes=30)
COOL_DOWN = timedelta(hours=1)
AFTER_START = timedelta(minutes=30)
# Without working hours set, an ordinary office day.
DEFAULT_START = time(9, 0)
DEFAULT_END = time(17, 0)


class PlaybookError(UserError):
    """A playbook request that cannot be honoured; the message says why."""


@dataclass(frozen=True)
class Wording:
    """An earlier wording of an answer, and when it was replaced."""

    text: str
    until: datetime


@dataclass
class PlaybookEntry:
    id: str
    said: str  # their words, one line
    created_at: datetime
    answer: str = ""  # my answer, as I would say it now
    answered_at: datetime | None = None  # when the answer was last written
    earlier: list[Wording] = field(default_factory=list)  # oldest first
    also_said: list[str] = field(default_factory=list)  # their words on merged entries
    tags: list[str] = field(default_factory=list)
    call_ids: list[str] = field(default_factory=list)  # the calls it came up on
    alone: int = 0  # the times it was written with no call to keep it with
    practised_at: datetime | None = None
    box: int = 0  # 0: not in the schedule yet (no answer); else 1..len(BOX_DAYS)
    due_at: datetime | None = None  # when practice is due next
    reminded_at: datetime | None = None  # the one reminder to answer it went out
    merged_into: str | None = None  # merged into another entry: shown there
    sealed: str | None = None  # read while locked: the texts as stored

    @property
    def answered(self) -> bool:
        """Answered at some time (known while the journal is locked, too)."""
        return self.answered_at is not None

    @property
    def times(self) -> int:
        """How often it came up: its calls, and each time it was written alone (merged
        entries add up)."""
        return max(1, len(self.call_ids) + self.alone)

    @property
    def active(self) -> bool:
        return self.merged_into is None


def normalize_tag(text: str) -> str:
    """A tag as kept: lower case, single spaces, at most MAX_TAG characters ("" if
    nothing is left)."""
    return " ".join(str(text).lower().replace(",", " ").split())[:MAX_TAG]


def _united(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Both lists, each item once, in the order first seen."""
    return list(dict.fromkeys([*first, *second]))


def with_tags(entry: PlaybookEntry, tags: Iterable[str]) -> PlaybookEntry:
    wanted = [t for t in (normalize_tag(t) for t in tags) if t]
    return replace(entry, tags=_united(entry.tags, wanted)[:MAX_TAGS])


def answered(entry: PlaybookEntry, text: str, now: datetime) -> PlaybookEntry:
    """The entry with a new answer; the one it replaces is kept as an earlier wording.
    A first answer puts it in box 1, due for practice a day later."""
    earlier = list(entry.earlier)
    if entry.answered and entry.answer != text:
        earlier.append(Wording(entry.answer, now))
    box, due = entry.box, entry.due_at
    if box == 0:
        box, due = 1, now + timedelta(days=BOX_DAYS[0])
    return replace(entry, answer=text, answered_at=now, earlier=earlier, box=box, due_at=due)


def practised(entry: PlaybookEntry, had_it: bool, now: datetime) -> PlaybookEntry:
    """The entry after one practice: "had it" one box up, "again" back to box 1, and due
    again as many days later as its box says."""
    box = min(max(entry.box, 1) + 1, len(BOX_DAYS)) if had_it else 1
    return replace(entry, box=box, practised_at=now, due_at=now + timedelta(days=BOX_DAYS[box - 1]))


def is_due(entry: PlaybookEntry, now: datetime) -> bool:
    return entry.active and entry.answered and entry.due_at is not None and entry.due_at <= now


def merge(
    keep: PlaybookEntry, gone: PlaybookEntry, now: datetime
) -> tuple[PlaybookEntry, PlaybookEntry]:
    """`gone` said differently is the same question as `keep`: one entry, `keep`, with the
    calls and tags of both and every wording of both answers (`keep`'s answer stays the
    answer; if it had none, `gone`'s becomes it), their words kept in `also_said`. Returns
    `keep` merged and `gone` marked merged into it."""
    if keep.id == gone.id:
        raise ValueError("an entry cannot be merged into itself")
    earlier = sorted([*keep.earlier, *gone.earlier], key=lambda w: w.until)
    answer, answered_at = keep.answer, keep.answered_at
    if not keep.answered:
        answer, answered_at = gone.answer, gone.answered_at
    elif gone.answered and gone.answer != keep.answer:
        earlier.append(Wording(gone.answer, now))
    box, due, practised_at = keep.box, keep.due_at, keep.practised_at
    if box == 0 and gone.box:
        box, due, practised_at = gone.box, gone.due_at, gone.practised_at
    merged = replace(
        keep,
        created_at=min(keep.created_at, gone.created_at),
        answer=answer,
        answered_at=answered_at,
        earlier=earlier,
        also_said=[
            s for s in _united(keep.also_said, [gone.said, *gone.also_said]) if s != keep.said
        ],
        tags=_united(keep.tags, gone.tags)[:MAX_TAGS],
        call_ids=_united(keep.call_ids, gone.call_ids),
        # The times each came up with no call: both counts kept ("came up 4 times").
        alone=(keep.times - len(keep.call_ids)) + (gone.times - len(gone.call_ids)),
        box=box,
        due_at=due,
        practised_at=practised_at,
        # Answered on either side: no reminder left to send.
        reminded_at=keep.reminded_at or gone.reminded_at,
    )
    return merged, replace(gone, merged_into=keep.id)


def card_for_now(
    entries: Iterable[PlaybookEntry], now: datetime, *, skip: Sequence[str] = ()
) -> PlaybookEntry | None:
    """The one card shown before the next call, among the answered entries (not merged
    away, not in `skip`: those the rep dismissed a moment ago). In this order:

    1. just answered (within JUST_ANSWERED, not practised since), the newest first;
    2. then the one that came up most;
    3. then one due for practice before one that is not, the longest overdue first."""

    def just(e: PlaybookEntry) -> bool:
        return (
            e.answered_at is not None
            and now - e.answered_at <= JUST_ANSWERED
            and (e.practised_at is None or e.practised_at < e.answered_at)
        )

    def rank(e: PlaybookEntry) -> tuple[bool, float, int, bool, float]:
        newest = -(e.answered_at.timestamp()) if just(e) and e.answered_at else 0.0
        due = e.due_at.timestamp() if e.due_at is not None else float("inf")
        return (not just(e), newest, -e.times, not is_due(e, now), due)

    wanted = [e for e in entries if e.active and e.answered and e.id not in skip]
    return min(wanted, key=rank) if wanted else None


def _day_end(day: date, schedule: Schedule | None) -> datetime | None:
    if schedule is None:
        return local_moment(day, DEFAULT_END)
    return schedule.shift_end(day)


def _next_morning(after: datetime, schedule: Schedule | None) -> datetime | None:
    if schedule is None:
        local = after.astimezone()
        day = local.date() + timedelta(days=1 if local.time() >= DEFAULT_START else 0)
        return local_moment(day, DEFAULT_START) + AFTER_START
    start = schedule.next_start(after)
    if start is None:
        return None
    later = start + AFTER_START
    return later if schedule.working(later) else start


def reminder_at(
    entry: PlaybookEntry,
    schedule: Schedule | None,
    *,
    cool_down: timedelta = COOL_DOWN,
    before_end: timedelta = BEFORE_END,
) -> datetime | None:
    """When the one gentle reminder to answer an entry is due (None: no reminder: it is
    answered, merged, reminded already, or no day is a working day).

    A while before the end of the working day it was written on (`before_end`), if that
    is at least `cool_down` after it was written; else the next morning, a little after
    the start of work (the two are settings, `playbook.reminder_*`; these defaults).
    Without working hours, an ordinary office day (DEFAULT_START to DEFAULT_END).
    Calls and breaks are the service's to wait for."""
    if entry.answered or not entry.active or entry.reminded_at is not None:
        return None
    written = entry.created_at
    local = written.astimezone()
    for day in (local.date() - timedelta(days=1), local.date()):
        end = _day_end(day, schedule)
        if end is None or end <= written:
            continue
        calm = end - before_end
        if calm >= written + cool_down and (schedule is None or schedule.working(calm)):
            return calm
        return _next_morning(end, schedule)
    return _next_morning(written, schedule)
