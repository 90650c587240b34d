"""Share with my manager: a period, the lines the rep may tick, and a preview of exactly
what the file will hold. Counts only, unless a lesson or a feedback line is ticked."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from resilience_app.core import texts
from resilience_app.core.report import Choice
from resilience_app.i18n import _, ngettext
from resilience_app.ui import style, titles, windowing


class ReportWindow(QWidget):
    period_changed = Signal(object, object)  # first, last (dates)
    ticks_changed = Signal()
    save_requested = Signal(str, str)  # "pdf" | "markdown", path
    copy_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("Share with my manager")))
        self.setStyleSheet(style.sheet())
        title = QLabel(_("A report for your manager"))
        title.setProperty("role", "title")
        intro = QLabel(
            _(
                "Counts of lost calls and their reasons, and what your follow-ups brought. "
                "Nothing you wrote goes in unless you tick it below; the preview shows exactly "
                "what the file will hold."
            )
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        today = QDate.currentDate()
        self.first = QDateEdit(today.addDays(-27))
        self.last = QDateEdit(today)
        for edit, name in ((self.first, _("From")), (self.last, _("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(_("d MMM yyyy"))
            edit.setAccessibleName(name)
            edit.dateChanged.connect(self._period)
        period = QHBoxLayout()
        period.addWidget(QLabel(_("Period:")))
        period.addWidget(self.first)
        # Translators: between two dates, "1 Nov 2026 to 30 Nov 2026".
        period.addWidget(QLabel(_("to")))
        period.addWidget(self.last)
        period.addStretch(1)
        self.choices = QListWidget()
        self.choices.setWordWrap(True)
        self.choices.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.choices.setAccessibleName(_("Lines you may share"))
        self.choices.itemChanged.connect(lambda _item: self.ticks_changed.emit())
        choices_label = QLabel(_("Share these too (tick one by one):"))
        choices_label.setBuddy(self.choices)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(choices_label)
        left_layout.addWidget(self.choices, 1)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName(_("Preview of the report"))
        preview_label = QLabel(_("The report:"))
        preview_label.setBuddy(self.preview)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(preview_label)
        right_layout.addWidget(self.preview, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setProperty("role", "muted")
        self.pdf_button = QPushButton(_("Save as &PDF…"))
        self.pdf_button.setProperty("role", "primary")
        self.markdown_button = QPushButton(_("Save as &Markdown…"))
        self.copy_button = QPushButton(_("&Copy as text"))
        self.copy_button.setToolTip(_("Markdown, to paste into an email or a chat"))
        self.pdf_button.clicked.connect(lambda: self._save("pdf"))
        self.markdown_button.clicked.connect(lambda: self._save("markdown"))
        self.copy_button.clicked.connect(self.copy_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.markdown_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(period)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        windowing.first_size(self, 900, 620)

    def period(self) -> tuple[date, date]:
        return self.first.date().toPython(), self.last.date().toPython()  # type: ignore[return-value]

    def show_choices(self, choices: list[Choice]) -> None:
        """Every lesson and feedback line of the period, unticked (a new period starts
        again from nothing shared)."""
        self.choices.blockSignals(True)
        self.choices.clear()
        for choice in choices:
            item = QListWidgetItem(_choice_line(choice))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, choice.key)
            self.choices.addItem(item)
        if not choices:
            empty = QListWidgetItem(_("No lessons or feedback lines in this period."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.choices.addItem(empty)
        self.choices.blockSignals(False)

    def ticked(self) -> set[str]:
        found = set()
        for row in range(self.choices.count()):
            item = self.choices.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                found.add(str(item.data(Qt.ItemDataRole.UserRole)))
        return found

    def show_report(self, html: str) -> None:
        self.preview.setHtml(html)

    def _period(self) -> None:
        first, last = self.period()
        self.period_changed.emit(first, last)

    def _save(self, fmt: str) -> None:
        suffix, kinds = (
            (".pdf", _("PDF (*.pdf)")) if fmt == "pdf" else (".md", _("Markdown (*.md)"))
        )
        path, _chosen = QFileDialog.getSaveFileName(
            self, _("Save the report"), _("lost-calls-report") + suffix, kinds
        )
        if path:
            self.save_requested.emit(fmt, path)


def _choice_line(choice: Choice) -> str:
    """A line the rep may tick, as the list shows it."""
    if choice.kind in ("lesson", "feedback"):
        where = texts.loss_reason(choice.reason) if choice.reason else _("No reason given")
        what = _("Lesson") if choice.kind == "lesson" else _("Heard")
        return f"{what} · {where}: {choice.text}"
    if choice.kind == "gap":
        # Translators: a product gap the rep may share: {n} lost calls, {gap} what was
        # missing in their words.
        return ngettext(
            "Product gap · {n} call: {gap}", "Product gap · {n} calls: {gap}", choice.count
        ).format(n=choice.count, gap=choice.text)
    if choice.kind == "objection":
        # Translators: an objection from the playbook the rep may share: how often it came
        # up, and what the customer said (keep your language's quotation marks).
        return ngettext(
            "Objection · came up {n} time: “{said}”",
            "Objection · came up {n} times: “{said}”",
            choice.count,
        ).format(n=choice.count, said=choice.text)
    # Translators: the rep's answer to an objection, shared only when ticked; {said} is
    # the objection (keep your language's quotation marks).
    return _("Include my answer to “{said}”: {answer}").format(said=choice.said, answer=choice.text)
