"""Where the rep's data lives, and the private places the app keeps its lock, its command
channel and, when the disk refuses to save, its rescue files.

Every folder outside the data folder is checked before use: a real folder (not a link),
owned by the rep, closed to everyone else. A place that fails the check is skipped, never
"fixed", so another local user cannot hand the app a folder of theirs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from pathlib import Path

LOCK_FILE = "app.lock"
LOG_FILE = "resilience.log"
SOCKET_FILE = "ipc.sock"
# AF_UNIX paths are limited to about 104-108 bytes.
_MAX_SOCKET_PATH = 100


def default_data_dir() -> Path:
    """The platform's per-user data directory (e.g. ~/.local/share/resilience)."""
    from platformdirs import user_data_dir  # only commands without --data-dir pay for it

    return Path(user_data_dir("resilience", appauthor=False, roaming=False))


def resolve_data_dir(value: str | os.PathLike[str] | None) -> Path:
    if value is None or str(value) == "":
        return default_data_dir()
    return Path(value).expanduser().resolve()


def digest(data_dir: Path) -> str:
    """A short name for a data folder, the same for every process of the rep."""
    return hashlib.sha1(str(data_dir).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def private_folder(path: Path, *, create: bool = True) -> Path | None:
    """`path` if it is a folder of the rep's alone (made so if the app creates it now);
    None otherwise. An existing folder open to others is skipped, never chmodded: it may
    be a shared folder someone relies on."""
    if os.name != "posix":
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return path
    made = False
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                os.mkdir(path, 0o700)
                made = True
            except FileExistsError:
                pass
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return None
    if info.st_mode & 0o077:
        if not made:
            return None
        try:
            os.chmod(path, 0o700)  # just made by us, under a loose umask
        except OSError:
            return None
    return path


def _session_runtime() -> Path | None:
    """The login session's private runtime folder (XDG_RUNTIME_DIR, or macOS's per-user
    TMPDIR): gone at logout, never tidied by hand."""
    for variable in ("XDG_RUNTIME_DIR", "TMPDIR" if sys.platform == "darwin" else ""):
        value = os.environ.get(variable) if variable else None
        if value and private_folder(Path(value), create=False) is not None:
            return Path(value)
    return None


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("resilience", appauthor=False))


def runtime_dir(data_dir: Path) -> Path:
    """A private folder for the lock and the channel of `data_dir`, outside the data folder
    (so deleting the data folder does not let a second app in). Created on demand."""
    if os.name != "posix":
        return data_dir  # Windows cannot delete a folder with a file held open in it
    session = _session_runtime()
    base = session / "resilience" if session is not None else _cache_dir() / "run"
    folder = private_folder(base / digest(data_dir))
    if folder is None:
        raise PermissionError(f"no private folder for the app's channel at {base}")
    return folder


def socket_path(data_dir: Path) -> str:
    """The single-instance channel for `data_dir`: a socket file on POSIX, a pipe name on
    Windows. One running app per data directory."""
    if os.name != "posix":
        return f"resilience-{digest(data_dir)}"
    path = runtime_dir(data_dir) / SOCKET_FILE
    if len(str(path)) > _MAX_SOCKET_PATH:
        shorter = private_folder(Path.home() / ".resilience-run")
        if shorter is not None:
            path = shorter / f"{digest(data_dir)}.sock"
    if len(str(path)) > _MAX_SOCKET_PATH:
        raise PermissionError(f"no private place with a path short enough for the channel ({path})")
    return str(path)


def channel_named_in_lock(data_dir: Path) -> str | None:
    """The channel the app holding `data_dir`'s lock listens on, as it wrote it there (its
    runtime folder may not be the one this process would compute: another session, cron)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(data_dir / LOCK_FILE, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        text = os.read(fd, 4096).decode("utf-8", "replace")
    except OSError:
        return None
    finally:
        os.close(fd)
    lines = text.splitlines()
    return lines[1] if len(lines) > 1 and lines[1] else None


def lock_paths(data_dir: Path) -> list[Path]:
    """Lock files that each keep a second writer out: one in the data folder, one in the
    runtime folder (which survives the data folder being deleted)."""
    paths = [data_dir / LOCK_FILE]
    try:
        runtime = runtime_dir(data_dir) / LOCK_FILE
    except OSError:
        return paths
    if runtime not in paths:
        paths.append(runtime)
    return paths


def rescue_places(data_dir: Path) -> list[Path]:
    """Folders to try, in order, for a rescue file: the data folder first, then places that
    are often on another filesystem. Only the ones that pass the privacy check."""
    candidates = [data_dir / "rescue"]
    with contextlib.suppress(Exception):  # no cache folder here: the others remain
        candidates.append(_cache_dir() / "rescue")
    if os.name == "posix":
        uid = os.getuid()
        candidates += [Path("/var/tmp") / f"resilience-{uid}", Path("/tmp") / f"resilience-{uid}"]
        session = _session_runtime()
        if session is not None:
            candidates.append(session / "resilience" / "rescue")
    else:
        temp = os.environ.get("TEMP") or os.environ.get("TMP")
        if temp:
            candidates.append(Path(temp) / "resilience-rescue")
    return candidates
