"""The journal's key file, `key.json` (format 1): its keys, and the passphrase that opens them.

- a random 256-bit data key seals and opens records with AES-256-GCM (`sealing`);
- the passphrase never seals anything itself: Argon2id (parameters and a fresh salt in the
  file, so they can be raised later) turns it into a key that wraps the data key, so a new
  passphrase rewraps one key instead of re-sealing years of history;
- an X25519 key pair lets the locked app write (HPKE to the public key; RFC 9180 from the
  `cryptography` package): only the private key, wrapped by the data key, opens those.
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
from resilience_app.i18n import _, ngettext

KEY_FILE = "key.json"
KEY_FORMAT = 1
# Argon2id: about 0.3 s and 128 MiB on this kind of machine; stored with each key file.
KDF_TIME_COST = 3
KDF_MEMORY_KIB = 128 * 1024
KDF_PARALLELISM = 2
MIN_PASSPHRASE = 8
MAX_PASSPHRASE = values.MAX_PASSPHRASE


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


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
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
                "salt": b64(self.salt),
                "time_cost": self.time_cost,
                "memory_kib": self.memory_kib,
                "parallelism": self.parallelism,
            },
            "wrapped_data_key": b64(self.wrapped_data_key),
            "public_key": b64(self.public_key),
            "wrapped_private_key": b64(self.wrapped_private_key),
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
                salt=unb64(kdf["salt"]),
                time_cost=int(kdf["time_cost"]),
                memory_kib=int(kdf["memory_kib"]),
                parallelism=int(kdf["parallelism"]),
                wrapped_data_key=unb64(data["wrapped_data_key"]),
                public_key=unb64(data["public_key"]),
                wrapped_private_key=unb64(data["wrapped_private_key"]),
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


def unwrap(key: bytes | bytearray, wrapped: bytes, purpose: bytes) -> bytes:
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
        return unwrap(derived, key.wrapped_data_key, WRAP_DATA_KEY)
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
