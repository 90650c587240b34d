"""`pause` (no nudges for a while) and `resume` (nudges back on)."""

from __future__ import annotations

import argparse
from pathlib import Path

from resilience_app.cli.arguments import Parser, Subparsers, minutes, time_of_day
from resilience_app.cli.channel import ask
from resilience_app.cli.output import done
from resilience_app.i18n import _


def add_pause(sub: Subparsers, common: Parser) -> None:
    pause = sub.add_parser(
        "pause", parents=[common], help=_("no nudges for a while (a flag still gives a break)")
    )
    how_long = pause.add_mutually_exclusive_group()
    how_long.add_argument(
        "--minutes", type=minutes, metavar="N", help=_("for N minutes (default: until tomorrow)")
    )
    how_long.add_argument(
        "--until", type=time_of_day, metavar="HH:MM", help=_("until the next HH:MM")
    )
    pause.set_defaults(handler=_pause)


def _pause(args: argparse.Namespace, data_dir: Path) -> int:
    until = args.until.strftime("%H:%M") if args.until else None
    return done(ask(data_dir, "pause", {"minutes": args.minutes, "until": until}), "")


def add_resume(sub: Subparsers, common: Parser) -> None:
    resume = sub.add_parser("resume", parents=[common], help=_("nudges back on"))
    resume.set_defaults(handler=_resume)


def _resume(args: argparse.Namespace, data_dir: Path) -> int:
    return done(ask(data_dir, "resume"), "")
