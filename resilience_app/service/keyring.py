"""`Keyring`: "remember on this computer": the journal's key kept in the desktop's keyring,
so a protected journal opens by itself at login."""

from __future__ import annotations

from typing import Any

from resilience_app.core.errors import UserError
from resilience_app.i18n import _
from resilience_app.paths import digest
from resilience_app.service.context import Context
from resilience_app.service.ports import Vault


class Keyring:
    """The key in the keyring (one entry per data folder), or why it cannot be kept."""

    def __init__(self, ctx: Context, vault: Vault | None) -> None:
        self.ctx = ctx
        self.vault = vault
        self.account = digest(ctx.store.data_dir)

    @property
    def keyring_problem(self) -> str | None:
        """Why "remember on this computer" cannot work here, or None."""
        if self.vault is None:
            # Translators: why the journal's key cannot be kept on this computer; shown after
            # "Not available here:".
            return _("this copy of Resilience has no keyring")
        return self.vault.problem

    def check_remember(self) -> None:
        """Refuse "remember on this computer" where nothing can be kept (the check that
        greys the box in Settings), before anything is done."""
        problem = self.keyring_problem
        if problem is not None:
            raise UserError(
                # Translators: {problem} says why ("no keyring is available on this desktop").
                _(
                    "Your journal's key cannot be kept on this computer: {problem}. Nothing was "
                    "changed."
                ).format(problem=problem)
            )

    def load(self) -> bytes | None:
        """The key kept here, if the rep chose to keep it."""
        if not (self.ctx.settings.get("lock.remember") and self.vault):
            return None
        return self.vault.load(self.account)

    def remember(self, data_key: bytes) -> None:
        if self.vault is None:
            return
        if self.ctx.settings.get("lock.remember"):
            problem = self.vault.save(self.account, data_key)
            if problem:
                self.ctx.tell(
                    # Translators: {problem} says why ("no keyring is available on this desktop").
                    _("Your key could not be kept on this computer: {problem}.").format(
                        problem=problem
                    )
                )
        else:
            self.vault.forget(self.account)

    def forget(self) -> None:
        if self.vault is not None:
            self.vault.forget(self.account)

    def follow_setting(self, key: str, value: Any) -> None:
        if key != "lock.remember":
            return
        if not value and self.vault is not None:
            self.vault.forget(self.account)
        elif self.ctx.store.sealer.data_key is not None:
            self.remember(self.ctx.store.sealer.data_key)
