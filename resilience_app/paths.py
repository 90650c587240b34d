"""Where the rep's data lives, and the names of the files the app keeps there."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

LOCK_FILE = "app.lock"
LOG_FILE = "resilience.log"
# AF_UNIX paths are limited to about 104-108 bytes; longer data dirs use a runtime dir.
_MAX_SOCKET_PATH = 100


def default_data_dir() -> Path:
    """The platform's per-user data directory (e.g. ~/.local/share/resilience)."""
    from platformdirs import user_data_dir  # only commands without --data-dir pay for it

    return Path(user_data_dir("resilience", appauthor=False, roaming=False))


def resolve_data_dir(value: str | os.PathLike[str] | None) -> Path:
    if value is None or str(value) == "":
        return default_data_dir()
    return Path(value).expanduser().resolve()


def socket_path(data_dir: Path) -> str:
    """The single-instance channel for `data_dir`: a socket file on POSIX, a pipe name
    elsewhere. One running app per data directory."""
    digest = hashlib.sha1(str(data_dir).encode("utf-8")).hexdigest()[:16]
    if os.name != "posix":
        return f"resilience-{digest}"
    inside = data_dir / "ipc.sock"
    if len(str(inside)) <= _MAX_SOCKET_PATH:
        return str(inside)
    import tempfile  # rarely needed: only for very long data folder paths

    runtime = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(runtime) / f"resilience-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    return str(folder / f"{digest}.sock")
