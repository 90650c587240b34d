"""One journal file (a month, or the follow-ups): its TinyDB tables and in-memory indexes.

The store never edits a file's tables or TinyDB's caches itself; it asks the file to
upsert, put many or remove, and each of those is one durable write.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from resilience_app.storage.driver import DurableJSONStorage, Tables, encodes
from resilience_app.storage.proofs import Loaded, Proofs, meta_of

# 1: a single journal.json (0.1.0 development builds); 2: month files; 3: month files of a
# protected journal (records may be sealed, see storage/proofs.py).
SCHEMA_VERSION = 3
PLAIN_SCHEMA = 2
MONTH_TABLES = ("incidents", "nudges", "positives")
# scripts: the rep's own, one per kind; playbook: the rep's answers (storage/playbook.py)
FOLLOWUP_TABLES = ("followups", "scripts", "playbook")

_DOC_KEY = re.compile(r"[1-9][0-9]*")  # TinyDB's document ids, as the file keys them
Rows = Mapping[str, Iterable[tuple[str, dict[str, Any]]]]
_SERIALS = itertools.count(1)


class JournalFile:
    """Tables keyed by each record's own id. Opening parses the file (DamagedFile if it
    does not parse), so damage is found when a file is first needed. Records that are not
    even shaped like records (no id, a repeated id, text that cannot be written back) are
    taken out on opening and listed in `set_aside`, for the store to keep and report."""

    def __init__(
        self,
        path: Path,
        tables: tuple[str, ...],
        *,
        readonly: bool,
        proofs: Proofs | None = None,
    ) -> None:
        self.name = path.stem
        self.path = path
        name = self.name
        # Writes that reached the disk: what was counted from this file (its summary) holds
        # while this number stays the same.
        self.writes = 0
        # Changes to the records in memory, with a number no other file object shares:
        # what was decoded from this file holds while `version` stays the same.
        self.changes = 0
        self.serial = next(_SERIALS)

        def written(data: Tables) -> None:
            self.writes += 1
            if proofs is not None:
                proofs.written(name, data)

        self.storage = DurableJSONStorage(
            str(path),
            readonly=readonly,
            stamp=None if proofs is None else (lambda data: proofs.stamp(name, data)),
            written=written,
        )
        data = self.storage.read() or {}
        # What the file said about itself as read, for its proof to be checked (protected
        # journals only); None once checked.
        self.loaded: Loaded | None = (
            Loaded.of(data) if proofs is not None and proofs.sealer.protected else None
        )
        self.set_aside: list[tuple[str, Any]] = _take_out_misshapen(
            data, tables, check_text=self.storage.raw_may_hold_bad_text
        )
        self._db = TinyDB(str(path), storage=lambda _path: self.storage)
        self._tables: dict[str, Table] = {name: self._db.table(name) for name in tables}
        self._meta: Table = self._db.table("meta")
        # Indexes straight from the parsed dicts: TinyDB's all() would build a Document
        # per record only for us to throw it away.
        self._ids: dict[str, dict[str, int]] = {
            name: {d["id"]: int(k) for k, d in (data.get(name) or {}).items()} for name in tables
        }
        self._next = {name: max(ids.values(), default=0) + 1 for name, ids in self._ids.items()}
        self.backed_up_on: date | None = None

    # -- questions ------------------------------------------------------------------------

    @property
    def schema(self) -> int | None:
        """The file's format number (checked to be a number when the file was parsed)."""
        meta = self._meta.get(doc_id=1)
        if meta is None or isinstance(meta, list):
            return None
        schema = meta.get("schema")
        return schema if isinstance(schema, int) else None

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(self._tables)

    @property
    def proved(self) -> bool:
        """True when the file as it is now carries a proof (written unlocked)."""
        return isinstance(meta_of(self.storage.read()).get("proof"), str)

    @property
    def dirty(self) -> bool:
        return self.storage.dirty

    @property
    def version(self) -> tuple[int, int]:
        return self.serial, self.changes

    def keys(self, table: str) -> Iterable[str]:
        return self._ids[table].keys()

    def has(self, table: str, key: str) -> bool:
        return key in self._ids[table]

    def count(self, table: str) -> int:
        return len(self._ids[table])

    def docs(self, table: str) -> Iterator[dict[str, Any]]:
        data = self.storage.read() or {}
        return iter((data.get(table) or {}).values())

    def get(self, table: str, key: str) -> dict[str, Any] | None:
        doc_id = self._ids[table].get(key)
        if doc_id is None:
            return None
        data = self.storage.read() or {}
        found = (data.get(table) or {}).get(str(doc_id))
        return found if isinstance(found, dict) else None

    # -- changes (each one durable write) -------------------------------------------------

    def upsert(self, table: str, key: str, doc: dict[str, Any]) -> None:
        """Insert or replace one record (replaced, not merged: a field the new version
        leaves out, a label now sealed, must not survive from the old one). A record is
        never changed in place, so a list of records taken earlier (a search running in
        another thread) keeps reading whole ones."""
        self.put_many({table: [(key, doc)]})

    def put_many(self, rows: Rows) -> None:
        """Insert or replace many records in several tables with one write."""
        self.changes += 1
        data = self.storage.memory()
        self._mark_schema()
        for table, items in rows.items():
            stored = data.setdefault(table, {})
            for key, doc in items:
                doc_id = self._ids[table].get(key) or self._new_doc_id(table, key)
                stored[str(doc_id)] = doc
            self._tables[table].clear_cache()
        self.storage.write(data)

    def replace(self, rows: Rows) -> None:
        """Make the listed tables hold exactly `rows` (a rescued copy of this file), with
        one write; records not in `rows` are gone, as they were when it was rescued."""
        self.changes += 1
        data = self.storage.memory()
        self._mark_schema()
        for table, items in rows.items():
            stored: dict[str, Any] = {}
            self._ids[table] = {}
            self._next[table] = 1
            for key, doc in items:
                stored[str(self._new_doc_id(table, key))] = doc
            data[table] = stored
            self._tables[table].clear_cache()
        self.storage.write(data)

    def remove(self, keys: Mapping[str, Iterable[str]]) -> None:
        """Remove records from several tables with one write."""
        self.changes += 1
        data = self.storage.memory()
        for table, wanted in keys.items():
            stored = data.get(table) or {}
            for key in wanted:
                doc_id = self._ids[table].pop(key, None)
                if doc_id is not None:
                    stored.pop(str(doc_id), None)
            self._tables[table].clear_cache()
        self.storage.write(data)

    def discard(self, table: str, keys: Iterable[str]) -> None:
        """Take records out of memory only (the next write carries it to disk)."""
        self.changes += 1
        rows = self.storage.memory().get(table) or {}
        for key in keys:
            doc_id = self._ids[table].pop(key, None)
            if doc_id is not None:
                rows.pop(str(doc_id), None)
        self._tables[table].clear_cache()

    def change_docs(
        self, table: str, change: Callable[[dict[str, Any]], dict[str, Any] | None]
    ) -> int:
        """Change records in memory only (None: unchanged); the next write carries them."""
        self.changes += 1
        rows = self.storage.memory().get(table) or {}
        changed = 0
        for key, doc in list(rows.items()):
            new = change(doc) if isinstance(doc, dict) else None
            if new is not None:
                rows[key] = new
                changed += 1
        if changed:
            self._tables[table].clear_cache()
        return changed

    def rewrite(self) -> None:
        """Write the file again as it is in memory (after records were set aside)."""
        self.storage.write(self.storage.memory())

    def flush(self) -> None:
        self.storage.flush()

    def close(self) -> None:
        self._db.close()

    def _mark_schema(self) -> None:
        if self.schema is None:
            # In memory only: the change's own write carries it. A separate write could
            # fail on its own (disk full) and stop the record from ever reaching memory.
            self.storage.memory().setdefault("meta", {})["1"] = {"schema": PLAIN_SCHEMA}
            self._meta.clear_cache()

    def _new_doc_id(self, table: str, key: str) -> int:
        doc_id = self._next[table]
        self._next[table] = doc_id + 1
        self._ids[table][key] = doc_id
        return doc_id


def table_of(doc: dict[str, Any], tables: tuple[str, ...]) -> str | None:
    """Which of a file's tables a record belongs to, by its shape (for records found
    outside their table: a table's name changed, a file that no longer parses)."""
    if "flagged_at" in doc:
        found = "incidents"
    elif "incident_id" in doc:
        found = "followups" if "created_at" in doc or "nudges" not in tables else "nudges"
    elif "box" in doc or "call_ids" in doc:
        found = "playbook"
    elif "created_at" in doc:
        found = "positives"
    else:
        found = "scripts"
    return found if found in tables else None


def _take_out_misshapen(data: Tables, tables: tuple[str, ...], *, check_text: bool) -> list[Any]:
    taken: list[tuple[str, Any]] = []
    meta = data.get("meta")
    if check_text and isinstance(meta, dict) and not encodes(meta):
        # Meta is the file's own (written anew with the next write): what of it cannot be
        # written back goes, so the write does not fail.
        for key, entry in list(meta.items()):
            if not isinstance(entry, dict) or not encodes(key):
                meta.pop(key)
                continue
            meta[key] = {k: v for k, v in entry.items() if encodes({k: v})}
    # Records under a table name the file should not have (one changed byte of its name)
    # go back to the table their shape says, if their id is not taken there.
    strays: list[tuple[str, Any]] = []
    for name in [k for k in data if k not in tables and k != "meta"]:
        rows = data.pop(name)
        for doc in (rows or {}).values() if isinstance(rows, dict) else ():
            if isinstance(doc, dict) and "schema" in doc and "id" not in doc:
                continue  # the file's own meta under a changed name: written anew
            table = table_of(doc, tables) if isinstance(doc, dict) else None
            if table is None:
                taken.append((name, doc))
            else:
                strays.append((table, doc))
    for table in tables:
        moved = [doc for t, doc in strays if t == table]
        if not data.get(table) and not moved:
            continue
        rows = data.setdefault(table, {})
        seen: set[str] = set()
        renumber: list[Any] = []
        for key in list(rows):
            doc = rows[key]
            record_id = doc.get("id") if isinstance(doc, dict) else None
            shaped = (
                isinstance(record_id, str)
                and bool(record_id)
                and record_id not in seen
                and (not check_text or encodes(doc))
            )
            if not shaped:
                taken.append((table, rows.pop(key)))
                continue
            seen.add(str(record_id))
            if _DOC_KEY.fullmatch(key) is None:  # "²" is a digit, "01" is 1 again
                renumber.append(rows.pop(key))
        for doc in moved:
            record_id = doc.get("id")
            fits = isinstance(record_id, str) and record_id and record_id not in seen
            if fits and (not check_text or encodes(doc)):
                seen.add(record_id)
                renumber.append(doc)
                continue
            taken.append((table, doc))
        if renumber:
            last = max((int(k) for k in rows), default=0)
            for n, doc in enumerate(renumber, start=last + 1):
                rows[str(n)] = doc
    return taken


_TABLE_MARK = re.compile(r'"([a-z_]+)":\{')


def salvage(raw: bytes, tables: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    """The records that can still be read from a file that does not parse as a whole
    (cut short, a byte changed where it breaks the JSON): every object that parses and
    has an id, in the table named before it (or, failing that, the one its shape says)."""
    text = raw.decode("utf-8", "surrogateescape")
    marks = [(m.start(), m.group(1)) for m in _TABLE_MARK.finditer(text) if m.group(1) in tables]
    decoder = json.JSONDecoder()
    found: list[tuple[str, dict[str, Any]]] = []
    seen: set[tuple[str, str]] = set()
    at = text.find("{")
    while at != -1:
        try:
            value, _end = decoder.raw_decode(text, at)
        except (ValueError, RecursionError):
            at = text.find("{", at + 1)
            continue
        record_id = value.get("id") if isinstance(value, dict) else None
        if not isinstance(record_id, str) or not record_id:
            at = text.find("{", at + 1)  # a table, or the whole file: look inside
            continue
        # A record that lost its closing brace holds the next one as a field: that one is
        # a record of its own (found as the scan goes on inside), not part of this one.
        value = {
            k: v
            for k, v in value.items()
            if not (isinstance(v, dict) and isinstance(v.get("id"), str))
        }
        named = [table for start, table in marks if start < at]
        table = named[-1] if named else table_of(value, tables)
        if table is not None and (table, record_id) not in seen and encodes(value):
            seen.add((table, record_id))
            found.append((table, value))
        at = text.find("{", at + 1)
    return found
