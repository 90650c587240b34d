"""Insights: a private picture of the rep's own tough calls, drawn with QtCharts.

The window only draws an `Insights` summary (core.insights computes every figure); the
shell hands it a new one when the period changes. QtCharts is imported here only, so the
tray never pays for it.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from resilience_app import i18n
from resilience_app.core import outcomes, scripts, texts
from resilience_app.core.insights import TARGET_MINUTES, Insights
from resilience_app.core.kinds import LossReason
from resilience_app.core.outcomes import FollowUpResults
from resilience_app.i18n import N_, _, ngettext
from resilience_app.ui import fields, style, titles, windowing
from resilience_app.ui.insights_playbook import PlaybookSection
from resilience_app.ui.insights_sizes import SizeSection

PERIODS = (
    (N_("Last 4 weeks"), 28),
    (N_("Last 12 weeks"), 84),
    (N_("Last 12 months"), 365),
    (N_("All time"), 0),
)
DEFAULT_PERIOD = 1
BEFORE_COLOUR = "#c98b4f"


def _short(day: date) -> str:
    return i18n.format_date(day, "MMMd")


def _month_labels(weeks: list[date]) -> list[str]:
    """A week axis labelled with the month where a month starts, blank (but distinct)
    elsewhere: a dozen full dates would not fit a small chart and would be cut off."""
    labels = []
    for n, week in enumerate(weeks):
        new_month = n == 0 or week.month != weeks[n - 1].month
        labels.append(i18n.format_date(week, "MMM") if new_month else " " * (n + 1))
    if len(weeks) > 60:  # years: name each January by its year instead
        labels = [
            i18n.format_date(week, "y")
            if week.month == 1 and weeks[n - 1].month == 12
            else " " * (n + 1)
            for n, week in enumerate(weeks)
        ]
    return labels


def _dial_title(target: float) -> str:
    return _("Minutes to the next dial (median per week; target {target})").format(
        target=i18n.format_number(target)
    )


class Chart(QChartView):
    """A small chart that follows the app's palette; `values` keeps what it draws. For a
    screen reader it is named by its title and described by its figures in words."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setVisible(False)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(210)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable, so its words can be read
        self.setAccessibleName(title)
        self.values: dict[str, list[float]] = {}
        self.categories: list[str] = []
        self._style(chart)

    def set_title(self, title: str) -> None:
        self.chart().setTitle(title)
        self.setAccessibleName(title)

    def _style(self, chart: QChart) -> None:
        c = style.current()
        chart.setTheme(
            QChart.ChartTheme.ChartThemeDark if c.dark else QChart.ChartTheme.ChartThemeLight
        )
        chart.setBackgroundBrush(QColor(c.card))
        chart.setBackgroundRoundness(8)
        title = QFont()
        title.setPointSizeF(style.base_points() * 1.1)  # grows with the desktop's text
        title.setBold(True)
        chart.setTitleFont(title)
        chart.setTitleBrush(QColor(c.text))

    def _axis_font(self, axis: QBarCategoryAxis | QValueAxis) -> None:
        font = QFont()
        font.setPointSizeF(style.base_points() * 0.9)
        axis.setLabelsFont(font)
        axis.setLabelsColor(QColor(style.current().muted))
        axis.setGridLineColor(QColor(style.current().accent_soft))

    def _reset(self, categories: list[str], series: list[tuple[str, list[float], str]]) -> QChart:
        """Clear the chart for new data, remembering what it will draw."""
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.categories = categories
        self.values = {name: values for name, values, _ in series}
        self.setAccessibleName(chart.title())
        self.setAccessibleDescription(self.in_words())
        return chart

    def in_words(self) -> str:
        """What the chart shows, as a sentence per series (its text equivalent)."""
        sentences = []
        for name, values in self.values.items():
            named = [
                (label.strip(), value)
                for label, value in zip(self.categories, values, strict=False)
                if label.strip()
            ]
            if values and len(named) == len(values) and len(values) <= 24:
                figures = ", ".join(
                    f"{label} {i18n.format_number(value, 0 if value == int(value) else 1)}"
                    for label, value in named
                )
            else:
                figures = _("{count} points, highest {top}").format(
                    count=len(values), top=i18n.format_number(max(values, default=0), 1)
                )
            # Translators: a chart's series in words, e.g. "calls: Mon 3, Tue 1".
            sentences.append(_("{series}: {figures}.").format(series=_(name), figures=figures))
        return " ".join(sentences) if sentences else _("Nothing to show yet.")

    def bars(
        self,
        categories: list[str],
        series: list[tuple[str, list[float], str]],
        *,
        horizontal: bool = False,
        label_every: int = 1,
    ) -> None:
        chart = self._reset(categories, series)
        bar_series = QHorizontalBarSeries() if horizontal else QBarSeries()
        for name, values, colour in series:
            bar_set = QBarSet(_(name))
            bar_set.append(values)
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
            bar_series.append(bar_set)
        bar_series.setBarWidth(0.75)
        chart.addSeries(bar_series)
        shown = [
            name if n % label_every == 0 else " " * (n + 1) for n, name in enumerate(categories)
        ]  # blank (but distinct) labels keep a crowded axis readable
        category_axis = QBarCategoryAxis()
        category_axis.append(shown)
        value_axis = QValueAxis()
        top = max([max(values, default=0) for _name, values, _colour in series], default=0)
        value_axis.setRange(0, max(4.0, top * 1.1))
        value_axis.applyNiceNumbers()  # ticks at 0, 5, 10… rather than 0, 4.2, 8.4…
        value_axis.setLabelFormat("%d")
        for axis in (category_axis, value_axis):
            self._axis_font(axis)
        chart.addAxis(
            category_axis,
            Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom,
        )
        chart.addAxis(
            value_axis, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft
        )
        bar_series.attachAxis(category_axis)
        bar_series.attachAxis(value_axis)
        chart.legend().setVisible(len(series) > 1)

    def lines(
        self,
        categories: list[str],
        series: list[tuple[str, list[float], str]],
        *,
        top: float,
        guide: float | None = None,
        label_every: int = 1,
    ) -> None:
        chart = self._reset(categories, series)
        category_axis = QBarCategoryAxis()
        category_axis.append(
            [name if n % label_every == 0 else " " * (n + 1) for n, name in enumerate(categories)]
        )
        value_axis = QValueAxis()
        highest = max([max(v, default=0) for _name, v, _colour in series] + [guide or 0, 0])
        value_axis.setRange(0, max(top, highest * 1.1))
        value_axis.applyNiceNumbers()
        value_axis.setLabelFormat("%d")
        for axis in (category_axis, value_axis):
            self._axis_font(axis)
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
        plotted = list(series)
        if guide is not None and categories:
            plotted.append((N_("target"), [guide] * len(categories), style.current().muted))
        for name, values, colour in plotted:
            line = QLineSeries()
            line.setName(_(name))
            for x, y in enumerate(values):
                line.append(QPointF(x, y))
            pen = QPen(QColor(colour))
            pen.setWidth(2 if name != "target" else 1)
            if name == "target":
                pen.setStyle(Qt.PenStyle.DashLine)
            line.setPen(pen)
            line.setPointsVisible(name != "target")
            chart.addSeries(line)
            line.attachAxis(category_axis)
            line.attachAxis(value_axis)
        chart.legend().setVisible(True)
        chart.legend().setLabelColor(QColor(style.current().muted))


class InsightsWindow(QWidget):
    period_changed = Signal(int)  # days back; 0 = all time
    report_requested = Signal()  # "Share with my manager…"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("Insights")))
        self.setStyleSheet(style.sheet())
        title = QLabel(_("Your tough calls, in patterns"))
        title.setProperty("role", "title")
        title.setWordWrap(True)
        note = QLabel(_("Private to you. Patterns, not verdicts."))
        note.setProperty("role", "muted")
        note.setWordWrap(True)
        self.period = QComboBox()
        for label, days in PERIODS:
            self.period.addItem(_(label), days)
        self.period.setCurrentIndex(DEFAULT_PERIOD)
        self.period.setAccessibleName(_("Period"))
        self.period.currentIndexChanged.connect(
            lambda _index: self.period_changed.emit(int(self.period.currentData()))
        )
        head = QHBoxLayout()
        words = QVBoxLayout()
        words.addWidget(title)
        words.addWidget(note)
        head.addLayout(words, 1)
        side = QVBoxLayout()
        side.addWidget(self.period)
        self.report_button = QPushButton(_("&Share with my manager…"))
        self.report_button.setToolTip(
            _("A report with counts only; you choose any lesson or feedback line it shows")
        )
        self.report_button.clicked.connect(self.report_requested.emit)
        side.addWidget(self.report_button)
        head.addLayout(side)

        self.highlights = QLabel()
        self.highlights.setWordWrap(True)
        self.highlights.setTextFormat(Qt.TextFormat.RichText)
        card = QFrame()
        card.setProperty("role", "card")
        card_layout = QVBoxLayout(card)
        card_layout.addWidget(self.highlights)

        self.per_time = Chart(_("Tough calls per week"))
        self.hours = Chart(_("By hour of the day"))
        self.weekdays = Chart(_("By day of the week"))
        self.reasons = Chart(_("Why they were lost"))
        self.parts = Chart(_("My part"))
        self.dial = Chart(_dial_title(TARGET_MINUTES))
        self.mood = Chart(_("Mood before the break and after the note (0–10)"))
        self.lessons = QLabel()
        self.lessons.setWordWrap(True)
        self.lessons.setTextFormat(Qt.TextFormat.RichText)
        lessons_card = QFrame()
        lessons_card.setProperty("role", "card")
        lessons_layout = QVBoxLayout(lessons_card)
        lessons_layout.addWidget(self.lessons)

        grid = QGridLayout()
        grid.addWidget(self.per_time, 0, 0, 1, 2)
        grid.addWidget(self.hours, 1, 0)
        grid.addWidget(self.weekdays, 1, 1)
        grid.addWidget(self.reasons, 2, 0)
        grid.addWidget(self.parts, 2, 1)
        grid.addWidget(self.dial, 3, 0, 1, 2)
        grid.addWidget(self.mood, 4, 0, 1, 2)
        self.followups = QLabel()
        self.followups.setWordWrap(True)
        self.followups.setTextFormat(Qt.TextFormat.RichText)
        followups_card = QFrame()
        followups_card.setProperty("role", "card")
        QVBoxLayout(followups_card).addWidget(self.followups)
        self._heard: dict[LossReason | None, list[str]] = {}
        self._last: Insights | None = None
        grid.addWidget(lessons_card, 6, 0, 1, 2)
        grid.addWidget(followups_card, 5, 0, 1, 2)
        self.playbook = PlaybookSection()  # the objections, practice, product gaps
        grid.addWidget(self.playbook, 7, 0, 1, 2)
        self.sizes = SizeSection()  # back on the phone by how big the loss was
        grid.addWidget(self.sizes, 8, 0, 1, 2)
        body = QWidget()
        body.setObjectName("calmWindow")
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(card)
        body_layout.addLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addLayout(head)
        layout.addWidget(scroll, 1)
        fields.show_every_item(self)  # no choice cut off in a drop-down
        windowing.first_size(self, 760, 720)

    def restyle(self) -> None:
        """Follow a theme change: the window's sheet and every chart's theme."""
        self.setStyleSheet(style.sheet())
        for chart in self.findChildren(Chart):
            chart._style(chart.chart())

    def days_back(self) -> int:
        return int(self.period.currentData())

    def show_insights(self, data: Insights) -> None:
        c = style.current()
        if data.highlights:
            items = "".join(f"<li>{html.escape(line)}</li>" for line in data.highlights)
            title = html.escape(_("What stands out"))
            self.highlights.setText(f"<b>{title}</b><ul>{items}</ul>")
        else:
            count = ngettext(
                "{n} tough call in this period.", "{n} tough calls in this period.", data.total
            ).format(n=data.total)
            rest = _(
                "Not enough yet for patterns worth naming; they show up here as your record grows."
            )
            self.highlights.setText(f"<b>{html.escape(count)}</b> {html.escape(rest)}")

        if (data.last - data.first).days <= 31:
            self.per_time.chart().setTitle(_("Tough calls per day"))
            days = data.per_day
            self.per_time.bars(
                [_short(d) for d, _n in days],
                [(N_("calls"), [n for _day, n in days], c.accent)],
                label_every=3,
            )
        else:
            self.per_time.chart().setTitle(_("Tough calls per week"))
            weeks = data.per_week
            self.per_time.bars(
                _month_labels([w for w, _n in weeks]),
                [(N_("calls"), [n for _week, n in weeks], c.accent)],
            )
        # The working day, widened to any hour that had a call.
        busy = [h for h, n in enumerate(data.by_hour) if n]
        first, last = min([8, *busy]), max([18, *busy])
        hours = list(range(first, last + 1))
        self.hours.bars(
            [str(h) if (h - first) % 2 == 0 else " " * h for h in hours],
            [(N_("calls"), [data.by_hour[h] for h in hours], c.accent)],
        )
        self.weekdays.bars(i18n.day_names(), [(N_("calls"), list(data.by_weekday), c.accent)])
        self.reasons.bars(
            [texts.loss_reason(r) for r in data.loss_reasons],
            [(N_("notes"), list(data.loss_reasons.values()), c.accent)],
            horizontal=True,
        )
        self.parts.bars(
            [texts.my_part_short(p) for p in data.my_parts],
            [(N_("notes"), list(data.my_parts.values()), BEFORE_COLOUR)],
            horizontal=True,
        )
        weeks = data.dial_weeks
        self.dial.set_title(_dial_title(data.target_minutes))
        self.dial.lines(
            _month_labels([w.week for w in weeks]),
            [(N_("median minutes"), [w.median_minutes for w in weeks], c.accent)],
            top=data.target_minutes * 1.5,
            guide=data.target_minutes,
        )
        moods = data.mood_weeks
        self.mood.lines(
            _month_labels([m.week for m in moods]),
            [
                (N_("before the break"), [m.before for m in moods], BEFORE_COLOUR),
                (N_("after the note"), [m.after for m in moods], c.accent),
            ],
            top=10,
        )
        self._show_lessons(data)

    def show_followups(self, results: FollowUpResults) -> None:
        """What follow-ups brought: per kind, the outcomes; the feedback heard goes next to
        the lessons, under the same loss reason."""
        heading = html.escape(_("What follow-ups brought"))
        if not results.done:
            empty = html.escape(
                _(
                    "No follow-up marked done in this period. When you mark one done, say what "
                    "came of it: it shows here."
                )
            )
            self.followups.setText(f"<b>{heading}</b><br>{empty}")
        else:
            summary = ngettext(
                "{n} follow-up done: {won} won back, {reopened} reopened, {referrals} referrals.",
                "{n} follow-ups done: {won} won back, {reopened} reopened, {referrals} referrals.",
                results.done,
            ).format(
                n=results.done,
                won=results.won_back,
                reopened=results.reopened,
                referrals=results.referrals,
            )
            rows = []
            for kind, kind_results in results.by_kind.items():
                if not kind_results.done:
                    continue
                said = [
                    f"{scripts.outcome_name(o)} {n}" for o, n in kind_results.outcomes.items() if n
                ]
                if kind_results.not_said:
                    said.append(_("not said {n}").format(n=kind_results.not_said))
                rows.append(
                    f"<li><b>{html.escape(texts.follow_up_short(kind))}</b> "
                    f"{kind_results.done}: {html.escape(', '.join(said))}</li>"
                )
            lines = "".join(f"<li>{html.escape(h)}</li>" for h in results.highlights)
            self.followups.setText(
                f"<b>{heading}</b><p>{html.escape(summary)}</p><ul>{''.join(rows)}</ul>"
                + (f"<ul>{lines}</ul>" if lines else "")
            )
        self._heard = {
            reason: [f.text for f in lines] for reason, lines in results.feedback.items()
        }
        if self._last is not None:
            self._show_lessons(self._last)

    def _show_lessons(self, data: Insights) -> None:
        self._last = data
        reasons = list(dict.fromkeys([*data.lessons, *self._heard]))
        if not any(data.lessons.values()) and not any(self._heard.values()):
            heading = html.escape(_("Lessons"))
            empty = html.escape(_("No lessons written in this period yet."))
            self.lessons.setText(f"<b>{heading}</b><br>{empty}")
            return
        heading = html.escape(_("Lessons you wrote, and what prospects said, by loss reason"))
        heard_heading = html.escape(_("Heard on follow-up calls:"))
        parts = [f"<b>{heading}</b>"]
        for reason in reasons:
            name = texts.loss_reason(reason) if reason else _("No reason given")
            rows = "".join(
                f"<li>{html.escape(lesson.text)}"
                + (f" <b>×{lesson.count}</b>" if lesson.count > 1 else "")
                + "</li>"
                for lesson in data.lessons.get(reason, [])[:6]
            )
            heard = "".join(
                f"<li>“{html.escape(line)}”" + (f" <b>×{times}</b>" if times > 1 else "") + "</li>"
                for line, times in outcomes.once_each(self._heard.get(reason, []))[:6]
            )
            block = f"<p><i>{html.escape(name)}</i>"
            if rows:
                block += f"<ul>{rows}</ul>"
            if heard:
                block += f"{heard_heading}<ul>{heard}</ul>"
            parts.append(block + "</p>")
        self.lessons.setText("".join(parts))
