"""`insights`, `settings` and `journal`: open one of the running app's windows."""

from __future__ import annotations

import argparse
from pathlib import Path

from resilience_app.cli.arguments import Parser, Subparsers
from resilience_app.cli.channel import ask
from resilience_app.cli.errors import EXIT_OK
from resilience_app.cli.output import out
from resilience_app.i18n import _


def add_insights(sub: Subparsers, common: Parser) -> None:
    # Translators: "Insights" is the name of the window with the rep's patterns.
    insights_cmd = sub.add_parser("insights", parents=[common], help=_("open the Insights window"))
    insights_cmd.set_defaults(window="insights", handler=_open_window)


def add_settings(sub: Subparsers, common: Parser) -> None:
    settings_cmd = sub.add_parser("settings", parents=[common], help=_("open the settings window"))
    settings_cmd.set_defaults(window="settings", handler=_open_window)


def add_journal(sub: Subparsers, common: Parser) -> None:
    journal = sub.add_parser("journal", parents=[common], help=_("open the journal window"))
    journal.add_argument(
        "--tab",
        choices=("positives", "calls", "upcoming", "playbook"),
        default="positives",
        help=_("the tab to show"),
    )
    journal.set_defaults(handler=_open_window)


def _open_window(args: argparse.Namespace, data_dir: Path) -> int:
    window = getattr(args, "window", None)
    if window in ("insights", "settings"):
        reply = ask(data_dir, "show", {"window": window})
        out(reply.get("message") or _("It is open."))
        return EXIT_OK
    reply = ask(data_dir, "show", {"window": "journal", "tab": args.tab})
    out(reply.get("message") or _("The journal is open."))
    return EXIT_OK
