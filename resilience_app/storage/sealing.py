"""The journal's passphrase lock: the sealing of what the rep wrote, record by record.

When the journal is protected, the private part of every record (a call's label, how rough
it felt and its whole note; a follow-up's note; a positive's text) is stored sealed; the
rest (ids, times, states, kinds) stays in clear, so the loop can start a break, fire a
nudge and remind a follow-up while the journal is locked.

The keys that do it live in `keys` (`key.json`): a data key seals and opens records; while
the journal is locked, records are sealed to its public key (a label given to a flag, a
positive added from a script), and sealed again with the data key the next time they are
written unlocked.

Every seal is bound (as associated data) to where it belongs: the file (which month, or
the follow-ups), the table and the record's id. Moved to another record or another file,
flipped by one bit, or sealed under another key, it does not open: `BadSeal`, which the
store treats like a record that does not decode: that record alone is set aside.
"""

from __future__ import annotations

import json
import os
from typing import Any

from resilience_app.core.errors import UserError
from resilience_app.i18n import N_, _

# What the store and the service import from here; they live with the key file now.
from resilience_app.storage.keys import KEY_FILE as KEY_FILE
from resilience_app.storage.keys import (
    WRAP_PRIVATE_KEY,
    DamagedKeyFile,
    KeyFile,
    b64,
    unb64,
    unwrap,
    wipe,
)
from resilience_app.storage.keys import BadSeal as BadSeal
from resilience_app.storage.keys import open_data_key as open_data_key
from resilience_app.storage.keys import read_key_file as read_key_file
from resilience_app.storage.keys import write_key_file as write_key_file

# Private fields of each table; everything else in a record stays in clear.
PRIVATE: dict[str, tuple[str, ...]] = {
    "incidents": ("label", "rough", "size", "reflection"),
    "followups": ("note", "outcome_note"),
    "scripts": ("text",),
    "positives": ("text",),
    # Their words, my answer and its earlier wordings, the tags (a rep's own may say much).
    "playbook": ("said", "answer", "earlier", "also_said", "tags"),
}
DATA_KEY = "d1:"  # AES-256-GCM with the data key: nonce (12) + ciphertext + tag
INBOX = "p1:"  # HPKE (X25519, HKDF-SHA256, AES-256-GCM) to the journal's public key

# In a seal made while another could not be opened: that other seal (see Sealer.seal_doc).
UNDER = "~under"
MAX_UNDER = 64


def _filled(value: Any) -> bool:
    """A private field that holds something (a note counts when any of its parts does)."""
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    return value is not None and value != "" and value != []


class Locked(UserError):
    """The journal is protected and locked: what the rep wrote cannot be shown now.

    `locked` is the first sentence, saying what cannot be done ("Your journal is locked (to
    save a note)."), marked with N_() where it is written and translated here."""

    def __init__(self, locked: str = N_("Your journal is locked.")) -> None:
        # Translators: "Unlock" is the tray menu's item; keep `resilience unlock` (a command).
        how = _("Unlock it first: Unlock in the tray menu, or `resilience unlock`.")
        super().__init__(_(locked) + " " + how)


def identity(file: str, table: str, record_id: str) -> bytes:
    """What a seal is bound to: its file, its table, its record."""
    return f"resilience/seal/1/{file}/{table}/{record_id}".encode()


class Sealer:
    """Seals and opens the private fields of records, with whatever keys it holds."""

    def __init__(self, key: KeyFile | None = None) -> None:
        self.key = key  # None: the journal is not protected
        self._data_key: bytearray | None = None  # wiped at lock
        self._private: Any = None  # X25519PrivateKey while unlocked
        self._public: Any = None
        self._derived: dict[bytes, bytes] = {}

    @property
    def protected(self) -> bool:
        return self.key is not None

    @property
    def locked(self) -> bool:
        return self.key is not None and self._data_key is None

    @property
    def data_key(self) -> bytes | None:
        return None if self._data_key is None else bytes(self._data_key)

    def unlock(self, data_key: bytes) -> None:
        """Hold the data key (from the passphrase, or the keyring) and open the inbox key."""
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        assert self.key is not None
        if not self.key.whole:
            raise DamagedKeyFile(self.key.path)
        try:
            raw = unwrap(data_key, self.key.wrapped_private_key, WRAP_PRIVATE_KEY)
        except BadSeal:
            # The data key opened its wrapping (or came from the keyring): what does not
            # open now is the file (a key from the keyring that does not fit is logged).
            raise DamagedKeyFile(self.key.path) from None
        private = X25519PrivateKey.from_private_bytes(raw)
        if private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) != self.key.public_key:
            raise DamagedKeyFile(self.key.path)  # what the locked app seals to is not ours
        self._data_key = bytearray(data_key)
        self._private = private

    def lock(self) -> None:
        """Let go of every secret: the data key zeroed, the private key and derived keys
        dropped (the cryptography library holds its own copies until they are freed)."""
        if self._data_key is not None:
            wipe(self._data_key)
        self._data_key = None
        self._private = None
        self._derived = {}

    def derived_key(self, purpose: bytes) -> bytes:
        """A key for one purpose (the file proofs), derived from the data key with HKDF."""
        if self._data_key is None:
            raise Locked()
        found = self._derived.get(purpose)
        if found is None:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.kdf.hkdf import HKDF

            found = HKDF(hashes.SHA256(), 32, salt=None, info=purpose).derive(self._data_key)
            self._derived[purpose] = found
        return found

    def reseal_inbox(self, file: str, table: str, doc: dict[str, Any]) -> dict[str, Any] | None:
        """The record with a seal written while locked sealed again with the data key, or
        None if it needs nothing. BadSeal if that seal does not open."""
        sealed = doc.get("sealed")
        if not isinstance(sealed, str) or not sealed.startswith(INBOX) or self.locked:
            return None
        bound = identity(file, table, str(doc.get("id")))
        plain = json.dumps(self._fields(bound, sealed), ensure_ascii=False, separators=(",", ":"))
        return {**doc, "sealed": self.seal(bound, plain.encode())}

    def prepare(self) -> None:
        """Load what sealing needs (the cryptography modules, the public key of a locked
        journal) ahead of the first write: about 15 ms paid while the app is idle rather
        than inside the rep's first flag."""
        if not self.protected:
            return
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        del InvalidTag, AESGCM
        if self.key is not None and self._public is None:
            from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

            self._public = X25519PublicKey.from_public_bytes(self.key.public_key)
            self._suite()

    def _suite(self) -> Any:
        from cryptography.hazmat.primitives import hpke

        return hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)

    def seal(self, bound_to: bytes, plain: bytes) -> str:
        if self._data_key is not None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            nonce = os.urandom(12)
            return DATA_KEY + b64(nonce + AESGCM(self._data_key).encrypt(nonce, plain, bound_to))
        assert self.key is not None
        if self._public is None:
            from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

            self._public = X25519PublicKey.from_public_bytes(self.key.public_key)
        return INBOX + b64(self._suite().encrypt(plain, self._public, info=bound_to))

    def open(self, bound_to: bytes, sealed: str) -> bytes:
        from cryptography.exceptions import InvalidTag

        if self._data_key is None:
            raise Locked()
        try:
            if sealed.startswith(DATA_KEY):
                from cryptography.hazmat.primitives.ciphers.aead import AESGCM

                raw = unb64(sealed[len(DATA_KEY) :])
                return AESGCM(self._data_key).decrypt(raw[:12], raw[12:], bound_to)
            if sealed.startswith(INBOX):
                raw = unb64(sealed[len(INBOX) :])
                return bytes(self._suite().decrypt(raw, self._private, info=bound_to))
        except (InvalidTag, ValueError):
            # Translators: why a journal file is not the copy the app last saved (in brackets).
            raise BadSeal(_("a sealed value does not open")) from None
        # Translators: why a journal file is not the copy the app last saved (in brackets).
        raise BadSeal(_("an unknown kind of seal"))

    # -- records -------------------------------------------------------------------------

    def seal_doc(
        self, file: str, table: str, doc: dict[str, Any], kept: str | None
    ) -> dict[str, Any]:
        """The record as stored: private fields sealed (or `kept`, the seal it was read
        with while locked), or the record unchanged when the journal is not protected."""
        fields = PRIVATE.get(table)
        if not self.protected or not fields:
            return doc
        private = {name: doc.pop(name) for name in fields if name in doc}
        added = {name: value for name, value in private.items() if _filled(value)}
        if kept is not None and added:
            # Given while the seal it was read with could not be opened (a label typed
            # with a second flag while locked): sealed together with that seal, and filling
            # in, when opened, only what it left empty.
            both = json.dumps({**added, UNDER: kept}, ensure_ascii=False, separators=(",", ":"))
            doc["sealed"] = self.seal(identity(file, table, str(doc["id"])), both.encode())
        elif kept is not None:
            doc["sealed"] = kept
        else:
            plain = json.dumps(private, ensure_ascii=False, separators=(",", ":")).encode()
            doc["sealed"] = self.seal(identity(file, table, str(doc["id"])), plain)
        return doc

    def open_doc(
        self, file: str, table: str, doc: dict[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        """The record with its private fields back, or, while locked, without them and
        with the seal to keep (returned second). BadSeal if the seal does not open."""
        sealed = doc.get("sealed")
        fields = PRIVATE.get(table, ())
        if self.protected and fields and (sealed is None or any(f in doc for f in fields)):
            # The app never stores a record of a protected journal without its seal, nor
            # any of its private part in clear: text put there from outside is not the rep's.
            # Translators: why a journal file is not the copy the app last saved (in brackets).
            raise BadSeal(_("a record that should be sealed holds plain text"))
        if sealed is None:
            return doc, None
        clear = {k: v for k, v in doc.items() if k != "sealed"}
        if not isinstance(sealed, str):
            # Translators: why a journal file is not the copy the app last saved (in brackets).
            raise BadSeal(_("a seal that is not text"))
        if self.locked or not self.protected:
            return clear, sealed
        clear.update(self._fields(identity(file, table, str(doc.get("id"))), sealed))
        return clear, None

    def _fields(self, bound_to: bytes, sealed: str, depth: int = 0) -> dict[str, Any]:
        """The private fields a seal holds (with those of a seal it carries filled in)."""
        try:
            private = json.loads(self.open(bound_to, sealed))
        except (ValueError, UnicodeDecodeError, RecursionError):
            # Translators: why a journal file is not the copy the app last saved (in brackets).
            raise BadSeal(_("a sealed value that is not a record")) from None
        if not isinstance(private, dict):
            raise BadSeal(_("a sealed value that is not a record"))
        under = private.pop(UNDER, None)
        if under is None:
            return private
        if not isinstance(under, str) or depth >= MAX_UNDER:
            raise BadSeal(_("a sealed value that is not a record"))
        base = self._fields(bound_to, under, depth + 1)
        for name, value in private.items():
            if not _filled(base.get(name)):
                base[name] = value
        return base
