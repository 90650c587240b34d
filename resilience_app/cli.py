"""The `resilience` command: start the tray app, or act on the running one.

Commands that act (flag, dialed, config set) go through the running app over the
single-instance channel, so only one process ever writes the journal. This module imports
no Qt: a dialer hook running `resilience flag` stays quick.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NoReturn

from resilience_app import __version__, i18n
from resilience_app.core.kinds import FollowUpKind, FollowUpOutcome, LossReason, MyPart
from resilience_app.i18n import N_, _, ngettext
from resilience_app.paths import resolve_data_dir

EXIT_OK = 0
EXIT_FAILED = 1  # the request was understood but could not be carried out
EXIT_USAGE = 2  # bad input
EXIT_NOT_SAVED = 3  # done and kept, but not on disk yet (the disk refused); nothing to redo
EXIT_NO_ANSWER = 4  # the app took the request and did not answer: it may still be done


class CliError(Exception):
    """One clear sentence for the rep, and an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
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


def _rough(text: str) -> int:
    # Translators: follows "argument --rough:"; {got} is what the rep typed.
    wrong = _("must be a whole number from 0 (fine) to 10 (awful), got {got}")
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(wrong.format(got=repr(text))) from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(wrong.format(got=value))
    return value


def _day(text: str) -> date:
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


def _moment(text: str) -> str:
    from resilience_app.core import values

    try:
        moment = datetime.fromisoformat(text)
        values.day(moment.date(), what="WHEN")
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


def _minutes(text: str) -> float:
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


def _time_of_day(text: str) -> time:
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


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        # Translators: DIR is the name of the value in the help, written as it is.
        help=_("keep all data and settings in DIR (default: your user data folder)"),
    )
    parser = _Parser(
        prog="resilience",
        description=_(
            "A calm break, a private note and a nudge back to the phone after a tough call."
        ),
        parents=[common],
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"resilience {__version__}",
        help=_("show the version and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    # Translators: the help of `resilience flag` ("went south": went badly).
    flag = sub.add_parser("flag", parents=[common], help=_("a call went south: start a break"))
    flag.add_argument("--label", default="", metavar="TEXT", help=_("prospect or company"))
    flag.add_argument("--rough", type=_rough, metavar="N", help=_("how rough it felt, 0 to 10"))
    sub.add_parser("dialed", parents=[common], help=_("I'm back on the phone"))
    call = sub.add_parser("call", parents=[common], help=_("for dialers: a call starts or ends"))
    call_sub = call.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    call_sub.required = True
    call_start = call_sub.add_parser("start", parents=[common], help=_("a call started"))
    call_start.add_argument("--app", default="", metavar="NAME", help=_("the dialer's name"))
    call_sub.add_parser("end", parents=[common], help=_("the call ended"))
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
    note.add_argument("--feel", type=_rough, metavar="N", help=_("how you feel now, 0 to 10"))
    sub.add_parser("status", parents=[common], help=_("print the current state as JSON"))
    pause = sub.add_parser(
        "pause", parents=[common], help=_("no nudges for a while (a flag still gives a break)")
    )
    how_long = pause.add_mutually_exclusive_group()
    how_long.add_argument(
        "--minutes", type=_minutes, metavar="N", help=_("for N minutes (default: until tomorrow)")
    )
    how_long.add_argument(
        "--until", type=_time_of_day, metavar="HH:MM", help=_("until the next HH:MM")
    )
    sub.add_parser("resume", parents=[common], help=_("nudges back on"))
    stats = sub.add_parser("stats", parents=[common], help=_("patterns in your tough calls"))
    stats.add_argument(
        "--since", type=_day, metavar="DATE", help=_("from DATE (default: 12 weeks ago)")
    )
    stats.add_argument("--until", type=_day, metavar="DATE", help=_("up to DATE (default: today)"))
    stats.add_argument("--json", action="store_true", help=_("print every figure as JSON"))
    # Translators: "Insights" is the name of the window with the rep's patterns.
    insights_cmd = sub.add_parser("insights", parents=[common], help=_("open the Insights window"))
    insights_cmd.set_defaults(window="insights")
    settings_cmd = sub.add_parser("settings", parents=[common], help=_("open the settings window"))
    settings_cmd.set_defaults(window="settings")
    journal = sub.add_parser("journal", parents=[common], help=_("open the journal window"))
    journal.add_argument(
        "--tab",
        choices=("positives", "calls", "upcoming"),
        default="positives",
        help=_("the tab to show"),
    )
    export = sub.add_parser("export", parents=[common], help=_("everything recorded"))
    export.add_argument(
        "--format", choices=("json", "csv", "markdown"), default="json", help=_("the format")
    )
    export.add_argument("--output", metavar="FILE", help=_("write to FILE instead of the screen"))
    export.add_argument(
        "--since", type=_day, metavar="DATE", help=_("calls from DATE (YYYY-MM-DD)")
    )
    export.add_argument(
        "--until", type=_day, metavar="DATE", help=_("calls up to and including DATE")
    )
    fu = sub.add_parser(
        "followup", parents=[common], help=_("upcoming follow-ups after lost calls")
    )
    fu_sub = fu.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
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
    when.add_argument("--at", type=_moment, metavar="WHEN", help=_("e.g. 2026-11-26T10:00"))
    # Translators: N is the name of the value in the help, written as it is.
    when.add_argument("--in-minutes", type=_minutes, metavar="N", help=_("N minutes from now"))
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
                type=_minutes,
                default=60.0,
                metavar="N",
                help=_("how many minutes later (default: 60)"),
            )
    rep = sub.add_parser(
        "report", parents=[common], help=_("a report to share with your manager (counts only)")
    )
    rep.add_argument(
        "--since", type=_day, metavar="DATE", help=_("from DATE (default: 4 weeks ago)")
    )
    rep.add_argument("--until", type=_day, metavar="DATE", help=_("up to DATE (default: today)"))
    rep.add_argument(
        "--format", choices=("markdown", "pdf"), default="markdown", help=_("the format")
    )
    rep.add_argument("--output", metavar="FILE", help=_("write to FILE (needed for pdf)"))
    rep.add_argument(
        "--include",
        action="append",
        choices=("lessons", "feedback"),
        default=[],
        help=_("also share every lesson, or every feedback line, of the period (repeatable)"),
    )
    pos = sub.add_parser("positive", parents=[common], help=_("add a positive on its own"))
    pos_sub = pos.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    pos_sub.required = True
    pos_add = pos_sub.add_parser(
        "add", parents=[common], help=_("a good call, a gatekeeper passed")
    )
    pos_add.add_argument("text", help=_("what went well"))
    imp = sub.add_parser("import", parents=[common], help=_("add calls from a JSON export"))
    imp.add_argument("file", help=_("a file written by `resilience export --format json`"))
    config = sub.add_parser("config", parents=[common], help=_("read or change a setting"))
    config_sub = config.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    config_sub.required = True
    get = config_sub.add_parser("get", parents=[common], help=_("print a setting"))
    get.add_argument("key", help=_("the setting's name (see `resilience config list`)"))
    set_ = config_sub.add_parser("set", parents=[common], help=_("change a setting"))
    set_.add_argument("key", help=_("the setting's name (see `resilience config list`)"))
    set_.add_argument("value", help=_("its new value"))
    config_sub.add_parser("list", parents=[common], help=_("every setting with its value"))
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
    sub.add_parser("lock", parents=[common], help=_("lock the journal now"))
    phrase = sub.add_parser(
        "passphrase", parents=[common], help=_("protect the journal with a passphrase")
    )
    phrase_sub = phrase.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    phrase_sub.required = True
    phrase_sub.add_parser("set", parents=[common], help=_("turn the lock on (asks twice)"))
    phrase_sub.add_parser("change", parents=[common], help=_("the current one, then a new one"))
    phrase_sub.add_parser("remove", parents=[common], help=_("turn the lock off"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # The system's language first, then (for the help too) the one the rep chose in the
    # settings of the data folder named on the command line.
    i18n.set_language("auto")
    for word in words:
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            # Bytes that are not UTF-8 on the command line arrive as lone surrogates.
            _say(_("An argument has characters that are not valid text (UTF-8); type it again."))
            return EXIT_USAGE
    spoken = _speak_settings_language(_named_data_dir(words))
    args = build_parser().parse_args(words)
    try:
        data_dir = _data_dir(getattr(args, "data_dir", None))
        if data_dir != spoken:
            _speak_settings_language(data_dir)
        if args.command is None:
            return _start_app(data_dir)
        handler = _COMMANDS[args.command]
        return handler(args, data_dir)
    except CliError as exc:
        _say(str(exc))
        return exc.code
    except KeyboardInterrupt:
        return 130
    finally:
        _flush_output()


def _named_data_dir(words: Sequence[str]) -> Path | None:
    """The data folder the command line names (or the default), read before the parser
    runs so that even its help speaks the rep's language; None if it cannot be told."""
    value = None
    for index, word in enumerate(words):
        if word == "--":
            break
        if word == "--data-dir" and index + 1 < len(words):
            value = words[index + 1]
        elif word.startswith("--data-dir="):
            value = word.partition("=")[2]
    try:
        return resolve_data_dir(value) if value is None or value.strip() else None
    except (RuntimeError, OSError, ValueError):
        return None


def _speak_settings_language(data_dir: Path | None) -> Path | None:
    """Speak the language of `ui.language` in the settings of `data_dir`; the system's
    when it is `auto`, or the settings cannot be read (missing, broken, not ours)."""
    choice = "auto"
    if data_dir is not None:
        from resilience_app.files import read_private
        from resilience_app.storage.settings_file import SETTINGS_FILE

        try:  # quietly: the command that opens the journal says what is wrong with it
            stored = json.loads(read_private(data_dir / SETTINGS_FILE).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            stored = None
        value = stored.get("ui.language") if isinstance(stored, dict) else None
        if isinstance(value, str) and value in i18n.CHOICES:
            choice = value
    i18n.set_language(choice)
    return data_dir


def _data_dir(value: str | None) -> Path:
    """The data folder named by --data-dir (or the default), checked into a usable path."""
    if value is not None and not value.strip():
        raise CliError(_("--data-dir needs a folder (it was empty)."), EXIT_USAGE)
    try:
        data_dir = resolve_data_dir(value)
        if data_dir.exists() and not data_dir.is_dir():
            raise CliError(
                _("{path} is a file, not a data folder; check --data-dir.").format(path=data_dir),
                2,
            )
    except RuntimeError as exc:  # "~someone" for a user who does not exist
        # Translators: {reason} is the system's reason, in English.
        raise CliError(_("--data-dir: {reason}.").format(reason=exc), EXIT_USAGE) from None
    except OSError as exc:
        raise CliError(
            # Translators: {reason} is the system's reason ("Permission denied").
            _("--data-dir cannot be used: {reason}.").format(reason=exc.strerror or exc),
            EXIT_USAGE,
        ) from None
    return data_dir


def _out(text: str, *, end: str = "\n") -> None:
    """Standard output that cannot be written (a closed pipe, a full disk) is a sentence."""
    if sys.stdout is None:  # started with its output closed
        raise CliError(_("Could not write the output (there is nowhere to write it)."))
    try:
        sys.stdout.write(text + end)
        sys.stdout.flush()
    except (OSError, ValueError) as exc:
        raise CliError(
            # Translators: {reason} is the system's reason ("Broken pipe").
            _("Could not write the output ({reason}).").format(reason=_reason(exc))
        ) from None


def _say(text: str) -> None:
    """A sentence on standard error, if anything can be written there at all."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"resilience: {text}", file=sys.stderr)


def _flush_output() -> None:
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        # Nobody reads our output any more; keep Python's own exit flush quiet.
        import os

        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def _done(reply: dict[str, Any], fallback: str) -> int:
    """Print the app's answer; exit 3 when it is kept but not on disk yet. The exit code
    says what happened to the request even when its answer cannot be printed."""
    code = EXIT_NOT_SAVED if reply.get("saved") is False else EXIT_OK
    try:
        _out(str(reply.get("message") or fallback))
    except CliError as exc:
        # Translators: {problem} is a sentence saying why.
        _say(_("Done, but the answer could not be shown: {problem}").format(problem=exc))
    if code == EXIT_NOT_SAVED:
        _say(str(reply.get("unsaved") or _("Not saved to disk yet.")))
    return code


def gui_main() -> int:
    """Entry point for launchers (no console on Windows)."""
    return main([])


def _start_app(data_dir: Path) -> int:
    import logging
    import os

    from resilience_app.app import run  # Qt is imported only here

    code = run(data_dir)
    # Everything is on disk (every save is durable before it returns) and the app has shut
    # down in order. Skip the interpreter's own teardown: PySide6 has crashed
    # garbage-collecting Qt wrappers there, which would turn a clean quit into a core dump.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


# -- talking to the running app ----------------------------------------------------------


def _ask(data_dir: Path, command: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send a command to the running app; with none running, run it here unless only a
    running app can do it (a break, a window)."""
    from resilience_app.adapters import ipc
    from resilience_app.command_names import NEEDS_APP

    try:
        reply = ipc.request_waiting_for_start(data_dir, command, args)
    except ipc.AppNotRunning:
        if command in NEEDS_APP:
            raise CliError(
                _(
                    "Resilience is not running. Start it first (run `resilience`, or open it "
                    "from your apps menu), then try again."
                )
            ) from None
        reply = _run_here(data_dir, command, args or {})
    except ipc.NotOurs as exc:
        raise CliError(
            # Translators: {reason} says why the channel is not the app's own (in English).
            _("Refused to send anything: {reason}. Nothing was sent.").format(reason=exc)
        ) from None
    except ipc.NoAnswer as exc:
        raise CliError(
            # Translators: {what} says what went wrong, in English ("did not answer in time").
            _(
                "The running Resilience app took the request but {what}; it may still carry it "
                "out. Check with `resilience status` before trying again."
            ).format(what=exc),
            EXIT_NO_ANSWER,
        ) from None
    except ipc.ChannelError as exc:
        raise CliError(
            # Translators: {reason} says what went wrong, in English.
            _("Could not talk to the running Resilience app: {reason}.").format(reason=exc)
        ) from None
    except OSError as exc:
        raise CliError(
            # Translators: {reason} is the system's reason ("Permission denied").
            _("Could not use the data folder: {reason}.").format(reason=exc.strerror or exc)
        ) from None
    if not reply.get("ok"):
        code = (
            EXIT_USAGE
            if reply.get("usage")
            else EXIT_NO_ANSWER
            if reply.get("maybe")  # a bug after the request was taken: it may be done
            else EXIT_FAILED
        )
        raise CliError(str(reply.get("error") or _("The app refused the request.")), code)
    return reply


def _run_here(data_dir: Path, command: str, args: dict[str, Any]) -> dict[str, Any]:
    """No app is running: take the instance lock and be the one writer for a moment."""
    from resilience_app.adapters import ipc
    from resilience_app.adapters.lock import InstanceLock
    from resilience_app.command_names import READ_ONLY
    from resilience_app.commands import CommandTable
    from resilience_app.core.errors import UserError
    from resilience_app.service.build import open_service

    readonly = command in READ_ONLY
    lock = InstanceLock(data_dir) if not readonly else None
    if lock is not None and not _take(lock):
        # Someone held the lock all along: an app that opened its channel by now, or not.
        try:
            return ipc.request_for(data_dir, command, args)
        except ipc.AppNotRunning:
            raise CliError(
                _(
                    "Another Resilience command is busy with this data folder; try again in a "
                    "moment."
                )
            ) from None
    from resilience_app.adapters.vault import KeyringVault

    try:
        # The keyring too (asked only when a command needs it): `config set lock.remember
        # on` is refused here as in the app where nothing can be kept.
        service = open_service(data_dir, readonly=readonly, vault=KeyringVault())
        kept = None
        try:
            for notice in service.open_offline():
                _say(notice)
            reply = CommandTable(service).handle(command, args)
            reason = service.unsaved_sentence()
        finally:
            kept = service.close()
        if reply.get("saved") is False:
            if kept is not None:
                # Translators: {path} is the rescue file; this follows a sentence saying why
                # the change is not on disk yet.
                then = _(
                    "It is kept in {path} and goes into your journal the next time Resilience "
                    "starts."
                ).format(path=kept)
                reply["unsaved"] = f"{reason} {then}"
            else:
                reply["unsaved"] = _(
                    "Not saved: the disk refused it and no other place would take it."
                )
            if kept is None:
                reply = {"ok": False, "error": reply["unsaved"]}
        return reply
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None
    except OSError as exc:
        raise CliError(
            # Translators: {reason} is the system's reason ("No space left on device").
            _("Could not save: {reason}. Nothing was changed.").format(reason=_reason(exc))
        ) from None
    finally:
        if lock is not None:
            lock.release()


def _take(lock: Any, wait: float = 10.0) -> bool:
    """The instance lock, waiting a little for another command (or a starting app)."""
    import time

    deadline = time.monotonic() + wait
    while not lock.acquire():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _reader(data_dir: Path, *, journal: bool = False, opened: bool = False) -> Any:
    """A service that only reads (export, stats, settings): no lock, no writes. With
    `journal`, a folder that holds no journal is a mistake worth a sentence; with
    `opened`, a protected journal is unlocked first (it asks)."""
    from resilience_app.core.errors import UserError
    from resilience_app.service.build import open_service

    try:
        vault = None
        if opened:
            from resilience_app.adapters.vault import KeyringVault

            vault = KeyringVault()
        service = open_service(data_dir, readonly=True, vault=vault)
        if opened:
            _open_journal(service)
    except UserError as exc:
        raise CliError(exc.message) from None
    if journal and not service.has_journal:
        raise CliError(
            _(
                "There is no journal in {path}. Check --data-dir (or start Resilience once to "
                "begin one)."
            ).format(path=data_dir)
        )
    for notice in service.notices():
        _say(notice)
    return service


def _open_journal(service: Any) -> None:
    """A reader of a protected journal opens it: with the key this desktop keeps (when the
    rep chose that), or the passphrase typed (or one line of standard input)."""
    from resilience_app.core.errors import UserError

    if not service.locked:
        return
    if service.unlock_from_keyring():
        return
    try:
        service.unlock(_read_secret(_("Passphrase for your journal")))
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None


def _read_secret(prompt: str, *, twice: bool = False) -> str:
    """A passphrase: asked without echo on a terminal (twice for a new one), otherwise one
    line of standard input. `prompt` is in the rep's language."""
    from resilience_app.adapters import nodump
    from resilience_app.core.values import MAX_PASSPHRASE, is_text
    from resilience_app.storage.sealing import too_long

    nodump.forbid()  # a crash dump of this process would hold the passphrase
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        import getpass

        try:
            # Translators: a prompt on the terminal ("Passphrase for your journal: ").
            secret = getpass.getpass(_("{prompt}: ").format(prompt=prompt))
            if twice and getpass.getpass(_("Type it again: ")) != secret:
                raise CliError(_("The two passphrases differ. Nothing was changed."), EXIT_USAGE)
        except EOFError:
            raise CliError(_("No passphrase was typed. Nothing was changed."), EXIT_USAGE) from None
        unreadable = _("The passphrase typed could not be read as text. Nothing was changed.")
    else:
        try:
            # A line past the longest passphrase (and its end) is not read to its end.
            line = stdin.readline(MAX_PASSPHRASE + 2) if stdin is not None else ""
        except (OSError, ValueError, UnicodeDecodeError):
            raise CliError(
                _(
                    "The passphrase on standard input could not be read as text. Nothing was "
                    "changed."
                ),
                EXIT_USAGE,
            ) from None
        if not line:
            raise CliError(
                # Translators: {prompt} names the passphrase wanted ("Passphrase for your journal").
                _(
                    "{prompt}: expected on standard input (one line), found nothing. Nothing was "
                    "changed."
                ).format(prompt=prompt),
                EXIT_USAGE,
            )
        # The line's end, as a script on any system writes it (a CRLF file keeps its \r
        # here), is not part of the passphrase; spaces before it are.
        secret = line
        for ending in ("\r\n", "\n"):
            if line.endswith(ending):
                secret = line[: -len(ending)]
                break
        unreadable = _(
            "The passphrase on standard input could not be read as text. Nothing was changed."
        )
    if not is_text(secret):
        # Invalid bytes arrive as lone surrogates (Python's surrogateescape).
        raise CliError(unreadable, EXIT_USAGE)
    if len(secret) > MAX_PASSPHRASE:
        raise CliError(too_long().message, EXIT_USAGE)  # before anything is sent
    return secret


def _unlock(args: argparse.Namespace, data_dir: Path) -> int:
    passphrase = _read_secret(_("Passphrase for your journal"))
    reply = _ask(data_dir, "unlock", {"passphrase": passphrase, "remember": args.remember})
    return _done(reply, _("Unlocked."))


def _pause(args: argparse.Namespace, data_dir: Path) -> int:
    until = args.until.strftime("%H:%M") if args.until else None
    return _done(_ask(data_dir, "pause", {"minutes": args.minutes, "until": until}), "")


def _resume(args: argparse.Namespace, data_dir: Path) -> int:
    return _done(_ask(data_dir, "resume"), "")


def _lock(args: argparse.Namespace, data_dir: Path) -> int:
    return _done(_ask(data_dir, "lock"), _("Locked."))


FORGOTTEN = N_(
    "Remember it: a forgotten passphrase cannot be recovered by anyone, not even with this "
    "computer. Export your journal first if you want a copy (`resilience export --output "
    "FILE`)."
)


def _passphrase(args: argparse.Namespace, data_dir: Path) -> int:
    request: dict[str, Any]
    if args.action == "set":
        if sys.stdin is not None and sys.stdin.isatty():
            _say(_(FORGOTTEN))
        request = {"passphrase": _read_secret(_("New passphrase"), twice=True)}
    elif args.action == "change":
        old = _read_secret(_("Current passphrase"))
        request = {"old": old, "new": _read_secret(_("New passphrase"), twice=True)}
    else:
        request = {"passphrase": _read_secret(_("Passphrase"))}
    reply = _ask(data_dir, f"passphrase-{args.action}", request)
    return _done(reply, _("Done."))


def _flag(args: argparse.Namespace, data_dir: Path) -> int:
    reply = _ask(data_dir, "flag", {"label": args.label, "rough": args.rough})
    return _done(reply, _("Flagged."))


def _call(args: argparse.Namespace, data_dir: Path) -> int:
    if args.action == "start":
        return _done(_ask(data_dir, "call-start", {"app": args.app}), _("On a call."))
    return _done(_ask(data_dir, "call-end"), _("Call ended."))


def _dialed(args: argparse.Namespace, data_dir: Path) -> int:
    return _done(_ask(data_dir, "dialed"), _("Recorded."))


def _note(args: argparse.Namespace, data_dir: Path) -> int:
    request = {
        "incident": args.incident,
        "what": args.what,
        "my_part": args.my_part,
        "reason": args.reason,
        "lesson": args.lesson,
        "positives": args.positive,
        "feel": args.feel,
    }
    return _done(_ask(data_dir, "note", request), _("Saved."))


def _status(args: argparse.Namespace, data_dir: Path) -> int:
    status = _ask(data_dir, "status").get("status")
    _out(json.dumps(status, indent=2, ensure_ascii=False))
    return EXIT_OK


def _export(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.core.errors import UserError

    if args.since and args.until and args.until < args.since:
        raise CliError(_("--until must not be before --since."), EXIT_USAGE)
    since = local_midnight(args.since) if args.since else None
    until = local_midnight(args.until + timedelta(days=1)) if args.until else None
    output = Path(args.output).expanduser() if args.output else None
    if output is not None and output.is_dir():
        raise CliError(
            _("{path} is a folder; give a file name for --output.").format(path=output), EXIT_USAGE
        )
    service = _reader(data_dir, journal=True, opened=True)
    try:
        result = service.export(args.format, since, until, path=output)
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None
    if output is not None:
        _say(
            ngettext(
                "Exported {n} call to {path}.", "Exported {n} calls to {path}.", result.calls
            ).format(n=result.calls, path=output)
        )
    else:
        _out(result.text, end="")
    if result.unprotected:
        _say(result.unprotected)
    return EXIT_OK


def _import(args: argparse.Namespace, data_dir: Path) -> int:
    try:
        path = Path(args.file).expanduser().resolve()
    except (ValueError, RuntimeError, OSError):  # a NUL byte, a loop of links, no home
        raise CliError(
            _("There is no file at {path}.").format(path=repr(args.file)), EXIT_USAGE
        ) from None
    if not path.is_file():
        raise CliError(_("There is no file at {path}.").format(path=path), EXIT_USAGE)
    return _done(_ask(data_dir, "import", {"path": str(path)}), _("Imported."))


def _followup(args: argparse.Namespace, data_dir: Path) -> int:
    if args.action == "list":
        followups = _ask(data_dir, "followup-list").get("followups") or []
        if args.json:
            _out(json.dumps(followups, indent=2, ensure_ascii=False))
        elif not followups:
            _out(_("Nothing upcoming."))
        for f in [] if args.json else followups:
            due = i18n.format_datetime(datetime.fromisoformat(f["due_at"]))
            _out(f"{f['id'][:8]}  {due}  {f['title']}")
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
    return _done(_ask(data_dir, f"followup-{args.action}", request), _("Done."))


def _report(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.core.errors import UserError

    if args.since and args.until and args.until < args.since:
        raise CliError(_("--until must not be before --since."), EXIT_USAGE)
    if args.format == "pdf" and not args.output:
        raise CliError(_("A PDF needs a file: add --output FILE."), EXIT_USAGE)
    output = Path(args.output).expanduser() if args.output else None
    if output is not None and output.is_dir():
        raise CliError(
            _("{path} is a folder; give a file name for --output.").format(path=output),
            EXIT_USAGE,
        )
    since, until = args.since, args.until  # None: the service's default period
    service = _reader(data_dir, journal=True, opened=True)
    try:
        groups = {"lesson": "lessons", "feedback": "feedback"}
        wanted = {
            c.key for c in service.report_choices(since, until) if groups[c.kind] in args.include
        }
        made = service.manager_report(since, until, wanted)
        if output is None:
            from resilience_app.core import report

            _out(report.markdown(made), end="")
            return EXIT_OK
        service.write_report(made, args.format, output)
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None
    _say(_("The report for your manager is in {path}.").format(path=output))
    return EXIT_OK


def _stats(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.core import texts
    from resilience_app.core.errors import UserError

    if args.since and args.until and args.until < args.since:
        raise CliError(_("--until must not be before --since."), EXIT_USAGE)
    try:
        summary = _reader(data_dir, journal=True, opened=True).insights(args.since, args.until)
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None
    if args.json:
        _out(json.dumps(summary.as_json(), indent=2, ensure_ascii=False))
        return EXIT_OK
    number = i18n.format_number
    # Translators: {first} and {last} are days; {n} how many calls were flagged between them.
    tough = _("Tough calls from {first} to {last}: {n}").format(
        first=i18n.format_date(summary.first), last=i18n.format_date(summary.last), n=summary.total
    )
    _out(tough)
    day, hour = summary.busiest_weekday, summary.busiest_hour
    if day is not None and hour is not None:
        # Translators: {day} is a day of the week ("Mon") with its count of calls, {hour} an
        # hour of the day ("15:00").
        busiest = _("busiest day: {day} ({n}), busiest hour: {hour}").format(
            day=i18n.day_names()[day],
            n=summary.by_weekday[day],
            hour=i18n.format_time(time(hour, 0)),
        )
        _out(f"  {busiest}")
        reasons = sorted(summary.loss_reasons.items(), key=lambda item: -item[1])
        named = [f"{texts.loss_reason(r)} {n}" for r, n in reasons if n]
        if named:
            # Translators: {reasons} lists why calls were lost, each with its count.
            lost = _("why they were lost: {reasons}").format(reasons=", ".join(named))
            _out(f"  {lost}")
        if summary.dial_median is not None:
            # Translators: minutes from a tough call to the next dial: the {median}, and how
            # many calls ({within} of {count}) were followed by a dial within {target} min.
            back = _(
                "back on the phone: median {median} min, within {target} min {within} of {count}"
            ).format(
                median=number(summary.dial_median, 1),
                target=number(summary.target_minutes),
                within=summary.dial_within_target,
                count=summary.dial_count,
            )
            _out(f"  {back}")
        if summary.mood_change is not None:
            change = summary.mood_change
            signed = ("+" if change >= 0 else "-") + number(abs(change), 1)
            # Translators: {change} is a signed number of points (+1.5) on a scale of 0 to 10;
            # {n} how many notes it is drawn from.
            mood = ngettext(
                "mood after a break and a note: {change} points on average ({n} note)",
                "mood after a break and a note: {change} points on average ({n} notes)",
                summary.mood_notes,
            ).format(change=signed, n=summary.mood_notes)
            _out(f"  {mood}")
    for line in summary.highlights:
        _out(f"* {line}")
    return EXIT_OK


def _journal(args: argparse.Namespace, data_dir: Path) -> int:
    window = getattr(args, "window", None)
    if window in ("insights", "settings"):
        reply = _ask(data_dir, "show", {"window": window})
        _out(reply.get("message") or _("It is open."))
        return EXIT_OK
    reply = _ask(data_dir, "show", {"window": "journal", "tab": args.tab})
    _out(reply.get("message") or _("The journal is open."))
    return EXIT_OK


def _positive(args: argparse.Namespace, data_dir: Path) -> int:
    return _done(_ask(data_dir, "positive-add", {"text": args.text}), _("Added."))


def _config(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.core.settings import SCHEMA, SettingError, lookup

    if args.action == "list":
        values = _reader(data_dir).setting_values()
        for key, setting in SCHEMA.items():
            _out(f"{key} = {_show(values[key])}    # {setting.help}")
        return EXIT_OK
    try:
        lookup(args.key)
        if args.action == "get":
            _out(_show(_reader(data_dir).setting(args.key)))
            return EXIT_OK
        return _config_set(data_dir, args.key, args.value)
    except SettingError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def _config_set(data_dir: Path, key: str, raw: str) -> int:
    reply = _ask(data_dir, "config-set", {"key": key, "value": raw})
    return _done({**reply, "message": f"{key} = {_show(reply.get('value'))}"}, "")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_COMMANDS = {
    "flag": _flag,
    "dialed": _dialed,
    "call": _call,
    "status": _status,
    "note": _note,
    "export": _export,
    "config": _config,
    "import": _import,
    "followup": _followup,
    "positive": _positive,
    "journal": _journal,
    "insights": _journal,
    "settings": _journal,
    "stats": _stats,
    "report": _report,
    "pause": _pause,
    "resume": _resume,
    "unlock": _unlock,
    "lock": _lock,
    "passphrase": _passphrase,
}
