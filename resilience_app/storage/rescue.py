"""Rescue files: what the disk refused to save, kept somewhere else at quit, merged back
at the next start.

When the app (or a command run without it) must stop while some changes exist only in
memory, it writes the in-memory content of every unsaved journal file to
``resilience-rescue-DIGEST-STAMP.json`` in the first private place that takes it
(`paths.rescue_places`: the data folder, the cache folder, /var/tmp, /tmp, the session's
runtime folder). The next start finds those files, merges their records into the journal
record by record (what was in memory is newer than what is on disk), and deletes a rescue
file only once its records are durably in the journal.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from resilience_app.files import atomic_write, read_private
from resilience_app.i18n import _, ngettext
from resilience_app.paths import digest, private_folder, rescue_places
from resilience_app.storage.codec import (
    BadRecord,
    followup_from_dict,
    incident_from_dict,
    nudge_from_dict,
    positive_from_dict,
)
from resilience_app.storage.playbook import entry_from_dict
from resilience_app.storage.scripts import script_from_dict
from resilience_app.storage.store import FOLLOWUPS_FILE, Store

log = logging.getLogger(__name__)
PREFIX = "resilience-rescue-"
DECODERS = {
    "incidents": incident_from_dict,
    "nudges": nudge_from_dict,
    "positives": positive_from_dict,
    "followups": followup_from_dict,
    "playbook": entry_from_dict,  # kept in the follow-ups file (storage/playbook.py)
    "scripts": script_from_dict,  # the rep's own follow-up scripts, in the follow-ups file
}


def write(store: Store) -> Path | None:
    """Keep the unsaved journal files somewhere that still has room; the path, or None
    when no place would take them (or nothing was unsaved)."""
    unsaved = store.dirty_files()
    if not unsaved:
        return None
    document = {
        "app": "resilience",
        "kind": "rescue",
        "data_dir": str(store.data_dir),
        "written_at": datetime.now(UTC).isoformat(),
        "files": {f.path.name: f.storage.memory() for f in unsaved},
    }
    raw = json.dumps(document, ensure_ascii=True, separators=(",", ":")).encode()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    name = f"{PREFIX}{digest(store.data_dir)}-{stamp}.json"
    for place in rescue_places(store.data_dir):
        folder = private_folder(place)
        if folder is None:
            continue
        try:
            atomic_write(folder / name, raw)
        except OSError as exc:
            log.warning("rescue file not written to %s: %s", folder, exc.strerror or exc)
            continue
        log.warning("unsaved changes kept in %s", folder / name)
        store.forget_rescues()  # this one holds what they held, and more
        return folder / name
    log.error("no place would take the unsaved changes")
    return None


def find(data_dir: Path) -> list[Path]:
    """Rescue files of this data folder, oldest first (only regular files of the rep's)."""
    found: list[Path] = []
    pattern = f"{PREFIX}{digest(data_dir)}-*.json"
    for place in rescue_places(data_dir):
        if private_folder(place, create=False) is None:
            continue
        for path in place.glob(pattern):
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and (os.name != "posix" or info.st_uid == os.getuid()):
                found.append(path)
    return sorted(found, key=lambda p: p.name)


def merge(store: Store) -> list[str]:
    """Put the records of every rescue file back into the journal; sentences for the rep."""
    said: list[str] = []
    for path in find(store.data_dir):
        if path in store.pending_rescues:
            continue  # already back in memory, waiting for the disk
        try:
            document = json.loads(read_private(path))
            files = document["files"]
            written_at = datetime.fromisoformat(document["written_at"])
            if not isinstance(files, dict) or written_at.tzinfo is None:
                raise ValueError("not a rescue file")
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
            log.error("rescue file %s unreadable: %s", path, exc)
            said.append(
                _(
                    "A rescue file of unsaved changes could not be read; it was left at {path}."
                ).format(path=path)
            )
            continue
        added = 0
        for name, tables in files.items():
            if isinstance(tables, dict):
                added += _merge_file(store, str(name), tables, written_at)
        if store.dirty:
            store.pending_rescues.append(path)  # removed once the disk takes them
            said.append(
                _(
                    "Changes that could not be saved last time are back in memory from {path}, "
                    "but the disk still refuses them; Resilience keeps trying."
                ).format(path=path)
            )
            continue
        path.unlink(missing_ok=True)
        if added:
            said.append(
                ngettext(
                    "Resilience could not save some of your changes before it closed last time. "
                    "They were kept aside and are now back in your journal ({n} record).",
                    "Resilience could not save some of your changes before it closed last time. "
                    "They were kept aside and are now back in your journal ({n} records).",
                    added,
                ).format(n=added)
            )
    return said


def _merge_file(store: Store, name: str, tables: dict[str, Any], written_at: datetime) -> int:
    rows: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for table, docs in tables.items():
        decode = DECODERS.get(table)
        if decode is None or not isinstance(docs, dict):
            continue
        rows.setdefault(table, [])
        for doc in docs.values():
            try:
                decode(doc)
            except BadRecord:
                continue  # never let a bad record in; the rest still counts
            rows[table].append((doc["id"], doc))
    if name == FOLLOWUPS_FILE:
        return store.merge_rows(None, rows, written_at=written_at)
    return store.merge_rows(Path(name).stem, rows, written_at=written_at)
