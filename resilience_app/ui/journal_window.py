"""The rep's journal: positives to read on a bad day, every call, what is coming up, and
the playbook (`playbook_tab.py`).

A view only: it shows what it is given and says what the rep asked for through signals;
the presenter asks the service for fresh lists.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app.core import texts
from resilience_app.core.journal import IncidentFilter, PositiveEntry
from resilience_app.core.models import Incident, LossReason, MyPart
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.i18n import _, ngettext
from resilience_app.service.views import UpcomingItem
from resilience_app.ui import fields, keys, style, titles, windowing
from resilience_app.ui.journal_model import ID_ROLE, PAGE, CallsModel, PositivesModel
from resilience_app.ui.playbook_tab import PlaybookTab
from resilience_app.ui.ticker import Ticker
from resilience_app.ui.upcoming_tab import UpcomingTab

UNDO_MS = 10_000


def _searchable(edit: QLineEdit, name: str) -> None:
    """A field with a clear button, both named for a screen reader."""
    edit.setClearButtonEnabled(True)
    edit.setAccessibleName(name)
    for button in edit.findChildren(QToolButton):
        button.setAccessibleName(_("Clear"))


class Period(QWidget):
    """All time / recent spans / a custom range of days; gives [since, until) or Nones."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = QComboBox()
        for label, days in (
            (_("All time"), None),
            (_("Last 7 days"), 7),
            (_("Last 30 days"), 30),
            (_("Last 12 months"), 365),
            (_("Between dates…"), -1),
        ):
            self.choice.addItem(label, days)
        self.choice.setAccessibleName(_("Period"))
        today = QDate.currentDate()
        self.start = QDateEdit(today.addDays(-30))
        self.end = QDateEdit(today)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            # Translators: how a day is shown in the period's date fields (Qt format codes).
            edit.setDisplayFormat(_("d MMM yyyy"))
            edit.hide()
            edit.dateChanged.connect(self.changed.emit)
        # Translators: between two dates, "1 Nov 2026 to 30 Nov 2026".
        self.dash = QLabel(_("to"))
        self.dash.hide()
        self.start.setAccessibleName(_("From"))
        # Translators: the last day of a period (a screen reader's name for the field).
        self.end.setAccessibleName(_("Until"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.choice, self.start, self.dash, self.end):
            layout.addWidget(widget)
        self.choice.currentIndexChanged.connect(self._chosen)

    def _chosen(self) -> None:
        custom = self.choice.currentData() == -1
        for widget in (self.start, self.dash, self.end):
            widget.setVisible(custom)
        self.changed.emit()

    def set_days(self, first: date, last: date) -> None:
        self.choice.setCurrentIndex(self.choice.count() - 1)
        self.start.setDate(QDate(first.year, first.month, first.day))
        self.end.setDate(QDate(last.year, last.month, last.day))

    def span(self) -> tuple[datetime | None, datetime | None]:
        days = self.choice.currentData()
        if days is None:
            return None, None
        if days == -1:
            first = self.start.date().toPython()
            last = self.end.date().toPython()
            assert isinstance(first, date) and isinstance(last, date)
            since = datetime.combine(first, time(0)).astimezone()
            until = datetime.combine(last + timedelta(days=1), time(0)).astimezone()
            return since, until
        now = datetime.now().astimezone()
        return now - timedelta(days=int(days)), None


class JournalWindow(QWidget):
    refresh_requested = Signal()
    add_positive_requested = Signal(str)
    open_incident_requested = Signal(str)
    delete_requested = Signal(str)
    undo_requested = Signal()
    hidden = Signal()  # closed or hidden: a search under way is no longer wanted
    followup_done_requested = Signal(str)
    followup_cancel_requested = Signal(str)
    followup_snooze_requested = Signal(str, float)  # minutes
    followup_move_requested = Signal(str, object)  # new due datetime
    export_requested = Signal(str, str, object, object)  # format, path, since, until
    script_requested = Signal(str)  # follow-up id: show its kind's script
    script_saved = Signal(str, str)  # follow-up kind, the rep's version
    script_reset = Signal(str)  # follow-up kind: back to the app's own
    playbook_search_changed = Signal(str)  # the playbook's search, as the rep types
    playbook_answer_saved = Signal(str, str)  # entry id, the answer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("calmWindow")
        self.setWindowTitle(titles.title(_("My journal")))
        self.setStyleSheet(style.sheet())
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_positives(), _("Positives"))
        self.tabs.addTab(self._build_calls(), _("Calls"))
        self.tabs.addTab(self._build_upcoming(), _("Upcoming"))
        self.playbook = PlaybookTab()
        self.playbook.search_changed.connect(self.playbook_search_changed.emit)
        self.playbook.answer_saved.connect(self.playbook_answer_saved.emit)
        # Translators: the journal's tab of the rep's own playbook (their answers).
        self.tabs.addTab(self.playbook, _("&Playbook"))
        self.export_button = QPushButton(_("Export…"))
        self.export_button.setToolTip(_("Save the calls in the period chosen under Calls"))
        self.export_button.clicked.connect(self._export)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addWidget(self.tabs)
        layout.addLayout(bottom)
        fields.show_every_item(self)  # no choice cut off in a drop-down
        windowing.first_size(self, 620, 640)

    def _changed(self, *_: object) -> None:
        self.refresh_requested.emit()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.hidden.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not keys.press_focused_button(self, event):
            super().keyPressEvent(event)

    # -- positives ------------------------------------------------------------------------

    def _build_positives(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _("Everything that went right, in your own words. Read a few on a hard day.")
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        self.new_positive = QLineEdit()
        self.new_positive.setPlaceholderText(
            _("Something went well? A good call, a referral… add it")
        )
        self.new_positive.setAccessibleName(_("A new positive"))
        self.new_positive.returnPressed.connect(self._add_positive)
        self.add_positive_button = QPushButton(_("Add"))
        self.add_positive_button.setAccessibleName(_("Add this positive"))
        self.add_positive_button.setProperty("role", "primary")
        self.add_positive_button.clicked.connect(self._add_positive)
        adder = QHBoxLayout()
        adder.addWidget(self.new_positive, 1)
        adder.addWidget(self.add_positive_button)
        self.positive_search = QLineEdit()
        self.positive_search.setPlaceholderText(_("Search your positives"))
        _searchable(self.positive_search, _("Search your positives"))
        self.positive_period = Period()
        filters = QHBoxLayout()
        filters.addWidget(self.positive_search, 1)
        filters.addWidget(self.positive_period)
        # A list fed a page at a time as the rep scrolls (ui/journal_model.py).
        self.positives_model = PositivesModel(self)
        self.positive_view = _list_view(self.positives_model)
        self.positive_view.setAccessibleName(_("Your positives"))
        self.positive_empty = QLabel()
        self.positive_empty.setWordWrap(True)
        self.positive_empty.setProperty("role", "muted")
        self.positive_empty.hide()
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(adder)
        layout.addLayout(filters)
        layout.addWidget(self.positive_empty)
        layout.addWidget(self.positive_view, 1)
        self.positive_search.textChanged.connect(self._changed)
        self.positive_period.changed.connect(self._changed)
        return page

    def _add_positive(self) -> None:
        text = self.new_positive.text().strip()
        if text:
            self.add_positive_requested.emit(text)
            self.new_positive.clear()

    def positive_query(self) -> tuple[str, datetime | None, datetime | None]:
        return (self.positive_search.text(), *self.positive_period.span())

    # -- what a search finds (streamed in by the presenter's JournalSearch) ----------------

    def begin_search(self) -> None:
        """A new search: the lists empty, to fill as months are searched."""
        self.searching = True
        self._selected = self.selected_incident() or self._selected
        self.positives_model.clear()
        self.calls_model.clear()
        self.positive_empty.hide()
        self.call_empty.hide()

    def add_positives(self, entries: list[PositiveEntry]) -> None:
        self.positives_model.add(entries)

    def add_calls(self, incidents: list[Incident]) -> None:
        self.calls_model.add(incidents)
        self._reselect()
        self._show_count()

    def search_finished(self) -> None:
        self.searching = False
        self._reselect()
        self._show_count()
        if not self.positives_model.found:
            searching = bool(self.positive_search.text().strip())
            self.positive_empty.setText(
                _("Nothing matches that search.")
                if searching
                else _(
                    "No positives yet. After your next note, or any good moment, they gather here."
                )
            )
            self.positive_empty.show()
        if not self.calls_model.found:
            wanted = self.call_filter()
            filtered = replace(wanted, text=wanted.text.strip()) != IncidentFilter()
            self.call_empty.setText(
                _("No call matches these filters.")
                if filtered
                else _("No tough calls yet. When you flag one, it shows here with its note.")
            )
            self.call_empty.show()

    def positive_texts(self) -> list[str]:
        """The positives shown so far, as the list shows them (newest first)."""
        model = self.positives_model
        return [str(model.data(model.index(row))) for row in range(model.rowCount())]

    def call_texts(self) -> list[str]:
        model = self.calls_model
        return [str(model.data(model.index(row))) for row in range(model.rowCount())]

    # -- calls ----------------------------------------------------------------------------

    def _build_calls(self) -> QWidget:
        page = QWidget()
        self.call_search = QLineEdit()
        self.call_search.setPlaceholderText(_("Search notes, lessons and positives"))
        _searchable(self.call_search, _("Search notes, lessons and positives"))
        self.call_label = QLineEdit()
        self.call_label.setPlaceholderText(_("Prospect or company"))
        _searchable(self.call_label, _("Prospect or company"))
        self.call_reason = QComboBox()
        self.call_reason.addItem(_("Any loss reason"), None)
        for reason, label in texts.LOSS_REASON.items():
            self.call_reason.addItem(_(label), reason.value)
        self.call_reason.setAccessibleName(_("Loss reason"))
        self.call_part = QComboBox()
        self.call_part.addItem(_("Any part of mine"), None)
        for part, label in texts.MY_PART.items():
            self.call_part.addItem(_(label), part.value)
        self.call_part.setAccessibleName(_("My part"))
        for box in (self.call_reason, self.call_part):  # long choices: the list shows them
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(14)
        self.call_period = Period()
        self.call_unfinished = QCheckBox(_("Unfinished notes only"))
        row1 = QHBoxLayout()
        row1.addWidget(self.call_search, 2)
        row1.addWidget(self.call_label, 1)
        row2 = QHBoxLayout()
        row2.addWidget(self.call_reason)
        row2.addWidget(self.call_part)
        row3 = QHBoxLayout()
        row3.addWidget(self.call_period)
        row3.addStretch(1)
        row3.addWidget(self.call_unfinished)
        self.calls_model = CallsModel(self)
        # The count of the calls found: on this tab, not under the others (it counts calls).
        self.status = QLabel()
        self.status.setProperty("role", "muted")
        self.call_empty = QLabel()  # what an empty list means, instead of a blank
        self.call_empty.setWordWrap(True)
        self.call_empty.setProperty("role", "muted")
        self.call_empty.hide()
        self.call_list = _list_view(self.calls_model)
        self.call_list.setAccessibleName(_("Calls"))
        self.call_list.setToolTip(_("Enter opens the note; Delete deletes the call (with undo)"))
        QShortcut(
            QKeySequence.StandardKey.Delete,
            self.call_list,
            activated=self._delete_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.call_list.activated.connect(
            lambda index: self.open_incident_requested.emit(index.data(ID_ROLE))
        )
        self.searching = False
        self._selected: str | None = None  # kept across a new search
        self.open_button = QPushButton(_("Open note"))
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.setToolTip(_("Delete the chosen call; you can undo it for a moment"))
        self.open_button.clicked.connect(self._open_selected)
        self.delete_button.clicked.connect(self._delete_selected)
        self.undo_label = QLabel()
        self.undo_button = QPushButton(_("Undo"))
        self.undo_button.clicked.connect(self.undo_requested.emit)
        self.undo_ticker = Ticker("journal-undo", UNDO_MS, self.hide_undo, self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_label)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(page)
        for row in (row1, row2, row3):
            layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.call_empty)
        layout.addWidget(self.call_list, 1)
        layout.addLayout(buttons)
        self.hide_undo()
        for signal in (
            self.call_search.textChanged,
            self.call_label.textChanged,
            self.call_reason.currentIndexChanged,
            self.call_part.currentIndexChanged,
            self.call_unfinished.toggled,
            self.call_period.changed,
        ):
            signal.connect(self._changed)
        return page

    def call_filter(self) -> IncidentFilter:
        reason = self.call_reason.currentData()
        part = self.call_part.currentData()
        since, until = self.call_period.span()
        return IncidentFilter(
            text=self.call_search.text(),
            label=self.call_label.text().strip(),
            loss_reason=LossReason(reason) if reason else None,
            my_part=MyPart(part) if part else None,
            since=since,
            until=until,
            unfinished_only=self.call_unfinished.isChecked(),
        )

    def _reselect(self) -> None:
        if self._selected is None:
            return
        row = self.calls_model.row_of(self._selected)
        if row is not None:
            self.call_list.setCurrentIndex(self.calls_model.index(row))
            self._selected = None

    def _show_count(self) -> None:
        n = self.calls_model.found
        if self.searching:
            text = ngettext("{n} call so far…", "{n} calls so far…", n).format(n=n)
        else:
            text = ngettext("{n} call", "{n} calls", n).format(n=n)
        self.status.setText(text)

    def select_row(self, row: int) -> None:
        self.call_list.setCurrentIndex(self.calls_model.index(row))

    def selected_incident(self) -> str | None:
        index = self.call_list.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def _open_selected(self) -> None:
        chosen = self.selected_incident()
        if chosen:
            self.open_incident_requested.emit(chosen)

    def _delete_selected(self) -> None:
        chosen = self.selected_incident()
        if chosen:
            self.delete_requested.emit(chosen)

    def show_undo(self, message: str) -> None:
        self.undo_label.setText(message)
        self.undo_label.show()
        self.undo_button.show()
        self.undo_ticker.stop()
        self.undo_ticker.start()

    def hide_undo(self) -> None:
        self.undo_ticker.stop()
        self.undo_label.hide()
        self.undo_button.hide()

    # -- upcoming -------------------------------------------------------------------------

    def _build_upcoming(self) -> QWidget:
        self.upcoming = UpcomingTab()
        # The tab's requests are the window's: the presenter listens to the window only.
        for name in (
            "followup_done_requested",
            "followup_cancel_requested",
            "followup_snooze_requested",
            "followup_move_requested",
            "script_requested",
            "script_saved",
            "script_reset",
        ):
            getattr(self.upcoming, name).connect(getattr(self, name).emit)
        return self.upcoming

    def show_script(self, kind: str, title: str, text: str, own: bool) -> None:
        """The script of the selected follow-up's kind (the rep's version, or the app's)."""
        self.upcoming.show_script(kind, title, text, own)

    def show_upcoming(self, items: list[UpcomingItem]) -> None:
        """Pending follow-ups, soonest first; the tab's title counts them."""
        self.upcoming.show_items(items)
        self.tabs.setTabText(
            2, _("Upcoming ({n})").format(n=len(items)) if items else _("Upcoming")
        )

    def show_playbook(self, entries: list[PlaybookEntry]) -> None:
        self.playbook.show_entries(entries)

    # -- export ---------------------------------------------------------------------------

    def _export(self) -> None:
        kinds = {
            "markdown": _("Markdown, to read or print (*.md)"),
            "csv": _("CSV, for a spreadsheet (*.csv)"),
            "json": _("JSON, to move to another computer (*.json)"),
        }
        path, chosen = QFileDialog.getSaveFileName(
            self, _("Export my journal"), "resilience-journal.md", ";;".join(kinds.values())
        )
        if path:
            fmt = next((k for k, v in kinds.items() if v == chosen), "markdown")
            since, until = self.call_period.span()
            self.export_requested.emit(fmt, path, since, until)


def _list_view(model: CallsModel | PositivesModel) -> QListView:
    view = QListView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setWordWrap(True)  # long notes wrap instead of running off the side
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setSpacing(2)
    view.setUniformItemSizes(False)
    # Rows of different heights are measured a batch at a time, between events, not all
    # at once at every page, resize or insert (hundreds of ms with thousands shown).
    view.setLayoutMode(QListView.LayoutMode.Batched)
    view.setBatchSize(PAGE)
    view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
    return view
