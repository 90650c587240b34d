"""The journal's passphrase lock: keys, and the sealing of what the rep wrote.

When the journal is protected, the private part of every record (a call's label, how rough
it felt and its whole note; a follow-up's note; a positive's text) is stored sealed; the
rest (ids, times, states, kinds) stays in clear, so the loop can start a break, fire a
nudge and remind a follow-up while the journal is locked.

Keys (`key.json`, format 1):

- a random 256-bit data key seals and opens records with AES-256-GCM;
- the passphrase never seals anything itself: Argon2id (parameters and a fresh salt in the
  file, so they can be raised later) turns it into a key that wraps the data key, so a new
  passphrase rewraps one key instead of re-sealing years of history;
- an X25519 key pair lets the locked app write (HPKE to the public key; RFC 9180 from the
  `cryptography` package): a label given to a flag, a positive added from a script. Only
  the private key, wrapped by the data key, can open those, and they are sealed again
  with the data key the next time they are written unlocked.

Every seal is bound (as associated data) to where it belongs: the file (which month, or
the follow-ups), the table and the record's id. Moved to another record or another file,
flipped by one bit, or sealed under another key, it does not open: `BadSeal`, which the
store treats like a record that does not decode: that record alone is set aside.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from resilience_app.core import values
from resilience_app.core.errors import UserError
from resilience_app.files import atomic_write, read_private
from resilience_app.i18n import N_, _, ngettext

KEY_FILE = "key.json"
KEY_FORMAT = 1
# Private fields of each table; everything else in a record stays in clear.
PRIVATE: dict[str, tuple[str, ...]] = {
    "incidents": ("label", "rough", "reflection"),
    "followups": ("note", "outcome_note"),
    "scripts": ("text",),
    "positives": ("text",),
}
DATA_KEY = "d1:"  # AES-256-GCM with the data key: nonce (12) + ciphertext + tag
INBOX = "p1:"  # HPKE (X25519, HKDF-SHA256, AES-256-GCM) to the journal's public key
# Argon2id: about 0.3 s and 128 MiB on this kind of machine; stored with each key file.
KDF_TIME_COST = 3
KDF_MEMORY_KIB = 128 * 1024
KDF_PARALLELISM = 2
MIN_PASSPHRASE = 8
MAX_PASSPHRASE = values.MAX_PASSPHRASE


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


class WrongPassphrase(UserError):
    def __init__(self) -> None:
        super().__init__(_("That passphrase does not open this journal. Nothing was changed."))


class DamagedKeyFile(UserError):
    """`key.json` is not as it was written: even the right passphrase cannot open it."""

    def __init__(self, path: Path | None) -> None:
        super().__init__(
            # Translators: {path} is the key file; keep "key.json" (a file name).
            _(
                "Your journal's key file ({path}) is damaged, so even the right passphrase "
                "cannot open your journal. Put key.json back from a backup copy of the data "
                "folder (Resilience keeps no copy of it), then unlock again. Nothing was "
                "changed."
            ).format(path=path or KEY_FILE)
        )


class BadSeal(Exception):
    """A sealed value that does not open: tampered with, moved, or damaged."""


def identity(file: str, table: str, record_id: str) -> bytes:
    """What a seal is bound to: its file, its table, its record."""
    return f"resilience/seal/1/{file}/{table}/{record_id}".encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def too_long() -> UserError:
    """The refusal of a passphrase over MAX_PASSPHRASE characters."""
    return UserError(
        ngettext(
            "A passphrase can have at most {n} character. Nothing was changed.",
            "A passphrase can have at most {n} characters. Nothing was changed.",
            MAX_PASSPHRASE,
        ).format(n=MAX_PASSPHRASE),
        usage=True,
    )


def check_passphrase(passphrase: str) -> str:
    """A passphrase long enough to be worth it, short enough to be typed, as valid text."""
    if not isinstance(passphrase, str) or not values.is_text(passphrase):
        raise UserError(_("The passphrase has characters that are not valid text."), usage=True)
    if len(passphrase) > MAX_PASSPHRASE:
        raise too_long()
    if len(passphrase) < MIN_PASSPHRASE:
        raise UserError(
            ngettext(
                "Choose a passphrase of at least {n} character (a few words work well).",
                "Choose a passphrase of at least {n} characters (a few words work well).",
                MIN_PASSPHRASE,
            ).format(n=MIN_PASSPHRASE),
            usage=True,
        )
    return passphrase


@dataclass
class KeyFile:
    """What `key.json` holds: nothing in it opens the journal without the passphrase."""

    salt: bytes
    time_cost: int
    memory_kib: int
    parallelism: int
    wrapped_data_key: bytes  # nonce + AES-GCM of the data key under the passphrase key
    public_key: bytes  # X25519, raw
    wrapped_private_key: bytes  # nonce + AES-GCM of the X25519 private key under the data key
    # The check read with the file ("sha256:..." of the fields above; None in a file written
    # before there was one), and where it was read from.
    check: str | None = None
    path: Path | None = None

    def _fields(self) -> dict[str, Any]:
        return {
            "kdf": {
                "name": "argon2id",
                "salt": _b64(self.salt),
                "time_cost": self.time_cost,
                "memory_kib": self.memory_kib,
                "parallelism": self.parallelism,
            },
            "wrapped_data_key": _b64(self.wrapped_data_key),
            "public_key": _b64(self.public_key),
            "wrapped_private_key": _b64(self.wrapped_private_key),
        }

    def digest(self) -> str:
        """A checksum of what opens the journal. A wrong passphrase and a changed byte both
        fail the authenticated unwrapping alike; this tells them apart (it proves nothing
        to an attacker, who could write it again: the wrapping does that)."""
        canonical = json.dumps(self._fields(), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def whole(self) -> bool:
        """False when the file's check does not match its fields (an old file has none)."""
        return self.check is None or secrets.compare_digest(self.check, self.digest())

    def to_json(self) -> bytes:
        return (
            json.dumps(
                {
                    "app": "resilience",
                    "kind": "journal-key",
                    "format": KEY_FORMAT,
                    **self._fields(),
                    "check": self.digest(),
                    "written_at": datetime.now(UTC).isoformat(),
                },
                indent=2,
            ).encode()
            + b"\n"
        )

    @classmethod
    def parse(cls, raw: bytes, path: Path | None = None) -> KeyFile:
        try:
            data = json.loads(raw)
            if data.get("kind") != "journal-key":
                raise ValueError("not a key file")
            if data.get("format") != KEY_FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            kdf = data["kdf"]
            if kdf["name"] != "argon2id":
                raise ValueError(f"unknown key derivation {kdf['name']!r}")
            return cls(
                salt=_unb64(kdf["salt"]),
                time_cost=int(kdf["time_cost"]),
                memory_kib=int(kdf["memory_kib"]),
                parallelism=int(kdf["parallelism"]),
                wrapped_data_key=_unb64(data["wrapped_data_key"]),
                public_key=_unb64(data["public_key"]),
                wrapped_private_key=_unb64(data["wrapped_private_key"]),
                # Anything but text where the check belongs matches nothing: damaged.
                check=check if isinstance(check := data.get("check"), str | None) else "",
                path=path,
            )
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            raise UserError(
                # Translators: {reason} is a technical reason, in English.
                _(
                    "The journal's key file is damaged or from a newer Resilience ({reason}); "
                    "nothing can be opened without it."
                ).format(reason=exc)
            ) from None


def wipe(buffer: bytearray) -> None:
    """Zero a secret in place (Python's str and bytes cannot be; a bytearray can)."""
    buffer[:] = bytes(len(buffer))


def derive_key(secret: bytearray, key: KeyFile) -> bytearray:
    """The key Argon2id makes of the passphrase's bytes. `secret` is zeroed once used,
    whatever happens; the caller wipes the key returned once it has unwrapped with it.

    Through the library's C function with our own buffers (argon2-cffi's Python wrapper
    copies the secret into memory it frees without zeroing)."""
    from _argon2_cffi_bindings import ffi, lib  # type: ignore[import-untyped]
    from argon2.exceptions import HashingError
    from argon2.low_level import ARGON2_VERSION, Type, error_to_str

    out = bytearray(32)
    try:
        salt = bytes(key.salt)
        rv = lib.argon2_hash(
            key.time_cost,
            key.memory_kib,
            key.parallelism,
            ffi.from_buffer("uint8_t[]", secret),
            len(secret),
            ffi.from_buffer("uint8_t[]", salt),
            len(salt),
            ffi.from_buffer("uint8_t[]", out),
            len(out),
            ffi.NULL,
            0,
            Type.ID.value,
            ARGON2_VERSION,
        )
        if rv != lib.ARGON2_OK:
            wipe(out)
            raise HashingError(error_to_str(rv))
        return out
    finally:
        wipe(secret)


def _derive(passphrase: str, key: KeyFile) -> bytearray:
    # The str itself cannot be wiped; its bytes, made straight into a bytearray, are.
    return derive_key(bytearray(passphrase, "utf-8"), key)


def _wrapped_under(passphrase: str, key: KeyFile, secret: bytes) -> bytes:
    derived = _derive(passphrase, key)
    try:
        return _wrap(derived, secret, WRAP_DATA_KEY)
    finally:
        wipe(derived)


def _wrap(key: bytes | bytearray, secret: bytes, purpose: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, secret, purpose)


def _unwrap(key: bytes | bytearray, wrapped: bytes, purpose: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(wrapped[:12], wrapped[12:], purpose)
    except (InvalidTag, ValueError):
        # Translators: why a journal file is not the copy the app last saved (in brackets).
        raise BadSeal(_("does not open")) from None


WRAP_DATA_KEY = b"resilience/key/1/data-key"
WRAP_PRIVATE_KEY = b"resilience/key/1/inbox-private-key"


def new_key_file(passphrase: str, data_key: bytes | None = None) -> tuple[KeyFile, bytes]:
    """A key file for `passphrase` (a new data key and key pair unless one is given)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    data_key = data_key or secrets.token_bytes(32)
    private = X25519PrivateKey.generate()
    key = KeyFile(
        salt=secrets.token_bytes(16),
        time_cost=KDF_TIME_COST,
        memory_kib=KDF_MEMORY_KIB,
        parallelism=KDF_PARALLELISM,
        wrapped_data_key=b"",
        public_key=private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        wrapped_private_key=_wrap(
            data_key,
            private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
            WRAP_PRIVATE_KEY,
        ),
    )
    key.wrapped_data_key = _wrapped_under(passphrase, key, data_key)
    return key, data_key


def rewrapped(key: KeyFile, data_key: bytes, passphrase: str) -> KeyFile:
    """The same keys under a new passphrase (a fresh salt, today's parameters)."""
    new = KeyFile(
        salt=secrets.token_bytes(16),
        time_cost=KDF_TIME_COST,
        memory_kib=KDF_MEMORY_KIB,
        parallelism=KDF_PARALLELISM,
        wrapped_data_key=b"",
        public_key=key.public_key,
        wrapped_private_key=key.wrapped_private_key,
        path=key.path,
    )
    new.wrapped_data_key = _wrapped_under(passphrase, new, data_key)
    return new


def open_data_key(key: KeyFile, passphrase: str) -> bytes:
    """The data key, if `passphrase` is the right one; WrongPassphrase otherwise, or
    DamagedKeyFile when the file is not as it was written."""
    if not key.whole:
        raise DamagedKeyFile(key.path)
    if len(passphrase) > MAX_PASSPHRASE:
        raise too_long()  # never set, so never right: refused before an Argon2 run
    derived = _derive(passphrase, key)
    try:
        return _unwrap(derived, key.wrapped_data_key, WRAP_DATA_KEY)
    except BadSeal:
        raise WrongPassphrase() from None
    finally:
        wipe(derived)


def read_key_file(data_dir: Path) -> KeyFile | None:
    try:
        raw = read_private(Path(data_dir) / KEY_FILE)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserError(
            # Translators: {reason} is the system's reason ("Permission denied").
            _("The journal's key file cannot be read ({reason}).").format(
                reason=exc.strerror or exc
            )
        ) from None
    return KeyFile.parse(raw, Path(data_dir) / KEY_FILE)


def write_key_file(path: Path, key: KeyFile) -> None:
    atomic_write(path, key.to_json())


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
            raw = _unwrap(data_key, self.key.wrapped_private_key, WRAP_PRIVATE_KEY)
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
            return DATA_KEY + _b64(nonce + AESGCM(self._data_key).encrypt(nonce, plain, bound_to))
        assert self.key is not None
        if self._public is None:
            from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

            self._public = X25519PublicKey.from_public_bytes(self.key.public_key)
        return INBOX + _b64(self._suite().encrypt(plain, self._public, info=bound_to))

    def open(self, bound_to: bytes, sealed: str) -> bytes:
        from cryptography.exceptions import InvalidTag

        if self._data_key is None:
            raise Locked()
        try:
            if sealed.startswith(DATA_KEY):
                from cryptography.hazmat.primitives.ciphers.aead import AESGCM

                raw = _unb64(sealed[len(DATA_KEY) :])
                return AESGCM(self._data_key).decrypt(raw[:12], raw[12:], bound_to)
            if sealed.startswith(INBOX):
                raw = _unb64(sealed[len(INBOX) :])
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
