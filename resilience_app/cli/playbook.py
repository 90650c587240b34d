"""`playbook add|list|answer|tag|merge|talk|practise`: the rep's own playbook, their words
and my answer, and practising it (`practice.py`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from resilience_app.cli.arguments import Parser, Subparsers, minutes, moment
from resilience_app.cli.channel import ask
from resilience_app.cli.errors import EXIT_OK
from resilience_app.cli.output import done, out
from resilience_app.cli.practice import practise
from resilience_app.core.playbook import TAGS
from resilience_app.i18n import _


def add_playbook(sub: Subparsers, common: Parser) -> None:
    pb = sub.add_parser(
        "playbook",
        parents=[common],
        help=_("your playbook: what they said that you could not answer, and your answer"),
    )
    pb.set_defaults(handler=_playbook)
    pb_sub = pb.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    pb_sub.required = True
    pb_add = pb_sub.add_parser(
        "add", parents=[common], help=_("keep what they said or asked (the answer can come later)")
    )
    pb_add.add_argument("--said", required=True, metavar="TEXT", help=_("their words, one line"))
    pb_add.add_argument(
        "--answer", default="", metavar="TEXT", help=_("your answer, if you have it already")
    )
    pb_add.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        # Translators: {tags} are the tags every rep has, as typed ("price, product, ...").
        help=_("a tag ({tags}, or your own); give it again for more").format(tags=", ".join(TAGS)),
    )
    pb_add.add_argument(
        "--incident", metavar="ID", help=_("the call it came up on (default: none)")
    )
    pb_list = pb_sub.add_parser("list", parents=[common], help=_("the entries of your playbook"))
    pb_list.add_argument("--json", action="store_true", help=_("print JSON"))
    pb_list.add_argument(
        "--search", default="", metavar="WORDS", help=_("only entries holding these words")
    )
    pb_answer = pb_sub.add_parser(
        "answer", parents=[common], help=_("write your answer (the earlier wording is kept)")
    )
    pb_answer.add_argument("id", help=_("its id, or the first characters of it"))
    pb_answer.add_argument("text", help=_("your answer, as you would say it now"))
    pb_tag = pb_sub.add_parser(
        "tag",
        parents=[common],
        # Translators: {tags} are the tags every rep has, as typed ("price, product, ...").
        help=_("add tags to an entry ({tags}, or your own)").format(tags=", ".join(TAGS)),
    )
    pb_tag.add_argument("id", help=_("its id, or the first characters of it"))
    pb_tag.add_argument("tags", nargs="+", metavar="TAG", help=_("the tags to add"))
    pb_merge = pb_sub.add_parser(
        "merge",
        parents=[common],
        help=_(
            "the same question said differently: one entry, with the calls, tags and every "
            "wording of both"
        ),
    )
    pb_merge.add_argument("keep", metavar="KEEP_ID", help=_("the entry to keep (its id)"))
    pb_merge.add_argument(
        "gone", metavar="GONE_ID", help=_("the entry merged into it (its id); its words are kept")
    )
    pb_talk = pb_sub.add_parser(
        "talk",
        parents=[common],
        help=_(
            "plan to talk an entry over with a colleague (a follow-up; default: the next "
            "working morning)"
        ),
    )
    pb_talk.add_argument("id", help=_("its id, or the first characters of it"))
    talk_when = pb_talk.add_mutually_exclusive_group()
    talk_when.add_argument("--at", type=moment, metavar="WHEN", help=_("e.g. 2026-11-26T10:00"))
    # Translators: N is the name of the value in the help, written as it is.
    talk_when.add_argument("--in-minutes", type=minutes, metavar="N", help=_("N minutes from now"))
    pb_practise = pb_sub.add_parser(
        "practise",
        parents=[common],
        help=_("go over a few answers: recall, then look (two minutes at most)"),
        description=_(
            "A few cards, those due first. For each: their words; say your answer out loud, "
            "press Enter to see yours, then type h if you had it or a to go over it again. "
            "After two minutes no new card comes. Ctrl-D or Ctrl-C stops; what you marked is "
            "kept. It needs a terminal; from a script, use --list."
        ),
    )
    pb_practise.add_argument(
        "--list",
        action="store_true",
        help=_("only print the cards a round would bring (works from a script)"),
    )


def _playbook(args: argparse.Namespace, data_dir: Path) -> int:
    if args.action == "practise":
        return practise(data_dir, listing=args.list)
    if args.action == "list":
        entries = ask(data_dir, "playbook-list", {"search": args.search}).get("entries") or []
        if args.json:
            out(json.dumps(entries, indent=2, ensure_ascii=False))
            return EXIT_OK
        if not entries:
            out(_("Nothing in your playbook yet."))
        for e in entries:
            out(f"{e['id'][:8]}  {e['times']}×  {e['said']}")
            out("          " + (e["answer"] or _("(no answer yet)")).replace("\n", " "))
        return EXIT_OK
    request: dict[str, Any]
    if args.action == "add":
        request = {
            "said": args.said,
            "answer": args.answer,
            "tags": list(args.tag),
            "incident": args.incident,
        }
    elif args.action == "tag":
        request = {"id": args.id, "tags": list(args.tags)}
    elif args.action == "merge":
        request = {"keep": args.keep, "gone": args.gone}
    elif args.action == "talk":
        request = {"id": args.id, "at": args.at, "in_minutes": args.in_minutes}
    else:
        request = {"id": args.id, "text": args.text}
    return done(ask(data_dir, f"playbook-{args.action}", request), _("Done."))
