"""Per-month summaries on disk: the day tallies (`core.tallies`) of each month file.

`journal/summaries/YYYY-MM.json` holds the tallies of `journal/YYYY-MM.json` and what they
were computed from: the month file as it was on disk (size, modification time and inode:
every write of the app replaces the file, so a new inode each time), its generation when
the journal is protected, and the rules of the rep's time zone (days are local days).

A summary is a cache the store can always build again from its month. The store brings it
up to date on each write that changes the month (the days that write touched are counted
again); one that does not match its month (a crash between the two writes, a write made
while locked, a file restored from a backup, another time zone) is stale and is built
again when a question needs it. So it is written atomically but without fsync: a summary
lost in a power cut costs one rebuild, never a wrong figure.

Protected journal: reasons, parts, moods and lessons are what the rep wrote, so the whole
summary is sealed with the data key, bound to its month, and checked against the month's
generation in the proof list (an older summary put back does not open as current). While
the journal is locked summaries are neither read nor written; turning the lock on or off
drops them all (they are rebuilt, sealed or plain, when next needed).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from resilience_app.core.tallies import BadTally, Days, days_from_json, days_to_json
from resilience_app.files import atomic_write, ensure_private_dir, read_private
from resilience_app.storage.keys import BadSeal
from resilience_app.storage.sealing import Sealer

log = logging.getLogger(__name__)
SUMMARY_DIR = "summaries"
SUMMARY_FORMAT = 1
SEAL_PURPOSE = "resilience/seal/1/summary/{month}"


@cache
def zone_key() -> str:
    """The rules of the system's time zone, as one short string: the local days of
    stored tallies hold only under the rules they were counted with."""
    parts: list[Any] = [os.environ.get("TZ", ""), time.tzname, time.timezone, time.altzone]
    # Offsets twice a month over the years a journal spans: a change of rules (a country
    # moving its summer time) shows there even when the names stay the same.
    for year in range(1990, 2041):
        for month in range(1, 13):
            for day in (1, 15):
                when = datetime(year, month, day, 12, tzinfo=UTC).astimezone()
                parts.append(when.utcoffset())
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Source:
    """A month file as a summary was counted from it."""

    size: int
    mtime_ns: int
    inode: int
    generation: int  # 0 for a plain journal

    def to_json(self) -> list[int]:
        return [self.size, self.mtime_ns, self.inode, self.generation]


def source_of(path: Path, generation: int) -> Source | None:
    """The month file on disk now, or None when it is not there."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return Source(info.st_size, info.st_mtime_ns, info.st_ino, generation)


class Summaries:
    """The summary files of one journal folder (reading, writing, dropping)."""

    def __init__(self, journal_dir: Path, sealer: Sealer, *, readonly: bool) -> None:
        self.folder = journal_dir / SUMMARY_DIR
        self.sealer = sealer
        self.readonly = readonly

    def path(self, month: str) -> Path:
        return self.folder / f"{month}.json"

    def read(self, month: str, expected: Source) -> Days | None:
        """The stored tallies of `month` if they were counted from the file as it is now
        (`expected`), else None (missing, stale, damaged, from another zone, or sealed
        while the journal is locked)."""
        if self.sealer.locked:
            return None
        try:
            raw = read_private(self.path(month))
        except OSError:
            return None
        try:
            document = json.loads(raw)
            if self.sealer.protected:
                sealed = document["sealed"]
                if document.get("month") != month or not isinstance(sealed, str):
                    return None
                document = json.loads(self.sealer.open(_bound(month), sealed))
            if (
                document.get("format") != SUMMARY_FORMAT
                or document.get("month") != month
                or document.get("zone") != zone_key()
                or document.get("source") != expected.to_json()
            ):
                return None
            return days_from_json(document["days"])
        except (ValueError, KeyError, TypeError, RecursionError, BadTally, BadSeal) as exc:
            # ValueError covers JSON that does not parse.
            log.info("summary of %s not used: %s", month, type(exc).__name__)
            return None

    def write(self, month: str, source: Source, days: Days) -> None:
        """Keep the tallies of `month` as counted from `source` (a refusal only costs a
        rebuild later, so it is logged, not raised)."""
        if self.readonly or self.sealer.locked:
            return
        document: dict[str, Any] = {
            "format": SUMMARY_FORMAT,
            "month": month,
            "zone": zone_key(),
            "source": source.to_json(),
            "days": days_to_json(days),
        }
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        if self.sealer.protected:
            sealed = self.sealer.seal(_bound(month), text)
            text = json.dumps({"format": SUMMARY_FORMAT, "month": month, "sealed": sealed}).encode()
        try:
            ensure_private_dir(self.folder, follow=False)
            atomic_write(self.path(month), text, durable=False)
        except OSError as exc:
            log.warning("summary of %s not written: %s", month, exc.strerror or exc)

    def drop(self, month: str) -> None:
        if self.readonly:
            return
        try:
            self.path(month).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("stale summary of %s not removed: %s", month, exc.strerror or exc)

    def clean(self) -> None:
        """Temp files of summary writes cut short (the writer, at start)."""
        if self.folder.is_dir() and not self.folder.is_symlink():
            for stale in self.folder.glob(".*.tmp"):
                stale.unlink(missing_ok=True)


def _bound(month: str) -> bytes:
    return SEAL_PURPOSE.format(month=month).encode()
