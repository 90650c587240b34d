"""Where the journal's files lie in the data folder, and how files set aside are named.

- ``journal/YYYY-MM.json``: one file per calendar month (UTC) of flags (`storage/months.py`).
- ``journal/followups.json``: every follow-up (`storage/followup_file.py`).
- ``backups/NAME/DATE.json``: the daily backups (`storage/backups.py`).
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from resilience_app.core.errors import UserError

JOURNAL_DIR = "journal"
BACKUP_DIR = "backups"
LEGACY_FILE = "journal.json"
FOLLOWUPS_FILE = "followups.json"


class StorageError(UserError):
    """The journal cannot be used as it is; the message says what to do."""


def shard_name(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m")


def local_day(doc: Any) -> date | None:
    """The local day a stored call was flagged on (None: the record does not say)."""
    try:
        return datetime.fromisoformat(doc["flagged_at"]).astimezone().date()
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


def stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def unique(base: Path, suffix: str = ".json") -> Path:
    """`base`-STAMP`suffix`, or with a counter if that exists already."""
    now = stamp()
    candidate = base.with_name(f"{base.name}-{now}{suffix}")
    counter = 1
    while candidate.exists() or candidate.is_symlink():
        candidate = base.with_name(f"{base.name}-{now}-{counter}{suffix}")
        counter += 1
    return candidate


def move_aside(path: Path) -> Path:
    aside = unique(path.with_name(f"{path.name}.damaged"), "")
    shutil.move(str(path), aside)
    return aside
