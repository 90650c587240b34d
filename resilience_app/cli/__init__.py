"""The `resilience` command: start the tray app, or act on the running one.

Commands that act (flag, dialed, config set) go through the running app over the
single-instance channel, so only one process ever writes the journal. This package imports
no Qt: a dialer hook running `resilience flag` stays quick.

Each command's arguments are declared next to its handler, one module per family
(`recovery`, `calls`, `availability`, `followups`, `positives`, `windows`, `transfer`,
`reports`, `config`, `privacy`); `entry` lists them in the order of `--help`. What they
share: `channel` (talking to the running app, or running a command here), `reader` (a
service that only reads), `secret` (passphrase prompts), `output`, `errors` (exit codes),
`arguments` (the parser and the values' types), `datafolder` (the folder and its language).
"""

from resilience_app.cli.entry import build_parser, gui_main, main
from resilience_app.cli.errors import (
    EXIT_FAILED,
    EXIT_NO_ANSWER,
    EXIT_NOT_SAVED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
)

__all__ = [
    "EXIT_FAILED",
    "EXIT_NOT_SAVED",
    "EXIT_NO_ANSWER",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliError",
    "build_parser",
    "gui_main",
    "main",
]
