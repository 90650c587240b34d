"""`config get|set|list`: read or change a setting (a change goes through the running app)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from resilience_app.cli.arguments import Parser, Subparsers
from resilience_app.cli.channel import ask
from resilience_app.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from resilience_app.cli.output import done, out
from resilience_app.cli.reader import reader
from resilience_app.i18n import _


def add_config(sub: Subparsers, common: Parser) -> None:
    config = sub.add_parser("config", parents=[common], help=_("read or change a setting"))
    config_sub = config.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    config_sub.required = True
    get = config_sub.add_parser("get", parents=[common], help=_("print a setting"))
    get.add_argument("key", help=_("the setting's name (see `resilience config list`)"))
    set_ = config_sub.add_parser("set", parents=[common], help=_("change a setting"))
    set_.add_argument("key", help=_("the setting's name (see `resilience config list`)"))
    set_.add_argument("value", help=_("its new value"))
    config_sub.add_parser("list", parents=[common], help=_("every setting with its value"))
    config.set_defaults(handler=_config)


def _config(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.core.settings import SCHEMA, SettingError, lookup

    if args.action == "list":
        values = reader(data_dir).setting_values()
        for key, setting in SCHEMA.items():
            out(f"{key} = {_show(values[key])}    # {setting.help}")
        return EXIT_OK
    try:
        lookup(args.key)
        if args.action == "get":
            out(_show(reader(data_dir).setting(args.key)))
            return EXIT_OK
        return _config_set(data_dir, args.key, args.value)
    except SettingError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def _config_set(data_dir: Path, key: str, raw: str) -> int:
    reply = ask(data_dir, "config-set", {"key": key, "value": raw})
    return done({**reply, "message": f"{key} = {_show(reply.get('value'))}"}, "")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
