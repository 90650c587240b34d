"""The passphrase lock: `unlock` (asks for it), `lock`, and `passphrase set|change|remove`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from resilience_app.cli.arguments import Parser, Subparsers
from resilience_app.cli.channel import ask
from resilience_app.cli.output import done, say
from resilience_app.cli.secret import read_secret
from resilience_app.i18n import N_, _


def add_unlock(sub: Subparsers, common: Parser) -> None:
    unlock = sub.add_parser(
        "unlock", parents=[common], help=_("unlock the journal in the running app (asks for it)")
    )
    remember = unlock.add_mutually_exclusive_group()
    remember.add_argument(
        "--remember",
        action="store_true",
        default=None,
        help=_("keep the key in this desktop's keyring"),
    )
    remember.add_argument(
        "--forget", dest="remember", action="store_false", help=_("stop keeping it there")
    )
    unlock.set_defaults(handler=_unlock)


def _unlock(args: argparse.Namespace, data_dir: Path) -> int:
    passphrase = read_secret(_("Passphrase for your journal"))
    reply = ask(data_dir, "unlock", {"passphrase": passphrase, "remember": args.remember})
    return done(reply, _("Unlocked."))


def add_lock(sub: Subparsers, common: Parser) -> None:
    lock = sub.add_parser("lock", parents=[common], help=_("lock the journal now"))
    lock.set_defaults(handler=_lock)


def _lock(args: argparse.Namespace, data_dir: Path) -> int:
    return done(ask(data_dir, "lock"), _("Locked."))


def add_passphrase(sub: Subparsers, common: Parser) -> None:
    phrase = sub.add_parser(
        "passphrase", parents=[common], help=_("protect the journal with a passphrase")
    )
    phrase_sub = phrase.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    phrase_sub.required = True
    phrase_sub.add_parser("set", parents=[common], help=_("turn the lock on (asks twice)"))
    phrase_sub.add_parser("change", parents=[common], help=_("the current one, then a new one"))
    phrase_sub.add_parser("remove", parents=[common], help=_("turn the lock off"))
    phrase.set_defaults(handler=_passphrase)


FORGOTTEN = N_(
    "Remember it: a forgotten passphrase cannot be recovered by anyone, not even with this "
    "computer. Export your journal first if you want a copy (`resilience export --output "
    "FILE`)."
)


def _passphrase(args: argparse.Namespace, data_dir: Path) -> int:
    request: dict[str, Any]
    if args.action == "set":
        if sys.stdin is not None and sys.stdin.isatty():
            say(_(FORGOTTEN))
        request = {"passphrase": read_secret(_("New passphrase"), twice=True)}
    elif args.action == "change":
        old = read_secret(_("Current passphrase"))
        request = {"old": old, "new": read_secret(_("New passphrase"), twice=True)}
    else:
        request = {"passphrase": read_secret(_("Passphrase"))}
    reply = ask(data_dir, f"passphrase-{args.action}", request)
    return done(reply, _("Done."))
