"""The TinyDB storage driver: a JSON file read once, then every write durable.

TinyDB calls `read()` and `write()`; this driver keeps the parsed data in memory and
carries each write to disk through `files.atomic_write` (temp file, fsync, rename, fsync
the folder) before returning, so an acknowledged change is never only in memory. A
failed write keeps the change in memory and marks the driver dirty; `flush()` retries.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from resilience_app.files import atomic_write, read_private
from resilience_app.i18n import _

Tables = dict[str, dict[str, Any]]


class DamagedFile(Exception):
    """A journal file did not parse."""


# A JSON escape for half of a surrogate pair: text that cannot be written back as UTF-8.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF][0-9a-fA-F]{2}")


def parse(raw: bytes) -> Tables | None:
    """A journal file's content; an empty file is an empty journal. Raises DamagedFile.

    Bytes that are not UTF-8 become lone surrogates here (never an error for the whole
    file): the records holding them are set aside one by one, the rest is used."""
    if not raw.strip():
        return None
    text = raw.decode("utf-8", "surrogateescape")
    try:
        data = json.loads(text)
        if isinstance(data, dict) and _objects(data) != _written(raw):
            # A key written twice (one changed byte can make "2" of "1"): json.loads keeps
            # only the last. Read again keeping each, the later under a key that is not a
            # number, so the file sets it aside or numbers it anew rather than lose it.
            data = json.loads(text, object_pairs_hook=_keep_repeated)
    except (ValueError, RecursionError) as exc:
        raise DamagedFile(str(exc)[:200]) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        # Translators: why a journal file cannot be read, shown in brackets.
        raise DamagedFile(_("the file is not a journal"))
    meta = data.get("meta")
    if meta is not None:
        entry = meta.get("1")
        schema = entry.get("schema") if isinstance(entry, dict) else None
        if isinstance(schema, bool) or not isinstance(schema, int):
            # Translators: why a journal file cannot be read, shown in brackets.
            raise DamagedFile(_("its format number is missing or not a number"))
    return data


def _objects(data: dict[str, Any]) -> int:
    """How many tables and entries (records, the meta) the file holds: each was written
    as `"key":{`."""
    return sum(1 + len(rows) for rows in data.values() if isinstance(rows, dict))


def _written(raw: bytes) -> int:
    """How many `"key":{` the file holds outside text (where a quote is escaped) and
    outside records (a call's note is the one object a record holds). Byte counts: a
    regular expression, or a walk through the records, costs as much as the parse. Any
    other object makes the two differ, which only costs the slower, careful parse."""
    return raw.count(b'":{') - raw.count(b'\\":{') - raw.count(b'"reflection":{')


def _keep_repeated(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        name, n = key, 1
        while name in found:
            n += 1
            name = f"{key}~{n}"
        found[name] = value
    return found


def may_hold_bad_text(raw: bytes) -> bool:
    """Cheap first look: could a record hold text that cannot be encoded again (a JSON
    escape of half a surrogate pair, or bytes that are not UTF-8)?"""
    if _SURROGATE_ESCAPE.search(raw) is not None:
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def encodes(doc: Any) -> bool:
    try:
        dump(doc)
    except (UnicodeEncodeError, ValueError, TypeError, RecursionError):
        return False
    return True


def dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class DurableJSONStorage(Storage):
    """TinyDB storage: read once, then every write is durable before `write` returns."""

    def __init__(
        self,
        path: str,
        *,
        readonly: bool = False,
        stamp: Callable[[Tables], None] | None = None,
        written: Callable[[Tables], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        # Called with the data just before each write and just after it reached the disk
        # (the proofs of a protected journal).
        self.stamp = stamp
        self.written = written
        self._data: Tables | None = None
        self._loaded = False
        self.dirty = False  # in-memory data not yet on disk (the last write failed)
        self.raw_may_hold_bad_text = False

    def read(self) -> Tables | None:
        if not self._loaded:
            self._data = self._load()
            self._loaded = True
        return self._data

    def write(self, data: Tables) -> None:
        self._data = data
        self._loaded = True
        if self.readonly:
            return  # readers (export, status with no app running) never touch the file
        self.dirty = True
        if self.stamp is not None:
            self.stamp(data)
        atomic_write(self.path, dump(data))
        self.dirty = False
        if self.written is not None:
            self.written(data)

    def memory(self) -> Tables:
        """The in-memory data itself (created empty for a new file), to change in place
        before the next write carries it to disk."""
        data = self.read()
        if data is None:
            data = self._data = {}
        return data

    def flush(self) -> None:
        """Write the in-memory data again (after a failed write)."""
        if self._data is not None and self.dirty:
            self.write(self._data)

    def held_but_missing(self) -> bool:
        """Data held in memory, saved, whose file is no longer on disk (removed under the
        app); False again once marked unsaved."""
        return (
            not self.readonly
            and not self.dirty
            and self._loaded
            and self._data is not None
            and not os.path.lexists(self.path)
        )

    def close(self) -> None:
        """TinyDB calls this on close; the data stays readable in memory."""

    def forget(self) -> None:
        """Let go of the data held in memory (read from the file again if asked for): the
        file object may live on a while in a reference cycle, its records need not."""
        if not self.dirty:
            self._data = None

    def _load(self) -> Tables | None:
        try:
            raw = read_private(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            # A folder, a link or a device where a journal file should be.
            raise DamagedFile(
                # Translators: why a journal file cannot be read, shown in brackets; {reason} is
                # the system's reason ("Is a directory").
                _("not a readable file ({reason})").format(reason=exc.strerror or exc)
            ) from None
        self.raw_may_hold_bad_text = may_hold_bad_text(raw)
        return parse(raw)
