"""A report for the manager, private by construction.

It holds, for a period, how many calls went badly and why (the reasons that are not the
rep's to fix set apart, for the company to look at) and what follow-ups brought. Nothing
the rep wrote (labels, what happened, their part, positives, notes) is in it, except the
lessons, feedback lines, product gaps and playbook objections the rep ticks one by one
(an objection with how often it came up; its answer only when "include my answer" is
ticked too; never the call's label): `choices()` lists them, `build()` takes the keys
ticked. Markdown to paste into an email or a chat; the same content as
simple HTML for the preview and Qt's PDF writer.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from resilience_app import i18n
from resilience_app.core import scripts, texts
from resilience_app.core.insights import Insights
from resilience_app.core.kinds import FollowUpKind, FollowUpOutcome, LossReason
from resilience_app.core.outcomes import FollowUpResults
from resilience_app.core.playbook_insights import Gap, Objection
from resilience_app.core.tallies import lesson_key
from resilience_app.i18n import _, ngettext

# Reasons that are not the rep's to fix: the company can act on them.
COMPANY_SIDE = (LossReason.PRODUCT_GAP, LossReason.PRICE_OR_TERMS)


@dataclass(frozen=True)
class Choice:
    """A line the rep wrote that may go into the report if, and only if, ticked."""

    # "lesson:<reason>:<the lesson, as grouped>", "feedback:<follow-up id>",
    # "gap:<the words, as grouped>", "objection:<entry id>", "answer:<entry id>"
    key: str
    kind: str  # "lesson", "feedback", "gap", "objection" or "answer"
    reason: LossReason | None
    text: str  # for an answer: the answer; its objection's words are in `said`
    count: int = 0  # a gap's or an objection's: how often in the period
    said: str = ""


@dataclass(frozen=True)
class ManagerReport:
    first: date
    last: date
    lost_calls: int
    reasons: dict[LossReason, int]
    no_reason: int
    followups: FollowUpResults
    included: list[Choice]

    @property
    def company(self) -> dict[LossReason, int]:
        return {r: n for r, n in self.reasons.items() if r in COMPANY_SIDE and n}

    @property
    def others(self) -> dict[LossReason, int]:
        return {r: n for r, n in self.reasons.items() if r not in COMPANY_SIDE and n}


def choices(
    insights: Insights,
    results: FollowUpResults,
    gaps: Sequence[Gap] = (),
    objections: Sequence[Objection] = (),
) -> list[Choice]:
    """Every lesson and feedback line of the period, none ticked. A key names its line
    whatever else is written meanwhile (a place in the list would not: a note saved
    between ticking and saving the report would shift it onto another lesson)."""
    found: list[Choice] = []
    for reason, lessons in insights.lessons.items():
        for lesson in lessons:
            key = f"lesson:{reason.value if reason else ''}:{lesson_key(lesson.text)}"
            found.append(Choice(key, "lesson", reason, lesson.text))
    for reason, lines in results.feedback.items():
        for line in lines:
            found.append(Choice(f"feedback:{line.followup_id}", "feedback", reason, line.text))
    for gap in gaps:
        found.append(Choice(f"gap:{gap.key}", "gap", LossReason.PRODUCT_GAP, gap.text, gap.count))
    for o in objections:
        found.append(Choice(f"objection:{o.entry_id}", "objection", None, o.said, o.times))
        if o.answered:
            found.append(Choice(f"answer:{o.entry_id}", "answer", None, o.answer, o.times, o.said))
    return found


def build(
    insights: Insights,
    results: FollowUpResults,
    ticked: set[str],
    gaps: Sequence[Gap] = (),
    objections: Sequence[Objection] = (),
) -> ManagerReport:
    """The report with the lines ticked; an answer ticked brings its objection with it."""
    for key in list(ticked):
        if key.startswith("answer:"):
            ticked = ticked | {"objection:" + key.removeprefix("answer:")}
    reasons = {r: n for r, n in insights.loss_reasons.items()}
    return ManagerReport(
        insights.first,
        insights.last,
        insights.total,
        reasons,
        max(0, insights.total - sum(reasons.values())),
        results,
        [c for c in choices(insights, results, gaps, objections) if c.key in ticked],
    )


# -- writing -------------------------------------------------------------------------------


def _period(report: ManagerReport) -> str:
    return _("{first} to {last}").format(
        first=i18n.format_date(report.first), last=i18n.format_date(report.last)
    )


def _outcome_columns() -> list[tuple[FollowUpOutcome, str]]:
    return [(o, scripts.outcome_name(o)) for o in FollowUpOutcome]


def sections(report: ManagerReport) -> list[tuple[str, list[str]]]:
    """The report as headed sections of plain lines (shared by Markdown and HTML)."""
    out: list[tuple[str, list[str]]] = []
    lost = [
        ngettext(
            "{n} call went badly in this period.",
            "{n} calls went badly in this period.",
            report.lost_calls,
        ).format(n=report.lost_calls)
    ]
    for reason, n in sorted(report.others.items(), key=lambda item: -item[1]):
        lost.append(f"- {texts.loss_reason(reason)}: {n}")
    if report.no_reason:
        lost.append("- " + _("No reason noted: {n}").format(n=report.no_reason))
    out.append((_("Lost calls and why"), lost))
    company = [
        _(
            "Reasons that are not the rep's to fix, worth a look by the company (product, "
            "pricing, terms):"
        )
    ]
    if report.company:
        for reason, n in sorted(report.company.items(), key=lambda item: -item[1]):
            company.append(f"- {texts.loss_reason(reason)}: {n}")
    else:
        company.append("- " + _("None in this period."))
    out.append((_("For the company to look at"), company))
    f = report.followups
    brought = [
        ngettext(
            "{n} follow-up done in this period.", "{n} follow-ups done in this period.", f.done
        ).format(n=f.done),
        "- " + _("Deals won back: {n}").format(n=f.won_back),
        "- " + _("Talks reopened: {n}").format(n=f.reopened),
        "- " + _("Referrals given: {n}").format(n=f.referrals),
    ]
    for kind in FollowUpKind:
        kind_results = f.by_kind[kind]
        if not kind_results.done:
            continue
        parts = [
            f"{name} {kind_results.outcomes[o]}"
            for o, name in _outcome_columns()
            if kind_results.outcomes[o]
        ]
        if kind_results.not_said:
            parts.append(_("not said {n}").format(n=kind_results.not_said))
        brought.append(
            "- "
            + _("{kind}: {n} done ({outcomes})").format(
                kind=texts.follow_up_short(kind), n=kind_results.done, outcomes=", ".join(parts)
            )
        )
    brought += [f"- {line}" for line in f.highlights]
    out.append((_("What follow-ups brought"), brought))
    lessons = [c for c in report.included if c.kind == "lesson"]
    if lessons:
        out.append(
            (
                _("Lessons the rep chose to share"),
                [f"- {_reason_tag(c.reason)}{c.text}" for c in lessons],
            )
        )
    heard = [c for c in report.included if c.kind == "feedback"]
    if heard:
        out.append(
            (
                _("Feedback heard from prospects"),
                [f"- {_reason_tag(c.reason)}“{c.text}”" for c in heard],
            )
        )
    out += _shared_playbook(report.included)
    return out


def _shared_playbook(included: list[Choice]) -> list[tuple[str, list[str]]]:
    """The product gaps and objections ticked, with their counts; an objection's answer
    only when ticked."""
    out: list[tuple[str, list[str]]] = []
    gaps = [c for c in included if c.kind == "gap"]
    if gaps:
        out.append(
            (
                _("Needs our product doesn't meet (what was missing)"),
                [
                    "- "
                    # Translators: a product gap in the manager's report: {gap} is what was
                    # missing, in the rep's words; {n} how many lost calls it came up on.
                    + ngettext("{gap}: {n} call", "{gap}: {n} calls", c.count).format(
                        gap=c.text, n=c.count
                    )
                    for c in gaps
                ],
            )
        )
    answers = {c.key.removeprefix("answer:"): c.text for c in included if c.kind == "answer"}
    heard = []
    for c in included:
        if c.kind != "objection":
            continue
        # Translators: how often the same question came up (on the calls linked to it).
        times = ngettext("came up {n} time", "came up {n} times", c.count).format(n=c.count)
        # Translators: an objection in the manager's report: {said} is what a customer
        # said, in the rep's words (keep your language's quotation marks), {times} how
        # often it came up ("came up 4 times").
        line = _("“{said}” — {times}").format(said=c.text, times=times)
        answer = answers.get(c.key.removeprefix("objection:"))
        if answer:
            # Translators: after an objection in the manager's report ("… came up 4
            # times."), the rep's answer, as a sentence of its own.
            line += ". " + _("My answer: {answer}").format(answer=" ".join(answer.split()))
        heard.append("- " + line)
    if heard:
        out.append((_("Objections I hear, from my playbook"), heard))
    return out


def _reason_tag(reason: LossReason | None) -> str:
    return f"({texts.loss_reason(reason)}) " if reason is not None else ""


def title(report: ManagerReport) -> str:
    return _("Lost calls and follow-ups, {period}").format(period=_period(report))


def intro(report: ManagerReport) -> str:
    """Where the numbers come from, and whether anything the rep wrote is in (a sentence
    about a choice "below" only when something was chosen)."""
    if report.included:
        return _(
            "From my own record in Resilience. Counts only: nothing I wrote about a call is "
            "included unless I chose it below."
        )
    return _(
        "From my own record in Resilience. Counts only: nothing I wrote about a call is included."
    )


def markdown(report: ManagerReport) -> str:
    lines = [f"# {title(report)}", "", intro(report), ""]
    for heading, body in sections(report):
        lines += [f"## {heading}", "", *body, ""]
    return "\n".join(lines).rstrip() + "\n"


def to_html(report: ManagerReport) -> str:
    """The same content as simple HTML (for the preview and the PDF)."""
    parts = [f"<h1>{html.escape(title(report))}</h1>", f"<p>{html.escape(intro(report))}</p>"]
    for heading, body in sections(report):
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        items = [line[2:] for line in body if line.startswith("- ")]
        plain = [line for line in body if not line.startswith("- ")]
        parts += [f"<p>{html.escape(line)}</p>" for line in plain]
        if items:
            parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    return "<html><body>" + "".join(parts) + "</body></html>"
