"""Records set aside: a record that does not decode (a hand-edited file, an old bug) or
whose seal does not open is taken out of its file, kept in
``journal/NAME.set-aside-STAMP.json`` and named to the rep; the rest of the file is used."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from resilience_app.files import atomic_write
from resilience_app.i18n import _, ngettext
from resilience_app.storage.codec import (
    BadRecord,
    followup_from_dict,
    incident_from_dict,
    nudge_from_dict,
    positive_from_dict,
)
from resilience_app.storage.journal_file import JournalFile
from resilience_app.storage.layout import unique
from resilience_app.storage.playbook import entry_from_dict
from resilience_app.storage.scripts import script_from_dict
from resilience_app.storage.sealing import BadSeal

if TYPE_CHECKING:  # for the annotations only: the Store imports this module
    from resilience_app.storage.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")


DECODERS: dict[str, Callable[[Any], Any]] = {
    "incidents": incident_from_dict,
    "nudges": nudge_from_dict,
    "positives": positive_from_dict,
    "followups": followup_from_dict,
    "scripts": script_from_dict,
    "playbook": entry_from_dict,
}


class SetAside:
    """Decodes records, and sets aside (and names to the rep) those that do not decode."""

    def __init__(self, store: Store) -> None:
        # The Store this part belongs to: its other parts, its lock, its notices.
        self.store = store

    def set_aside(
        self, journal_file: JournalFile, rows: list[tuple[str, Any]], changed: str | None = None
    ) -> None:
        """Keep records that cannot be used in a file of their own, tell the rep, and go
        on with the rest of the file. `changed`: the file is not the copy the app last
        saved (why, in words); the rep is told that too, in the same sentence."""
        n = len(rows)
        if changed is not None:
            self.changed(journal_file, rows, changed)
            return
        if not self.store.readonly:
            aside = self.keep_aside(journal_file, rows)
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
            self.store.durability.durably(journal_file.rewrite)
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
        self.store.notice(said)

    def changed(self, journal_file: JournalFile, rows: list[tuple[str, Any]], reason: str) -> None:
        """`_set_aside` for a file found changed: its records that do not open are kept in
        a file of their own, every other record is kept, and one sentence says it all."""
        n = len(rows)
        # Translators: {month} names a journal file by its month (2026-11), or "followups"
        # for the file of follow-ups; {reason} says how it differs.
        what = _("Your journal for {month} was not the copy Resilience last saved ({reason}).")
        what = what.format(month=journal_file.name, reason=reason)
        aside: Path | None = None
        if rows and not self.store.readonly:
            aside = self.keep_aside(journal_file, rows)
        if not rows:
            then = (
                _("Every record in it still opens, so it is used as it is.")
                if self.store.readonly
                else _("Every record in it still opens, so all of them were kept.")
            )
        elif self.store.readonly:
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
            backups = self.store.backups.backup_dir / journal_file.name
            if not backups.is_symlink() and any(backups.glob("*.json")):
                # Translators: {backups} is the folder of a journal file's daily backups.
                then += " " + _(
                    "Earlier copies of the file, from before each day's first change, are in "
                    "{backups}."
                ).format(backups=backups)
        if not self.store.readonly:
            self.store.durability.durably(journal_file.rewrite)  # proved again, as it is now
        log.error("%s: %s; %d records set aside", journal_file.name, reason, n)
        self.store.notice(f"{what} {then}")

    def keep_aside(self, journal_file: JournalFile, rows: list[tuple[str, Any]]) -> Path | None:
        """Copy records that cannot be used to `NAME.set-aside-STAMP.json` (None: the disk
        refused)."""
        aside = unique(journal_file.path.with_name(f"{journal_file.name}.set-aside"))
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

    def vet(self, journal_file: JournalFile, changed: str | None) -> None:
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
                    opened, _kept = self.store.sealer.open_doc(journal_file.name, table, doc)
                    decode(opened)
                except (BadRecord, BadSeal) as exc:
                    log.error("%s: a record of %s does not open: %s", journal_file.name, table, exc)
                    bad.append(doc)
            if bad:
                journal_file.discard(table, [doc["id"] for doc in bad])
                rows += [(table, doc) for doc in bad]
        if changed is not None:
            self.set_aside(journal_file, rows, changed)
        elif rows:
            journal_file.set_aside = rows  # said and kept as any record set aside is

    def decoded(
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
                    self.store.sealer.open_doc(journal_file.name, table, doc)
                    if isinstance(doc, dict)
                    else (doc, None)
                )
                item = decode(opened)
            except BadSeal as exc:
                if self.store.locked:
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
            self.set_aside(journal_file, bad)
        return found
