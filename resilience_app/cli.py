"""The `resilience` command: start the tray app, or act on the running one.

Commands that act (flag, dialed, config set) go through the running app over the
single-instance channel, so only one process ever writes the journal. This module imports
no Qt: a dialer hook running `resilience flag` stays quick.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NoReturn

from resilience_app import __version__
from resilience_app.paths import resolve_data_dir

EXIT_OK = 0
EXIT_FAILED = 1  # the request was understood but could not be carried out
EXIT_USAGE = 2  # bad input


class CliError(Exception):
    """One clear sentence for the rep, and an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        text = message[0].upper() + message[1:] if message else "Bad arguments"
        self.exit(EXIT_USAGE, f"resilience: {text.rstrip('.')}. See `{self.prog} --help`.\n")


def _rough(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 0 (fine) to 10 (awful), got {text!r}"
        ) from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 0 (fine) to 10 (awful), got {value}"
        )
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date like 2026-11-24, got {text!r}") from None


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0)).astimezone()


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="keep all data and settings in DIR (default: your user data folder)",
    )
    parser = _Parser(
        prog="resilience",
        description="A calm break, a private note and a nudge back to the phone "
        "after a tough call.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"resilience {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    flag = sub.add_parser("flag", parents=[common], help="a call went south: start a break")
    flag.add_argument("--label", default="", metavar="TEXT", help="prospect or company")
    flag.add_argument("--rough", type=_rough, metavar="N", help="how rough it felt, 0 to 10")
    sub.add_parser("dialed", parents=[common], help="I'm back on the phone")
    sub.add_parser("status", parents=[common], help="print the current state as JSON")
    export = sub.add_parser("export", parents=[common], help="everything recorded")
    export.add_argument("--format", choices=("json", "csv", "markdown"), default="json")
    export.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    export.add_argument("--since", type=_day, metavar="DATE", help="calls from DATE (YYYY-MM-DD)")
    export.add_argument("--until", type=_day, metavar="DATE", help="calls up to and including DATE")
    imp = sub.add_parser("import", parents=[common], help="add calls from a JSON export")
    imp.add_argument("file", help="a file written by `resilience export --format json`")
    config = sub.add_parser("config", parents=[common], help="read or change a setting")
    config_sub = config.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    config_sub.required = True
    get = config_sub.add_parser("get", parents=[common], help="print a setting")
    get.add_argument("key")
    set_ = config_sub.add_parser("set", parents=[common], help="change a setting")
    set_.add_argument("key")
    set_.add_argument("value")
    config_sub.add_parser("list", parents=[common], help="every setting with its value")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        data_dir = resolve_data_dir(getattr(args, "data_dir", None))
        if args.command is None:
            return _start_app(data_dir)
        handler = _COMMANDS[args.command]
        return handler(args, data_dir)
    except CliError as exc:
        print(f"resilience: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


def gui_main() -> int:
    """Entry point for launchers (no console on Windows)."""
    return main([])


def _start_app(data_dir: Path) -> int:
    from resilience_app.app import run  # Qt is imported only here

    return run(data_dir)


# -- talking to the running app ----------------------------------------------------------


def _ask(data_dir: Path, command: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    from resilience_app.adapters import ipc

    try:
        reply = ipc.request_for(data_dir, command, args)
    except ipc.AppNotRunning:
        raise CliError(
            "Resilience is not running. Start it first (run `resilience`, or open it from "
            "your apps menu), then try again."
        ) from None
    except (ipc.ChannelError, OSError) as exc:
        raise CliError(f"Could not talk to the running Resilience app: {exc}.") from None
    if not reply.get("ok"):
        code = EXIT_USAGE if reply.get("usage") else EXIT_FAILED
        raise CliError(str(reply.get("error") or "The app refused the request."), code)
    return reply


def _flag(args: argparse.Namespace, data_dir: Path) -> int:
    reply = _ask(data_dir, "flag", {"label": args.label, "rough": args.rough})
    print(reply.get("message", "Flagged."))
    return EXIT_OK


def _dialed(args: argparse.Namespace, data_dir: Path) -> int:
    reply = _ask(data_dir, "dialed")
    print(reply.get("message", "Recorded."))
    return EXIT_OK


def _status(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.adapters import ipc

    try:
        status = ipc.request_for(data_dir, "status").get("status")
    except ipc.AppNotRunning:
        status = _offline_status(data_dir)
    except (ipc.ChannelError, OSError) as exc:
        raise CliError(f"Could not talk to the running Resilience app: {exc}.") from None
    print(json.dumps(status, indent=2, ensure_ascii=False))
    return EXIT_OK


def _offline_status(data_dir: Path) -> dict[str, Any]:
    from resilience_app.core.clock import SystemClock
    from resilience_app.core.loop import RecoveryLoop
    from resilience_app.core.settings import Settings
    from resilience_app.status import describe
    from resilience_app.storage.store import load_settings

    store = _read_store(data_dir)
    loop = RecoveryLoop(store, Settings(load_settings(data_dir)), SystemClock())
    loop.restore(catch_up=False)
    return describe(loop, running=False)


def _read_store(data_dir: Path) -> Any:
    from resilience_app.storage.store import StorageError, Store

    try:
        return Store(data_dir, readonly=True)
    except StorageError as exc:
        raise CliError(str(exc)) from None


def _export(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.core.clock import SystemClock
    from resilience_app.storage.export import export, gather

    if args.since and args.until and args.until < args.since:
        raise CliError("--until must not be before --since.", EXIT_USAGE)
    since = local_midnight(args.since) if args.since else None
    until = local_midnight(args.until + timedelta(days=1)) if args.until else None
    store = _read_store(data_dir)
    journal = gather(store, since, until)
    text = export(args.format, journal, SystemClock().now())
    if args.output:
        out = Path(args.output).expanduser()
        try:
            if out.is_dir():
                raise CliError(f"{out} is a folder; give a file name for --output.", 2)
            out.write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            raise CliError(f"Could not write {out}: {exc.strerror or exc}.") from None
        print(f"Exported {len(journal.incidents)} calls to {out}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _import(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.adapters.lock import InstanceLock
    from resilience_app.storage.importer import ImportProblems, import_into
    from resilience_app.storage.store import StorageError, Store

    path = Path(args.file).expanduser().resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"There is no file at {path}.", EXIT_USAGE) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"Could not read {path}: {exc}.") from None
    lock = InstanceLock(data_dir)
    if not lock.acquire():
        reply = _ask(data_dir, "import", {"path": str(path)})
        print(reply.get("message", "Imported."))
        return EXIT_OK
    try:
        store = Store(data_dir)
        result = import_into(store, text)
    except ImportProblems as exc:
        raise CliError(str(exc)) from None
    except StorageError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(
            f"Could not save the import: {exc.strerror or exc}. Nothing was lost."
        ) from None
    finally:
        lock.release()
    print(result.message)
    return EXIT_OK


def _config(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.core.settings import SCHEMA, SettingError, Settings, lookup
    from resilience_app.storage.store import load_settings

    if args.action == "list":
        settings = Settings(load_settings(data_dir))
        for key, setting in SCHEMA.items():
            print(f"{key} = {_show(settings.get(key))}    # {setting.description}")
        return EXIT_OK
    try:
        lookup(args.key)
        if args.action == "get":
            print(_show(Settings(load_settings(data_dir)).get(args.key)))
            return EXIT_OK
        return _config_set(data_dir, args.key, args.value)
    except SettingError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def _config_set(data_dir: Path, key: str, raw: str) -> int:
    from resilience_app.adapters.lock import InstanceLock
    from resilience_app.core.settings import Settings
    from resilience_app.storage.store import load_settings, save_settings

    lock = InstanceLock(data_dir)
    if lock.acquire():
        # No app is running: we are the only writer while we hold the lock.
        try:
            settings = Settings(load_settings(data_dir))
            value = settings.set(key, raw)
            try:
                save_settings(data_dir, settings.as_dict())
            except OSError as exc:
                raise CliError(f"Could not save settings: {exc.strerror or exc}.") from None
        finally:
            lock.release()
    else:
        value = _ask(data_dir, "config-set", {"key": key, "value": raw}).get("value")
    print(f"{key} = {_show(value)}")
    return EXIT_OK


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_COMMANDS = {
    "flag": _flag,
    "dialed": _dialed,
    "status": _status,
    "export": _export,
    "config": _config,
    "import": _import,
}
