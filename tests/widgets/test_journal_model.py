"""The journal's lists: a page at a time, newest first, filled by a search in its own thread."""

from __future__ import annotations

import gc
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.core.journal import IncidentFilter
from resilience_app.core.models import Incident, Positive, Reflection, ReflectionStatus
from resilience_app.service import Service
from resilience_app.ui import journal_model
from resilience_app.ui.presenter import Presenter

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def history(service: Service, n: int, *, months: int = 5) -> list[Incident]:
    """`n` calls spread over `months` months, each with a note and a positive."""
    step = timedelta(days=30 * months) / n
    calls = [
        Incident(
            id=f"call-{k:05d}",
            flagged_at=NOW - step * (k + 1),
            label=f"Prospect {k}",
            dialed_at=NOW - step * (k + 1) + timedelta(minutes=5),
            reflection=Reflection(
                what_happened=f"call number {k}", positives=[f"kept calm on call {k}"]
            ),
            reflection_status=ReflectionStatus.SAVED,
        )
        for k in range(n)
    ]
    service.store.add_many(calls)
    return calls


def opened(presenter: Presenter, qtbot: QtBot) -> None:
    presenter.journal.open()
    qtbot.addWidget(presenter.journal.journal_window)
    window = presenter.journal.journal_window
    qtbot.waitUntil(lambda: not window.searching, timeout=10_000)


def test_the_calls_come_a_page_at_a_time_newest_first(
    presenter: Presenter, service: Service, qtbot: QtBot
) -> None:
    calls = history(service, 3 * journal_model.PAGE + 17)
    opened(presenter, qtbot)
    model = presenter.journal.journal_window.calls_model
    assert model.rowCount() == journal_model.PAGE  # the first page only
    assert model.found == len(calls)
    assert presenter.journal.journal_window.status.text() == f"{len(calls)} calls"
    while model.canFetchMore():
        before = model.rowCount()
        model.fetchMore()  # what the view does as the rep scrolls down
        assert model.rowCount() == min(before + journal_model.PAGE, len(calls))
    shown = [model.rows[row].flagged_at for row in range(model.rowCount())]
    assert shown == sorted((c.flagged_at for c in calls), reverse=True)
    assert [model.data(model.index(0), journal_model.ID_ROLE)] == [calls[0].id]


def test_search_results_stream_in_a_month_at_a_time(
    presenter: Presenter, service: Service, qtbot: QtBot
) -> None:
    history(service, 400, months=5)
    opened(presenter, qtbot)
    batches: list[int] = []
    search = presenter.journal.journal_search
    search.calls_found.connect(lambda token, found: batches.append(len(found)))
    window = presenter.journal.journal_window
    window.call_search.setText("call number 1")  # 1, 10-19, 100-199: in several months
    qtbot.waitUntil(lambda: not window.searching)
    assert len(batches) >= 5  # one per month file, each sent as soon as it was searched
    expected = [k for k in range(400) if "call number 1" in f"call number {k}"]
    assert window.calls_model.found == len(expected) == sum(batches)
    assert window.status.text() == f"{len(expected)} calls"


def test_a_newer_search_drops_the_one_before(
    presenter: Presenter, service: Service, qtbot: QtBot
) -> None:
    history(service, 300, months=24)
    opened(presenter, qtbot)
    window = presenter.journal.journal_window
    with qtbot.waitSignal(presenter.journal.journal_search.calls_found, timeout=10_000):
        window.call_search.setText("call number 2")
    assert window.searching  # the first search is under way, months still to come
    window.call_search.setText("call number 29")
    qtbot.waitUntil(lambda: not window.searching)
    assert window.calls_model.found == 11  # 29 and 290-299, nothing of "call number 2"
    assert all("call number 29" in text for text in window.call_texts())


def test_a_note_written_later_sorts_by_when_it_was_written(
    presenter: Presenter, service: Service, qtbot: QtBot
) -> None:
    calls = history(service, 200, months=5)
    oldest = calls[-1]
    oldest.reflection.positives = ["written months later"]
    oldest.reflection_saved_at = NOW - timedelta(minutes=1)
    service.store.save_incident(oldest)
    service.store.save_positive(Positive("p1", NOW - timedelta(days=200), "long ago"))
    opened(presenter, qtbot)
    texts = presenter.journal.journal_window.positive_texts()
    assert "written months later" in texts[0]
    model = presenter.journal.journal_window.positives_model
    while model.canFetchMore():
        model.fetchMore()
    whens = [entry.when for entry in model.rows]
    assert whens == sorted(whens, reverse=True)
    assert "long ago" in presenter.journal.journal_window.positive_texts()[-1]


def test_the_gui_thread_only_ever_reads_one_month_at_a_time(
    presenter: Presenter, service: Service, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the GUI thread asks of storage while the journal opens and searches 3,000
    calls is one month file at a time (a few ms each, whatever the history); decoding and
    matching run in the search thread. (`bench/scale.py` measures the event loop's longest
    wait with 50,000 calls.)"""
    history(service, 3000, months=8)
    gui = threading.get_ident()
    took: list[tuple[str, float, bool]] = []

    def timed(name: str) -> None:
        original = getattr(service, name)

        def call(*args: object) -> object:
            start = time.perf_counter()
            try:
                return original(*args)
            finally:
                took.append((name, time.perf_counter() - start, threading.get_ident() == gui))

        monkeypatch.setattr(service, name, call)

    for name in ("journal_months", "journal_records", "journal_month"):
        timed(name)
    presenter.journal.open()
    qtbot.addWidget(presenter.journal.journal_window)
    window = presenter.journal.journal_window
    qtbot.waitUntil(lambda: not window.searching, timeout=10_000)
    window.call_search.setText("call number 2999")
    qtbot.waitUntil(lambda: not window.searching, timeout=10_000)
    assert window.calls_model.found == 1
    on_gui = [(name, seconds) for name, seconds, here in took if here]
    assert {name for name, _ in on_gui} == {"journal_months", "journal_records"}
    assert all(not here for name, _, here in took if name == "journal_month")
    slowest = max(seconds for _, seconds in on_gui)
    assert slowest < 0.05, f"the GUI thread waited {slowest * 1000:.0f} ms on storage"


def test_service_months_decode_once_until_they_change(service: Service) -> None:
    history(service, 50, months=1)
    name = service.journal_months()[0]
    records = service.journal_records(name)
    assert records is not None
    first = service.journal_month(records)
    assert service.journal_month(records) is first  # kept
    assert [i.id for i in first.incidents] == sorted((i.id for i in first.incidents), reverse=False)
    service.store.save_incident(
        Incident(id="new", flagged_at=first.incidents[0].flagged_at + timedelta(seconds=1))
    )
    again = service.journal_records(name)
    assert again is not None and again.version != records.version
    assert service.journal_month(again).incidents[0].id == "new"
    # The records taken before the change still read whole.
    assert len(records.decode()[0]) == len(first.incidents)
    assert IncidentFilter(text="call number 3").matches(first.incidents[-4])


def test_rows_arriving_after_every_row_was_shown_are_shown_too() -> None:
    """A view at the end of its list asks for more only when scrolled; results that come
    later in the search must not wait behind a scroll that cannot happen."""
    model = journal_model.CallsModel()
    calls = [Incident(id=f"c{k:04d}", flagged_at=NOW - timedelta(minutes=k)) for k in range(400)]
    model.add(calls[:150])
    assert model.rowCount() == journal_model.PAGE
    model.fetchMore()  # the rep scrolled to the end: everything found so far is shown
    assert model.rowCount() == 150 and not model.canFetchMore()
    model.add(calls[150:])  # the next months arrive
    assert model.rowCount() == 150 + journal_model.PAGE
    assert model.canFetchMore()


def test_closing_the_journal_stops_its_search(
    presenter: Presenter, service: Service, qtbot: QtBot
) -> None:
    history(service, 300, months=24)
    with qtbot.waitSignal(presenter.journal.journal_search.calls_found, timeout=10_000):
        presenter.journal.open()
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    assert presenter.journal.journal_search.running
    assert gc.get_freeze_count() > 0  # decoded months kept out of full collections
    window.close()
    assert not presenter.journal.journal_search.running
    assert gc.get_freeze_count() == 0  # given back to the collector with the window
    assert service.journal._months_decoded == {}  # and what was decoded let go
    shown = window.calls_model.found
    qtbot.wait(200)
    assert window.calls_model.found == shown  # nothing more arrives for a closed window
