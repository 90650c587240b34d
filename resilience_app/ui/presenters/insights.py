"""The insights window (the rep's patterns) and the report for the manager it opens."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from resilience_app.core.errors import UserError
from resilience_app.i18n import N_, _
from resilience_app.service import Service
from resilience_app.ui.presenters.base import BasePresenter, bring_forward

if TYPE_CHECKING:
    from resilience_app.ui.report_window import ReportWindow


class InsightsPresenter(BasePresenter):
    """Shows the rep's patterns and prepares, saves or copies the manager's report."""

    def __init__(
        self,
        service: Service,
        owner: QObject,
        *,
        when_unlocked: Callable[[str, Callable[[], None]], None],
    ) -> None:
        super().__init__(service, owner)
        self._when_unlocked = when_unlocked

    @cached_property
    def insights_window(self) -> Any:  # Any: its module brings QtCharts, loaded on first use
        from resilience_app.ui.insights_window import InsightsWindow

        window = InsightsWindow()
        window.period_changed.connect(lambda days: self.refresh())
        window.report_requested.connect(self.open_report)
        return window

    def open(self) -> None:
        self._when_unlocked(N_("Type your passphrase to see its patterns."), self.show)

    def show(self) -> None:
        window = self.insights_window
        self.refresh()
        window.show()
        bring_forward(window)

    def locked(self) -> None:
        """Their patterns and the report's lessons leave the screen with the key."""
        self.hide("insights_window")
        self.hide("report_window")

    def refresh(self) -> None:
        if self.service.locked:
            return
        window = self.insights_window
        days = window.days_back()
        window.show_followups(self.service.followup_results_days(days))
        window.show_insights(self.service.insights_days(days))
        window.playbook.show_figures(self.service.playbook_figures_days(days))
        window.sizes.show_sizes(self.service.dial_by_size_days(days))

    def restyle(self) -> None:
        window = self.built("insights_window")
        if window is not None:
            window.restyle()
            self.refresh()  # series colours come from the palette too

    # -- the report for the manager -------------------------------------------------------

    @cached_property
    def report_window(self) -> ReportWindow:
        from resilience_app.ui.report_window import ReportWindow

        window = ReportWindow()
        window.period_changed.connect(lambda first, last: self._report_period())
        window.ticks_changed.connect(self._report_preview)
        window.save_requested.connect(self._save_report)
        window.copy_requested.connect(self._copy_report)
        return window

    def open_report(self) -> None:
        self._when_unlocked(N_("Type your passphrase to prepare the report."), self._show_report)

    def _show_report(self) -> None:
        self._report_period()
        self.report_window.show()
        bring_forward(self.report_window)

    def _report_period(self) -> None:
        window = self.report_window
        first, last = window.period()
        try:
            window.show_choices(self.service.report_choices(first, last))
        except UserError as exc:
            window.status.setText(exc.message)
            return
        self._report_preview()

    def _made_report(self) -> Any:
        window = self.report_window
        first, last = window.period()
        return self.service.manager_report(first, last, window.ticked())

    def _report_preview(self) -> None:
        from resilience_app.core import report

        try:
            self.report_window.show_report(report.to_html(self._made_report()))
            self.report_window.status.setText("")
        except UserError as exc:
            self.report_window.status.setText(exc.message)

    def _save_report(self, fmt: str, path: str) -> None:
        window = self.report_window
        try:
            written = self.service.write_report(self._made_report(), fmt, Path(path))
        except UserError as exc:
            window.status.setText(exc.message)
            return
        window.status.setText(_("Saved to {path}.").format(path=written))

    def _copy_report(self) -> None:
        from PySide6.QtWidgets import QApplication

        from resilience_app.core import report

        try:
            text = report.markdown(self._made_report())
        except UserError as exc:
            self.report_window.status.setText(exc.message)
            return
        QApplication.clipboard().setText(text)
        self.report_window.status.setText(_("Copied: paste it into an email or a chat."))

    # -- a new language, quit -------------------------------------------------------------

    def forget(self) -> Callable[[], None]:
        """Drop the insights window and the report for a new language; the callable shows
        again those that were shown."""
        shown = self.visible("insights_window")
        report = self.visible("report_window")
        for window in self.drop("insights_window", "report_window"):
            window.hide()
            window.deleteLater()

        def again() -> None:
            if shown:
                self.show()
            if report:
                self._show_report()

        return again
