"""The parser every command is declared with, and the types of the values they read.

Each value's type turns what the rep typed into a value, or into one sentence that
follows "argument --rough:" (argparse puts the option's name first)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from resilience_app.cli.errors import EXIT_USAGE
from resilience_app.i18n import _


class Parser(argparse.ArgumentParser):
    """Our own -h, so its help speaks the rep's language, and errors as one sentence."""

    def __init__(self, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        parents = kwargs.pop("parents", [])
        super().__init__(**kwargs, add_help=False)
        if add_help:  # first, where argparse puts its own
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=_("show this help message and exit"),
            )
        for parent in parents:  # as argparse adds them
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def error(self, message: str) -> NoReturn:
        text = message[0].upper() + message[1:] if message else _("Bad arguments")
        # Translators: {command} is the command typed ("resilience flag"); keep --help.
        see = _("See `{command} --help`.").format(command=self.prog)
        self.exit(EXIT_USAGE, f"resilience: {text.rstrip('.')}. {see}\n")


# What a command module declares its commands on: `sub.add_parser(name, parents=[common])`.
Subparsers: TypeAlias = "argparse._SubParsersAction[Parser]"
# A command's handler: the parsed arguments and the data folder in, the exit code out.
Handler = Callable[[argparse.Namespace, Path], int]


def rough(text: str) -> int:
    # Translators: follows "argument --rough:"; {got} is what the rep typed.
    wrong = _("must be a whole number from 0 (fine) to 10 (awful), got {got}")
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(wrong.format(got=repr(text))) from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(wrong.format(got=value))
    return value


def day(text: str) -> date:
    from resilience_app.core import values

    try:
        return values.day(date.fromisoformat(text), what="DATE")
    except ValueError:
        raise argparse.ArgumentTypeError(
            # Translators: follows "argument --since:"; {got} is what the rep typed, in quotes.
            _("must be a date like 2026-11-24, got {got}").format(got=repr(text))
        ) from None
    except values.BadValue:
        raise argparse.ArgumentTypeError(
            # Translators: follows "argument --since:"; {got} is what the rep typed, in quotes.
            _("must be a date between 1970 and 2200, got {got}").format(got=repr(text))
        ) from None


def moment(text: str) -> str:
    from resilience_app.core import values

    try:
        parsed = datetime.fromisoformat(text)
        values.day(parsed.date(), what="WHEN")
    except ValueError:
        raise argparse.ArgumentTypeError(
            # Translators: follows "argument --at:"; {got} is what the rep typed, in quotes.
            _("must be a date and time like 2026-11-26T10:00, got {got}").format(got=repr(text))
        ) from None
    except values.BadValue:
        raise argparse.ArgumentTypeError(
            # Translators: follows "argument --at:"; {got} is what the rep typed, in quotes.
            _("must be a date and time between 1970 and 2200, got {got}").format(got=repr(text))
        ) from None
    return text


def minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value > 0 and value < 60 * 24 * 366):
        raise argparse.ArgumentTypeError(
            # Translators: follows "argument --minutes:"; {got} is what the rep typed, in quotes.
            _("must be a positive number of minutes, got {got}").format(got=repr(text))
        )
    return value


def time_of_day(text: str) -> time:
    from resilience_app.core.errors import UserError
    from resilience_app.core.workhours import parse_time

    try:
        return parse_time(text)
    except UserError:
        raise argparse.ArgumentTypeError(
            # Translators: follows "argument --until:"; {got} is what the rep typed, in quotes.
            _("must be a time of day like 14:30, got {got}").format(got=repr(text))
        ) from None


def local_midnight(day: date) -> datetime:
    from resilience_app.core.clock import local_moment

    return local_moment(day)
