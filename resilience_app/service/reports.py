"""`Reports`: what the rep's record shows: Insights, what follow-ups brought, and the
report for the manager (counts only, plus the lines the rep ticks)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from resilience_app.core import outcomes, report, values
from resilience_app.core.clock import local_moment
from resilience_app.core.errors import UserError
from resilience_app.core.insights import Insights, from_tallies
from resilience_app.core.playbook_insights import Gap, Objection
from resilience_app.i18n import N_, _
from resilience_app.service.context import Context
from resilience_app.service.gaps import Gaps

# Highlights compare this month with the one before, so Insights reads at least this far.
HIGHLIGHTS_NEED_DAYS = 61
DEFAULT_INSIGHT_WEEKS = 12
DEFAULT_REPORT_WEEKS = 4  # a report for the manager: the last four weeks, unless chosen


class Reports:
    """Patterns and reports over a period; need the journal unlocked (`need_open`)."""

    def __init__(self, ctx: Context, need_open: Callable[[str], None]) -> None:
        self.ctx = ctx
        self._need_open = need_open
        self.gaps = Gaps(ctx, need_open)  # product gaps, objections, the playbook's figures

    def insights(self, first: date | None = None, last: date | None = None) -> Insights:
        """Patterns from `first` to `last` (local days, inclusive). `last` defaults to
        today, `first` to 12 weeks before it; `first=date.min` means all of it."""
        self._need_open(N_("Your journal is locked (to show patterns)."))
        now = self.ctx.clock.now()
        today = now.astimezone().date()
        first, last = self._period(first, last)
        # The figures come from each month's day tallies (kept with the journal), so ten
        # years cost little more than twelve weeks; the highlights read the recent calls.
        until = _local_midnight(last + timedelta(days=1))
        # The highlights speak of this month and the last, whatever period is shown.
        recent = self.ctx.store.incidents_between(
            _local_midnight(today - timedelta(days=HIGHLIGHTS_NEED_DAYS)), now
        )
        if first == date.min:
            days = self.ctx.store.day_tallies()
            first = min((day for day, found in days if found.count), default=today)
        else:
            days = self.ctx.store.day_tallies(_local_midnight(first), until)
        # "Back on the phone within" the rep's own firm-nudge time, as the tray counts it.
        return from_tallies(
            days, first, last, now, recent, target=self.ctx.settings.second_nudge_minutes
        )

    def followup_results(
        self, first: date | None = None, last: date | None = None
    ) -> outcomes.FollowUpResults:
        """What follow-ups brought from `first` to `last` (the same period as insights)."""
        self._need_open(N_("Your journal is locked (to show what follow-ups brought)."))
        first, last = self._period(first, last)
        if first == date.min:
            first = values.EARLIEST.date()
        followups = self.ctx.store.followups()
        calls = {
            f.incident_id: incident
            for f in followups
            if f.outcome_note and (incident := self.ctx.store.incident(f.incident_id)) is not None
        }
        return outcomes.follow_up_results(followups, calls, first, last)

    def followup_results_days(self, days: int) -> outcomes.FollowUpResults:
        """The last `days` days up to today; 0 means all time (as `insights_days`)."""
        if days <= 0:
            return self.followup_results(date.min)
        today = self.ctx.clock.now().astimezone().date()
        return self.followup_results(today - timedelta(days=days - 1), today)

    def _period(
        self, first: date | None, last: date | None, weeks: int = DEFAULT_INSIGHT_WEEKS
    ) -> tuple[date, date]:
        """[first, last] in local days: `last` defaults to today, `first` to `weeks` before
        it (never before the journal's first possible day); `date.min` stays: all of it."""
        last = last or self.ctx.clock.now().astimezone().date()
        if first is None:
            first = max(last - timedelta(weeks=weeks) + timedelta(days=1), values.EARLIEST.date())
        if last < first:
            raise UserError(_("The end of the period must not be before its start."), usage=True)
        return first, last

    def manager_report(
        self, first: date | None, last: date | None, ticked: set[str] | None = None
    ) -> report.ManagerReport:
        """The report for the manager: counts only, plus the lines ticked (see `choices`).
        The period defaults to the last four weeks."""
        first, last = self._period(first, last, DEFAULT_REPORT_WEEKS)
        figures = self.insights(first, last)
        results = self.followup_results(figures.first, figures.last)
        return report.build(figures, results, ticked or set(), *self._shared(first, last))

    def report_choices(self, first: date | None, last: date | None) -> list[report.Choice]:
        first, last = self._period(first, last, DEFAULT_REPORT_WEEKS)
        figures = self.insights(first, last)
        results = self.followup_results(figures.first, figures.last)
        return report.choices(figures, results, *self._shared(first, last))

    def _shared(self, first: date, last: date) -> tuple[list[Gap], list[Objection]]:
        """What the rep may tick besides lessons: the product gaps and the objections of
        the period (their words and counts; never a call's label)."""
        return self.gaps.product_gaps(first, last), self.gaps.objections(first, last)

    def write_report(self, made: report.ManagerReport, fmt: str, path: Path) -> Path:
        """The report written (readable by the rep alone) as Markdown or PDF."""
        from resilience_app.files import atomic_write

        if fmt == "markdown":
            data = report.markdown(made).encode("utf-8")
        elif fmt == "pdf":
            from resilience_app.adapters import pdf

            data = pdf.render(report.to_html(made), report.title(made))
        else:
            raise UserError(_("Write the report as markdown or pdf."), usage=True)
        try:
            atomic_write(Path(path), data)
        except OSError as exc:
            raise UserError(
                _("Could not write {path}: {reason}.").format(path=path, reason=exc.strerror or exc)
            ) from None
        return Path(path)

    def insights_days(self, days: int) -> Insights:
        """The last `days` days up to today; 0 means all time."""
        if days <= 0:
            return self.insights(date.min)
        today = self.ctx.clock.now().astimezone().date()
        return self.insights(today - timedelta(days=days - 1), today)


def _local_midnight(day: date) -> datetime:
    return local_moment(day)
