"""`Gaps`: what the rep's notes and playbook add up to: the product gaps (what was missing
when a need was not met), how often each objection came up, and the playbook's figures for
Insights (the rules are the core's, `core/playbook_insights.py`). Read only; needs the
journal unlocked (`need_open`): the words are sealed with it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from resilience_app.core import playbook_insights, values
from resilience_app.core.clock import local_moment
from resilience_app.core.models import Incident
from resilience_app.core.playbook_insights import Gap, Objection, PlaybookFigures
from resilience_app.i18n import N_
from resilience_app.service.context import Context


class Gaps:
    """Product gaps, objections and the playbook's figures over a period of local days
    (`first` to `last`, inclusive; `date.min` as `first`: all of it)."""

    def __init__(self, ctx: Context, need_open: Callable[[str], None]) -> None:
        self.ctx = ctx
        self._need_open = need_open

    def _span(self, first: date | None, last: date | None) -> tuple[datetime, datetime]:
        now = self.ctx.clock.now()
        last = last or now.astimezone().date()
        start = (
            values.EARLIEST
            if first is None or first <= values.EARLIEST.date()
            else local_moment(first)
        )
        return start, local_moment(last + timedelta(days=1))

    def _calls(self, since: datetime, until: datetime) -> list[Incident]:
        # All of it: every month file, not a walk from 1970.
        return self.ctx.store.incidents_between(None if since == values.EARLIEST else since, until)

    def product_gaps(self, first: date | None = None, last: date | None = None) -> list[Gap]:
        """What was missing, gathered from the notes (all of them unless a period is
        given): one item per wording (case and spacing aside), with how often and when,
        the most frequent first, then the newest."""
        self._need_open(N_("Your journal is locked (to show the product gaps)."))
        since, until = self._span(first, last)
        return playbook_insights.product_gaps(self._calls(since, until))

    def objections(self, first: date | None = None, last: date | None = None) -> list[Objection]:
        """The playbook's entries that came up in the period, with how often (their calls
        then; the calls' labels are not in them)."""
        self._need_open(N_("Your journal is locked (to show your playbook)."))
        since, until = self._span(first, last)
        calls = {i.id for i in self._calls(since, until)}
        return playbook_insights.objections(self.ctx.store.playbook_entries(), calls, since, until)

    def playbook_figures(
        self, first: date | None = None, last: date | None = None
    ) -> PlaybookFigures:
        """The playbook part of Insights for the period."""
        self._need_open(N_("Your journal is locked (to show patterns)."))
        since, until = self._span(first, last)
        return playbook_insights.figures(
            self.ctx.store.playbook_entries(),
            self._calls(since, until),
            since,
            until,
        )

    def playbook_figures_days(self, days: int) -> PlaybookFigures:
        """The last `days` days up to today; 0 means all time (as `insights_days`)."""
        if days <= 0:
            return self.playbook_figures(date.min)
        today = self.ctx.clock.now().astimezone().date()
        return self.playbook_figures(today - timedelta(days=days - 1), today)
