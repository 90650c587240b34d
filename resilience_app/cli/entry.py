"""The entry points: `main` (the `resilience` command) and `gui_main` (launchers), and the
parser, built from the commands each module declares next to its handler."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from resilience_app import __version__, i18n
from resilience_app.cli import (
    availability,
    calls,
    config,
    followups,
    playbook,
    positives,
    privacy,
    recovery,
    reports,
    sound,
    transfer,
    windows,
)
from resilience_app.cli.arguments import Handler, Parser
from resilience_app.cli.datafolder import data_dir_of, named_data_dir, speak_settings_language
from resilience_app.cli.errors import EXIT_USAGE, CliError
from resilience_app.cli.output import flush_output, say
from resilience_app.i18n import _

# Every command, in the order `resilience --help` lists them. Each adds its subparser (its
# arguments declared next to its handler) and binds the handler as the `handler` default.
COMMANDS = (
    recovery.add_flag,
    recovery.add_dialed,
    calls.add_call,
    recovery.add_note,
    recovery.add_status,
    availability.add_pause,
    availability.add_resume,
    reports.add_stats,
    reports.add_gaps,
    windows.add_insights,
    windows.add_settings,
    windows.add_journal,
    transfer.add_export,
    followups.add_followup,
    playbook.add_playbook,
    reports.add_report,
    positives.add_positive,
    transfer.add_import,
    config.add_config,
    privacy.add_unlock,
    privacy.add_lock,
    privacy.add_passphrase,
    sound.add_play_tone,  # hidden: a check of the sound cues
)


def build_parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        # Translators: DIR is the name of the value in the help, written as it is.
        help=_("keep all data and settings in DIR (default: your user data folder)"),
    )
    parser = Parser(
        prog="resilience",
        description=_(
            "A calm break, a private note and a nudge back to the phone after a tough call."
        ),
        parents=[common],
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"resilience {__version__}",
        help=_("show the version and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for add in COMMANDS:
        add(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # The system's language first, then (for the help too) the one the rep chose in the
    # settings of the data folder named on the command line.
    i18n.set_language("auto")
    for word in words:
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            # Bytes that are not UTF-8 on the command line arrive as lone surrogates.
            say(_("An argument has characters that are not valid text (UTF-8); type it again."))
            return EXIT_USAGE
    spoken = speak_settings_language(named_data_dir(words))
    args = build_parser().parse_args(words)
    try:
        data_dir = data_dir_of(getattr(args, "data_dir", None))
        if data_dir != spoken:
            speak_settings_language(data_dir)
        if args.command is None:
            return _start_app(data_dir)
        handler: Handler = args.handler
        return handler(args, data_dir)
    except CliError as exc:
        say(str(exc))
        return exc.code
    except KeyboardInterrupt:
        return 130
    finally:
        flush_output()


def gui_main() -> int:
    """Entry point for launchers (no console on Windows)."""
    return main([])


def _start_app(data_dir: Path) -> int:
    import logging
    import os

    from resilience_app.app import run  # Qt is imported only here

    code = run(data_dir)
    # Everything is on disk (every save is durable before it returns) and the app has shut
    # down in order. Skip the interpreter's own teardown: PySide6 has crashed
    # garbage-collecting Qt wrappers there, which would turn a clean quit into a core dump.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
