"""The journal on disk: month files behind one class that speaks in domain objects.

Layout of the data directory:

- ``journal/YYYY-MM.json``: one TinyDB file per calendar month (UTC) of flags, holding
  that month's incidents, their nudges, positives written that month and a schema
  version. A heavy user writes ~400 incidents a month, so one durable save rewrites
  ~0.3 MB (a few ms) however many years of history lie in the other files.
- ``journal/followups.json``: every follow-up (so reminders months away are found at start).
- ``backups/YYYY-MM/DATE.json``: before the first change of the day to a file, the file
  as it was; the newest 7 copies per file are kept.

Each file is read once and then kept in memory; every change is written through before
the call returns (see `driver`). A failed write keeps the change in memory; `flush()`
retries. Only the files a question needs are read: starting the app reads the newest
month and the last few weeks, whatever the size of the history.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from resilience_app.core.errors import UserError
from resilience_app.core.models import (
    FollowUp,
    FollowUpState,
    Incident,
    Nudge,
    NudgeState,
    Positive,
    Removed,
)
from resilience_app.files import atomic_write, ensure_private_dir
from resilience_app.storage.codec import (
    followup_from_dict,
    followup_to_dict,
    incident_from_dict,
    incident_to_dict,
    nudge_from_dict,
    nudge_to_dict,
    positive_from_dict,
    positive_to_dict,
)
from resilience_app.storage.driver import DamagedFile, parse
from resilience_app.storage.journal_file import (
    FOLLOWUP_TABLES,
    MONTH_TABLES,
    SCHEMA_VERSION,
    JournalFile,
)

log = logging.getLogger(__name__)

JOURNAL_DIR = "journal"
BACKUP_DIR = "backups"
LEGACY_FILE = "journal.json"
FOLLOWUPS_FILE = "followups.json"
BACKUPS_KEPT = 7


class StorageError(UserError):
    """The journal cannot be used as it is; the message says what to do."""


def shard_name(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m")


class Store:
    """Incidents, nudges, positives and follow-ups, durable. Only the running app (or a
    command holding the instance lock) opens one for writing; readers pass
    ``readonly=True``."""

    def __init__(
        self,
        data_dir: Path,
        *,
        readonly: bool = False,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.data_dir = Path(data_dir) if readonly else ensure_private_dir(Path(data_dir))
        self.readonly = readonly
        self.journal_dir = self.data_dir / JOURNAL_DIR
        self.backup_dir = self.data_dir / BACKUP_DIR
        self._today = today
        self.notices: list[str] = []  # sentences for the rep about what storage had to do
        # Called with each new notice once the app can show it (months open lazily, so a
        # damaged one may be found long after start-up).
        self.on_notice: Callable[[str], None] | None = None
        self._months: dict[str, JournalFile] = {}
        self._owner: dict[str, str] = {}  # incident id -> month, for loaded months
        self._followups: JournalFile | None = None
        # Goes up with every change, so readers can keep what they decoded until it moves.
        self.generation = 0
        if not readonly:
            ensure_private_dir(self.journal_dir)
            # Temp files of writes cut short by a crash: never part of the journal, and
            # only the writer (holding the instance lock) gets here.
            for stale in self.journal_dir.glob(".*.tmp"):
                stale.unlink(missing_ok=True)
        if (self.data_dir / LEGACY_FILE).exists():
            self._migrate_legacy()
        self._on_disk = set(self._months_on_disk())

    # -- files --------------------------------------------------------------------------

    def _months_on_disk(self) -> Iterator[str]:
        if self.journal_dir.is_dir():
            for path in self.journal_dir.glob("????-??.json"):
                yield path.stem

    def _month(self, name: str, *, create: bool = False) -> JournalFile | None:
        month = self._months.get(name)
        if month is not None:
            return month
        if name not in self._on_disk and not create:
            return None
        month = self._open(self.journal_dir / f"{name}.json", MONTH_TABLES)
        self._months[name] = month
        self._on_disk.add(name)
        for incident_id in month.keys("incidents"):
            self._owner[incident_id] = name
        return month

    def _writable_month(self, name: str) -> JournalFile:
        month = self._month(name, create=True)
        assert month is not None
        self._backup_before_change(month)
        return month

    def _followup_book(self) -> JournalFile:
        if self._followups is None:
            self._followups = self._open(self.journal_dir / FOLLOWUPS_FILE, FOLLOWUP_TABLES)
        return self._followups

    def _open(self, path: Path, tables: tuple[str, ...]) -> JournalFile:
        try:
            opened = JournalFile(path, tables, readonly=self.readonly)
        except DamagedFile as exc:
            if self.readonly:
                raise StorageError(
                    f"The journal file {path} is damaged ({exc}). Start Resilience once: it "
                    "sets the damaged file aside and restores the last good backup."
                ) from None
            self._recover(path, str(exc))
            opened = JournalFile(path, tables, readonly=False)
        if (opened.schema or 0) > SCHEMA_VERSION:
            raise StorageError(
                f"The journal file {path} was written by a newer version of Resilience "
                f"(format {opened.schema}; this version reads up to {SCHEMA_VERSION}). "
                "Update Resilience to open it; the file was left untouched."
            )
        return opened

    def _recover(self, path: Path, reason: str) -> None:
        aside = _move_aside(path)
        log.error("%s did not parse (%s); moved to %s", path, reason, aside)
        for backup in sorted((self.backup_dir / path.stem).glob("*.json"), reverse=True):
            try:
                raw = backup.read_bytes()
                parse(raw)
            except (OSError, DamagedFile):
                continue
            atomic_write(path, raw)
            self._notice(
                f"Your journal for {path.stem} was damaged. It was restored from the backup "
                f"of {backup.stem}; the damaged file is kept at {aside}."
            )
            return
        self._notice(
            f"Your journal for {path.stem} was damaged and no backup could be read, so that "
            f"part starts empty. The damaged file is kept at {aside}; nothing was deleted."
        )

    def _notice(self, message: str) -> None:
        self.notices.append(message)
        if self.on_notice is not None:
            self.on_notice(message)

    def _load_all(self) -> list[JournalFile]:
        for name in sorted(self._on_disk):
            self._month(name)
        return [self._months[name] for name in sorted(self._months)]

    def _load_between(self, since: datetime | None, until: datetime | None) -> list[JournalFile]:
        first = shard_name(since) if since else ""
        last = shard_name(until) if until else "9999-99"
        for name in sorted(self._on_disk):
            if first <= name <= last:
                self._month(name)
        return [self._months[n] for n in sorted(self._months) if first <= n <= last]

    def _newest(self) -> JournalFile | None:
        for name in sorted(self._on_disk, reverse=True):
            month = self._month(name)
            if month is not None and month.count("incidents"):
                return month
        return None

    def _backup_before_change(self, journal_file: JournalFile) -> None:
        """Once a day per file: keep a copy of it as it was before today's changes."""
        today = self._today()
        if journal_file.backed_up_on == today:
            return
        folder = self.backup_dir / journal_file.name
        target = folder / f"{today.isoformat()}.json"
        if journal_file.path.exists() and not target.exists():
            try:
                ensure_private_dir(self.backup_dir)
                ensure_private_dir(folder)
                atomic_write(target, journal_file.path.read_bytes())
                for old in sorted(folder.glob("*.json"), reverse=True)[BACKUPS_KEPT:]:
                    old.unlink()
            except OSError as exc:
                # A backup that fails must not stop the save it protects.
                log.warning("backup of %s failed: %s", journal_file.name, exc)
                return
        journal_file.backed_up_on = today

    def _open_files(self) -> list[JournalFile]:
        files = list(self._months.values())
        if self._followups is not None:
            files.append(self._followups)
        return files

    # -- writes -------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True when a write failed and some changes exist only in memory."""
        return any(f.dirty for f in self._open_files())

    def flush(self) -> None:
        """Retry failed writes. Raises OSError if the disk still refuses."""
        for journal_file in self._open_files():
            journal_file.flush()

    def _month_of(self, incident_id: str, fallback: datetime) -> str:
        name = self._owner.get(incident_id)
        if name is None:
            self._load_all()
            name = self._owner.get(incident_id) or shard_name(fallback)
        return name

    def save_incident(self, incident: Incident) -> None:
        self.generation += 1
        name = self._owner.get(incident.id) or shard_name(incident.flagged_at)
        month = self._writable_month(name)
        self._owner[incident.id] = name
        month.upsert("incidents", incident.id, incident_to_dict(incident))

    def save_nudge(self, nudge: Nudge) -> None:
        """A nudge lives in the month file of its incident."""
        self.generation += 1
        month = self._writable_month(self._month_of(nudge.incident_id, nudge.due_at))
        month.upsert("nudges", nudge.id, nudge_to_dict(nudge))

    def save_positive(self, positive: Positive) -> None:
        self.generation += 1
        name = shard_name(positive.created_at)
        for loaded in self._load_all():
            if loaded.has("positives", positive.id):
                name = loaded.name
        self._writable_month(name).upsert("positives", positive.id, positive_to_dict(positive))

    def save_followup(self, followup: FollowUp) -> None:
        self.generation += 1
        book = self._followup_book()
        self._backup_before_change(book)
        book.upsert("followups", followup.id, followup_to_dict(followup))

    def delete_incident(self, incident_id: str) -> Removed | None:
        """Remove an incident with its nudges and follow-ups; returns them for an undo."""
        incident = self.incident(incident_id)
        if incident is None:
            return None
        self.generation += 1
        nudges = self.nudges(incident_id=incident_id)
        followups = [f for f in self.followups() if f.incident_id == incident_id]
        month = self._writable_month(self._month_of(incident_id, incident.flagged_at))
        month.remove({"nudges": [n.id for n in nudges], "incidents": [incident_id]})
        self._owner.pop(incident_id, None)
        if followups:
            book = self._followup_book()
            self._backup_before_change(book)
            book.remove({"followups": [f.id for f in followups]})
        return Removed(incident, nudges, followups)

    def restore(self, removed: Removed) -> None:
        """Put back what `delete_incident` removed (undo)."""
        self.add_many([removed.incident], removed.nudges, removed.followups)

    def add_many(
        self,
        incidents: Iterable[Incident],
        nudges: Iterable[Nudge] = (),
        followups: Iterable[FollowUp] = (),
        positives: Iterable[Positive] = (),
    ) -> None:
        """Bulk insert (import, undo, migrations): one durable write per file touched."""
        self.generation += 1
        by_month: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]] = {}
        owner = dict(self._owner)

        def put(name: str, table: str, key: str, doc: dict[str, Any]) -> None:
            by_month.setdefault(name, {}).setdefault(table, []).append((key, doc))

        for incident in incidents:
            name = owner.setdefault(incident.id, shard_name(incident.flagged_at))
            put(name, "incidents", incident.id, incident_to_dict(incident))
        for nudge in nudges:
            name = owner.get(nudge.incident_id) or shard_name(nudge.due_at)
            put(name, "nudges", nudge.id, nudge_to_dict(nudge))
        for positive in positives:
            name = shard_name(positive.created_at)
            put(name, "positives", positive.id, positive_to_dict(positive))
        for name, rows in sorted(by_month.items()):
            self._writable_month(name).put_many(rows)
            for key, _doc in rows.get("incidents", []):
                self._owner[key] = name
        followup_rows = [(f.id, followup_to_dict(f)) for f in followups]
        if followup_rows:
            book = self._followup_book()
            self._backup_before_change(book)
            book.put_many({"followups": followup_rows})

    # -- reads --------------------------------------------------------------------------

    def incident(self, incident_id: str) -> Incident | None:
        name = self._owner.get(incident_id)
        if name is None:
            self._load_all()
            name = self._owner.get(incident_id)
            if name is None:
                return None
        doc = self._months[name].get("incidents", incident_id)
        return incident_from_dict(doc) if doc is not None else None

    def incidents(self) -> list[Incident]:
        """Every incident, oldest first. Reads the whole history (once)."""
        return _sorted_incidents(doc for m in self._load_all() for doc in m.docs("incidents"))

    def incidents_between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Incident]:
        """Incidents flagged in [since, until), oldest first; reads only those months."""
        found = (
            incident_from_dict(doc)
            for month in self._load_between(since, until)
            for doc in month.docs("incidents")
        )
        return sorted(
            (
                i
                for i in found
                if (since is None or i.flagged_at >= since)
                and (until is None or i.flagged_at < until)
            ),
            key=lambda i: i.flagged_at,
        )

    def incidents_since(self, since: datetime) -> list[Incident]:
        return self.incidents_between(since, None)

    def latest_incident(self) -> Incident | None:
        month = self._newest()
        if month is None:
            return None
        newest = max(month.docs("incidents"), key=lambda d: datetime.fromisoformat(d["flagged_at"]))
        return incident_from_dict(newest)

    def nudges(
        self, *, state: NudgeState | None = None, incident_id: str | None = None
    ) -> list[Nudge]:
        """Nudges, soonest first. Pending ones only ever belong to the newest incident
        (a new flag settles the one before), so asking for those reads the newest month;
        any other question reads every month."""
        if state is NudgeState.PENDING:
            self._newest()
            months = [self._months[name] for name in sorted(self._months)]
        elif incident_id is not None and incident_id in self._owner:
            months = [self._months[self._owner[incident_id]]]
        else:
            months = self._load_all()
        found = []
        for month in months:
            for doc in month.docs("nudges"):
                if state is not None and doc.get("state") != state.value:
                    continue
                if incident_id is not None and doc.get("incident_id") != incident_id:
                    continue
                found.append(nudge_from_dict(doc))
        found.sort(key=lambda nudge: nudge.due_at)
        return found

    def positives(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Positive]:
        """Positives written on their own, oldest first."""
        found = [
            positive_from_dict(doc)
            for month in self._load_between(since, until)
            for doc in month.docs("positives")
        ]
        return sorted(
            (
                p
                for p in found
                if (since is None or p.created_at >= since)
                and (until is None or p.created_at < until)
            ),
            key=lambda p: p.created_at,
        )

    def followup(self, followup_id: str) -> FollowUp | None:
        doc = self._followup_book().get("followups", followup_id)
        return followup_from_dict(doc) if doc is not None else None

    def followups(self, *, state: FollowUpState | None = None) -> list[FollowUp]:
        found = [
            followup_from_dict(doc)
            for doc in self._followup_book().docs("followups")
            if state is None or doc.get("state") == state.value
        ]
        return sorted(found, key=lambda f: f.due_at)

    def close(self) -> None:
        for journal_file in self._open_files():
            journal_file.close()

    # -- migration ----------------------------------------------------------------------

    def _migrate_legacy(self) -> None:
        """Format 1 kept everything in one journal.json; split it into month files."""
        legacy = self.data_dir / LEGACY_FILE
        if self.readonly:
            raise StorageError(
                f"The journal in {self.data_dir} uses an older format. Start Resilience once "
                "to upgrade it (a backup is kept), then try again."
            )
        raw = legacy.read_bytes()
        try:
            data = parse(raw) or {}
        except DamagedFile as exc:
            aside = _move_aside(legacy)
            log.error("legacy journal damaged (%s); moved to %s", exc, aside)
            self._notice(
                f"Your old journal file was damaged, so it was set aside at {aside}. "
                "Nothing was deleted."
            )
            return
        schema = int((data.get("meta") or {}).get("1", {}).get("schema", 1))
        if schema > 1:
            raise StorageError(
                f"{legacy} has format {schema}, which this version does not know. "
                "Update Resilience to open it; the file was left untouched."
            )
        folder = ensure_private_dir(ensure_private_dir(self.backup_dir) / "before-upgrade")
        atomic_write(folder / f"journal-format-1-{_stamp()}.json", raw)  # backup first
        incidents = [incident_from_dict(d) for d in (data.get("incidents") or {}).values()]
        nudges = [nudge_from_dict(d) for d in (data.get("nudges") or {}).values()]
        self._on_disk = set(self._months_on_disk())
        self.add_many(incidents, nudges)
        legacy.unlink()
        log.info("migrated %d incidents from format 1", len(incidents))


def _sorted_incidents(docs: Iterable[dict[str, Any]]) -> list[Incident]:
    found = [incident_from_dict(doc) for doc in docs]
    found.sort(key=lambda incident: incident.flagged_at)
    return found


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _move_aside(path: Path) -> Path:
    stamp = _stamp()
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
        counter += 1
    shutil.move(str(path), aside)
    return aside


def journal_paths(data_dir: Path) -> list[Path]:
    """Every month file, oldest first (for tests and tools)."""
    return sorted((Path(data_dir) / JOURNAL_DIR).glob("????-??.json"))


__all__ = [
    "SCHEMA_VERSION",
    "StorageError",
    "Store",
    "journal_paths",
    "shard_name",
]
