"""For dialers: `call start` and `call end`, so the app knows when the rep is on a call."""

from __future__ import annotations

import argparse
from pathlib import Path

from resilience_app.cli.arguments import Parser, Subparsers
from resilience_app.cli.channel import ask
from resilience_app.cli.output import done
from resilience_app.i18n import _


def add_call(sub: Subparsers, common: Parser) -> None:
    call = sub.add_parser("call", parents=[common], help=_("for dialers: a call starts or ends"))
    call_sub = call.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    call_sub.required = True
    call_start = call_sub.add_parser("start", parents=[common], help=_("a call started"))
    call_start.add_argument("--app", default="", metavar="NAME", help=_("the dialer's name"))
    call_sub.add_parser("end", parents=[common], help=_("the call ended"))
    call.set_defaults(handler=_call)


def _call(args: argparse.Namespace, data_dir: Path) -> int:
    if args.action == "start":
        return done(ask(data_dir, "call-start", {"app": args.app}), _("On a call."))
    return done(ask(data_dir, "call-end"), _("Call ended."))
