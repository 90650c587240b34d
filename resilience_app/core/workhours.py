"""Working hours: when nudges may be shown and reminders may ring.

A schedule is the working days, a start and an end time, and optionally a gap in the day
(a split shift: "12:30-13:30"). A shift whose end is at or before its start runs past
midnight (22:00-06:00) and belongs to the day it starts. Times are the rep's local wall
clock, so a shift keeps its hours across a change to or from summer time.

Pure: no clock of its own, no files. `working(moment)` and `next_start(moment)` are all
the loop, the reminders and the look back ask.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from resilience_app.core.clock import local_moment
from resilience_app.core.errors import UserError
from resilience_app.i18n import _

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_RANGE = re.compile(r"\s*([0-2]?\d:[0-5]\d)\s*[-–]\s*([0-2]?\d:[0-5]\d)\s*")
LOOK_AHEAD_DAYS = 8  # a week and a day: every schedule with a working day has a start in it


def parse_time(text: str) -> time:
    match = _TIME.fullmatch(text.strip().zfill(5))
    if match is None:
        raise UserError(
            _("“{text}” is not a time of day; write it as HH:MM, e.g. 09:00.").format(text=text),
            usage=True,
        )
    return time(int(match.group(1)), int(match.group(2)))


def normalize_days(text: str) -> str:
    """ "Mon, Tue,wed" -> "mon,tue,wed" (in week order); an unknown day is a sentence."""
    wanted = [part.strip().lower()[:3] for part in str(text).split(",") if part.strip()]
    unknown = [day for day in wanted if day not in DAYS]
    if unknown:
        raise UserError(
            _("Working days are mon, tue, wed, thu, fri, sat and sun, comma-separated."),
            usage=True,
        )
    return ",".join(day for day in DAYS if day in wanted)


def normalize_gap(text: str) -> str:
    """ "" (no gap) or "12:30-13:30"."""
    if not str(text).strip():
        return ""
    match = _RANGE.fullmatch(str(text))
    if match is None:
        raise UserError(
            _("A gap in the day is written like 12:30-13:30 (or left empty)."), usage=True
        )
    start, end = parse_time(match.group(1)), parse_time(match.group(2))
    if end <= start:
        raise UserError(_("A gap in the day must end after it starts."), usage=True)
    return f"{start:%H:%M}-{end:%H:%M}"


@dataclass(frozen=True)
class Schedule:
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time
    gap: tuple[time, time] | None = None

    @classmethod
    def from_settings(cls, days: str, start: str, end: str, gap: str = "") -> Schedule:
        chosen = frozenset(DAYS.index(d) for d in normalize_days(days).split(",") if d)
        gap_text = normalize_gap(gap)
        return cls(
            chosen,
            parse_time(start),
            parse_time(end),
            tuple(parse_time(t) for t in gap_text.split("-")) if gap_text else None,  # type: ignore[arg-type]
        )

    def _segments(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The working stretches of the shift that starts on `day`, in local time."""
        if day.weekday() not in self.days:
            return
        begin = _local(day, self.start)
        finish = _local(day + timedelta(days=1) if self.end <= self.start else day, self.end)
        if self.gap is None:
            yield begin, finish
            return
        for gap_day in (day, day + timedelta(days=1)):
            gap_start, gap_end = _local(gap_day, self.gap[0]), _local(gap_day, self.gap[1])
            if begin < gap_start < finish:
                yield begin, gap_start
                begin = max(begin, gap_end)
        if begin < finish:
            yield begin, finish

    def working(self, moment: datetime) -> bool:
        local = moment.astimezone()
        for day in (local.date() - timedelta(days=1), local.date()):
            for begin, finish in self._segments(day):
                if begin <= local < finish:
                    return True
        return False

    def shift_end(self, day: date) -> datetime | None:
        """When the shift that starts on `day` ends (None: `day` is no working day)."""
        ends = [finish for _begin, finish in self._segments(day)]
        return ends[-1] if ends else None

    def next_start(self, moment: datetime) -> datetime | None:
        """`moment` itself when it is within working hours, else the next start (None
        when no day is a working day)."""
        if self.working(moment):
            return moment
        local = moment.astimezone()
        for offset in range(-1, LOOK_AHEAD_DAYS):
            for begin, _finish in self._segments(local.date() + timedelta(days=offset)):
                if begin > local:
                    return begin
        return None


def _local(day: date, at: time) -> datetime:
    """A wall-clock time on a day, in the local time zone (a time skipped by the change to
    summer time lands just after the jump)."""
    return local_moment(day, at)
