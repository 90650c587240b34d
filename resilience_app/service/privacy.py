"""`Privacy`: the passphrase lock: unlock, lock (by hand or after idle minutes), and the
passphrase set, changed or removed. While locked, nothing the rep wrote is shown."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from resilience_app.core.errors import UserError
from resilience_app.core.events import Event
from resilience_app.i18n import _
from resilience_app.service.context import Context
from resilience_app.service.keyring import Keyring
from resilience_app.service.settings import SettingsDesk
from resilience_app.storage import protection
from resilience_app.storage.sealing import Locked, open_data_key

log = logging.getLogger(__name__)


class Privacy:
    """The lock over the journal; `let_go` tells the rooms holding the rep's words to drop
    them (all of them when locking, what was decoded when the key changes)."""

    def __init__(
        self,
        ctx: Context,
        keyring: Keyring,
        settings: SettingsDesk,
        *,
        forbid_dumps: Callable[[], object] | None,
    ) -> None:
        self.ctx = ctx
        self.keyring = keyring
        self.settings = settings
        # Makes the process leave no crash dump (its memory holds what the rep wrote and
        # the passphrase): called by the builder for a protected journal, here when the
        # lock is turned on.
        self.forbid_dumps = forbid_dumps
        self.last_use = ctx.clock.now()  # of what the rep wrote (for the idle lock)
        self.lock_changed: Event[[bool]] = Event()  # locked or not
        self.before_lock: Event[[]] = Event()  # keep half-typed notes before they go
        self.let_go: Event[[bool]] = Event()  # everything (locked) or what was decoded
        ctx.settings.changed.connect(self._follow_setting)
        ctx.clock_stepped.connect(self._clock_stepped)

    def _clock_stepped(self, jump: timedelta) -> None:
        self.last_use += jump

    def _follow_setting(self, key: str, value: Any) -> None:
        if key == "lock.idle_minutes":
            self.last_use = self.ctx.clock.now()
            self.ctx.schedule_changed.emit()

    @property
    def protected(self) -> bool:
        return self.ctx.store.protected

    @property
    def locked(self) -> bool:
        return self.ctx.store.locked

    def need_open(self, locked: str) -> None:
        """What shows or changes what the rep wrote needs the journal unlocked; `locked` is
        the sentence saying so (marked with N_())."""
        if self.ctx.store.locked:
            raise Locked(locked)
        self.last_use = self.ctx.clock.now()
        if self.ctx.settings.get("lock.idle_minutes"):
            self.ctx.schedule_changed.emit()

    def unlock(self, passphrase: str, *, remember: bool | None = None) -> list[str]:
        """Open the journal with the passphrase; with `remember`, keep its key in the
        desktop's keyring so it opens by itself at the next login. Returns what storage
        found on the way (a record set aside), also told as it was found."""
        store = self.ctx.store
        key = store.sealer.key
        if key is None:
            raise UserError(_("Your journal is not protected by a passphrase."))
        if remember:
            self.keyring.check_remember()
        data_key = open_data_key(key, passphrase)  # WrongPassphrase: one sentence
        before = len(store.notices)
        self._opened(data_key)
        found = store.notices[before:]
        self._keep_choice(remember, data_key)
        return found

    def _keep_choice(self, remember: bool | None, data_key: bytes) -> None:
        if remember is not None and remember != self.ctx.settings.get("lock.remember"):
            self.settings.set_setting("lock.remember", remember)  # kept in (or taken from) it
        elif self.ctx.settings.get("lock.remember"):
            self.keyring.remember(data_key)

    def unlock_from_keyring(self) -> bool:
        """At start, when the rep chose "remember on this computer"."""
        if not self.locked:
            return False
        data_key = self.keyring.load()
        if data_key is None:
            return False
        try:
            self._opened(data_key)
        except UserError:
            log.warning("the key in the keyring does not open this journal; asking instead")
            return False
        return True

    def _opened(self, data_key: bytes) -> None:
        ctx = self.ctx
        try:
            ctx.store.unlock(data_key)
        except UserError:
            # A file found changed could not be set aside: the journal stays locked, so
            # what the rep sees and what the store holds never disagree.
            ctx.store.lock()
            raise
        self.last_use = ctx.clock.now()
        self.let_go.emit(False)
        ctx.loop.restore(catch_up=False)  # the current call read again, with its note
        self.lock_changed.emit(False)
        ctx.notes_changed.emit()
        ctx.followups_changed.emit()
        ctx.journal_changed.emit()
        ctx.schedule_changed.emit()

    def lock(self) -> None:
        """Lock now: what the rep wrote cannot be shown until the passphrase is typed."""
        ctx = self.ctx
        if not ctx.store.protected:
            raise UserError(
                _(
                    "Your journal has no passphrase yet; set one in Settings or with "
                    "`resilience passphrase set`."
                )
            )
        self.before_lock.emit()
        ctx.store.lock()
        self.let_go.emit(True)
        ctx.loop.restore(catch_up=False)
        self.lock_changed.emit(True)
        ctx.followups_changed.emit()
        ctx.journal_changed.emit()
        ctx.schedule_changed.emit()

    def set_passphrase(self, passphrase: str, *, remember: bool | None = None) -> None:
        """Protect the journal: every file rewritten sealed, all or nothing."""
        if remember:
            self.keyring.check_remember()
        if self.forbid_dumps is not None:
            self.forbid_dumps()
        data_key = protection.enable(self.ctx.store, passphrase)
        self._opened(data_key)
        self._keep_choice(remember, data_key)

    def change_passphrase(self, old: str, new: str) -> None:
        """A new passphrase for the same key; the journal stays locked or unlocked as it was."""
        protection.change(self.ctx.store, old, new)

    def remove_passphrase(self, passphrase: str) -> None:
        """Turn the lock off: every file rewritten in plain text, all or nothing."""
        protection.disable(self.ctx.store, passphrase)
        self.keyring.forget()
        self.let_go.emit(False)
        self.ctx.loop.restore(catch_up=False)
        self.lock_changed.emit(False)
        self.ctx.journal_changed.emit()

    def lock_due(self) -> datetime | None:
        minutes = self.ctx.settings.get("lock.idle_minutes")
        if not minutes or self.ctx.store.locked or not self.ctx.store.protected:
            return None
        return self.last_use + timedelta(minutes=float(minutes))
