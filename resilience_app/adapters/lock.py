"""One writer per data directory: an exclusive OS file lock held for the process lifetime."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from resilience_app.files import ensure_private_dir
from resilience_app.paths import LOCK_FILE


class InstanceLock:
    """Non-blocking exclusive lock on ``DATA_DIR/app.lock``.

    The OS drops it when the process dies (even by SIGKILL), so a crash never leaves a
    stale lock behind.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = ensure_private_dir(data_dir) / LOCK_FILE
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        if os.name == "posix":
            os.chmod(self.path, 0o600)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if os.name == "posix":
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

else:  # pragma: no cover - Windows
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
