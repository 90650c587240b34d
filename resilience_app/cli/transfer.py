"""`export` (everything recorded, as JSON, CSV or Markdown) and `import` (calls from a
JSON export)."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from resilience_app.cli.arguments import Parser, Subparsers, day, local_midnight
from resilience_app.cli.channel import ask
from resilience_app.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError
from resilience_app.cli.output import done, out, say
from resilience_app.cli.reader import reader
from resilience_app.i18n import _, ngettext


def add_export(sub: Subparsers, common: Parser) -> None:
    export = sub.add_parser("export", parents=[common], help=_("everything recorded"))
    export.add_argument(
        "--format", choices=("json", "csv", "markdown"), default="json", help=_("the format")
    )
    export.add_argument("--output", metavar="FILE", help=_("write to FILE instead of the screen"))
    export.add_argument("--since", type=day, metavar="DATE", help=_("calls from DATE (YYYY-MM-DD)"))
    export.add_argument(
        "--until", type=day, metavar="DATE", help=_("calls up to and including DATE")
    )
    export.add_argument(
        "--what",
        choices=("calls", "playbook"),
        default="calls",
        help=_(
            "for --format csv, the table in the file: calls (one row per call, the default) or "
            "playbook (one row per entry of your playbook); JSON and Markdown hold both"
        ),
    )
    export.set_defaults(handler=_export)


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
    service = reader(data_dir, journal=True, opened=True)
    try:
        result = service.export(args.format, since, until, path=output, what=args.what)
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None
    if output is not None:
        say(
            ngettext(
                "Exported {n} call to {path}.", "Exported {n} calls to {path}.", result.calls
            ).format(n=result.calls, path=output)
        )
    else:
        out(result.text, end="")
    if result.unprotected:
        say(result.unprotected)
    return EXIT_OK


def add_import(sub: Subparsers, common: Parser) -> None:
    imp = sub.add_parser("import", parents=[common], help=_("add calls from a JSON export"))
    imp.add_argument("file", help=_("a file written by `resilience export --format json`"))
    imp.set_defaults(handler=_import)


def _import(args: argparse.Namespace, data_dir: Path) -> int:
    try:
        path = Path(args.file).expanduser().resolve()
    except (ValueError, RuntimeError, OSError):  # a NUL byte, a loop of links, no home
        raise CliError(
            _("There is no file at {path}.").format(path=repr(args.file)), EXIT_USAGE
        ) from None
    if not path.is_file():
        raise CliError(_("There is no file at {path}.").format(path=path), EXIT_USAGE)
    return done(ask(data_dir, "import", {"path": str(path)}), _("Imported."))
