"""What the command prints: its output, its sentences on standard error, the app's answer."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from resilience_app.cli.errors import EXIT_NOT_SAVED, EXIT_OK, CliError
from resilience_app.i18n import _


def out(text: str, *, end: str = "\n") -> None:
    """Standard output that cannot be written (a closed pipe, a full disk) is a sentence."""
    if sys.stdout is None:  # started with its output closed
        raise CliError(_("Could not write the output (there is nowhere to write it)."))
    try:
        sys.stdout.write(text + end)
        sys.stdout.flush()
    except (OSError, ValueError) as exc:
        raise CliError(
            # Translators: {reason} is the system's reason ("Broken pipe").
            _("Could not write the output ({reason}).").format(reason=reason(exc))
        ) from None


def say(text: str) -> None:
    """A sentence on standard error, if anything can be written there at all."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"resilience: {text}", file=sys.stderr)


def flush_output() -> None:
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        # Nobody reads our output any more; keep Python's own exit flush quiet.
        import os

        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def done(reply: dict[str, Any], fallback: str) -> int:
    """Print the app's answer; exit 3 when it is kept but not on disk yet. The exit code
    says what happened to the request even when its answer cannot be printed."""
    code = EXIT_NOT_SAVED if reply.get("saved") is False else EXIT_OK
    try:
        out(str(reply.get("message") or fallback))
    except CliError as exc:
        # Translators: {problem} is a sentence saying why.
        say(_("Done, but the answer could not be shown: {problem}").format(problem=exc))
    if code == EXIT_NOT_SAVED:
        say(str(reply.get("unsaved") or _("Not saved to disk yet.")))
    return code
