"""The journal's lists as Qt item models, fed a page at a time by a search in another thread.

`JournalSearch` reads one month file per turn of the event loop on the GUI thread (a few
milliseconds: `Service.journal_records`), newest month first; a worker thread decodes it
and keeps the calls and positives that match (`Service.journal_month`, which remembers
what it decoded until the month changes) and sends them back. The models show the first
page at once and the next ones as the rep scrolls (`fetchMore`). So opening the journal
or typing in its search never holds the window up, whatever the size of the history.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import heapq
import logging
import traceback
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThread,
    Signal,
    Slot,
)

from resilience_app import i18n
from resilience_app.core import texts
from resilience_app.core.errors import UserError
from resilience_app.core.journal import IncidentFilter, PositiveEntry, search_positives
from resilience_app.core.models import Incident
from resilience_app.i18n import _
from resilience_app.service import Service
from resilience_app.ui.ticker import Ticker

log = logging.getLogger(__name__)
PAGE = 100  # rows added at a time: a screenful or two
IN_FLIGHT = 3  # months handed to the worker and not yet back
ID_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex
PositiveQuery = tuple[str, datetime | None, datetime | None]


def call_line(incident: Incident) -> str:
    """One call in the list: when, who, how the note stands, what happened."""
    bits = [i18n.format_datetime(incident.flagged_at, "MMMEd")]
    if incident.label:
        bits.append(incident.label)
    r = incident.reflection
    if incident.reflection_open:
        bits.append(_("note unfinished"))
    elif r.loss_reason:
        bits.append(texts.loss_reason(r.loss_reason))
    if r.what_happened:
        bits.append(f"“{r.what_happened}”")
    return " · ".join(bits)


def positive_lines(entry: PositiveEntry) -> str:
    """One positive: the rep's words, then when and after what."""
    source = (
        _("after the call with {label}").format(label=entry.label)
        if entry.label
        else (_("after a tough call") if entry.incident_id else _("written on its own"))
    )
    day = i18n.format_date(entry.when.astimezone().date(), "yMMMEd")
    return f"“{entry.text}”\n{day} · {source}"


class _PagedModel(QAbstractListModel):
    """Rows found so far: `rows` shown, `waiting` shown a page at a time as the view asks.
    Each row's text is made once (dates through Babel are not cheap, and a list with rows
    of different heights asks for them again at every layout)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self.waiting: list[Any] = []
        self._lines: dict[int, str] = {}  # id of a shown row -> its text

    @property
    def found(self) -> int:
        return len(self.rows) + len(self.waiting)

    def clear(self) -> None:
        self.beginResetModel()
        self.rows, self.waiting, self._lines = [], [], {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        item = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            line = self._lines.get(id(item))
            if line is None:
                line = self._lines[id(item)] = self._line(item)
            return line
        if role == ID_ROLE:
            return self._id(item)
        return None

    def _line(self, item: Any) -> str:
        raise NotImplementedError

    def _id(self, item: Any) -> str:
        raise NotImplementedError

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more_waiting()

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self._show(PAGE)

    def _more_waiting(self) -> bool:
        return bool(self.waiting)

    def _show(self, wanted: int) -> None:
        n = min(wanted, len(self.waiting))
        if n <= 0:
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + n - 1)
        self.rows.extend(self.waiting[:n])
        del self.waiting[:n]
        self.endInsertRows()

    def _arrived(self, had_waiting: bool) -> None:
        """More rows arrived from the search: the first page fills up; and when every row
        found so far was already shown, the view (which asks for more only as it is
        scrolled) may sit at the end of the list, so a page more is shown now."""
        if len(self.rows) < PAGE:
            self._show(PAGE - len(self.rows))
        elif not had_waiting:
            self._show(PAGE)


class CallsModel(_PagedModel):
    """Calls, newest first. Months arrive newest first, each sorted: appending keeps order."""

    def add(self, found: list[Incident]) -> None:
        had_waiting = self._more_waiting()
        self.waiting.extend(found)
        self._arrived(had_waiting)

    def _line(self, item: Any) -> str:
        return call_line(item)

    def _id(self, item: Any) -> str:
        return str(item.id)

    def row_of(self, incident_id: str) -> int | None:
        for row, incident in enumerate(self.rows):
            if incident.id == incident_id:
                return row
        return None


def _newest_first(entry: PositiveEntry) -> float:
    return -entry.when.timestamp()


class PositivesModel(_PagedModel):
    """Positives, newest first. A note written long after its call sorts by when it was
    written, so a month read later may hold newer ones: they go where they belong."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runs: list[list[PositiveEntry]] = []  # one sorted run per month, not merged yet

    @property
    def found(self) -> int:
        return len(self.rows) + len(self.waiting) + sum(map(len, self._runs))

    def clear(self) -> None:
        self._runs = []
        super().clear()

    def _more_waiting(self) -> bool:
        return bool(self.waiting) or bool(self._runs)

    def add(self, found: list[PositiveEntry]) -> None:
        """One month's positives, newest first."""
        had_waiting = self._more_waiting()
        last = self.rows[-1] if self.rows else None
        later: list[PositiveEntry] = []
        for entry in found:
            if last is not None and _newest_first(entry) < _newest_first(last):
                # Newer than a row already shown: into the rows, in its place (rare).
                row = bisect.bisect_right(self.rows, _newest_first(entry), key=_newest_first)
                self.beginInsertRows(QModelIndex(), row, row)
                self.rows.insert(row, entry)
                self.endInsertRows()
            else:
                later.append(entry)
        if later:
            self._runs.append(later)  # merged only when rows are wanted from it
        self._arrived(had_waiting)

    def _show(self, wanted: int) -> None:
        if self._runs:
            self.waiting = list(heapq.merge(self.waiting, *self._runs, key=_newest_first))
            self._runs = []
        super()._show(wanted)

    def _line(self, item: Any) -> str:
        return positive_lines(item)

    def _id(self, item: Any) -> str:
        return str(item.positive_id or item.incident_id)


def _settle_garbage() -> None:
    """Months just decoded stay in memory while the journal is open (tens of thousands of
    objects over the years). Python's collector walks every object it tracks on a full
    collection, a pause that grows with the history and stops the GUI thread too (one
    lock for both threads): 100 ms and more at 50,000 calls. So the young generations
    are collected (cheap), and what survives is frozen: left out of full collections
    until the journal closes (`JournalSearch.release`), when it is let go and unfrozen,
    so nothing stays out of the collector's reach for longer than the window is open."""
    gc.collect(1)
    gc.freeze()


class _Decoder(QObject):
    """Lives in the search thread: decodes and searches one month at a time."""

    decoded = Signal(int, str, object, object, bool)  # token, month, calls, positives, whole

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.current = 0  # the search wanted now (set from the GUI thread)

    @Slot(int, object, object, object)
    def decode(
        self, token: int, records: Any, calls: IncidentFilter, positives: PositiveQuery
    ) -> None:
        if token != self.current:
            return  # a newer search started: this one is dropped
        try:
            month = self.service.journal_month(records)
            _settle_garbage()
        except Exception as exc:  # a bug must not kill the thread and leave the search hanging
            # The type and the place only: the message could quote what the rep wrote.
            where = "".join(traceback.format_tb(exc.__traceback__)[-3:])
            log.error("decoding %s failed with %s at\n%s", records.name, type(exc).__name__, where)
            self.decoded.emit(token, records.name, [], [], True)
            return
        found = [i for i in month.incidents if calls.matches(i)]
        text, since, until = positives
        good = search_positives(month.positives, text, since, until)
        self.decoded.emit(token, month.name, found, good, month.whole)


class JournalSearch(QObject):
    """Runs the journal's searches: months read here, decoded in a thread of its own."""

    calls_found = Signal(int, object)  # token, list[Incident] (one month, newest first)
    positives_found = Signal(int, object)  # token, list[PositiveEntry]
    finished = Signal(int)  # token: every month searched
    _decode = Signal(int, object, object, object)

    def __init__(self, service: Service, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.token = 0
        self._thread: QThread | None = None
        self._decoder: _Decoder | None = None
        self._months: list[str] = []
        self._in_flight = 0
        self._query: tuple[IncidentFilter, PositiveQuery] | None = None
        self._checked: set[str] = set()
        self._stepper = Ticker("journal-search", 0, self._step, self)

    @property
    def running(self) -> bool:
        return bool(self._months) or self._in_flight > 0

    def start(self, calls: IncidentFilter, positives: PositiveQuery) -> int:
        """Search again (what was still being searched is dropped); returns its token."""
        decoder = self._ensure_thread()
        self.token += 1
        decoder.current = self.token
        self._in_flight = 0
        self._query = (calls, positives)
        try:
            self._months = self.service.journal_months()
        except UserError:
            self._months = []
        self._stepper.start()
        return self.token

    def stop(self) -> None:
        """Drop the search under way (the journal was locked or closed)."""
        self.token += 1
        if self._decoder is not None:
            self._decoder.current = self.token
        self._months, self._in_flight = [], 0
        self._stepper.stop()

    def release(self) -> None:
        """The journal closed: stop, let go of what was decoded, and give back to the
        collector what was frozen while it was open."""
        self.stop()
        self.service.journal_closed()
        gc.unfreeze()

    def shutdown(self) -> None:
        self.stop()
        gc.unfreeze()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None
            self._decoder = None

    def _ensure_thread(self) -> _Decoder:
        if self._decoder is None:
            self._thread = QThread(self)
            self._thread.setObjectName("journal-search")
            self._decoder = _Decoder(self.service)
            self._decoder.moveToThread(self._thread)
            self._decode.connect(self._decoder.decode, Qt.ConnectionType.QueuedConnection)
            self._decoder.decoded.connect(self._decoded, Qt.ConnectionType.QueuedConnection)
            self._thread.finished.connect(self._decoder.deleteLater)
            self._thread.start(QThread.Priority.LowPriority)
        return self._decoder

    def _step(self) -> None:
        """One month read on this (the GUI) thread, handed to the decoder."""
        if not self._months or self._in_flight >= IN_FLIGHT or self._query is None:
            self._stepper.stop()
            if not self._months and self._in_flight == 0:
                self.finished.emit(self.token)
            return
        name = self._months.pop(0)
        try:
            records = self.service.journal_records(name)
        except UserError:
            self.stop()
            return
        if records is None:
            return
        self._in_flight += 1
        self._decode.emit(self.token, records, *self._query)

    @Slot(int, str, object, object, bool)
    def _decoded(
        self,
        token: int,
        name: str,
        calls: list[Incident],
        positives: list[PositiveEntry],
        whole: bool,
    ) -> None:
        if token != self.token:
            return
        self._in_flight -= 1
        if not whole and name not in self._checked:
            # A record that did not read: the store sets it aside and says so.
            self._checked.add(name)
            with contextlib.suppress(UserError):
                self.service.journal_check(name)
        self.calls_found.emit(token, calls)
        self.positives_found.emit(token, positives)
        if not self._stepper.active:
            self._stepper.start()
