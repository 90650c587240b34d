"""`stats` (the patterns in the rep's tough calls, on the terminal) and `report` (counts
to share with a manager, as Markdown or PDF)."""

from __future__ import annotations

import argparse
import json
from datetime import time
from pathlib import Path

from resilience_app import i18n
from resilience_app.cli.arguments import Parser, Subparsers, day
from resilience_app.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError
from resilience_app.cli.output import out, say
from resilience_app.cli.reader import reader
from resilience_app.i18n import _, ngettext


def add_stats(sub: Subparsers, common: Parser) -> None:
    stats = sub.add_parser("stats", parents=[common], help=_("patterns in your tough calls"))
    stats.add_argument(
        "--since", type=day, metavar="DATE", help=_("from DATE (default: 12 weeks ago)")
    )
    stats.add_argument("--until", type=day, metavar="DATE", help=_("up to DATE (default: today)"))
    stats.add_argument("--json", action="store_true", help=_("print every figure as JSON"))
    stats.set_defaults(handler=_stats)


def _stats(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.core import sizes, texts
    from resilience_app.core.errors import UserError

    if args.since and args.until and args.until < args.since:
        raise CliError(_("--until must not be before --since."), EXIT_USAGE)
    try:
        service = reader(data_dir, journal=True, opened=True)
        summary = service.insights(args.since, args.until)
        by_size = service.dial_by_size(summary.first, summary.last)
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None
    if args.json:
        figures = {**summary.as_json(), "dial_by_size": sizes.as_json(by_size)}
        out(json.dumps(figures, indent=2, ensure_ascii=False))
        return EXIT_OK
    number = i18n.format_number
    # Translators: {first} and {last} are days; {n} how many calls were flagged between them.
    tough = _("Tough calls from {first} to {last}: {n}").format(
        first=i18n.format_date(summary.first), last=i18n.format_date(summary.last), n=summary.total
    )
    out(tough)
    weekday, hour = summary.busiest_weekday, summary.busiest_hour
    if weekday is not None and hour is not None:
        # Translators: {day} is a day of the week ("Mon") with its count of calls, {hour} an
        # hour of the day ("15:00").
        busiest = _("busiest day: {day} ({n}), busiest hour: {hour}").format(
            day=i18n.day_names()[weekday],
            n=summary.by_weekday[weekday],
            hour=i18n.format_time(time(hour, 0)),
        )
        out(f"  {busiest}")
        reasons = sorted(summary.loss_reasons.items(), key=lambda item: -item[1])
        named = [f"{texts.loss_reason(r)} {n}" for r, n in reasons if n]
        if named:
            # Translators: {reasons} lists why calls were lost, each with its count.
            lost = _("why they were lost: {reasons}").format(reasons=", ".join(named))
            out(f"  {lost}")
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
            out(f"  {back}")
        if any(row.size for row in by_size):
            # Translators: {sizes} lists each size of call with its median minutes to the
            # next dial ("Big: 12 min (3 calls), Not said: 5 min (10 calls)").
            out(
                "  " + _("back on the phone by size: {sizes}").format(sizes=sizes.in_words(by_size))
            )
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
            out(f"  {mood}")
    for line in summary.highlights:
        out(f"* {line}")
    return EXIT_OK


# What `report --include` shares, by the kind of line (`core.report.Choice.kind`).
INCLUDE = {
    "lesson": "lessons",
    "feedback": "feedback",
    "gap": "gaps",
    "objection": "objections",
    "answer": "answers",
}


def add_gaps(sub: Subparsers, common: Parser) -> None:
    gaps = sub.add_parser(
        "gaps",
        parents=[common],
        help=_("the product gaps in your notes: what was missing, how often, and when"),
    )
    gaps.add_argument("--since", type=day, metavar="DATE", help=_("from DATE (default: all)"))
    gaps.add_argument("--until", type=day, metavar="DATE", help=_("up to DATE (default: today)"))
    gaps.add_argument("--json", action="store_true", help=_("print every figure as JSON"))
    gaps.set_defaults(handler=_gaps)


def _gaps(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.core.errors import UserError

    if args.since and args.until and args.until < args.since:
        raise CliError(_("--until must not be before --since."), EXIT_USAGE)
    try:
        found = reader(data_dir, journal=True, opened=True).product_gaps(args.since, args.until)
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None
    if args.json:
        rows = [
            {
                "missing": g.text,
                "count": g.count,
                "first": g.first.isoformat(),
                "last": g.last.isoformat(),
            }
            for g in found
        ]
        out(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not found:
        if args.since or args.until:
            out(_("No product gaps in your notes for this period."))
        else:
            out(_("No product gaps in your notes yet."))
        return EXIT_OK
    for g in found:
        first = i18n.format_date(g.first.astimezone().date())
        last = i18n.format_date(g.last.astimezone().date())
        # Translators: when a product gap came up: one day, or from the first to the last.
        when = first if first == last else _("{first} to {last}").format(first=first, last=last)
        out(f"{g.count}×  {g.text}  ({when})")
    return EXIT_OK


def add_report(sub: Subparsers, common: Parser) -> None:
    rep = sub.add_parser(
        "report", parents=[common], help=_("a report to share with your manager (counts only)")
    )
    rep.add_argument(
        "--since", type=day, metavar="DATE", help=_("from DATE (default: 4 weeks ago)")
    )
    rep.add_argument("--until", type=day, metavar="DATE", help=_("up to DATE (default: today)"))
    rep.add_argument(
        "--format", choices=("markdown", "pdf"), default="markdown", help=_("the format")
    )
    rep.add_argument("--output", metavar="FILE", help=_("write to FILE (needed for pdf)"))
    rep.add_argument(
        "--include",
        action="append",
        choices=tuple(INCLUDE.values()),
        default=[],
        help=_("also share every lesson, or every feedback line, of the period (repeatable)")
        + "; "
        + _(
            "gaps: what was missing on calls lost to a product gap; objections: your "
            "playbook's entries with how often they came up; answers: your answers to them "
            "too. A customer's name is never included."
        ),
    )
    rep.set_defaults(handler=_report)


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
    service = reader(data_dir, journal=True, opened=True)
    try:
        wanted = {
            c.key for c in service.report_choices(since, until) if INCLUDE[c.kind] in args.include
        }
        made = service.manager_report(since, until, wanted)
        if output is None:
            from resilience_app.core import report

            out(report.markdown(made), end="")
            return EXIT_OK
        service.write_report(made, args.format, output)
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None
    say(_("The report for your manager is in {path}.").format(path=output))
    return EXIT_OK
