"""Opening a journal file, and what is done when it is damaged, not the copy last saved,
or missing: the file is moved aside, its newest good backup put in its place, and every
record still readable from it salvaged (the rep is told each time)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resilience_app.files import atomic_write, read_private
from resilience_app.i18n import _, ngettext
from resilience_app.storage.codec import BadRecord
from resilience_app.storage.driver import DamagedFile, dump, parse
from resilience_app.storage.journal_file import SCHEMA_VERSION, JournalFile, salvage, table_of
from resilience_app.storage.layout import FOLLOWUPS_FILE, StorageError, move_aside
from resilience_app.storage.sealing import BadSeal
from resilience_app.storage.setaside import DECODERS

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store

log = logging.getLogger(__name__)


class DamagedFiles:
    """Opens journal files, and repairs those found damaged, changed or missing."""

    def __init__(self, store: Store) -> None:
        # The Store this part belongs to: its other parts, its lock, its notices.
        self.store = store

    def journal_file(self, path: Path, tables: tuple[str, ...]) -> JournalFile:
        return JournalFile(path, tables, readonly=self.store.readonly, proofs=self.store.proofs)

    def open(self, path: Path, tables: tuple[str, ...]) -> JournalFile:
        try:
            opened = self.journal_file(path, tables)
        except DamagedFile as exc:
            if self.store.readonly:
                raise StorageError(
                    # Translators: {reason} says what is wrong with the file.
                    _(
                        "The journal file {path} is damaged ({reason}). Start Resilience once: "
                        "it sets the damaged file aside and restores the last good backup."
                    ).format(path=path, reason=exc)
                ) from None
            self.recover(path, str(exc), tables=tables)
            opened = self.journal_file(path, tables)
        if path.stem in self.store.backups.restored:
            # A backup the app itself put back: older than the list by nature, so numbered
            # above it now (and proved, when unlocked).
            self.store.backups.restored.discard(path.stem)
            opened.loaded = None
            if self.store.protected and not self.store.readonly:
                self.store.durability.durably(opened.rewrite)
        elif not self.store.locked:
            problem = self.proof_problem(opened)
            if problem is not None and problem[1]:
                # A whole older copy put back: the newest backup is the better copy.
                opened.close()
                if self.store.readonly:
                    raise StorageError(
                        # Translators: {reason} says how the file differs ("it is an older
                        # copy than the one Resilience last saved").
                        _(
                            "The journal file {path} is not the one Resilience last saved "
                            "({reason}). Start Resilience once: it sets the file aside and "
                            "restores the last good backup."
                        ).format(path=path, reason=problem[0])
                    )
                self.recover(path, problem[0], changed=True)
                return self.open(path, tables)
            if problem is not None:
                self.store.aside.vet(opened, problem[0])
            else:
                self.settle(opened)
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
            self.store.aside.set_aside(opened, opened.set_aside)
        return opened

    def proof_problem(self, journal_file: JournalFile) -> tuple[str, bool] | None:
        """Why a protected file, as it was read, is not the app's latest copy, and whether
        it is a whole older copy put back (checked once, unlocked); None when it is the
        latest, or when there is nothing to check."""
        loaded, journal_file.loaded = journal_file.loaded, None
        if loaded is None or not self.store.protected:
            return None
        problem: tuple[str, bool] | None = self.store.proofs.verdict(journal_file.name, loaded)
        for notice in self.store.proofs.take_notices():
            self.store.notice(notice)
        return problem

    def settle(self, journal_file: JournalFile) -> None:
        """Unlocked, a file written while locked gets its seals redone with the data key and
        its proof, with one write. Nothing proves its records meanwhile, so each is opened
        first: one that does not is set aside (and named) as any record that does not read."""
        if (
            self.store.readonly
            or not self.store.protected
            or self.store.locked
            or journal_file.proved
        ):
            return
        if not journal_file.path.exists() and not journal_file.dirty:
            return  # a new, empty file: proved with its first record
        self.store.aside.vet(journal_file, None)
        if journal_file.set_aside:
            self.store.aside.set_aside(journal_file, journal_file.set_aside)
            journal_file.set_aside = []
        from resilience_app.storage.sealing import PRIVATE

        def reseal(table: str) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
            def change(doc: dict[str, Any]) -> dict[str, Any] | None:
                try:
                    resealed: dict[str, Any] | None = self.store.sealer.reseal_inbox(
                        journal_file.name, table, doc
                    )
                    return resealed
                except BadSeal:
                    return None

            return change

        for table in PRIVATE:
            if table in journal_file.tables:
                journal_file.change_docs(table, reseal(table))
        self.store.durability.durably(journal_file.rewrite)

    def check_after_unlock(self) -> None:
        """Files read while locked are checked now; files written while locked, proved;
        files the list knows that are gone, restored from their backups."""
        for journal_file in self.store.durability.open_files():
            problem = self.proof_problem(journal_file)
            if problem is not None and problem[1]:
                self.tampered(journal_file, problem[0])
            elif problem is not None:
                self.store.aside.vet(journal_file, problem[0])
        for journal_file in self.store.durability.open_files():
            self.settle(journal_file)
        if self.store.readonly:
            return
        present = set(self.store.months.names_on_disk())
        if (
            self.store.journal_dir / FOLLOWUPS_FILE
        ).exists() or self.store.followup_file.book_file is not None:
            present.add(Path(FOLLOWUPS_FILE).stem)
        present |= set(self.store.months.loaded)
        for name in self.store.proofs.missing(present):
            self.restore_missing(name)
        for notice in self.store.proofs.take_notices():
            self.store.notice(notice)

    def restore_missing(self, name: str) -> None:
        followups = name == Path(FOLLOWUPS_FILE).stem
        path = self.store.journal_dir / (FOLLOWUPS_FILE if followups else f"{name}.json")
        if path.exists():
            return
        log.error("%s is missing from the journal folder", path.name)
        if self.store.backups.restore_latest(path) is not None:
            self.store.notice(
                # Translators: {month} names a journal file by its month (2026-11), or
                # "followups" for the file of follow-ups.
                _(
                    "Your journal for {month} was missing from its folder. It was restored from "
                    "its last backup."
                ).format(month=name)
            )
            self.store.backups.restored.add(name)
            if followups:
                self.store.followup_file.book_file = None
                self.store.followup_file.book()
            else:
                self.store.months.on_disk.add(name)
                self.store.months.month(name)
        else:
            self.store.notice(
                # Translators: {month} names a journal file by its month (2026-11), or
                # "followups" for the file of follow-ups.
                _(
                    "Your journal for {month} is missing from its folder and no backup of it "
                    "could be read."
                ).format(month=name)
            )
            self.store.proofs.trusted().pop(name, None)

    def tampered(self, journal_file: JournalFile, reason: str) -> JournalFile | None:
        """Set aside a file that is a whole older copy put back in place of the latest,
        restore its last good backup, and give the file as it is now (a reader, which
        never moves files, is refused with a sentence)."""
        log.error("%s: %s", journal_file.name, reason)
        if self.store.readonly:
            raise StorageError(
                _(
                    "The journal file {path} is not the one Resilience last saved "
                    "({reason}). Start Resilience once: it sets the file aside and "
                    "restores the last good backup."
                ).format(path=journal_file.path, reason=reason)
            )
        journal_file.close()
        if journal_file is self.store.followup_file.book_file:
            self.store.followup_file.book_file = None
            self.recover(journal_file.path, reason, changed=True)
            book: JournalFile = self.store.followup_file.book()
            return book
        self.store.months.loaded.pop(journal_file.name, None)
        self.store.months.owner = {
            k: v for k, v in self.store.months.owner.items() if v != journal_file.name
        }
        self.recover(journal_file.path, reason, changed=True)
        month: JournalFile | None = self.store.months.month(journal_file.name, create=True)
        return month

    def recover(
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
            aside = move_aside(path)
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
        self.store.backups.restored.add(path.stem)
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
        backup = self.store.backups.restore_latest(path)
        kept = self.salvage(path, found, tables) if tables is not None else 0
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
            self.store.notice(f"{what} {then}")
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
            self.store.notice(f"{what} {then}")
            return
        if backup is not None:
            # Translators: {day} is the day of the backup (2026-11-24); {path} where the
            # damaged file is kept.
            then = _(
                "It was restored from the backup of {day}; the file found is kept at {path}."
            ).format(day=backup.stem, path=aside)
            self.store.notice(f"{what} {then}")
            return
        then = _(
            "As no backup could be read, that part starts empty. The file found is kept at "
            "{path}; nothing was deleted."
        ).format(path=aside)
        self.store.notice(f"{what} {then}")

    def salvage(self, path: Path, raw: bytes, tables: tuple[str, ...]) -> int:
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
                if table is not None and self.opens(path.stem, table, doc):
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

    def opens(self, file: str, table: str, doc: dict[str, Any]) -> bool:
        """True when a record decodes as one of `table` (and its seal opens, unlocked)."""
        decode = DECODERS.get(table)
        try:
            opened, _kept = self.store.sealer.open_doc(file, table, doc)
            if decode is not None:
                decode(opened)
        except (BadRecord, BadSeal):
            return False
        return True
