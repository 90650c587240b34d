"""The journal on disk: TinyDB behind one class that speaks in domain objects.

Files in the data directory:
- ``journal.json``: incidents, nudges and a schema version (TinyDB, durable storage below);
- ``settings.json``: the values of `core.settings.SCHEMA` that differ from nothing.

The storage keeps the data in memory after the first read and writes every change through
to disk (temp file, fsync, rename) before the call returns, so an acknowledged change is
never only in memory. A failed write keeps the in-memory data; `flush()` retries it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from resilience_app.core.models import (
    Incident,
    LossReason,
    MyPart,
    Nudge,
    NudgeKind,
    NudgeState,
    Reflection,
    ReflectionStatus,
)
from resilience_app.storage.files import atomic_write, ensure_private_dir

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
JOURNAL_FILE = "journal.json"
SETTINGS_FILE = "settings.json"


class StorageError(Exception):
    """The journal cannot be used as it is; the message says what to do."""


class DurableJSONStorage(Storage):
    """TinyDB storage: read once, then every write is durable before `write` returns."""

    def __init__(
        self,
        path: str,
        on_notice: Callable[[str], None] | None = None,
        *,
        readonly: bool = False,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._data: dict[str, dict[str, Any]] | None = None
        self._loaded = False
        self._on_notice = on_notice or (lambda message: None)
        self.dirty = False  # in-memory data not yet on disk (last write failed)

    def read(self) -> dict[str, dict[str, Any]] | None:
        if not self._loaded:
            self._data = self._load()
            self._loaded = True
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.readonly:
            # Readers (export, status with no app running) get a copy; never the file.
            self._data = data
            return
        self._data = data
        self._loaded = True
        self.dirty = True
        atomic_write(self.path, _dump(data))
        self.dirty = False

    def flush(self) -> None:
        """Write the in-memory data again (after a failed write)."""
        if self._data is not None and self.dirty:
            self.write(self._data)

    def _load(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            data = json.loads(raw) if raw.strip() else None
            if data is not None and not isinstance(data, dict):
                raise ValueError("top level is not an object")
            return data
        except ValueError as exc:
            if self.readonly:
                raise StorageError(
                    f"The journal at {self.path} is damaged ({exc}). Start Resilience once: "
                    "it sets the damaged file aside and starts a fresh one."
                ) from None
            aside = _move_aside(self.path)
            log.error("journal %s did not parse (%s); moved to %s", self.path, exc, aside)
            self._on_notice(
                f"Your journal file was damaged, so it was set aside at {aside} and a fresh "
                "one was started. Nothing was deleted."
            )
            return None


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _move_aside(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
        counter += 1
    shutil.move(str(path), aside)
    return aside


# --- codec: dicts on disk <-> domain objects -------------------------------------------


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def reflection_to_dict(reflection: Reflection) -> dict[str, Any]:
    return {
        "what_happened": reflection.what_happened,
        "my_part": reflection.my_part.value if reflection.my_part else None,
        "loss_reason": reflection.loss_reason.value if reflection.loss_reason else None,
        "lesson": reflection.lesson,
        "positives": list(reflection.positives),
        "mood_after": reflection.mood_after,
    }


def reflection_from_dict(data: dict[str, Any]) -> Reflection:
    return Reflection(
        what_happened=data.get("what_happened") or "",
        my_part=MyPart(data["my_part"]) if data.get("my_part") else None,
        loss_reason=LossReason(data["loss_reason"]) if data.get("loss_reason") else None,
        lesson=data.get("lesson") or "",
        positives=[str(p) for p in data.get("positives") or []],
        mood_after=data.get("mood_after"),
    )


def incident_to_dict(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "flagged_at": _when(incident.flagged_at),
        "label": incident.label,
        "rough": incident.rough,
        "break_started_at": _when(incident.break_started_at),
        "break_ends_at": _when(incident.break_ends_at),
        "break_ended_at": _when(incident.break_ended_at),
        "dialed_at": _when(incident.dialed_at),
        "reflection": reflection_to_dict(incident.reflection),
        "reflection_status": incident.reflection_status.value,
        "reflection_saved_at": _when(incident.reflection_saved_at),
    }


def incident_from_dict(data: dict[str, Any]) -> Incident:
    flagged_at = _parse_when(data["flagged_at"])
    assert flagged_at is not None
    return Incident(
        id=data["id"],
        flagged_at=flagged_at,
        label=data.get("label") or "",
        rough=data.get("rough"),
        break_started_at=_parse_when(data.get("break_started_at")),
        break_ends_at=_parse_when(data.get("break_ends_at")),
        break_ended_at=_parse_when(data.get("break_ended_at")),
        dialed_at=_parse_when(data.get("dialed_at")),
        reflection=reflection_from_dict(data.get("reflection") or {}),
        reflection_status=ReflectionStatus(data.get("reflection_status") or "pending"),
        reflection_saved_at=_parse_when(data.get("reflection_saved_at")),
    )


def nudge_to_dict(nudge: Nudge) -> dict[str, Any]:
    return {
        "id": nudge.id,
        "incident_id": nudge.incident_id,
        "kind": nudge.kind.value,
        "due_at": _when(nudge.due_at),
        "state": nudge.state.value,
        "fired_at": _when(nudge.fired_at),
    }


def nudge_from_dict(data: dict[str, Any]) -> Nudge:
    due_at = _parse_when(data["due_at"])
    assert due_at is not None
    return Nudge(
        id=data["id"],
        incident_id=data["incident_id"],
        kind=NudgeKind(data["kind"]),
        due_at=due_at,
        state=NudgeState(data["state"]),
        fired_at=_parse_when(data.get("fired_at")),
    )


# --- the store ---------------------------------------------------------------------------


class Store:
    """Incidents and nudges, durable. Only the running app (or a command holding the
    instance lock) may create one for writing."""

    def __init__(self, data_dir: Path, *, readonly: bool = False) -> None:
        self.data_dir = Path(data_dir) if readonly else ensure_private_dir(Path(data_dir))
        self.readonly = readonly
        self.notices: list[str] = []
        self._storage: DurableJSONStorage | None = None
        path = self.data_dir / JOURNAL_FILE

        def make_storage(p: str) -> DurableJSONStorage:
            self._storage = DurableJSONStorage(p, self.notices.append, readonly=readonly)
            return self._storage

        self._db = TinyDB(str(path), storage=make_storage)
        self._incidents = self._db.table("incidents")
        self._nudges = self._db.table("nudges")
        self._meta = self._db.table("meta")
        self._check_schema()
        self._incident_ids = {doc["id"]: doc.doc_id for doc in self._incidents.all()}
        self._nudge_ids = {doc["id"]: doc.doc_id for doc in self._nudges.all()}

    def _check_schema(self) -> None:
        meta = self._meta.get(doc_id=1)
        if meta is None:
            self._meta.insert({"schema": SCHEMA_VERSION})
            return
        version = int(meta.get("schema", 0))
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"The journal in {self.data_dir} was written by a newer version of Resilience "
                f"(format {version}; this version reads up to {SCHEMA_VERSION}). "
                "Update Resilience to open it; the file was left untouched."
            )

    # -- writes ------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True when a write failed and some changes exist only in memory."""
        return bool(self._storage and self._storage.dirty)

    def flush(self) -> None:
        """Retry a failed write. Raises OSError if the disk still refuses it."""
        if self._storage is not None:
            self._storage.flush()

    def save_incident(self, incident: Incident) -> None:
        self._upsert(self._incidents, self._incident_ids, incident.id, incident_to_dict(incident))

    def save_nudge(self, nudge: Nudge) -> None:
        self._upsert(self._nudges, self._nudge_ids, nudge.id, nudge_to_dict(nudge))

    def save_nudges(self, nudges: Iterable[Nudge]) -> None:
        for nudge in nudges:
            self.save_nudge(nudge)

    def _upsert(self, table: Any, index: dict[str, int], key: str, doc: dict[str, Any]) -> None:
        doc_id = index.get(key)
        if doc_id is None:
            # Our own id, recorded before the write: if the disk refuses it, the document is
            # still in memory (TinyDB changed it in place) and must stay findable.
            doc_id = max(index.values(), default=0) + 1
            index[key] = doc_id
            table.insert(Document(doc, doc_id=doc_id))
        else:
            table.update(doc, doc_ids=[doc_id])

    # -- reads -------------------------------------------------------------------------

    def incident(self, incident_id: str) -> Incident | None:
        doc_id = self._incident_ids.get(incident_id)
        if doc_id is None:
            return None
        doc = self._incidents.get(doc_id=doc_id)
        return incident_from_dict(dict(doc)) if doc is not None else None

    def incidents(self) -> list[Incident]:
        """Every incident, oldest first."""
        found = [incident_from_dict(dict(doc)) for doc in self._incidents.all()]
        found.sort(key=lambda incident: incident.flagged_at)
        return found

    def latest_incident(self) -> Incident | None:
        found = self.incidents()
        return found[-1] if found else None

    def nudges(
        self, *, state: NudgeState | None = None, incident_id: str | None = None
    ) -> list[Nudge]:
        where = Query()
        docs = self._nudges.all()
        if state is not None:
            docs = self._nudges.search(where.state == state.value)
        found = [nudge_from_dict(dict(doc)) for doc in docs]
        if incident_id is not None:
            found = [n for n in found if n.incident_id == incident_id]
        found.sort(key=lambda nudge: nudge.due_at)
        return found

    def close(self) -> None:
        self._db.close()


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


def journal_exists(data_dir: Path) -> bool:
    return os.path.exists(Path(data_dir) / JOURNAL_FILE)
