"""After a tough call: `flag` (start a break), `dialed` (back on the phone), `note` (the
private note about it) and `status` (the app's state as JSON)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from resilience_app.cli.arguments import Parser, Subparsers, rough
from resilience_app.cli.channel import ask
from resilience_app.cli.errors import EXIT_OK
from resilience_app.cli.output import done, out
from resilience_app.core.kinds import LossReason, LossSize, MyPart
from resilience_app.i18n import _

SIZES = [s.value.replace("_", "-") for s in LossSize]  # typed with hyphens: make-or-break


def add_flag(sub: Subparsers, common: Parser) -> None:
    # Translators: the help of `resilience flag` ("went south": went badly).
    flag = sub.add_parser("flag", parents=[common], help=_("a call went south: start a break"))
    flag.add_argument("--label", default="", metavar="TEXT", help=_("prospect or company"))
    flag.add_argument("--rough", type=rough, metavar="N", help=_("how rough it felt, 0 to 10"))
    flag.add_argument("--size", choices=SIZES, help=_("how big this one was"))
    flag.set_defaults(handler=_flag)


def _flag(args: argparse.Namespace, data_dir: Path) -> int:
    size = args.size.replace("-", "_") if args.size else None  # the choice's value
    reply = ask(data_dir, "flag", {"label": args.label, "rough": args.rough, "size": size})
    return done(reply, _("Flagged."))


def add_dialed(sub: Subparsers, common: Parser) -> None:
    dialed = sub.add_parser("dialed", parents=[common], help=_("I'm back on the phone"))
    dialed.set_defaults(handler=_dialed)


def _dialed(args: argparse.Namespace, data_dir: Path) -> int:
    return done(ask(data_dir, "dialed"), _("Recorded."))


def add_note(sub: Subparsers, common: Parser) -> None:
    note = sub.add_parser("note", parents=[common], help=_("save the note about the latest call"))
    note.add_argument("--incident", metavar="ID", help=_("another call than the latest"))
    note.add_argument("--what", default="", metavar="TEXT", help=_("what happened"))
    note.add_argument("--my-part", choices=[p.value for p in MyPart], help=_("what was my part"))
    note.add_argument(
        "--reason", choices=[r.value for r in LossReason], help=_("why the call was lost")
    )
    note.add_argument("--lesson", default="", metavar="TEXT", help=_("a lesson for the next call"))
    note.add_argument(
        "--positive",
        action="append",
        default=[],
        metavar="TEXT",
        help=_("something that went well: at least one (repeatable)"),
    )
    note.add_argument("--feel", type=rough, metavar="N", help=_("how you feel now, 0 to 10"))
    note.add_argument(
        "--said",
        default="",
        metavar="TEXT",
        help=_("what they said or asked that you couldn't answer (kept in your playbook too)"),
    )
    note.add_argument(
        "--missing",
        default="",
        metavar="TEXT",
        help=_("with --reason product_gap: what was missing, in a few words"),
    )
    note.add_argument("--size", choices=SIZES, help=_("how big this one was"))
    note.set_defaults(handler=_note)


def _note(args: argparse.Namespace, data_dir: Path) -> int:
    request = {
        "incident": args.incident,
        "what": args.what,
        "my_part": args.my_part,
        "reason": args.reason,
        "lesson": args.lesson,
        "positives": args.positive,
        "feel": args.feel,
        "said": args.said,
        "missing": args.missing,
        "size": args.size.replace("-", "_") if args.size else None,  # the choice's value
    }
    return done(ask(data_dir, "note", request), _("Saved."))


def add_status(sub: Subparsers, common: Parser) -> None:
    status = sub.add_parser("status", parents=[common], help=_("print the current state as JSON"))
    status.set_defaults(handler=_status)


def _status(args: argparse.Namespace, data_dir: Path) -> int:
    status = ask(data_dir, "status").get("status")
    out(json.dumps(status, indent=2, ensure_ascii=False))
    return EXIT_OK
