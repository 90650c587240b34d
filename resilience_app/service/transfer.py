"""`Transfer`: the journal out and in: export (JSON, CSV, Markdown) and import of an export."""

from __future__ import annotations

import errno
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from resilience_app.core.errors import UserError
from resilience_app.i18n import N_, _
from resilience_app.service.context import Context
from resilience_app.service.views import ExportResult
from resilience_app.storage import export as exporting
from resilience_app.storage.importer import ImportResult, import_stream

MAX_IMPORT_BYTES = 512 * 2**20


class Transfer:
    """Export and import; both need the journal unlocked (`need_open` says so)."""

    def __init__(self, ctx: Context, need_open: Callable[[str], None]) -> None:
        self.ctx = ctx
        self._need_open = need_open

    def export(
        self,
        fmt: str,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        path: Path | None = None,
        what: str = "calls",
    ) -> ExportResult:
        """Everything recorded in [since, until), as text; written to `path` if given. A
        CSV file holds one table, `what`: "calls" (one row per call) or "playbook" (one row
        per playbook entry); JSON and Markdown hold both."""
        self._need_open(N_("Your journal is locked (to export it)."))
        if fmt not in exporting.FORMATS:
            raise UserError(
                # Translators: {formats} are the formats' names: "json, csv, markdown".
                _("Export as one of: {formats}.").format(formats=", ".join(exporting.FORMATS)),
                usage=True,
            )
        if what not in exporting.CSV_TABLES or (what != "calls" and fmt != "csv"):
            raise UserError(
                _(
                    "Only a CSV export holds one table (calls or playbook); JSON and "
                    "Markdown hold both."
                ),
                usage=True,
            )
        if since is not None and until is not None and until <= since:
            raise UserError(_("The end of the period must not be before its start."), usage=True)
        gathered = exporting.gather(self.ctx.store, since, until)
        text = exporting.export(fmt, gathered, self.ctx.clock.now(), what=what)
        if path is not None:
            exporting.write_file(path, text)
        unprotected = None
        if self.ctx.store.protected:
            unprotected = (
                # Translators: {path} is the file the journal was exported to.
                _(
                    "{path} is not protected by your passphrase: anyone who can open it can read "
                    "it. Keep it somewhere safe, or delete it when you are done."
                ).format(path=path)
                if path is not None
                else _("What was printed is not protected by your passphrase.")
            )
        return ExportResult(text, len(gathered.incidents), path, unprotected)

    def import_file(self, path: Path) -> ImportResult:
        """Add the calls of a JSON export that the journal does not have yet (read a piece
        at a time, so an export of any size costs little memory; all or nothing)."""
        path = Path(path)
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                raise OSError(errno.EINVAL, "not a regular file", str(path))
            if info.st_size > MAX_IMPORT_BYTES:
                raise OSError(errno.EFBIG, "larger than an export of one journal", str(path))
        except FileNotFoundError:
            raise UserError(
                _("There is no file at {path}.").format(path=path), usage=True
            ) from None
        except OSError as exc:
            raise UserError(
                # Translators: {reason} is the system's reason ("Permission denied").
                _("Could not read {path}: {reason}.").format(path=path, reason=exc.strerror or exc)
            ) from None

        def open_text() -> TextIO:
            # Strict UTF-8, newlines as written (JSON does not care, offsets stay true).
            return open(path, encoding="utf-8", errors="strict", newline="")

        try:
            result = import_stream(self.ctx.store, open_text, self.ctx.clock.now())
        except UnicodeDecodeError:
            raise UserError(
                _("{path} is not a Resilience export (not UTF-8 text).").format(path=path)
            ) from None
        except OSError as exc:
            raise UserError(
                # Translators: {reason} is the system's reason ("Permission denied").
                _("Could not read {path}: {reason}.").format(path=path, reason=exc.strerror or exc)
            ) from None
        self.ctx.notes_changed.emit()
        self.ctx.followups_changed.emit()
        self.ctx.record_changed()
        return result
