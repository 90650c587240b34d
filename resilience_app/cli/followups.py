"""`followup list|add|done|cancel|snooze`: the follow-ups planned after lost calls."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from resilience_app import i18n
from resilience_app.cli.arguments import Parser, Subparsers, minutes, moment
from resilience_app.cli.channel import ask
from resilience_app.cli.errors import EXIT_OK
from resilience_app.cli.output import done, out
from resilience_app.core.kinds import FollowUpKind, FollowUpOutcome
from resilience_app.i18n import N_, _


def add_followup(sub: Subparsers, common: Parser) -> None:
    fu = sub.add_parser(
        "followup", parents=[common], help=_("upcoming follow-ups after lost calls")
    )
    fu.set_defaults(handler=_followup)
    fu_sub = fu.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    fu_sub.required = True
    fu_list = fu_sub.add_parser("list", parents=[common], help=_("upcoming follow-ups"))
    fu_list.add_argument("--json", action="store_true", help=_("print JSON"))
    fu_add = fu_sub.add_parser("add", parents=[common], help=_("plan a follow-up"))
    fu_add.add_argument(
        "--kind",
        required=True,
        choices=[k.value for k in FollowUpKind],
        help=_("the kind of follow-up"),
    )
    fu_add.add_argument("--incident", metavar="ID", help=_("the call (default: the latest)"))
    when = fu_add.add_mutually_exclusive_group()
    when.add_argument("--at", type=moment, metavar="WHEN", help=_("e.g. 2026-11-26T10:00"))
    # Translators: N is the name of the value in the help, written as it is.
    when.add_argument("--in-minutes", type=minutes, metavar="N", help=_("N minutes from now"))
    when.add_argument("--months", type=int, choices=(1, 3), help=_("for a check-in"))
    fu_add.add_argument("--note", default="", metavar="TEXT", help=_("a note for the reminder"))
    for action, text in (
        ("done", N_("mark it done")),
        ("cancel", N_("cancel it")),
        # Translators: the help of `resilience followup snooze`: remind again later.
        ("snooze", N_("later")),
    ):
        parser_ = fu_sub.add_parser(action, parents=[common], help=_(text))
        parser_.add_argument("id", help=_("its id, or the first characters of it"))
        if action == "done":
            parser_.add_argument(
                "--outcome",
                choices=[o.value for o in FollowUpOutcome],
                help=_("what came of it (it can be given later too)"),
            )
            parser_.add_argument(
                "--note", default="", metavar="TEXT", help=_("the feedback you heard, one line")
            )
        if action == "snooze":
            parser_.add_argument(
                "--minutes",
                type=minutes,
                default=60.0,
                metavar="N",
                help=_("how many minutes later (default: 60)"),
            )


def _followup(args: argparse.Namespace, data_dir: Path) -> int:
    if args.action == "list":
        followups = ask(data_dir, "followup-list").get("followups") or []
        if args.json:
            out(json.dumps(followups, indent=2, ensure_ascii=False))
        elif not followups:
            out(_("Nothing upcoming."))
        for f in [] if args.json else followups:
            due = i18n.format_datetime(datetime.fromisoformat(f["due_at"]))
            out(f"{f['id'][:8]}  {due}  {f['title']}")
        return EXIT_OK
    request: dict[str, Any]
    if args.action == "add":
        request = {
            "kind": args.kind,
            "incident": args.incident,
            "at": args.at,
            "in_minutes": args.in_minutes,
            "months": args.months,
            "note": args.note,
        }
    else:
        request = {
            "id": args.id,
            "minutes": getattr(args, "minutes", None),
            "outcome": getattr(args, "outcome", None),
            "note": getattr(args, "note", ""),
        }
    return done(ask(data_dir, f"followup-{args.action}", request), _("Done."))
