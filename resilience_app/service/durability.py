"""`Durability`: what the rep did reaches the disk: a failed save is told once and tried
again every few seconds, files removed under the running app are written back, and what
the disk still refuses at the end goes to a rescue file, merged back at the next start."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from resilience_app.core.loop import disk_sentence
from resilience_app.i18n import _
from resilience_app.service.context import Context
from resilience_app.storage import rescue

log = logging.getLogger(__name__)

# While a write is failing, try again this often.
SAVE_RETRY = timedelta(seconds=10)


class Durability:
    """Saving, retrying and rescuing; the store tells it when a write fails."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._unsaved = False  # a write failed and the rep was told
        self.next_retry: datetime | None = None
        ctx.store.on_save_failed = self._save_failed
        ctx.clock_stepped.connect(self._clock_stepped)

    def _clock_stepped(self, jump: timedelta) -> None:
        if self.next_retry is not None:
            self.next_retry += jump

    @property
    def durable(self) -> bool:
        """True when everything acknowledged is on disk."""
        return not self.ctx.store.dirty

    def unsaved_sentence(self) -> str | None:
        """What the rep is told when what they just did is kept but not on disk yet."""
        if self.durable:
            return None
        error = self.ctx.store.last_error
        if error is None:
            return _(
                "Not saved to disk yet (the disk refused it). Resilience keeps it and tries again "
                "every few seconds, so there is no need to enter it again."
            )
        # Translators: {reason} is the system's reason ("No space left on device").
        return _(
            "Not saved to disk yet ({reason}). Resilience keeps it and tries again every few "
            "seconds, so there is no need to enter it again."
        ).format(reason=error.strerror or str(error))

    def restore_removed_files(self) -> None:
        """Files of the data folder went away under the running app (it watches the
        folders): write back at once what it holds, not only at the next change."""
        store = self.ctx.store
        if store.readonly or not store.restore_vanished():
            return
        try:
            store.flush()
        except OSError as exc:
            store.last_error = exc
            self._save_failed(exc)

    def _save_failed(self, exc: OSError) -> None:
        # Once per outage: drafts save as the rep types, and each would fail the same way.
        if not self._unsaved:
            self._unsaved = True
            self.ctx.tell(disk_sentence(exc))
        if self.next_retry is None:
            self._plan_retry()

    def _plan_retry(self) -> None:
        self.next_retry = self.ctx.clock.now() + SAVE_RETRY
        self.ctx.schedule_changed.emit()

    def retry_save(self) -> None:
        self.next_retry = None
        try:
            self.ctx.store.flush()
        except OSError as exc:
            log.warning("save still failing: %s", exc.strerror or exc)
            self.ctx.store.last_error = exc
            self._plan_retry()
            return
        self.ctx.schedule_changed.emit()
        if self._unsaved:
            self._unsaved = False
            self.ctx.notifier.send(
                "Resilience",
                _("Saved. Everything you wrote is safely on disk again."),
                urgent=False,
            )

    def close(self, *, flush: bool = True) -> Path | None:
        """Stop using the journal. Changes the disk still refuses go to a rescue file
        elsewhere (merged back at the next start); returns its path, if one was written.
        `flush=False` when this process is no longer the folder's one writer."""
        kept = None
        store = self.ctx.store
        if store.dirty:
            try:
                if not flush:
                    raise OSError("not the writer any more")
                store.flush()
            except OSError:
                kept = rescue.write(store)
        store.close()
        return kept

    def merge_rescued(self) -> list[str]:
        """Put back what an earlier run could not save; sentences for the rep."""
        if self.ctx.store.readonly:
            return []
        said = rescue.merge(self.ctx.store)
        if said:
            self.ctx.record_changed()
        return said
