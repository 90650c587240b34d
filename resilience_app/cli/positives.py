"""`positive add`: something that went well, on its own (without a tough call)."""

from __future__ import annotations

import argparse
from pathlib import Path

from resilience_app.cli.arguments import Parser, Subparsers
from resilience_app.cli.channel import ask
from resilience_app.cli.output import done
from resilience_app.i18n import _


def add_positive(sub: Subparsers, common: Parser) -> None:
    pos = sub.add_parser("positive", parents=[common], help=_("add a positive on its own"))
    pos_sub = pos.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    pos_sub.required = True
    pos_add = pos_sub.add_parser(
        "add", parents=[common], help=_("a good call, a gatekeeper passed")
    )
    pos_add.add_argument("text", help=_("what went well"))
    pos.set_defaults(handler=_positive)


def _positive(args: argparse.Namespace, data_dir: Path) -> int:
    return done(ask(data_dir, "positive-add", {"text": args.text}), _("Added."))
