"""Helpers the tests use to look at what the app wrote."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from resilience_app.storage.store import JOURNAL_DIR


def journal_paths(data_dir: Path) -> list[Path]:
    """Every month file, oldest first."""
    return sorted((Path(data_dir) / JOURNAL_DIR).glob("????-??.json"))


def files_holding(root: Path, markers: list[str]) -> list[tuple[Path, str]]:
    """Every file under `root` (hidden ones, temp files and logs included) that holds one
    of `markers` as bytes, in UTF-8 or as a JSON escape."""
    found: list[tuple[Path, str]] = []
    forms = {m: {m.encode(), m.encode("unicode_escape")} for m in markers}
    for path in sorted(Path(root).rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        raw = path.read_bytes()
        for marker, encodings in forms.items():
            if any(form in raw for form in encodings):
                found.append((path, marker))
    return found


def descriptor_path(fd: int) -> str:
    """The path of the file open as `fd`: Linux's /proc, Windows' GetFinalPathNameByHandleW."""
    if sys.platform == "win32":
        import ctypes
        import msvcrt

        buffer = ctypes.create_unicode_buffer(32768)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = ctypes.c_void_p(msvcrt.get_osfhandle(fd))
        if not kernel32.GetFinalPathNameByHandleW(handle, buffer, len(buffer), 0):
            raise ctypes.WinError(ctypes.get_last_error())
        return buffer.value.removeprefix("\\\\?\\")
    return os.readlink(f"/proc/self/fd/{fd}")


# Where descriptor_path can tell which file a descriptor is (a test of a full disk needs it).
KNOWS_DESCRIPTORS = sys.platform == "win32" or Path("/proc/self/fd").is_dir()
