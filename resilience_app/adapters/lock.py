"""One writer per data directory: exclusive OS file locks held for the process lifetime.

Two lock files, one in the data folder and one in the private runtime folder
(`paths.lock_paths`): a data folder deleted under the running app cannot let a second
app in, because the runtime lock is still held. Locks are opened without following links.
The OS drops them when the process dies (even by SIGKILL), so a crash never leaves a
stale lock behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import IO

from resilience_app.files import ensure_private_dir, open_private
from resilience_app.paths import lock_paths, socket_path

log = logging.getLogger(__name__)


class LockError(OSError):
    """A lock file cannot be opened at all (a folder or a link in its place, no room)."""


class InstanceLock:
    """Non-blocking exclusive locks for one data directory."""

    def __init__(self, data_dir: Path) -> None:
        ensure_private_dir(data_dir)
        self.paths = lock_paths(data_dir)
        try:
            # Written into the lock, so a command from another session finds the channel.
            self.channel = socket_path(data_dir)
        except OSError:
            self.channel = ""
        self._handles: dict[Path, IO[str]] = {}

    @property
    def path(self) -> Path:
        return self.paths[0]

    def acquire(self) -> bool:
        """True when every lock is ours; False when another process holds one. Raises
        LockError when a lock file cannot be opened."""
        for path in self.paths:
            try:
                handle = self._take(path)
            except OSError:
                self.release()
                raise
            if handle is None:
                self.release()
                return False
            self._handles[path] = handle
        return True

    def _take(self, path: Path) -> IO[str] | None:
        try:
            handle = open_private(path, "rw")
        except OSError as exc:
            raise LockError(
                exc.errno or 0, f"cannot open the lock {path}: {exc.strerror}"
            ) from None
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n{self.channel}\n")
            handle.flush()
        except OSError:
            # A full disk: let the lock go now, and the unwritten text with it (closing
            # flushes again, and a file left to the collector says so on stderr).
            with contextlib.suppress(OSError):
                _unlock(handle)
            with contextlib.suppress(OSError):
                handle.close()
            raise
        return handle

    def check(self) -> bool:
        """After the folders changed: take again any lock whose file was removed or
        replaced. False when another process got hold of one meanwhile."""
        for path, handle in list(self._handles.items()):
            try:
                same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
            except OSError:
                same = False
            if same:
                continue
            log.warning("the lock %s was removed or replaced; taking it again", path)
            try:
                again = self._take_again(path)
            except LockError as exc:
                # Its folder is still being deleted, or cannot be made: nobody else holds
                # it, and the other lock still keeps a second app out. The next change of
                # the folders tries again.
                log.warning("%s; trying again when the folder changes", exc)
                continue
            if again is None:
                return False
            handle.close()
            self._handles[path] = again
        return True

    def _take_again(self, path: Path) -> IO[str] | None:
        """The folder may be in the middle of being deleted (`rm -r` removes what was just
        made again): a few tries, each making the folder first."""
        for attempt in range(3):
            with contextlib.suppress(OSError):
                ensure_private_dir(path.parent)
            try:
                return self._take(path)
            except LockError:
                if attempt == 2:
                    raise
        return None  # not reached

    def release(self) -> None:
        for handle in self._handles.values():
            with contextlib.suppress(OSError):
                _unlock(handle)
            with contextlib.suppress(OSError):
                handle.close()
        self._handles.clear()

    @property
    def held(self) -> bool:
        return bool(self._handles)

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
