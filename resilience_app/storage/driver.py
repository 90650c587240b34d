"""The TinyDB storage driver: a JSON file read once, then every write durable.

TinyDB calls `read()` and `write()`; this driver keeps the parsed data in memory and
carries each write to disk through `files.atomic_write` (temp file, fsync, rename, fsync
the folder) before returning, so an acknowledged change is never only in memory. A
failed write keeps the change in memory and marks the driver dirty; `flush()` retries.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from resilience_app.files import atomic_write

Tables = dict[str, dict[str, Any]]


class DamagedFile(Exception):
    """A journal file did not parse."""


def parse(raw: bytes) -> Tables | None:
    """A journal file's content; an empty file is an empty journal. Raises DamagedFile."""
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise DamagedFile(str(exc)) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise DamagedFile("the file is not a journal")
    return data


def dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class DurableJSONStorage(Storage):
    """TinyDB storage: read once, then every write is durable before `write` returns."""

    def __init__(self, path: str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._data: Tables | None = None
        self._loaded = False
        self.dirty = False  # in-memory data not yet on disk (the last write failed)

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
        atomic_write(self.path, dump(data))
        self.dirty = False

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

    def close(self) -> None:
        """TinyDB calls this on close; the data stays readable in memory."""

    def _load(self) -> Tables | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return parse(raw)
