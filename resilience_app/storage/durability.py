"""Writing through: every change reaches the disk before the call returns. A write the
disk refuses never raises: the change stays in memory, `dirty` says so, `on_save_failed`
is told, and `flush()` retries; files removed under the running app are written again."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from resilience_app.files import ensure_private_dir
from resilience_app.i18n import _
from resilience_app.storage.journal_file import JournalFile
from resilience_app.storage.sealing import KEY_FILE, write_key_file

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store

log = logging.getLogger(__name__)


class Durability:
    """Writes through to the disk, and keeps what the disk refused until it takes it."""

    def __init__(self, store: Store) -> None:
        # The Store this part belongs to: its other parts, its lock, its notices.
        self.store = store

    def open_files(self) -> list[JournalFile]:
        files = list(self.store.months.loaded.values())
        if self.store.followup_file.book_file is not None:
            files.append(self.store.followup_file.book_file)
        return files

    @property
    def dirty(self) -> bool:
        """True when a write failed and some changes exist only in memory."""
        return any(f.dirty for f in self.open_files())

    def dirty_files(self) -> list[JournalFile]:
        return [f for f in self.open_files() if f.dirty]

    def flush(self) -> None:
        """Retry failed writes. Raises OSError if the disk still refuses."""
        self.restore_vanished()
        for journal_file in self.open_files():
            journal_file.flush()
        if self.store.pending_rescues and not self.dirty:
            self.forget_rescues()

    def forget_rescues(self) -> None:
        """Rescue files whose records are now on disk (or in a newer rescue file)."""
        for path in self.store.pending_rescues:
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("could not remove the merged rescue file %s: %s", path, exc)
        self.store.pending_rescues = []

    def durably(self, write: Callable[[], None]) -> None:
        """Run a write; if the disk refuses it, keep the change in memory and report."""
        try:
            # Files removed under the running app go back with this write (the folder may
            # already have been made again by someone else, so the folder alone says little).
            restored = self.restore_vanished()
            write()
            if restored:
                self.flush()
            if self.store.pending_rescues and not self.dirty:
                self.forget_rescues()
        except FileNotFoundError as exc:
            # The data folder went away during the write: make it again and retry, so what
            # the app holds is not lost with it.
            if self.restore_vanished():
                self.durably(self.flush)
            else:
                self.failed(exc)
        except OSError as exc:
            self.failed(exc)

    def failed(self, exc: OSError) -> None:
        self.store.last_error = exc
        log.error("could not save: %s", exc.strerror or exc)
        if self.store.on_save_failed is not None:
            self.store.on_save_failed(exc)

    def restore_vanished(self) -> bool:
        """Journal files removed under the running app (the data folder deleted, perhaps
        made again meanwhile by another process; one file deleted by hand): make the
        folders again and mark every file open in memory that is no longer on disk unsaved,
        so the next write or flush puts it back; True when anything was missing. A write
        acknowledged just before an `rm -r` reached its file is not lost that way."""
        if self.store.readonly:
            return False
        made = False
        if not self.store.journal_dir.is_dir():
            try:
                ensure_private_dir(self.store.data_dir)
                ensure_private_dir(self.store.journal_dir, follow=False)
            except OSError:
                return False
            made = True
        missing = [f for f in self.open_files() if f.storage.held_but_missing()]
        key_file = self.store.data_dir / KEY_FILE
        key_missing = self.store.sealer.key is not None and not os.path.lexists(key_file)
        if not (made or missing or key_missing):
            return False
        if key_missing and self.store.sealer.key is not None:
            # Without it, every sealed file written back could never be opened.
            try:
                write_key_file(key_file, self.store.sealer.key)
            except OSError as exc:
                log.error("could not write the key file again: %s", exc.strerror or exc)
        for journal_file in missing:
            journal_file.storage.dirty = True  # the next flush writes each one again
        for journal_file in self.open_files() if made else missing:
            journal_file.backed_up_on = None  # its backups went with the folder
        if self.store.on_recreated is not None:
            self.store.on_recreated()
        if made:
            log.warning(
                "the journal folder %s was missing and was created again", self.store.journal_dir
            )
            self.store.notice(
                _(
                    "Your data folder {path} was removed while Resilience was running. It was "
                    "created again with everything Resilience had open."
                ).format(path=self.store.data_dir)
            )
        else:
            names = ", ".join(sorted(f.storage.path.name for f in missing)) or KEY_FILE
            log.warning("journal files removed while the app ran, written again: %s", names)
            self.store.notice(
                # Translators: {names} are file names of the journal, comma-separated.
                _(
                    "Files of your journal ({names}) were removed while Resilience was "
                    "running. They were written again from what Resilience had open."
                ).format(names=names)
            )
        return True
