"""How much a lost call mattered, where the service uses it: after a big loss the nudge
leads with the easiest follow-up due (or a plain word to pick an easy, friendly lead
first), and Insights shows the time back to the phone by size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from resilience_app.core import scripts
from resilience_app.core.clock import local_moment
from resilience_app.core.sizes import SizeDial, time_to_dial_by_size
from resilience_app.i18n import N_, _
from resilience_app.service.context import Context
from resilience_app.service.views import UpcomingItem


def easy_first(body: str, easy: UpcomingItem | None, *, big: bool) -> str:
    """The nudge's text: after a small (or unsized) call the easy lead, if one is due,
    follows it; after a big or make-or-break one, an easy lead comes first, always."""
    lead = scripts.easy_lead_sentence(easy.followup.kind, easy.label) if easy else ""
    if not big:
        return f"{body} {lead}" if lead else body
    if not lead:
        # Translators: leads the nudge after a big loss when no easy follow-up is due.
        lead = _("That one was big: pick an easy, friendly lead first.")
    return f"{lead} {body}"


class Sizes:
    """Time to the next dial by size, over the period Insights shows."""

    def __init__(
        self,
        ctx: Context,
        need_open: Callable[[str], None],
        period: Callable[[date | None, date | None], tuple[date, date]],
    ) -> None:
        self.ctx = ctx
        self._need_open = need_open
        self._period = period

    def dial_by_size(self, first: date | None = None, last: date | None = None) -> list[SizeDial]:
        """Per size (then "not said"): the calls from `first` to `last` (local days, as
        `insights`; `date.min`: all of it) and their median minutes to the next dial."""
        self._need_open(N_("Your journal is locked (to show patterns)."))
        first, last = self._period(first, last)
        store = self.ctx.store
        if first == date.min:
            return time_to_dial_by_size(store.incidents())
        since, until = local_moment(first), local_moment(last + timedelta(days=1))
        return time_to_dial_by_size(store.incidents_between(since, until))

    def dial_by_size_days(self, days: int) -> list[SizeDial]:
        """The last `days` days up to today; 0 means all time (as `insights_days`)."""
        if days <= 0:
            return self.dial_by_size(date.min)
        today = self.ctx.clock.now().astimezone().date()
        return self.dial_by_size(today - timedelta(days=days - 1), today)
