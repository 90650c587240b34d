"""The journal on disk: one object that speaks in domain objects, made of parts that each
keep one kind of file or one duty (find the room from the feature's name):

- `storage/months.py`: the month files (``journal/YYYY-MM.json``), calls, nudges, positives;
- `storage/followup_file.py`: the follow-ups file (``journal/followups.json``);
- `storage/scripts.py`: the rep's own follow-up scripts, kept there too;
- `storage/playbook.py`: the rep's playbook (their words, my answers), kept there too;
- `storage/writes.py`: every change, one durable write per file touched;
- `storage/durability.py`: writing through, a disk that refuses, files removed meanwhile;
- `storage/backups.py`: the daily backups (``backups/NAME/DATE.json``);
- `storage/setaside.py`: records that do not decode, set aside and named to the rep;
- `storage/damaged_files.py`: a damaged, changed or missing file, restored and salvaged;
- `storage/summary_upkeep.py`: each month's day tallies, kept up to date;
- `storage/legacy.py`: the upgrade from the one-file format 1.

Each file is read once and then kept in memory; every change is written through before
the call returns (see `driver`). Only the files a question needs are read: starting the
app reads the newest month and the last few weeks, whatever the size of the history.
The service is handed a `Store`; its methods below hand each question to its part.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from resilience_app.core.models import (
    FollowUp,
    FollowUpState,
    Incident,
    Nudge,
    NudgeState,
    Positive,
    Removed,
)
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.core.tallies import Days, DayTally
from resilience_app.files import ensure_private_dir
from resilience_app.i18n import _
from resilience_app.storage.backups import BACKUPS_KEPT, Backups
from resilience_app.storage.damaged_files import DamagedFiles
from resilience_app.storage.durability import Durability
from resilience_app.storage.followup_file import FollowupFile
from resilience_app.storage.journal_file import SCHEMA_VERSION, JournalFile
from resilience_app.storage.layout import (
    BACKUP_DIR,
    FOLLOWUPS_FILE,
    JOURNAL_DIR,
    LEGACY_FILE,
    StorageError,
    shard_name,
)
from resilience_app.storage.legacy import migrate_legacy
from resilience_app.storage.months import RECENT_MONTHS, KnownIds, MonthRecords, Months
from resilience_app.storage.playbook import Playbook
from resilience_app.storage.proofs import PROOF_FILE, Proofs
from resilience_app.storage.scripts import Scripts
from resilience_app.storage.sealing import KEY_FILE, Sealer, read_key_file
from resilience_app.storage.setaside import SetAside
from resilience_app.storage.summary_upkeep import SummaryUpkeep
from resilience_app.storage.writes import Writes

log = logging.getLogger(__name__)


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
        self.data_dir = Path(data_dir)
        self.readonly = readonly
        self.journal_dir = self.data_dir / JOURNAL_DIR
        self.notices: list[str] = []  # sentences for the rep about what storage had to do
        # Called with each new notice once the app can show it (months open lazily, so a
        # damaged one may be found long after start-up).
        self.on_notice: Callable[[str], None] | None = None
        # Called when the disk refuses a write (the change is kept in memory meanwhile).
        self.on_save_failed: Callable[[OSError], None] | None = None
        # Called when the data folder vanished and was made again (to rewrite settings).
        self.on_recreated: Callable[[], None] | None = None
        self.last_error: OSError | None = None
        # Rescue files merged into memory before the disk took them: removed once it has.
        self.pending_rescues: list[Path] = []
        # Goes up with every change, so readers can keep what they decoded until it moves.
        self.generation = 0
        self.months = Months(self)
        self.followup_file = FollowupFile(self)
        self.scripts = Scripts(self)
        self.playbook = Playbook(self)
        self.writes = Writes(self)
        self.durability = Durability(self)
        self.backups = Backups(self, today)
        self.aside = SetAside(self)
        self.damaged = DamagedFiles(self)
        if readonly:
            if self.data_dir.exists() and not self.data_dir.is_dir():
                raise StorageError(
                    _("{path} is a file, not a data folder.").format(path=self.data_dir)
                )
        else:
            self._prepare_folders()
        # The passphrase lock: seals what the rep wrote when the journal is protected.
        self.sealer = Sealer(read_key_file(self.data_dir))
        if self.sealer.key is None and (self.journal_dir / PROOF_FILE).is_file():
            # Sealed records read as plain ones would lose their seals at the next write.
            raise StorageError(
                _(
                    "Your journal in {folder} is protected by a passphrase, but its key file "
                    "({key}) is missing, so it cannot be opened. Put {key} back from a backup "
                    "of the data folder; Resilience changes nothing until then."
                ).format(folder=self.data_dir, key=KEY_FILE)
            )
        self.proofs = Proofs(self.journal_dir, self.sealer)
        self.tallies = SummaryUpkeep(self)
        if not readonly:
            self.tallies.summaries.clean()
        if (self.data_dir / LEGACY_FILE).is_file():
            migrate_legacy(self)
        self.months.on_disk = set(self.months.names_on_disk())

    def _prepare_folders(self) -> None:
        try:
            ensure_private_dir(self.data_dir)
            ensure_private_dir(self.journal_dir, follow=False)
            # Temp files of writes cut short by a crash: never part of the journal, and
            # only the writer (holding the instance lock) gets here.
            for stale in self.journal_dir.glob(".*.tmp"):
                stale.unlink(missing_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise StorageError(
                _(
                    "{path} or its journal folder is a file, not a folder. Move it away or start "
                    "Resilience with another --data-dir."
                ).format(path=self.data_dir)
            ) from None
        except OSError as exc:
            raise StorageError(
                # Translators: {reason} is the system's reason ("Permission denied").
                _(
                    "Resilience cannot use the data folder {path} ({reason}). Check that it is "
                    "yours and that the disk has room."
                ).format(path=self.data_dir, reason=exc.strerror or exc)
            ) from None

    @property
    def has_journal(self) -> bool:
        """True when the data folder holds a journal (a first start has happened)."""
        return self.journal_dir.is_dir() or (self.data_dir / LEGACY_FILE).is_file()

    def notice(self, message: str) -> None:
        """Tell the rep what storage had to do (now, if the app can show it)."""
        self.notices.append(message)
        if self.on_notice is not None:
            self.on_notice(message)

    def close(self) -> None:
        for journal_file in self.durability.open_files():
            journal_file.close()

    # -- the lock ----------------------------------------------------------------------

    @property
    def protected(self) -> bool:
        return self.sealer.protected

    @property
    def locked(self) -> bool:
        return self.sealer.locked

    def reopen(self, data_key: bytes | None) -> None:
        """Read the files afresh after the lock was turned on or off (and hold the data key
        if there is one now)."""
        for journal_file in self.durability.open_files():
            journal_file.close()
        self.months.loaded, self.months.owner, self.followup_file.book_file = {}, {}, None
        self.sealer = Sealer(read_key_file(self.data_dir))
        self.proofs = Proofs(self.journal_dir, self.sealer)
        self.tallies = SummaryUpkeep(self)
        self.months.recent.clear()
        self.months.key_epoch += 1
        if data_key is not None and self.sealer.protected:
            self.sealer.unlock(data_key)
        self.months.on_disk = set(self.months.names_on_disk())
        self.generation += 1

    def unlock(self, data_key: bytes) -> None:
        """Open the journal with its data key; what was read while locked is read again
        with its private part (what was decoded while locked is not reused),
        after the files read meanwhile are checked against their proofs."""
        self.sealer.unlock(data_key)
        self.generation += 1
        self.months.key_epoch += 1
        self.damaged.check_after_unlock()

    def lock(self) -> None:
        self.sealer.lock()
        self.tallies.counted = {}  # counted from what the rep wrote: they go with the key
        self.months.recent.clear()  # so do the calls decoded from it
        self.months.key_epoch += 1
        self.generation += 1

    # -- what the service asks: each handed to its part -------------------------------

    @property
    def dirty(self) -> bool:
        """True when a write failed and some changes exist only in memory."""
        return self.durability.dirty

    def dirty_files(self) -> list[JournalFile]:
        return self.durability.dirty_files()

    def flush(self) -> None:
        """Retry failed writes. Raises OSError if the disk still refuses."""
        self.durability.flush()

    def forget_rescues(self) -> None:
        self.durability.forget_rescues()

    def restore_vanished(self) -> bool:
        return self.durability.restore_vanished()

    def save_incident(self, incident: Incident) -> None:
        self.writes.save_incident(incident)

    def save_with_nudges(self, incident: Incident, nudges: list[Nudge]) -> None:
        self.writes.save_with_nudges(incident, nudges)

    def save_nudge(self, nudge: Nudge) -> None:
        self.writes.save_nudge(nudge)

    def save_positive(self, positive: Positive) -> None:
        self.writes.save_positive(positive)

    def save_followup(self, followup: FollowUp) -> None:
        self.followup_file.save_followup(followup)

    def delete_incident(self, incident_id: str) -> Removed | None:
        return self.writes.delete_incident(incident_id)

    def restore(self, removed: Removed) -> None:
        self.writes.restore(removed)

    def add_many(
        self,
        incidents: Iterable[Incident],
        nudges: Iterable[Nudge] = (),
        followups: Iterable[FollowUp] = (),
        positives: Iterable[Positive] = (),
    ) -> None:
        self.writes.add_many(incidents, nudges, followups, positives)

    def merge_rows(
        self,
        month: str | None,
        rows: dict[str, list[tuple[str, dict[str, Any]]]],
        *,
        written_at: datetime,
    ) -> int:
        return self.writes.merge_rows(month, rows, written_at=written_at)

    def day_tallies(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[tuple[date, DayTally]]:
        return self.tallies.day_tallies(since, until)

    def month_tallies(self, name: str) -> Days:
        return self.tallies.month_tallies(name)

    def known_ids(self) -> KnownIds:
        return self.months.known_ids()

    def loaded_months(self) -> set[str]:
        return self.months.loaded_months()

    def release_months(self, keep: Iterable[str] = ()) -> None:
        self.months.release_months(keep)

    def month_names(self) -> list[str]:
        return self.months.month_names()

    def records(self, name: str) -> MonthRecords | None:
        return self.months.records(name)

    def check_month(self, name: str) -> None:
        self.months.check_month(name)

    def incident(self, incident_id: str) -> Incident | None:
        return self.months.incident(incident_id)

    def incidents(self) -> list[Incident]:
        return self.months.incidents()

    def incidents_between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Incident]:
        return self.months.incidents_between(since, until)

    def incidents_since(self, since: datetime) -> list[Incident]:
        return self.months.incidents_since(since)

    def latest_incident(self, until: datetime | None = None) -> Incident | None:
        return self.months.latest_incident(until)

    def nudges(
        self, *, state: NudgeState | None = None, incident_id: str | None = None
    ) -> list[Nudge]:
        return self.months.nudges(state=state, incident_id=incident_id)

    def positives(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Positive]:
        return self.months.positives(since, until)

    def followup(self, followup_id: str) -> FollowUp | None:
        return self.followup_file.followup(followup_id)

    def followups(self, *, state: FollowUpState | None = None) -> list[FollowUp]:
        return self.followup_file.followups(state=state)

    def script(self, kind: str) -> str | None:
        return self.scripts.script(kind)

    def save_script(self, kind: str, text: str | None) -> None:
        self.scripts.save_script(kind, text)

    def save_playbook_entries(self, entries: list[PlaybookEntry]) -> None:
        self.playbook.save_entries(entries)

    def playbook_entry(self, entry_id: str) -> PlaybookEntry | None:
        return self.playbook.entry(entry_id)

    def playbook_entries(self) -> list[PlaybookEntry]:
        return self.playbook.entries()


__all__ = [
    "BACKUPS_KEPT",
    "BACKUP_DIR",
    "FOLLOWUPS_FILE",
    "JOURNAL_DIR",
    "RECENT_MONTHS",
    "SCHEMA_VERSION",
    "KnownIds",
    "MonthRecords",
    "StorageError",
    "Store",
    "shard_name",
]
