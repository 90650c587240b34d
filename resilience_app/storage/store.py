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
the call returns (see `driver`). A write the disk refuses never raises: the change stays
in memory, `dirty` says so, `on_save_failed` is told, and `flush()` retries. Only the
files a question needs are read: starting the app reads the newest month and the last few
weeks, whatever the size of the history.

A record that does not decode (a hand-edited file, an old bug) is taken out of its file,
kept in ``journal/NAME.set-aside-STAMP.json`` and named to the rep; the rest of the file is
used as usual.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

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
from resilience_app.core.tallies import Days, DayTally, tally
from resilience_app.files import atomic_write, ensure_private_dir, read_private
from resilience_app.i18n import _, ngettext
from resilience_app.storage.codec import (
    BadRecord,
    followup_from_dict,
    followup_to_dict,
    incident_from_dict,
    incident_to_dict,
    nudge_from_dict,
    nudge_to_dict,
    positive_from_dict,
    positive_to_dict,
)
from resilience_app.storage.driver import DamagedFile, dump, parse
from resilience_app.storage.journal_file import (
    FOLLOWUP_TABLES,
    MONTH_TABLES,
    SCHEMA_VERSION,
    JournalFile,
    salvage,
    table_of,
)
from resilience_app.storage.proofs import (
    PROOF_FILE,
    Loaded,
    Proofs,
    generation_of,
    meta_of,
    same,
)
from resilience_app.storage.sealing import (
    KEY_FILE,
    BadSeal,
    Locked,
    Sealer,
    read_key_file,
    write_key_file,
)
from resilience_app.storage.summaries import Source, Summaries, source_of

log = logging.getLogger(__name__)
T = TypeVar("T")

JOURNAL_DIR = "journal"
BACKUP_DIR = "backups"
LEGACY_FILE = "journal.json"
FOLLOWUPS_FILE = "followups.json"
BACKUPS_KEPT = 7
RECENT_MONTHS = 4  # months of calls kept decoded (the tray's unfinished notes, a break's)


class StorageError(UserError):
    """The journal cannot be used as it is; the message says what to do."""


@dataclass
class _Script:
    text: str
    sealed: str | None = None  # read while locked


def _script_from_dict(data: Any) -> _Script:
    if not isinstance(data, dict) or not isinstance(data.get("text", ""), str):
        raise BadRecord("a script that is not text")
    return _Script(str(data.get("text", "")))


def shard_name(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m")


@dataclass
class _Counted:
    """A month's tallies and what they were counted from: the month as loaded (`file`,
    after `writes` writes) or, for a month not loaded, the file on disk (`source`)."""

    file: JournalFile | None
    writes: int
    source: Source | None
    days: Days


@dataclass(frozen=True)
class MonthRecords:
    """A month's records as they are now, to decode in any thread (`decode`): the store
    replaces records, it never edits one in place, so these stay whole whatever is saved
    meanwhile. `version` names this state of the month."""

    name: str
    version: tuple[int, int]
    incidents: tuple[Any, ...]
    positives: tuple[Any, ...]
    sealer: Sealer

    def decode(self) -> tuple[list[Incident], list[Positive], bool]:
        """(calls, positives, whole): seals opened, records decoded. A record that does not
        decode (or a seal that does not open) is skipped and `whole` is False: the store
        sets it aside (or the file) when it reads the month itself (`Store.incidents...`)."""
        whole = True
        found: list[list[Any]] = [[], []]
        for table, docs, decode, into in (
            ("incidents", self.incidents, incident_from_dict, found[0]),
            ("positives", self.positives, positive_from_dict, found[1]),
        ):
            for doc in docs:
                try:
                    opened, kept = (
                        self.sealer.open_doc(self.name, table, doc)
                        if isinstance(doc, dict)
                        else (doc, None)
                    )
                    item = decode(opened)
                except (BadRecord, BadSeal):
                    whole = False
                    continue
                if kept is not None:
                    setattr(item, "sealed", kept)  # noqa: B010 - every sealed kind has it
                into.append(item)
        return found[0], found[1], whole


@dataclass
class KnownIds:
    """The ids already in the journal (an import must not take them for something else)."""

    incidents: set[str]
    nudges: dict[str, Any]  # nudge id -> its call's id
    followups: dict[str, Any]  # follow-up id -> its call's id
    positives: set[str]


DECODERS: dict[str, Callable[[Any], Any]] = {
    "incidents": incident_from_dict,
    "nudges": nudge_from_dict,
    "positives": positive_from_dict,
    "followups": followup_from_dict,
    "scripts": _script_from_dict,
}


def _local_day(doc: Any) -> date | None:
    try:
        return datetime.fromisoformat(doc["flagged_at"]).astimezone().date()
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


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
        self.backup_dir = self.data_dir / BACKUP_DIR
        self._today = today
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
        self._months: dict[str, JournalFile] = {}
        self._owner: dict[str, str] = {}  # incident id -> month, for loaded months
        self._followups: JournalFile | None = None
        # Goes up with every change, so readers can keep what they decoded until it moves.
        self.generation = 0
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
        # Each month's day tallies (storage/summaries.py), kept while they hold.
        self.summaries = Summaries(self.journal_dir, self.sealer, readonly=readonly)
        self._tallies: dict[str, _Counted] = {}
        # The calls of the last months read, decoded, while their file and the lock stay
        # as they were: the tray asks for the unfinished notes of the last 30 days at each
        # refresh, and should not decode two months each time.
        self._recent: OrderedDict[
            str, tuple[tuple[tuple[int, int], int], list[tuple[dict[str, Any], Incident]]]
        ] = OrderedDict()
        self._key_epoch = 0  # changes with the lock: what was decoded before is not reused
        if not readonly:
            self.summaries.clean()
        self._restored: set[str] = set()  # files just restored from a backup by the app
        if (self.data_dir / LEGACY_FILE).is_file():
            self._migrate_legacy()
        self._on_disk = set(self._months_on_disk())

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

    def _journal_file(self, path: Path, tables: tuple[str, ...]) -> JournalFile:
        return JournalFile(path, tables, readonly=self.readonly, proofs=self.proofs)

    def _open(self, path: Path, tables: tuple[str, ...]) -> JournalFile:
        try:
            opened = self._journal_file(path, tables)
        except DamagedFile as exc:
            if self.readonly:
                raise StorageError(
                    # Translators: {reason} says what is wrong with the file.
                    _(
                        "The journal file {path} is damaged ({reason}). Start Resilience once: "
                        "it sets the damaged file aside and restores the last good backup."
                    ).format(path=path, reason=exc)
                ) from None
            self._recover(path, str(exc), tables=tables)
            opened = self._journal_file(path, tables)
        if path.stem in self._restored:
            # A backup the app itself put back: older than the list by nature, so numbered
            # above it now (and proved, when unlocked).
            self._restored.discard(path.stem)
            opened.loaded = None
            if self.protected and not self.readonly:
                self._durably(opened.rewrite)
        elif not self.locked:
            problem = self._proof_problem(opened)
            if problem is not None and problem[1]:
                # A whole older copy put back: the newest backup is the better copy.
                opened.close()
                if self.readonly:
                    raise StorageError(
                        # Translators: {reason} says how the file differs ("it is an older
                        # copy than the one Resilience last saved").
                        _(
                            "The journal file {path} is not the one Resilience last saved "
                            "({reason}). Start Resilience once: it sets the file aside and "
                            "restores the last good backup."
                        ).format(path=path, reason=problem[0])
                    )
                self._recover(path, problem[0], changed=True)
                return self._open(path, tables)
            if problem is not None:
                self._vet(opened, problem[0])
            else:
                self._settle(opened)
        if (opened.schema or 0) > SCHEMA_VERSION:
            raise StorageError(
                # Translators: {format} and {known} are format numbers of the journal's files.
                _(
                    "The journal file {path} was written by a newer version of Resilience "
                    "(format {format}; this version reads up to {known}). Update Resilience to "
                    "open it; the file was left untouched."
                ).format(path=path, format=opened.schema, known=SCHEMA_VERSION)
            )
        if opened.set_aside:
            self._set_aside(opened, opened.set_aside)
        return opened

    def _set_aside(
        self, journal_file: JournalFile, rows: list[tuple[str, Any]], changed: str | None = None
    ) -> None:
        """Keep records that cannot be used in a file of their own, tell the rep, and go
        on with the rest of the file. `changed`: the file is not the copy the app last
        saved (why, in words); the rep is told that too, in the same sentence."""
        n = len(rows)
        if changed is not None:
            self._changed(journal_file, rows, changed)
            return
        if not self.readonly:
            aside = self._keep_aside(journal_file, rows)
            if aside is not None:
                # Translators: {month} names a journal file by its month (2026-11); {path} is
                # the file the unreadable records were copied to.
                said = ngettext(
                    "{n} record in your journal for {month} could not be read, so it was set "
                    "aside (it is kept in {path}). Everything else is as it was.",
                    "{n} records in your journal for {month} could not be read, so they were "
                    "set aside (they are kept in {path}). Everything else is as it was.",
                    n,
                ).format(n=n, month=journal_file.name, path=aside)
            else:
                # Translators: {month} names a journal file by its month (2026-11).
                said = ngettext(
                    "{n} record in your journal for {month} could not be read, so it was set "
                    "aside (it could not be copied out: the disk refused). Everything else is "
                    "as it was.",
                    "{n} records in your journal for {month} could not be read, so they were "
                    "set aside (they could not be copied out: the disk refused). Everything "
                    "else is as it was.",
                    n,
                ).format(n=n, month=journal_file.name)
            self._durably(journal_file.rewrite)
        else:
            # Translators: {month} names a journal file by its month (2026-11).
            said = ngettext(
                "{n} record in your journal for {month} could not be read, so it was set aside "
                "(it is skipped here and set aside when Resilience starts). Everything else is "
                "as it was.",
                "{n} records in your journal for {month} could not be read, so they were set "
                "aside (they are skipped here and set aside when Resilience starts). Everything "
                "else is as it was.",
                n,
            ).format(n=n, month=journal_file.name)
        log.error("%s: %d unreadable records set aside", journal_file.name, n)
        self._notice(said)

    def _changed(self, journal_file: JournalFile, rows: list[tuple[str, Any]], reason: str) -> None:
        """`_set_aside` for a file found changed: its records that do not open are kept in
        a file of their own, every other record is kept, and one sentence says it all."""
        n = len(rows)
        # Translators: {month} names a journal file by its month (2026-11), or "followups"
        # for the file of follow-ups; {reason} says how it differs.
        what = _("Your journal for {month} was not the copy Resilience last saved ({reason}).")
        what = what.format(month=journal_file.name, reason=reason)
        aside: Path | None = None
        if rows and not self.readonly:
            aside = self._keep_aside(journal_file, rows)
        if not rows:
            then = (
                _("Every record in it still opens, so it is used as it is.")
                if self.readonly
                else _("Every record in it still opens, so all of them were kept.")
            )
        elif self.readonly:
            then = ngettext(
                "{n} record in it does not open: it is skipped here and set aside when "
                "Resilience starts. Every other record is used.",
                "{n} records in it do not open: they are skipped here and set aside when "
                "Resilience starts. Every other record is used.",
                n,
            ).format(n=n)
        elif aside is None:
            then = ngettext(
                "{n} record in it does not open, so it was set aside (it could not be copied "
                "out: the disk refused). Every other record was kept.",
                "{n} records in it do not open, so they were set aside (they could not be "
                "copied out: the disk refused). Every other record was kept.",
                n,
            ).format(n=n)
        else:
            # Translators: {path} is the file the records that do not open were copied to.
            then = ngettext(
                "{n} record in it does not open, so it was set aside (it is kept in {path}). "
                "Every other record was kept.",
                "{n} records in it do not open, so they were set aside (they are kept in "
                "{path}). Every other record was kept.",
                n,
            ).format(n=n, path=aside)
            backups = self.backup_dir / journal_file.name
            if not backups.is_symlink() and any(backups.glob("*.json")):
                # Translators: {backups} is the folder of a journal file's daily backups.
                then += " " + _(
                    "Earlier copies of the file, from before each day's first change, are in "
                    "{backups}."
                ).format(backups=backups)
        if not self.readonly:
            self._durably(journal_file.rewrite)  # proved again, as it is now
        log.error("%s: %s; %d records set aside", journal_file.name, reason, n)
        self._notice(f"{what} {then}")

    def _keep_aside(self, journal_file: JournalFile, rows: list[tuple[str, Any]]) -> Path | None:
        """Copy records that cannot be used to `NAME.set-aside-STAMP.json` (None: the disk
        refused)."""
        aside = _unique(journal_file.path.with_name(f"{journal_file.name}.set-aside"))
        document = {
            "set_aside_from": journal_file.path.name,
            "records": [{"table": table, "record": record} for table, record in rows],
        }
        try:
            # ASCII escapes keep even text that broke the month writable here.
            atomic_write(aside, json.dumps(document, ensure_ascii=True).encode())
        except OSError as exc:
            log.error("could not keep the set-aside records of %s: %s", journal_file.name, exc)
            return None
        return aside

    def _vet(self, journal_file: JournalFile, changed: str | None) -> None:
        """Open every record of a file (a file found changed, or written while locked):
        those that do not open or decode are set aside, the rest is kept. With `changed`
        (why the file is not the copy last saved) the rep is told even when all open."""
        rows = list(journal_file.set_aside)
        journal_file.set_aside = []
        for table in journal_file.tables:
            decode = DECODERS.get(table)
            if decode is None:
                continue
            bad = []
            for doc in journal_file.docs(table):
                try:
                    opened, _kept = self.sealer.open_doc(journal_file.name, table, doc)
                    decode(opened)
                except (BadRecord, BadSeal) as exc:
                    log.error("%s: a record of %s does not open: %s", journal_file.name, table, exc)
                    bad.append(doc)
            if bad:
                journal_file.discard(table, [doc["id"] for doc in bad])
                rows += [(table, doc) for doc in bad]
        if changed is not None:
            self._set_aside(journal_file, rows, changed)
        elif rows:
            journal_file.set_aside = rows  # said and kept as any record set aside is

    def _decoded(
        self,
        journal_file: JournalFile,
        table: str,
        decode: Callable[[Any], T],
        docs: Iterable[Any] | None = None,
    ) -> list[T]:
        """Decode records of a file (opening their seals); any that do not decode, or whose
        seal does not open (a flipped byte, a seal moved from another record), are set
        aside, and the rest of the file is used."""
        found: list[T] = []
        bad: list[tuple[str, Any]] = []
        wanted = list(journal_file.docs(table) if docs is None else docs)
        for doc in wanted:
            try:
                opened, kept = (
                    self.sealer.open_doc(journal_file.name, table, doc)
                    if isinstance(doc, dict)
                    else (doc, None)
                )
                item = decode(opened)
            except BadSeal as exc:
                if self.locked:
                    # Skipped, but kept in the file: at unlock the whole file is checked
                    # and what does not open is set aside then, and said once.
                    log.error(
                        "%s: a record of %s skipped while locked: %s", journal_file.name, table, exc
                    )
                    continue
                log.error("%s: a record of %s set aside: %s", journal_file.name, table, exc)
                bad.append((table, doc))
                continue
            except BadRecord as exc:
                log.error("%s: a record of %s set aside: %s", journal_file.name, table, exc)
                bad.append((table, doc))
                continue
            if kept is not None:
                setattr(item, "sealed", kept)  # noqa: B010 - every sealed kind has the field
            found.append(item)
        if bad:
            journal_file.discard(table, [doc["id"] for _id, doc in bad])
            self._set_aside(journal_file, bad)
        return found

    def _proof_problem(self, journal_file: JournalFile) -> tuple[str, bool] | None:
        """Why a protected file, as it was read, is not the app's latest copy, and whether
        it is a whole older copy put back (checked once, unlocked); None when it is the
        latest, or when there is nothing to check."""
        loaded, journal_file.loaded = journal_file.loaded, None
        if loaded is None or not self.protected:
            return None
        problem = self.proofs.verdict(journal_file.name, loaded)
        for notice in self.proofs.take_notices():
            self._notice(notice)
        return problem

    def _settle(self, journal_file: JournalFile) -> None:
        """Unlocked, a file written while locked gets its seals redone with the data key and
        its proof, with one write. Nothing proves its records meanwhile, so each is opened
        first: one that does not is set aside (and named) as any record that does not read."""
        if self.readonly or not self.protected or self.locked or journal_file.proved:
            return
        if not journal_file.path.exists() and not journal_file.dirty:
            return  # a new, empty file: proved with its first record
        self._vet(journal_file, None)
        if journal_file.set_aside:
            self._set_aside(journal_file, journal_file.set_aside)
            journal_file.set_aside = []
        from resilience_app.storage.sealing import PRIVATE

        def reseal(table: str) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
            def change(doc: dict[str, Any]) -> dict[str, Any] | None:
                try:
                    return self.sealer.reseal_inbox(journal_file.name, table, doc)
                except BadSeal:
                    return None

            return change

        for table in PRIVATE:
            if table in journal_file.tables:
                journal_file.change_docs(table, reseal(table))
        self._durably(journal_file.rewrite)

    def _check_after_unlock(self) -> None:
        """Files read while locked are checked now; files written while locked, proved;
        files the list knows that are gone, restored from their backups."""
        for journal_file in self._open_files():
            problem = self._proof_problem(journal_file)
            if problem is not None and problem[1]:
                self._tampered(journal_file, problem[0])
            elif problem is not None:
                self._vet(journal_file, problem[0])
        for journal_file in self._open_files():
            self._settle(journal_file)
        if self.readonly:
            return
        present = set(self._months_on_disk())
        if (self.journal_dir / FOLLOWUPS_FILE).exists() or self._followups is not None:
            present.add(Path(FOLLOWUPS_FILE).stem)
        present |= set(self._months)
        for name in self.proofs.missing(present):
            self._restore_missing(name)
        for notice in self.proofs.take_notices():
            self._notice(notice)

    def _restore_missing(self, name: str) -> None:
        followups = name == Path(FOLLOWUPS_FILE).stem
        path = self.journal_dir / (FOLLOWUPS_FILE if followups else f"{name}.json")
        if path.exists():
            return
        log.error("%s is missing from the journal folder", path.name)
        if self._restore_backup(path) is not None:
            self._notice(
                # Translators: {month} names a journal file by its month (2026-11), or
                # "followups" for the file of follow-ups.
                _(
                    "Your journal for {month} was missing from its folder. It was restored from "
                    "its last backup."
                ).format(month=name)
            )
            self._restored.add(name)
            if followups:
                self._followups = None
                self._followup_book()
            else:
                self._on_disk.add(name)
                self._month(name)
        else:
            self._notice(
                # Translators: {month} names a journal file by its month (2026-11), or
                # "followups" for the file of follow-ups.
                _(
                    "Your journal for {month} is missing from its folder and no backup of it "
                    "could be read."
                ).format(month=name)
            )
            self.proofs.trusted().pop(name, None)

    def _tampered(self, journal_file: JournalFile, reason: str) -> JournalFile | None:
        """Set aside a file that is a whole older copy put back in place of the latest,
        restore its last good backup, and give the file as it is now (a reader, which
        never moves files, is refused with a sentence)."""
        log.error("%s: %s", journal_file.name, reason)
        if self.readonly:
            raise StorageError(
                _(
                    "The journal file {path} is not the one Resilience last saved "
                    "({reason}). Start Resilience once: it sets the file aside and "
                    "restores the last good backup."
                ).format(path=journal_file.path, reason=reason)
            )
        journal_file.close()
        if journal_file is self._followups:
            self._followups = None
            self._recover(journal_file.path, reason, changed=True)
            return self._followup_book()
        self._months.pop(journal_file.name, None)
        self._owner = {k: v for k, v in self._owner.items() if v != journal_file.name}
        self._recover(journal_file.path, reason, changed=True)
        return self._month(journal_file.name, create=True)

    def _encode(
        self, file: str, table: str, doc: dict[str, Any], kept: str | None
    ) -> dict[str, Any]:
        """A record as it is stored: sealed when the journal is protected."""
        return self.sealer.seal_doc(file, table, doc, kept)

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
        for journal_file in self._open_files():
            journal_file.close()
        self._months, self._owner, self._followups = {}, {}, None
        self.sealer = Sealer(read_key_file(self.data_dir))
        self.proofs = Proofs(self.journal_dir, self.sealer)
        self.summaries = Summaries(self.journal_dir, self.sealer, readonly=self.readonly)
        self._tallies = {}
        self._recent.clear()
        self._key_epoch += 1
        if data_key is not None and self.sealer.protected:
            self.sealer.unlock(data_key)
        self._on_disk = set(self._months_on_disk())
        self.generation += 1

    def unlock(self, data_key: bytes) -> None:
        """Open the journal with its data key; what was read while locked is read again
        with its private part (what was decoded while locked is not reused),
        after the files read meanwhile are checked against their proofs."""
        self.sealer.unlock(data_key)
        self.generation += 1
        self._key_epoch += 1
        self._check_after_unlock()

    def lock(self) -> None:
        self.sealer.lock()
        self._tallies = {}  # counted from what the rep wrote: they go with the key
        self._recent.clear()  # so do the calls decoded from it
        self._key_epoch += 1
        self.generation += 1

    def _recover(
        self,
        path: Path,
        reason: str,
        *,
        changed: bool = False,
        tables: tuple[str, ...] | None = None,
    ) -> None:
        """Move a damaged file aside and put its newest good backup in its place (the
        rep is told). `changed`: it parsed, but is an older copy than the app last wrote.
        With `tables` (a file that does not parse), every record that can still be read
        from it is put back too, over the backup's copy of it (the file was newer)."""
        try:
            found = read_private(path) if tables is not None else b""
        except OSError:
            found = b""
        try:
            aside = _move_aside(path)
        except OSError as exc:
            raise StorageError(
                # Translators: {reason} says what is wrong with the file; {problem} is the
                # system's reason why it could not be moved ("Permission denied").
                _(
                    "The journal file {path} is damaged ({reason}) and could not be moved aside "
                    "({problem}). Move it away by hand, then start Resilience again."
                ).format(path=path, reason=reason, problem=exc.strerror or exc)
            ) from None
        log.error("%s is damaged (%s); moved to %s", path, reason, aside)
        self._restored.add(path.stem)
        what = (
            # Translators: {month} names a journal file by its month (2026-11), or "followups"
            # for the file of follow-ups; {reason} says how it differs.
            _("Your journal for {month} was not the copy Resilience last saved ({reason}).").format(
                month=path.stem, reason=reason
            )
            if changed
            # Translators: {month} names a journal file by its month (2026-11), or "followups".
            else _("Your journal for {month} was damaged.").format(month=path.stem)
        )
        backup = self._restore_backup(path)
        kept = self._salvage(path, found, tables) if tables is not None else 0
        if kept and backup is not None:
            # Translators: {day} is the day of the backup (2026-11-24); {path} where the
            # damaged file is kept.
            then = ngettext(
                "It was restored from the backup of {day}, and the {n} record that could "
                "still be read from it was put back; the file found is kept at {path}.",
                "It was restored from the backup of {day}, and the {n} records that could "
                "still be read from it were put back; the file found is kept at {path}.",
                kept,
            ).format(day=backup.stem, n=kept, path=aside)
            self._notice(f"{what} {then}")
            return
        if kept:
            # Translators: {path} where the damaged file is kept.
            then = ngettext(
                "No backup of it could be read, so the {n} record that could still be read "
                "from it is what it holds now; the file found is kept at {path}, nothing was "
                "deleted.",
                "No backup of it could be read, so the {n} records that could still be read "
                "from it are what it holds now; the file found is kept at {path}, nothing was "
                "deleted.",
                kept,
            ).format(n=kept, path=aside)
            self._notice(f"{what} {then}")
            return
        if backup is not None:
            # Translators: {day} is the day of the backup (2026-11-24); {path} where the
            # damaged file is kept.
            then = _(
                "It was restored from the backup of {day}; the file found is kept at {path}."
            ).format(day=backup.stem, path=aside)
            self._notice(f"{what} {then}")
            return
        then = _(
            "As no backup could be read, that part starts empty. The file found is kept at "
            "{path}; nothing was deleted."
        ).format(path=aside)
        self._notice(f"{what} {then}")

    def _salvage(self, path: Path, raw: bytes, tables: tuple[str, ...]) -> int:
        """Put the records still readable from a damaged copy of `path` into the file now
        in its place (its backup, or nothing); how many were put. Only records that decode
        (and, unlocked, whose seal opens) are: the others stay in the damaged copy."""
        if not raw.strip():
            return 0
        try:
            data = parse(read_private(path)) or {}
        except FileNotFoundError:
            data = {}
        except (OSError, DamagedFile):
            return 0
        readable = 0
        for named, doc in salvage(raw, tables):
            for table in dict.fromkeys((named, table_of(doc, tables))):
                if table is not None and self._opens(path.stem, table, doc):
                    break
            else:
                continue
            rows = data.setdefault(table, {})
            key = next(
                (k for k, d in rows.items() if isinstance(d, dict) and d.get("id") == doc["id"]),
                None,
            )
            if key is None:
                key = str(max((int(k) for k in rows if k.isdigit()), default=0) + 1)
            rows[key] = doc
            readable += 1
        if readable:
            try:
                atomic_write(path, dump(data))
            except OSError as exc:
                log.error("could not put back the records read from %s: %s", path.name, exc)
                return 0
        return readable

    def _opens(self, file: str, table: str, doc: dict[str, Any]) -> bool:
        """True when a record decodes as one of `table` (and its seal opens, unlocked)."""
        decode = DECODERS.get(table)
        try:
            opened, _kept = self.sealer.open_doc(file, table, doc)
            if decode is not None:
                decode(opened)
        except (BadRecord, BadSeal):
            return False
        return True

    def _restore_backup(self, path: Path) -> Path | None:
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
            if not self._backup_holds(path.stem, data):
                log.error("the backup %s does not hold with this journal's key", backup)
                continue
            try:
                atomic_write(path, raw)
            except OSError as exc:
                log.error("could not restore %s from %s: %s", path.stem, backup, exc)
                continue
            return backup
        return None

    def _backup_holds(self, name: str, data: Any) -> bool:
        if not self.protected or self.locked or not data:
            return True
        loaded = Loaded.of(data)
        # Its own proof must match (it is older than the list by nature).
        if loaded.proof is not None and not same(
            loaded.proof, self.proofs.proof(name, loaded.generation, loaded.digest)
        ):
            return False
        try:
            for table, rows in data.items():
                if table == "meta" or not isinstance(rows, dict):
                    continue
                for doc in rows.values():
                    if isinstance(doc, dict):
                        self.sealer.open_doc(name, table, doc)
        except BadSeal:
            return False
        return True

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

    def dirty_files(self) -> list[JournalFile]:
        return [f for f in self._open_files() if f.dirty]

    def flush(self) -> None:
        """Retry failed writes. Raises OSError if the disk still refuses."""
        self.restore_vanished()
        for journal_file in self._open_files():
            journal_file.flush()
        if self.pending_rescues and not self.dirty:
            self.forget_rescues()

    def forget_rescues(self) -> None:
        """Rescue files whose records are now on disk (or in a newer rescue file)."""
        for path in self.pending_rescues:
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("could not remove the merged rescue file %s: %s", path, exc)
        self.pending_rescues = []

    def _durably(self, write: Callable[[], None]) -> None:
        """Run a write; if the disk refuses it, keep the change in memory and report."""
        try:
            # Files removed under the running app go back with this write (the folder may
            # already have been made again by someone else, so the folder alone says little).
            restored = self.restore_vanished()
            write()
            if restored:
                self.flush()
            if self.pending_rescues and not self.dirty:
                self.forget_rescues()
        except FileNotFoundError as exc:
            # The data folder went away during the write: make it again and retry, so what
            # the app holds is not lost with it.
            if self.restore_vanished():
                self._durably(self.flush)
            else:
                self._failed(exc)
        except OSError as exc:
            self._failed(exc)

    def _failed(self, exc: OSError) -> None:
        self.last_error = exc
        log.error("could not save: %s", exc.strerror or exc)
        if self.on_save_failed is not None:
            self.on_save_failed(exc)

    def restore_vanished(self) -> bool:
        """Journal files removed under the running app (the data folder deleted, perhaps
        made again meanwhile by another process; one file deleted by hand): make the
        folders again and mark every file open in memory that is no longer on disk unsaved,
        so the next write or flush puts it back; True when anything was missing. A write
        acknowledged just before an `rm -r` reached its file is not lost that way."""
        if self.readonly:
            return False
        made = False
        if not self.journal_dir.is_dir():
            try:
                ensure_private_dir(self.data_dir)
                ensure_private_dir(self.journal_dir, follow=False)
            except OSError:
                return False
            made = True
        missing = [f for f in self._open_files() if f.storage.held_but_missing()]
        key_file = self.data_dir / KEY_FILE
        key_missing = self.sealer.key is not None and not os.path.lexists(key_file)
        if not (made or missing or key_missing):
            return False
        if key_missing and self.sealer.key is not None:
            # Without it, every sealed file written back could never be opened.
            try:
                write_key_file(key_file, self.sealer.key)
            except OSError as exc:
                log.error("could not write the key file again: %s", exc.strerror or exc)
        for journal_file in missing:
            journal_file.storage.dirty = True  # the next flush writes each one again
        for journal_file in self._open_files() if made else missing:
            journal_file.backed_up_on = None  # its backups went with the folder
        if self.on_recreated is not None:
            self.on_recreated()
        if made:
            log.warning("the journal folder %s was missing and was created again", self.journal_dir)
            self._notice(
                _(
                    "Your data folder {path} was removed while Resilience was running. It was "
                    "created again with everything Resilience had open."
                ).format(path=self.data_dir)
            )
        else:
            names = ", ".join(sorted(f.storage.path.name for f in missing)) or KEY_FILE
            log.warning("journal files removed while the app ran, written again: %s", names)
            self._notice(
                # Translators: {names} are file names of the journal, comma-separated.
                _(
                    "Files of your journal ({names}) were removed while Resilience was "
                    "running. They were written again from what Resilience had open."
                ).format(names=names)
            )
        return True

    def _month_of(self, incident_id: str, fallback: datetime) -> str:
        name = self._owner.get(incident_id)
        if name is None:
            self._load_all()
            name = self._owner.get(incident_id) or shard_name(fallback)
        return name

    def save_incident(self, incident: Incident) -> None:
        self.save_with_nudges(incident, [])

    def save_with_nudges(self, incident: Incident, nudges: list[Nudge]) -> None:
        """A call (and the nudges given with it) in one durable write: a flag costs one
        write of its month, not three, and the disk never holds the call without its
        nudges. Nudges live in the month file of their incident."""
        self.generation += 1
        name = self._owner.get(incident.id) or shard_name(incident.flagged_at)
        month = self._writable_month(name)
        self._owner[incident.id] = name
        before = self._fresh_tallies(month)
        changed: set[date | None] = {
            _local_day(d) for d in (month.get("incidents", incident.id),) if d
        }
        changed.add(incident.flagged_at.astimezone().date())
        doc = self._encode(name, "incidents", incident_to_dict(incident), incident.sealed)
        rows: dict[str, list[tuple[str, dict[str, Any]]]] = {"incidents": [(incident.id, doc)]}
        if nudges:
            rows["nudges"] = [(nudge.id, nudge_to_dict(nudge)) for nudge in nudges]
        self._durably(lambda: month.put_many(rows))
        self._recount(month, before, changed, {incident.id: incident})

    def save_nudge(self, nudge: Nudge) -> None:
        """A nudge lives in the month file of its incident."""
        self.generation += 1
        month = self._writable_month(self._month_of(nudge.incident_id, nudge.due_at))
        before = self._fresh_tallies(month)
        self._durably(lambda: month.upsert("nudges", nudge.id, nudge_to_dict(nudge)))
        self._recount(month, before, set())

    def save_positive(self, positive: Positive) -> None:
        self.generation += 1
        name = shard_name(positive.created_at)
        for loaded in self._load_all():
            if loaded.has("positives", positive.id):
                name = loaded.name
        month = self._writable_month(name)
        before = self._fresh_tallies(month)
        doc = self._encode(name, "positives", positive_to_dict(positive), positive.sealed)
        self._durably(lambda: month.upsert("positives", positive.id, doc))
        self._recount(month, before, set())

    def save_followup(self, followup: FollowUp) -> None:
        self.generation += 1
        book = self._followup_book()
        self._backup_before_change(book)
        doc = self._encode(book.name, "followups", followup_to_dict(followup), followup.sealed)
        self._durably(lambda: book.upsert("followups", followup.id, doc))

    def delete_incident(self, incident_id: str) -> Removed | None:
        """Remove an incident with its nudges and follow-ups; returns them for an undo."""
        incident = self.incident(incident_id)
        if incident is None:
            return None
        self.generation += 1
        nudges = self.nudges(incident_id=incident_id)
        followups = [f for f in self.followups() if f.incident_id == incident_id]
        month = self._writable_month(self._month_of(incident_id, incident.flagged_at))
        before = self._fresh_tallies(month)
        changed: set[date | None] = {
            _local_day(d) for d in (month.get("incidents", incident_id),) if d
        }
        self._durably(
            lambda: month.remove({"nudges": [n.id for n in nudges], "incidents": [incident_id]})
        )
        self._recount(month, before, changed)
        self._owner.pop(incident_id, None)
        if followups:
            book = self._followup_book()
            self._backup_before_change(book)
            self._durably(lambda: book.remove({"followups": [f.id for f in followups]}))
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
        known: dict[str, dict[str, Incident]] = {}  # month -> the calls added to it

        def put(name: str, table: str, key: str, doc: dict[str, Any]) -> None:
            by_month.setdefault(name, {}).setdefault(table, []).append((key, doc))

        for incident in incidents:
            name = owner.setdefault(incident.id, shard_name(incident.flagged_at))
            known.setdefault(name, {})[incident.id] = incident
            put(
                name,
                "incidents",
                incident.id,
                self._encode(name, "incidents", incident_to_dict(incident), incident.sealed),
            )
        for nudge in nudges:
            name = owner.get(nudge.incident_id) or shard_name(nudge.due_at)
            put(name, "nudges", nudge.id, nudge_to_dict(nudge))
        for positive in positives:
            name = shard_name(positive.created_at)
            put(
                name,
                "positives",
                positive.id,
                self._encode(name, "positives", positive_to_dict(positive), positive.sealed),
            )
        for name, rows in sorted(by_month.items()):
            month = self._writable_month(name)
            added = known.get(name, {})
            # A month that had no calls is counted from those added; one that had, from its
            # summary brought up to date on the days the new ones fall on.
            before = (
                _Counted(month, month.writes, None, {})
                if not month.count("incidents")
                else self._fresh_tallies(month, prime=bool(added))
            )
            changed: set[date | None] = {i.flagged_at.astimezone().date() for i in added.values()}
            changed |= {
                _local_day(month.get("incidents", key))
                for key in added
                if month.has("incidents", key)
            }
            self._durably(lambda m=month, r=rows: m.put_many(r))  # type: ignore[misc]
            self._recount(month, before, changed, added)
            for key, _doc in rows.get("incidents", []):
                self._owner[key] = name
        followup_rows = [
            (f.id, self._encode("followups", "followups", followup_to_dict(f), f.sealed))
            for f in followups
        ]
        if followup_rows:
            book = self._followup_book()
            self._backup_before_change(book)
            self._durably(lambda: book.put_many({"followups": followup_rows}))

    def merge_rows(
        self,
        month: str | None,
        rows: dict[str, list[tuple[str, dict[str, Any]]]],
        *,
        written_at: datetime,
    ) -> int:
        """Put a rescued copy of a month (or, with None, of the follow-ups) back.

        If the file on disk was not written after the copy was made, the copy is the
        newer whole: the file becomes exactly the copy (records deleted before the rescue
        stay deleted). Otherwise the disk holds later saves, and only records missing
        from it are added, never over a newer one. Returns how many records were put."""
        self.generation += 1
        if month is None:
            target = self._followup_book()
            self._backup_before_change(target)
        elif re.fullmatch(r"\d{4}-\d{2}", month):
            target = self._writable_month(month)
        else:
            return 0
        if self.protected:
            # A rescue file from before protection holds plain records: seal them now.
            rows = {
                table: [
                    (k, d if "sealed" in d else self._encode(target.name, table, dict(d), None))
                    for k, d in items
                ]
                for table, items in rows.items()
            }
        try:
            saved_later = target.path.stat().st_mtime > written_at.timestamp()
        except OSError:
            saved_later = False
        if saved_later:
            rows = {
                table: [(k, d) for k, d in items if not target.has(table, k)]
                for table, items in rows.items()
            }
            self._durably(lambda: target.put_many(rows))
        else:
            if month is not None:
                for key in list(target.keys("incidents")):
                    self._owner.pop(key, None)
            self._durably(lambda: target.replace(rows))
        if month is not None:
            for key, _doc in rows.get("incidents", []):
                self._owner[key] = month
        return sum(len(items) for items in rows.values())

    # -- summaries (the day tallies of each month) ----------------------------------------

    def day_tallies(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[tuple[date, DayTally]]:
        """The day tallies of every month file overlapping [since, until), oldest month
        first; a local day may come twice (its calls lie in two files). Each month's stored
        summary is read; one missing or stale is counted again from its calls. Unlocked
        only: they are counted from what the rep wrote."""
        if self.locked:
            raise Locked()
        first = shard_name(since) if since else ""
        last = shard_name(until) if until else "9999-99"
        names = sorted(n for n in self._on_disk | set(self._months) if first <= n <= last)
        return [pair for name in names for pair in self.month_tallies(name).items()]

    def month_tallies(self, name: str) -> Days:
        """The day tallies of one month file (see `day_tallies`)."""
        if self.locked:
            raise Locked()
        month = self._months.get(name)
        counted = self._tallies.get(name)
        if counted is not None:
            if month is not None and self._holds(counted, month):
                return counted.days
            # A month not loaded only changes on disk (another process, a restored copy).
            on_disk = self._source(name, None) if month is None and counted.file is None else None
            if on_disk is not None and on_disk == counted.source:
                return counted.days
        if month is None or not month.dirty:
            # What is in memory is what is on disk: the stored summary may do.
            source = self._source(name, month)
            days = None if source is None else self.summaries.read(name, source)
            if days is not None and source is not None:
                self._tallies[name] = _Counted(
                    month, month.writes if month is not None else 0, source, days
                )
                return days
        return self._count(name)

    def _count(self, name: str) -> Days:
        """Count a month's tallies from its calls, and keep them (on disk too, if it can)."""
        month = self._month(name)
        if month is None:
            return {}
        incidents = self._decoded(month, "incidents", incident_from_dict)
        month = self._months.get(name)  # another, if a changed file was just set aside
        days = tally(incidents)
        if month is not None:
            self._keep(month, days)
        return days

    def _keep(self, month: JournalFile, days: Days) -> None:
        source = None if month.dirty else self._source(month.name, month)
        self._tallies[month.name] = _Counted(month, month.writes, source, days)
        if source is not None:
            self.summaries.write(month.name, source, days)

    def _holds(self, counted: _Counted, month: JournalFile) -> bool:
        return counted.file is month and counted.writes == month.writes and not month.dirty

    def _source(self, name: str, month: JournalFile | None) -> Source | None:
        generation = 0
        if self.protected:
            if month is not None:
                generation = generation_of(meta_of(month.storage.read()))
            else:
                generation = self.proofs.trusted().get(name, 0)
        return source_of(self.journal_dir / f"{name}.json", generation)

    def _fresh_tallies(self, month: JournalFile, *, prime: bool = False) -> _Counted | None:
        """The month's tallies as they stand before a write, if known (with `prime`, read
        or counted now), so the write can bring them up to date."""
        if self.readonly or self.locked:
            return None
        counted = self._tallies.get(month.name)
        if (counted is None or not self._holds(counted, month)) and prime and not month.dirty:
            self.month_tallies(month.name)
            counted = self._tallies.get(month.name)
        if counted is None or self._months.get(month.name) is not month:
            return None
        return counted if self._holds(counted, month) else None

    def _recount(
        self,
        month: JournalFile,
        before: _Counted | None,
        changed: set[date | None],
        known: dict[str, Incident] | None = None,
    ) -> None:
        """After a write to a month: count again the days it touched (from the calls added,
        `known`, or decoded), or, when the tallies before it were not at hand, let the
        stored summary go stale (it is counted again when a question needs it)."""
        if before is None or month.dirty or self.locked or self.readonly:
            self._tallies.pop(month.name, None)
            if not month.dirty:
                # The month on disk changed under it: the stored summary goes now rather
                # than trust size, time and inode to tell (a coarse clock, a reused inode).
                self.summaries.drop(month.name)
            return
        days = dict(before.days)
        if changed:
            known = known or {}
            docs = [d for d in month.docs("incidents") if _local_day(d) in changed]
            fresh = [known[d["id"]] for d in docs if d.get("id") in known]
            others = [d for d in docs if d.get("id") not in known]
            fresh += self._decoded(month, "incidents", incident_from_dict, others)
            if self._months.get(month.name) is not month:
                self._tallies.pop(month.name, None)
                return
            for day in changed:
                days.pop(day, None)  # type: ignore[arg-type]
            days.update(tally(fresh))
        self._keep(month, days)

    # -- reads --------------------------------------------------------------------------

    def known_ids(self) -> KnownIds:
        """Every id in the journal, read a month at a time: a month that was not in memory
        is let go again, so this costs no more memory than one month whatever the size."""
        known = KnownIds(set(), {}, {}, set())
        for name in sorted(self._on_disk | set(self._months)):
            was_loaded = name in self._months
            month = self._month(name)
            if month is None:
                continue
            known.incidents.update(month.keys("incidents"))
            known.positives.update(month.keys("positives"))
            for doc in month.docs("nudges"):
                known.nudges[str(doc.get("id"))] = doc.get("incident_id")
            if not was_loaded:
                self._release(name)
        for doc in self._followup_book().docs("followups"):
            known.followups[str(doc.get("id"))] = doc.get("incident_id")
        return known

    def loaded_months(self) -> set[str]:
        return set(self._months)

    def release_months(self, keep: Iterable[str] = ()) -> None:
        """Let go of the month files held in memory but `keep` (each is read again when
        needed); those with changes the disk has not taken yet stay."""
        kept = set(keep)
        for name in list(self._months):
            if name not in kept:
                self._release(name)

    def _release(self, name: str) -> None:
        month = self._months.get(name)
        if month is None or month.dirty:
            return
        del self._months[name]
        self._recent.pop(name, None)  # its calls, decoded, go with it
        for key in month.keys("incidents"):
            if self._owner.get(key) == name:
                del self._owner[key]
        counted = self._tallies.get(name)
        if counted is not None and counted.file is month:
            # Kept as counted from the file on disk (checked against it when next used).
            self._tallies[name] = _Counted(None, 0, counted.source, counted.days)
        month.close()
        month.storage.forget()

    def month_names(self) -> list[str]:
        """Every month file, newest first."""
        return sorted(self._on_disk | set(self._months), reverse=True)

    def records(self, name: str) -> MonthRecords | None:
        """A month's records as they are now (the file is read if it was not yet: a few
        milliseconds), for `MonthRecords.decode` in another thread."""
        month = self._month(name)
        if month is None:
            return None
        return MonthRecords(
            name,
            month.version,
            tuple(month.docs("incidents")),
            tuple(month.docs("positives")),
            self.sealer,
        )

    def check_month(self, name: str) -> None:
        """Read a month here, so what does not decode is set aside as usual (after a
        `MonthRecords.decode` found something it could not read)."""
        month = self._month(name)
        if month is not None:
            self._decoded(month, "incidents", incident_from_dict)
        month = self._months.get(name)
        if month is not None:
            self._decoded(month, "positives", positive_from_dict)

    def incident(self, incident_id: str) -> Incident | None:
        name = self._owner.get(incident_id)
        if name is None:
            self._load_all()
            name = self._owner.get(incident_id)
            if name is None:
                return None
        month = self._months[name]
        doc = month.get("incidents", incident_id)
        found = self._decoded(month, "incidents", incident_from_dict, [doc] if doc else [])
        return found[0] if found else None

    def incidents(self) -> list[Incident]:
        """Every incident, oldest first. Reads the whole history (once)."""
        found = [
            i for m in self._load_all() for i in self._decoded(m, "incidents", incident_from_dict)
        ]
        found.sort(key=lambda incident: incident.flagged_at)
        return found

    def incidents_between(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Incident]:
        """Incidents flagged in [since, until), oldest first; reads only those months."""
        found = (
            incident
            for month in self._load_between(since, until)
            for incident in self._incidents_of(month)
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

    def _incidents_of(self, month: JournalFile) -> list[Incident]:
        """A month's calls, decoded once while the month and the lock stay as they are (the
        last RECENT_MONTHS months asked for). After a save only the records it replaced are
        decoded again: a record is never changed in place (JournalFile.upsert replaces it),
        so a stored record that is the same object as before decodes to the same call. The
        calls are shared between callers: a change to one is saved with save_incident."""
        key = (month.version, self._key_epoch)
        kept = self._recent.get(month.name)
        if kept is not None and kept[0] == key:
            self._recent.move_to_end(month.name)
            return [call for _doc, call in kept[1]]
        same_file = kept is not None and kept[0][0][0] == month.serial and kept[0][1] == key[1]
        before = {id(doc): call for doc, call in kept[1]} if kept is not None and same_file else {}
        docs = list(month.docs("incidents"))
        new = [doc for doc in docs if id(doc) not in before]
        decoded = self._decoded(month, "incidents", incident_from_dict, new)
        replaced = self._months.get(month.name) is not month
        if replaced or len(decoded) != len(new) or (month.version, self._key_epoch) != key:
            # Records set aside, or the file replaced by a backup: read it whole.
            self._recent.pop(month.name, None)
            found = self._decoded(self._month(month.name) or month, "incidents", incident_from_dict)
            return found
        made = iter(decoded)
        pairs = [(doc, before[id(doc)] if id(doc) in before else next(made)) for doc in docs]
        self._recent[month.name] = (key, pairs)
        self._recent.move_to_end(month.name)
        while len(self._recent) > RECENT_MONTHS:
            self._recent.popitem(last=False)
        return [call for _doc, call in pairs]

    def incidents_since(self, since: datetime) -> list[Incident]:
        return self.incidents_between(since, None)

    def latest_incident(self, until: datetime | None = None) -> Incident | None:
        """The newest incident (flagged at or before `until`, if given)."""
        for name in sorted(self._on_disk, reverse=True):
            if until is not None and name > shard_name(until):
                continue
            month = self._month(name)
            if month is None:
                continue
            found = [
                i
                for i in self._decoded(month, "incidents", incident_from_dict)
                if until is None or i.flagged_at <= until
            ]
            if found:
                return max(found, key=lambda i: i.flagged_at)
        return None

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
            wanted = [
                doc
                for doc in month.docs("nudges")
                if (state is None or doc.get("state") == state.value)
                and (incident_id is None or doc.get("incident_id") == incident_id)
            ]
            found += self._decoded(month, "nudges", nudge_from_dict, wanted)
        found.sort(key=lambda nudge: nudge.due_at)
        return found

    def positives(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Positive]:
        """Positives written on their own, oldest first."""
        found = [
            positive
            for month in self._load_between(since, until)
            for positive in self._decoded(month, "positives", positive_from_dict)
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
        book = self._followup_book()
        doc = book.get("followups", followup_id)
        found = self._decoded(book, "followups", followup_from_dict, [doc] if doc else [])
        return found[0] if found else None

    def followups(self, *, state: FollowUpState | None = None) -> list[FollowUp]:
        book = self._followup_book()
        wanted = [
            doc
            for doc in book.docs("followups")
            if state is None or doc.get("state") == state.value
        ]
        return sorted(
            self._decoded(book, "followups", followup_from_dict, wanted), key=lambda f: f.due_at
        )

    # -- scripts ------------------------------------------------------------------------

    def script(self, kind: str) -> str | None:
        """The rep's own script for a follow-up kind, or None (the app's is used)."""
        book = self._followup_book()
        doc = book.get("scripts", kind)
        found = self._decoded(book, "scripts", _script_from_dict, [doc] if doc else [])
        return found[0].text if found and found[0].text else None

    def save_script(self, kind: str, text: str | None) -> None:
        """Keep the rep's version of a kind's script (None: back to the app's own)."""
        self.generation += 1
        book = self._followup_book()
        self._backup_before_change(book)
        if text is None:
            self._durably(lambda: book.remove({"scripts": [kind]}))
            return
        doc = self._encode(book.name, "scripts", {"id": kind, "text": text}, None)
        self._durably(lambda: book.upsert("scripts", kind, doc))

    def close(self) -> None:
        for journal_file in self._open_files():
            journal_file.close()

    # -- migration ----------------------------------------------------------------------

    def _migrate_legacy(self) -> None:
        """Format 1 kept everything in one journal.json; split it into month files."""
        legacy = self.data_dir / LEGACY_FILE
        if self.readonly:
            raise StorageError(
                _(
                    "The journal in {path} uses an older format. Start Resilience once to upgrade "
                    "it (a backup is kept), then try again."
                ).format(path=self.data_dir)
            )
        raw = legacy.read_bytes()
        try:
            data = parse(raw) or {}
        except DamagedFile as exc:
            aside = _move_aside(legacy)
            log.error("legacy journal damaged (%s); moved to %s", exc, aside)
            self._notice(
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
        folder = ensure_private_dir(ensure_private_dir(self.backup_dir) / "before-upgrade")
        name = f"journal-format-1-{_stamp()}.json"
        if self.protected:
            # Sealed whole, as turning the lock on seals such files (opened again when it
            # is turned off): a protected journal keeps no plain copy.
            bound = f"resilience/seal/1/whole-file/{name}".encode()
            atomic_write(folder / f"{name}.sealed", self.sealer.seal(bound, raw).encode())
        else:
            atomic_write(folder / name, raw)  # backup first
        incidents = [incident_from_dict(d) for d in (data.get("incidents") or {}).values()]
        nudges = [nudge_from_dict(d) for d in (data.get("nudges") or {}).values()]
        self._on_disk = set(self._months_on_disk())
        self.add_many(incidents, nudges)
        legacy.unlink()
        log.info("migrated %d incidents from format 1", len(incidents))


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _unique(base: Path, suffix: str = ".json") -> Path:
    """`base`-STAMP`suffix`, or with a counter if that exists already."""
    stamp = _stamp()
    candidate = base.with_name(f"{base.name}-{stamp}{suffix}")
    counter = 1
    while candidate.exists() or candidate.is_symlink():
        candidate = base.with_name(f"{base.name}-{stamp}-{counter}{suffix}")
        counter += 1
    return candidate


def _move_aside(path: Path) -> Path:
    aside = _unique(path.with_name(f"{path.name}.damaged"), "")
    shutil.move(str(path), aside)
    return aside


__all__ = [
    "SCHEMA_VERSION",
    "StorageError",
    "Store",
    "shard_name",
]
