"""The upgrade from format 1, which kept everything in one ``journal.json``: split into
month files, after a backup of the old file (sealed whole when the journal is protected)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from resilience_app.files import atomic_write, ensure_private_dir
from resilience_app.i18n import _
from resilience_app.storage.codec import incident_from_dict, nudge_from_dict
from resilience_app.storage.driver import DamagedFile, parse
from resilience_app.storage.layout import LEGACY_FILE, StorageError, move_aside, stamp

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store

log = logging.getLogger(__name__)


def migrate_legacy(store: Store) -> None:
    """Format 1 kept everything in one journal.json; split it into month files."""
    legacy = store.data_dir / LEGACY_FILE
    if store.readonly:
        raise StorageError(
            _(
                "The journal in {path} uses an older format. Start Resilience once to upgrade "
                "it (a backup is kept), then try again."
            ).format(path=store.data_dir)
        )
    raw = legacy.read_bytes()
    try:
        data = parse(raw) or {}
    except DamagedFile as exc:
        aside = move_aside(legacy)
        log.error("legacy journal damaged (%s); moved to %s", exc, aside)
        store.notice(
            _(
                "Your old journal file was damaged, so it was set aside at {path}. Nothing "
                "was deleted."
            ).format(path=aside)
        )
        return
    schema = int((data.get("meta") or {}).get("1", {}).get("schema", 1))
    if schema > 1:
        raise StorageError(
            # Translators: {format} is a format number of the journal's files.
            _(
                "{path} has format {format}, which this version does not know. Update "
                "Resilience to open it; the file was left untouched."
            ).format(path=legacy, format=schema)
        )
    folder = ensure_private_dir(ensure_private_dir(store.backups.backup_dir) / "before-upgrade")
    name = f"journal-format-1-{stamp()}.json"
    if store.protected:
        # Sealed whole, as turning the lock on seals such files (opened again when it
        # is turned off): a protected journal keeps no plain copy.
        bound = f"resilience/seal/1/whole-file/{name}".encode()
        atomic_write(folder / f"{name}.sealed", store.sealer.seal(bound, raw).encode())
    else:
        atomic_write(folder / name, raw)  # backup first
    incidents = [incident_from_dict(d) for d in (data.get("incidents") or {}).values()]
    nudges = [nudge_from_dict(d) for d in (data.get("nudges") or {}).values()]
    store.months.on_disk = set(store.months.names_on_disk())
    store.writes.add_many(incidents, nudges)
    legacy.unlink()
    log.info("migrated %d incidents from format 1", len(incidents))
