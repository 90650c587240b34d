"""No crash dump of a process that holds the journal open.

A core file (Linux `ulimit -c unlimited`, systemd-coredump, macOS /cores) or a Windows
Error Reporting dump copies the process's memory: labels, notes, positives and the
passphrase as typed, in plain text, whatever the journal's files are sealed with. Once a
protected journal is in play the process asks for no dumps: on Linux it is made not
dumpable (`prctl(PR_SET_DUMPABLE, 0)`, which systemd-coredump and ptrace respect too) and
its core size limit is set to 0, hard and soft; on macOS the limit; on Windows no fault
dialog and no heap in any report. Each step is tried on its own and never stops the app.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)
PR_SET_DUMPABLE = 4
SEM_FAILCRITICALERRORS = 0x0001
SEM_NOGPFAULTERRORBOX = 0x0002
WER_FAULT_REPORTING_FLAG_NOHEAP = 1

_done = False


def forbid() -> list[str]:
    """Make this process leave no dump of its memory; what could not be done (in English,
    for the log). Idempotent and cheap after the first call."""
    global _done
    if _done:
        return []
    problems: list[str] = []
    if sys.platform == "win32":
        problems += _windows()
    else:
        problems += _core_limit()
        if sys.platform.startswith("linux"):
            problems += _not_dumpable()
    for problem in problems:
        log.warning("crash dumps could not be turned off: %s", problem)
    _done = not problems
    return problems


def _core_limit() -> list[str]:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError) as exc:
        return [f"core size limit: {exc}"]
    return []


def _not_dumpable() -> list[str]:
    try:
        import ctypes
        import os

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            return [f"prctl: {os.strerror(ctypes.get_errno())}"]
    except (OSError, AttributeError) as exc:
        return [f"prctl: {exc}"]
    return []


def _windows() -> list[str]:
    problems = []
    try:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        mode = kernel32.GetErrorMode()
        kernel32.SetErrorMode(mode | SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX)
        # Windows Error Reporting may still write a report: without the heap (S_OK is 0).
        if kernel32.WerSetFlags(WER_FAULT_REPORTING_FLAG_NOHEAP) != 0:
            problems.append("WerSetFlags refused")
    except (OSError, AttributeError) as exc:
        problems.append(f"error reporting: {exc}")
    return problems
