"""Daily backups (``backups/NAME/DATE.json``): before the first change of the day to a
journal file, the file as it was; the newest BACKUPS_KEPT copies per file are kept, and
a damaged or missing file is put back from the newest that holds."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resilience_app.files import atomic_write, ensure_private_dir, read_private
from resilience_app.storage.driver import DamagedFile, parse
from resilience_app.storage.journal_file import JournalFile
from resilience_app.storage.layout import BACKUP_DIR
from resilience_app.storage.proofs import Loaded, same
from resilience_app.storage.sealing import BadSeal

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store

log = logging.getLogger(__name__)


BACKUPS_KEPT = 7


class Backups:
    """The daily backups of the journal's files, and putting the newest good one back."""

    def __init__(self, store: Store, today: Callable[[], date]) -> None:
        # The Store this part belongs to: its other parts, its lock, its notices.
        self.store = store
        self.backup_dir: Path = store.data_dir / BACKUP_DIR
        self.today = today
        self.restored: set[str] = set()  # files just restored from a backup by the app

    def restore_latest(self, path: Path) -> Path | None:
        """Put the newest backup that parses (and, protected and unlocked, whose seals and
        proof hold) in place of `path`; the backup used, or None."""
        folder = self.backup_dir / path.stem
        backups = [] if folder.is_symlink() else sorted(folder.glob("*.json"), reverse=True)
        for backup in backups:
            try:
                raw = read_private(backup)
                data = parse(raw)
            except (OSError, DamagedFile):
                continue
            if not self.holds(path.stem, data):
                log.error("the backup %s does not hold with this journal's key", backup)
                continue
            try:
                atomic_write(path, raw)
            except OSError as exc:
                log.error("could not restore %s from %s: %s", path.stem, backup, exc)
                continue
            return backup
        return None

    def holds(self, name: str, data: Any) -> bool:
        if not self.store.protected or self.store.locked or not data:
            return True
        loaded = Loaded.of(data)
        # Its own proof must match (it is older than the list by nature).
        if loaded.proof is not None and not same(
            loaded.proof, self.store.proofs.proof(name, loaded.generation, loaded.digest)
        ):
            return False
        try:
            for table, rows in data.items():
                if table == "meta" or not isinstance(rows, dict):
                    continue
                for doc in rows.values():
                    if isinstance(doc, dict):
                        self.store.sealer.open_doc(name, table, doc)
        except BadSeal:
            return False
        return True

    def before_change(self, journal_file: JournalFile) -> None:
        """Once a day per file: keep a copy of it as it was before today's changes."""
        today = self.today()
        if journal_file.backed_up_on == today:
            return
        folder = self.backup_dir / journal_file.name
        target = folder / f"{today.isoformat()}.json"
        if journal_file.path.exists() and not target.exists():
            try:
                # Never through a link: a linked backup folder would have its contents
                # chmodded, overwritten and pruned.
                ensure_private_dir(self.backup_dir, follow=False)
                ensure_private_dir(folder, follow=False)
                atomic_write(target, read_private(journal_file.path))
                for old in sorted(folder.glob("*.json"), reverse=True)[BACKUPS_KEPT:]:
                    old.unlink()
            except OSError as exc:
                # A backup that fails must not stop the save it protects.
                log.warning("backup of %s failed: %s", journal_file.name, exc)
                return
        journal_file.backed_up_on = today
