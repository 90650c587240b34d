"""A service of this process's own that only reads (export, stats, report, settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from resilience_app.cli.errors import EXIT_FAILED, EXIT_USAGE, CliError
from resilience_app.cli.output import say
from resilience_app.cli.secret import read_secret
from resilience_app.i18n import _


def reader(data_dir: Path, *, journal: bool = False, opened: bool = False) -> Any:
    """A service that only reads (export, stats, settings): no lock, no writes. With
    `journal`, a folder that holds no journal is a mistake worth a sentence; with
    `opened`, a protected journal is unlocked first (it asks)."""
    from resilience_app.core.errors import UserError
    from resilience_app.service.build import open_service

    try:
        vault = None
        if opened:
            from resilience_app.adapters.vault import KeyringVault

            vault = KeyringVault()
        service = open_service(data_dir, readonly=True, vault=vault)
        if opened:
            _open_journal(service)
    except UserError as exc:
        raise CliError(exc.message) from None
    if journal and not service.has_journal:
        raise CliError(
            _(
                "There is no journal in {path}. Check --data-dir (or start Resilience once to "
                "begin one)."
            ).format(path=data_dir)
        )
    for notice in service.notices():
        say(notice)
    return service


def _open_journal(service: Any) -> None:
    """A reader of a protected journal opens it: with the key this desktop keeps (when the
    rep chose that), or the passphrase typed (or one line of standard input)."""
    from resilience_app.core.errors import UserError

    if not service.locked:
        return
    if service.unlock_from_keyring():
        return
    try:
        service.unlock(read_secret(_("Passphrase for your journal")))
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None
