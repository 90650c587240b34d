"""The journal on disk: TinyDB behind one class that speaks in domain objects.

Layout of the data directory:

- ``journal/YYYY-MM.json``: one TinyDB file per calendar month (UTC) of flags, holding
  that month's incidents, their nudges and a schema version. A heavy user writes ~400
  incidents a month, so one durable save rewrites ~0.3 MB (a few ms) however many years
  of history lie in the other files.
- ``backups/YYYY-MM/DATE.json``: before the first change of the day to a month, the file
  as it was; the newest 7 copies per month are kept.
- ``settings.json``: setting values.

Each file is read once and then kept in memory; every change is written through (temp
file, fsync, rename, fsync folder) before the call returns, so an acknowledged change is
never only in memory. A failed write keeps the change in memory; `flush()` retries.

Only the month files a question needs are read: starting the app reads the newest month
and the last few weeks, whatever the size of the history.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from resilience_app.core.models import (
    FollowUp,
    FollowUpState,
    Incident,
    Nudge,
    NudgeState,
    Positive,
    Removed,
)
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
from resilience_app.storage.files import atomic_write, ensure_private_dir

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 1: a single journal.json (0.1.0 development builds); 2: month files
JOURNAL_DIR = "journal"
BACKUP_DIR = "backups"
LEGACY_FILE = "journal.json"
FOLLOWUPS_FILE = "followups.json"
SETTINGS_FILE = "settings.json"
BACKUPS_KEPT = 7


class StorageError(Exception):
    """The journal cannot be used as it is; the message says what to do."""


class DamagedFile(Exception):
    """A journal file did not parse."""


def shard_name(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m")


class DurableJSONStorage(Storage):
    """TinyDB storage: read once, then every write is durable before `write` returns."""

    def __init__(self, path: str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._data: dict[str, dict[str, Any]] | None = None
        self._loaded = False
        self.dirty = False  # in-memory data not yet on disk (the last write failed)

    def read(self) -> dict[str, dict[str, Any]] | None:
        if not self._loaded:
            self._data = self._load()
            self._loaded = True
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        self._loaded = True
        if self.readonly:
            return  # readers (export, status with no app running) never touch the file
        self.dirty = True
        atomic_write(self.path, _dump(data))
        self.dirty = False

    def memory(self) -> dict[str, dict[str, Any]]:
        """The in-memory data itself (created empty for a new file), to change in place
        before the next write carries it to disk."""
        data = self.read()
        if data is None:
            data = self._data = {}
        return data

    def flush(self) -> None:
        """Write the in-memory data again (after a failed write)."""
        if self._data is not None and self.dirty:
            self.write(self._data)

    def _load(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return parse(raw)


def parse(raw: bytes) -> dict[str, dict[str, Any]] | None:
    """A journal file's content; an empty file is an empty journal. Raises DamagedFile."""
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise DamagedFile(str(exc)) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise DamagedFile("the file is not a journal")
    return data


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _search_text(doc: dict[str, Any]) -> str:
    reflection = doc.get("reflection") or {}
    parts = [
        doc.get("label") or "",
        reflection.get("what_happened") or "",
        reflection.get("lesson") or "",
        *(reflection.get("positives") or []),
    ]
    return "\n".join(parts).casefold()


class Shard:
    """One journal file (a month, or the follow-ups): TinyDB tables and in-memory indexes."""

    def __init__(self, path: Path, tables: tuple[str, ...], *, readonly: bool) -> None:
        self.name = path.stem
        self.path = path
        self.storage = DurableJSONStorage(str(path), readonly=readonly)
        data = self.storage.read() or {}  # parsed now, so damage is found on opening
        self.db = TinyDB(str(path), storage=lambda _path: self.storage)
        self.tables: dict[str, Table] = {name: self.db.table(name) for name in tables}
        self.meta: Table = self.db.table("meta")
        # Indexes straight from the parsed dicts: TinyDB's all() would build a Document
        # per record only for us to throw it away.
        self.ids: dict[str, dict[str, int]] = {
            name: {d["id"]: int(k) for k, d in (data.get(name) or {}).items()} for name in tables
        }
        self._next = {name: max(ids.values(), default=0) + 1 for name, ids in self.ids.items()}
        self.search_text: dict[str, str] = {}
        self.backed_up_on: date | None = None

    @property
    def incident_ids(self) -> dict[str, int]:
        return self.ids["incidents"]

    @property
    def schema(self) -> int | None:
        meta = self.meta.get(doc_id=1)
        return None if meta is None else int(meta.get("schema", 0))

    def upsert(self, table_name: str, key: str, doc: dict[str, Any]) -> None:
        if self.schema is None:
            # In memory only: the write below carries it. A separate write could fail on
            # its own (disk full) and stop the record from ever reaching memory.
            self.storage.memory().setdefault("meta", {})["1"] = {"schema": SCHEMA_VERSION}
            self.meta.clear_cache()
        index = self.ids[table_name]
        table = self.tables[table_name]
        doc_id = index.get(key)
        if doc_id is None:
            # Our own id, recorded before the write: if the disk refuses it, the document
            # is still in memory (TinyDB changed it in place) and must stay findable.
            doc_id = self.new_doc_id(table_name, key)
            table.insert(Document(doc, doc_id=doc_id))
        else:
            table.update(doc, doc_ids=[doc_id])

    def new_doc_id(self, table_name: str, key: str) -> int:
        doc_id = self._next[table_name]
        self._next[table_name] = doc_id + 1
        self.ids[table_name][key] = doc_id
        return doc_id

    def remove(self, table_name: str, keys: Iterable[str]) -> None:
        doc_ids = [self.ids[table_name].pop(key) for key in keys if key in self.ids[table_name]]
        if doc_ids:
            self.tables[table_name].remove(doc_ids=doc_ids)

    def docs(self, table_name: str) -> Iterator[dict[str, Any]]:
        data = self.storage.read() or {}
        return iter((data.get(table_name) or {}).values())

    def get(self, table_name: str, key: str) -> dict[str, Any] | None:
        doc_id = self.ids[table_name].get(key)
        if doc_id is None:
            return None
        data = self.storage.read() or {}
        found = (data.get(table_name) or {}).get(str(doc_id))
        return found if isinstance(found, dict) else None

    def incident_docs(self) -> Iterator[dict[str, Any]]:
        return self.docs("incidents")

    def nudge_docs(self) -> Iterator[dict[str, Any]]:
        return self.docs("nudges")

    def text_of(self, doc: dict[str, Any]) -> str:
        key = doc["id"]
        text = self.search_text.get(key)
        if text is None:
            text = self.search_text[key] = _search_text(doc)
        return text


MONTH_TABLES = ("incidents", "nudges", "positives")
FOLLOWUP_TABLES = ("followups",)


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
        self._shards: dict[str, Shard] = {}
        self._owner: dict[str, str] = {}  # incident id -> month, for loaded months
        self._followups: Shard | None = None
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
        self._on_disk = set(self._files_on_disk())

    # -- files --------------------------------------------------------------------------

    def _files_on_disk(self) -> Iterator[str]:
        if self.journal_dir.is_dir():
            for path in self.journal_dir.glob("????-??.json"):
                yield path.stem

    def _shard(self, name: str, *, create: bool = False) -> Shard | None:
        shard = self._shards.get(name)
        if shard is not None:
            return shard
        if name not in self._on_disk and not create:
            return None
        shard = self._open(self.journal_dir / f"{name}.json", MONTH_TABLES)
        self._shards[name] = shard
        self._on_disk.add(name)
        for incident_id in shard.incident_ids:
            self._owner[incident_id] = name
        return shard

    def _followup_book(self) -> Shard:
        if self._followups is None:
            self._followups = self._open(self.journal_dir / FOLLOWUPS_FILE, FOLLOWUP_TABLES)
        return self._followups

    def _open(self, path: Path, tables: tuple[str, ...]) -> Shard:
        try:
            shard = Shard(path, tables, readonly=self.readonly)
        except DamagedFile as exc:
            if self.readonly:
                raise StorageError(
                    f"The journal file {path} is damaged ({exc}). Start Resilience once: it "
                    "sets the damaged file aside and restores the last good backup."
                ) from None
            self._recover(path, str(exc))
            shard = Shard(path, tables, readonly=False)
        if (shard.schema or 0) > SCHEMA_VERSION:
            raise StorageError(
                f"The journal file {path} was written by a newer version of Resilience "
                f"(format {shard.schema}; this version reads up to {SCHEMA_VERSION}). "
                "Update Resilience to open it; the file was left untouched."
            )
        return shard

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

    def _load_all(self) -> list[Shard]:
        for name in sorted(self._on_disk):
            self._shard(name)
        return [self._shards[name] for name in sorted(self._shards)]

    def _load_between(self, since: datetime | None, until: datetime | None) -> list[Shard]:
        first = shard_name(since) if since else ""
        last = shard_name(until) if until else "9999-99"
        for name in sorted(self._on_disk):
            if first <= name <= last:
                self._shard(name)
        return [self._shards[n] for n in sorted(self._shards) if first <= n <= last]

    def _newest(self) -> Shard | None:
        for name in sorted(self._on_disk, reverse=True):
            shard = self._shard(name)
            if shard is not None and shard.incident_ids:
                return shard
        return None

    def _backup_before_change(self, shard: Shard) -> None:
        """Once a day per file: keep a copy of it as it was before today's changes."""
        today = self._today()
        if shard.backed_up_on == today:
            return
        folder = self.backup_dir / shard.name
        target = folder / f"{today.isoformat()}.json"
        if shard.path.exists() and not target.exists():
            try:
                ensure_private_dir(self.backup_dir)
                ensure_private_dir(folder)
                atomic_write(target, shard.path.read_bytes())
                for old in sorted(folder.glob("*.json"), reverse=True)[BACKUPS_KEPT:]:
                    old.unlink()
            except OSError as exc:
                # A backup that fails must not stop the save it protects.
                log.warning("backup of %s failed: %s", shard.name, exc)
                return
        shard.backed_up_on = today

    def _all_shards(self) -> list[Shard]:
        shards = list(self._shards.values())
        if self._followups is not None:
            shards.append(self._followups)
        return shards

    # -- writes -------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True when a write failed and some changes exist only in memory."""
        return any(shard.storage.dirty for shard in self._all_shards())

    def flush(self) -> None:
        """Retry failed writes. Raises OSError if the disk still refuses."""
        for shard in self._all_shards():
            shard.storage.flush()

    def _month_for(self, incident_id: str, fallback: datetime) -> Shard:
        name = self._owner.get(incident_id)
        if name is None:
            self._load_all()
            name = self._owner.get(incident_id) or shard_name(fallback)
        shard = self._shard(name, create=True)
        assert shard is not None
        self._backup_before_change(shard)
        return shard

    def save_incident(self, incident: Incident) -> None:
        self.generation += 1
        name = self._owner.get(incident.id) or shard_name(incident.flagged_at)
        shard = self._shard(name, create=True)
        assert shard is not None
        self._backup_before_change(shard)
        self._owner[incident.id] = name
        shard.search_text.pop(incident.id, None)
        shard.upsert("incidents", incident.id, incident_to_dict(incident))

    def save_nudge(self, nudge: Nudge) -> None:
        """A nudge lives in the month file of its incident."""
        self.generation += 1
        shard = self._month_for(nudge.incident_id, nudge.due_at)
        shard.upsert("nudges", nudge.id, nudge_to_dict(nudge))

    def save_positive(self, positive: Positive) -> None:
        self.generation += 1
        name = shard_name(positive.created_at)
        for loaded in self._load_all():
            if positive.id in loaded.ids["positives"]:
                name = loaded.name
        shard = self._shard(name, create=True)
        assert shard is not None
        self._backup_before_change(shard)
        shard.upsert("positives", positive.id, positive_to_dict(positive))

    def save_followup(self, followup: FollowUp) -> None:
        self.generation += 1
        book = self._followup_book()
        self._backup_before_change(book)
        book.upsert("followups", followup.id, followup_to_dict(followup))

    def delete_incident(self, incident_id: str) -> Removed | None:
        """Remove an incident with its nudges and follow-ups; returns them for an undo."""
        self.generation += 1
        incident = self.incident(incident_id)
        if incident is None:
            return None
        shard = self._month_for(incident_id, incident.flagged_at)
        nudges = self.nudges(incident_id=incident_id)
        followups = [f for f in self.followups() if f.incident_id == incident_id]
        shard.search_text.pop(incident_id, None)
        # One write for the month: drop the nudges in memory, then the incident writes.
        data = shard.storage.read() or {}
        for nudge in nudges:
            doc_id = shard.ids["nudges"].pop(nudge.id, None)
            if doc_id is not None:
                (data.get("nudges") or {}).pop(str(doc_id), None)
        shard.tables["nudges"].clear_cache()
        shard.remove("incidents", [incident_id])
        self._owner.pop(incident_id, None)
        if followups:
            book = self._followup_book()
            self._backup_before_change(book)
            book.remove("followups", [f.id for f in followups])
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
            put(
                shard_name(positive.created_at),
                "positives",
                positive.id,
                positive_to_dict(positive),
            )
        for name, tables in sorted(by_month.items()):
            shard = self._shard(name, create=True)
            assert shard is not None
            self._bulk_write(shard, tables)
            for key, _doc in tables.get("incidents", []):
                self._owner[key] = name
                shard.search_text.pop(key, None)
        followup_docs = [(f.id, followup_to_dict(f)) for f in followups]
        if followup_docs:
            self._bulk_write(self._followup_book(), {"followups": followup_docs})

    def _bulk_write(
        self, shard: Shard, tables: dict[str, list[tuple[str, dict[str, Any]]]]
    ) -> None:
        self._backup_before_change(shard)
        data = shard.storage.memory()
        data.setdefault("meta", {}).setdefault("1", {"schema": SCHEMA_VERSION})
        for table_name, items in tables.items():
            table = data.setdefault(table_name, {})
            for key, doc in items:
                doc_id = shard.ids[table_name].get(key) or shard.new_doc_id(table_name, key)
                table[str(doc_id)] = doc
            shard.tables[table_name].clear_cache()
        shard.storage.write(data)

    # -- reads --------------------------------------------------------------------------

    def incident(self, incident_id: str) -> Incident | None:
        name = self._owner.get(incident_id)
        if name is None:
            self._load_all()
            name = self._owner.get(incident_id)
            if name is None:
                return None
        doc = self._shards[name].get("incidents", incident_id)
        return incident_from_dict(doc) if doc is not None else None

    def incidents(self) -> list[Incident]:
        """Every incident, oldest first. Reads the whole history (once)."""
        return _sorted_incidents(doc for s in self._load_all() for doc in s.incident_docs())

    def incidents_between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Incident]:
        """Incidents flagged in [since, until), oldest first; reads only those months."""
        found = (
            incident_from_dict(doc)
            for shard in self._load_between(since, until)
            for doc in shard.incident_docs()
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
        shard = self._newest()
        if shard is None:
            return None
        docs = list(shard.incident_docs())
        newest = max(docs, key=lambda d: datetime.fromisoformat(d["flagged_at"]))
        return incident_from_dict(newest)

    def nudges(
        self, *, state: NudgeState | None = None, incident_id: str | None = None
    ) -> list[Nudge]:
        """Nudges, soonest first. Pending ones only ever belong to the newest incident
        (a new flag settles the one before), so asking for those reads the newest month;
        any other question reads every month."""
        if state is NudgeState.PENDING:
            self._newest()
            shards = [self._shards[name] for name in sorted(self._shards)]
        elif incident_id is not None and incident_id in self._owner:
            shards = [self._shards[self._owner[incident_id]]]
        else:
            shards = self._load_all()
        found = []
        for shard in shards:
            for doc in shard.nudge_docs():
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
            for shard in self._load_between(since, until)
            for doc in shard.docs("positives")
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

    def search(self, text: str) -> list[Incident]:
        """Incidents whose label or note contains `text` (any case), newest first."""
        needle = text.casefold().strip()
        hits = [
            doc
            for shard in self._load_all()
            for doc in shard.incident_docs()
            if needle in shard.text_of(doc)
        ]
        return list(reversed(_sorted_incidents(hits)))

    def close(self) -> None:
        for shard in self._all_shards():
            shard.db.close()

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
        self._on_disk = set(self._files_on_disk())
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


# --- settings file -----------------------------------------------------------------------


def load_settings(data_dir: Path) -> dict[str, Any]:
    """Stored setting values; a missing or unreadable file means defaults."""
    path = Path(data_dir) / SETTINGS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(data_dir: Path, values: dict[str, Any]) -> None:
    ensure_private_dir(Path(data_dir))
    atomic_write(Path(data_dir) / SETTINGS_FILE, json.dumps(values, indent=2).encode() + b"\n")


def journal_paths(data_dir: Path) -> list[Path]:
    """Every month file, oldest first (for tests and tools)."""
    return sorted((Path(data_dir) / JOURNAL_DIR).glob("????-??.json"))


__all__ = [
    "SCHEMA_VERSION",
    "DurableJSONStorage",
    "StorageError",
    "Store",
    "journal_paths",
    "load_settings",
    "save_settings",
    "shard_name",
]
