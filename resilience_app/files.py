"""Files the app owns: durable writes (temp file in the same folder, fsync, rename, fsync
the folder), and reads and appends that never follow a link.

A rename replaces a link itself rather than writing through it, so `atomic_write` is safe
against a file swapped for a symlink; everything that opens a file in place opens it with
O_NOFOLLOW and refuses what is not a regular file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import IO

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, which has no such links to fear
# Windows refuses to replace a file another program holds open (a backup tool, a virus
# scanner, an editor reading it): "access denied" (5) or a sharing violation (32, 33).
# Such holds are short, so the replace is tried again for a moment before it counts as a
# failed write (which the store keeps in memory and retries later).
REPLACE_RETRY_SECONDS = 1.0
_HELD_ELSEWHERE = frozenset({5, 32, 33})


def ensure_private_dir(path: Path, *, follow: bool = True) -> Path:
    """Create `path` (and parents) readable by the user alone, whatever the umask.

    With `follow=False` (the folders the app makes inside its data folder) a link in the
    folder's place is refused (OSError), never followed, chmodded or written into.
    """
    path.mkdir(parents=True, exist_ok=True)
    if not follow and path.is_symlink():
        raise OSError(errno.ELOOP, "a link where a folder of the app's should be", str(path))
    if os.name == "posix":
        os.chmod(path, PRIVATE_DIR)
    return path


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.

    Raises OSError (disk full, read-only folder...) with the old file untouched.
    `durable=False` skips the two fsyncs, for files that can always be made again (a
    power cut may then leave the old file, or an empty one, never a mix).
    """
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            if os.name == "posix":
                os.fchmod(handle.fileno(), PRIVATE_FILE)
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    if durable:
        fsync_dir(folder)


def replace(source: str | Path, target: Path, *, retry_for: float = REPLACE_RETRY_SECONDS) -> None:
    """os.replace, tried again for up to `retry_for` seconds while Windows says another
    program holds `target` (or `source`) open. Anything else fails at once."""
    deadline = time.monotonic() + retry_for
    pause = 0.01
    while True:
        try:
            os.replace(source, target)
            return
        except PermissionError as exc:
            if getattr(exc, "winerror", None) not in _HELD_ELSEWHERE:
                raise
            if time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut (POSIX only; a no-op elsewhere)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_regular(path: Path, flags: int, mode: int = PRIVATE_FILE) -> int:
    """os.open without following a final link; refuses anything but a regular file.
    Opened non-blocking first, so a FIFO or a device in the file's place cannot hang the
    app before it is refused."""
    nonblock = getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags | NOFOLLOW | nonblock | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if nonblock:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_private(path: Path) -> bytes:
    """The bytes of a file the app wrote; a link or a folder in its place is an OSError."""
    fd = _open_regular(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def open_private(path: Path, mode: str = "a") -> IO[str]:
    """A text file of the app's own (the log, the lock), created 0600, opened in place
    without following a link."""
    flags = os.O_CREAT | (os.O_APPEND | os.O_WRONLY if mode == "a" else os.O_RDWR)
    fd = _open_regular(path, flags)
    if os.name == "posix":
        os.fchmod(fd, PRIVATE_FILE)
    return os.fdopen(fd, "a" if mode == "a" else "r+", encoding="utf-8")
