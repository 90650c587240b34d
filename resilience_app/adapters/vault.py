"""Where "remember on this computer" keeps the journal's key: the desktop's keyring.

Through the `keyring` library, which speaks to the Secret Service (GNOME Keyring, KWallet
on KDE), the macOS Keychain and the Windows Credential Locker. Where none answers (a
minimal desktop, a headless machine), `problem` says so, and the rep types the passphrase.
The entry is named by the data folder, so two journals on one account do not mix.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from typing import Any

from resilience_app.i18n import _

log = logging.getLogger(__name__)
SERVICE = "Resilience journal key"


class KeyringVault:
    def __init__(self, backend: Any = None) -> None:
        self._backend = backend  # a keyring backend; None: the library's choice

    def _keyring(self) -> Any:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    @property
    def problem(self) -> str | None:
        """Why nothing can be remembered here, or None."""
        try:
            backend = self._keyring()
        except Exception as exc:  # the library fails in several ways without a keyring
            return _("no keyring is available ({reason})").format(reason=type(exc).__name__)
        name = type(backend).__module__ + "." + type(backend).__name__
        if name.startswith(("keyring.backends.fail", "keyring.backends.null")):
            return _("no keyring is available on this desktop")
        return None

    def save(self, account: str, secret: bytes) -> str | None:
        """Keep `secret`; a sentence if that is not possible."""
        problem = self.problem
        if problem:
            return problem
        try:
            self._keyring().set_password(SERVICE, account, base64.b64encode(secret).decode())
        except Exception as exc:
            return _("the keyring refused it ({reason})").format(reason=type(exc).__name__)
        return None

    def load(self, account: str) -> bytes | None:
        if self.problem:
            return None
        try:
            text = self._keyring().get_password(SERVICE, account)
            return base64.b64decode(text) if text else None
        except Exception as exc:
            log.warning("the keyring could not be read: %s", type(exc).__name__)
            return None

    def forget(self, account: str) -> None:
        if self.problem:
            return
        with contextlib.suppress(Exception):  # nothing kept there: nothing to forget
            self._keyring().delete_password(SERVICE, account)
