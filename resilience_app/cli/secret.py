"""The passphrase, asked for on the terminal or read from one line of standard input."""

from __future__ import annotations

import sys

from resilience_app.cli.errors import EXIT_USAGE, CliError
from resilience_app.i18n import _


def read_secret(prompt: str, *, twice: bool = False) -> str:
    """A passphrase: asked without echo on a terminal (twice for a new one), otherwise one
    line of standard input. `prompt` is in the rep's language."""
    from resilience_app.adapters import nodump
    from resilience_app.core.values import MAX_PASSPHRASE, is_text
    from resilience_app.storage.keys import too_long

    nodump.forbid()  # a crash dump of this process would hold the passphrase
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        import getpass

        try:
            # Translators: a prompt on the terminal ("Passphrase for your journal: ").
            secret = getpass.getpass(_("{prompt}: ").format(prompt=prompt))
            if twice and getpass.getpass(_("Type it again: ")) != secret:
                raise CliError(_("The two passphrases differ. Nothing was changed."), EXIT_USAGE)
        except EOFError:
            raise CliError(_("No passphrase was typed. Nothing was changed."), EXIT_USAGE) from None
        unreadable = _("The passphrase typed could not be read as text. Nothing was changed.")
    else:
        try:
            # A line past the longest passphrase (and its end) is not read to its end.
            line = stdin.readline(MAX_PASSPHRASE + 2) if stdin is not None else ""
        except (OSError, ValueError, UnicodeDecodeError):
            raise CliError(
                _(
                    "The passphrase on standard input could not be read as text. Nothing was "
                    "changed."
                ),
                EXIT_USAGE,
            ) from None
        if not line:
            raise CliError(
                # Translators: {prompt} names the passphrase wanted ("Passphrase for your journal").
                _(
                    "{prompt}: expected on standard input (one line), found nothing. Nothing was "
                    "changed."
                ).format(prompt=prompt),
                EXIT_USAGE,
            )
        # The line's end, as a script on any system writes it (a CRLF file keeps its \r
        # here), is not part of the passphrase; spaces before it are.
        secret = line
        for ending in ("\r\n", "\n"):
            if line.endswith(ending):
                secret = line[: -len(ending)]
                break
        unreadable = _(
            "The passphrase on standard input could not be read as text. Nothing was changed."
        )
    if not is_text(secret):
        # Invalid bytes arrive as lone surrogates (Python's surrogateescape).
        raise CliError(unreadable, EXIT_USAGE)
    if len(secret) > MAX_PASSPHRASE:
        raise CliError(too_long().message, EXIT_USAGE)  # before anything is sent
    return secret
