"""Per-month summaries: kept up to date by every write, rebuilt when missing or stale, and
always the same as counting the calls again; sealed and proved with a protected journal."""

from __future__ import annotations

import json
import os
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resilience_app.core import tallies
from resilience_app.core.models import (
    Incident,
    LossReason,
    MyPart,
    Nudge,
    NudgeKind,
    Positive,
    Reflection,
    ReflectionStatus,
)
from resilience_app.storage import protection, summaries
from resilience_app.storage.sealing import Locked
from resilience_app.storage.store import Store
from resilience_app.storage.summary_upkeep import SummaryUpkeep
from tests.files import files_holding

WHEN = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
PASSPHRASE = "correct horse battery"


def call(n: int, when: datetime, *, lesson: str = "Keep the price sheet open") -> Incident:
    return Incident(
        id=f"call-{n}",
        flagged_at=when,
        label=f"Prospect {n}",
        rough=n % 11,
        dialed_at=when + timedelta(minutes=3 + n % 17),
        reflection=Reflection(
            what_happened="They hung up",
            my_part=list(MyPart)[n % len(MyPart)],
            loss_reason=list(LossReason)[n % len(LossReason)],
            lesson=lesson,
            mood_after=(n * 7) % 11,
        ),
        reflection_status=ReflectionStatus.SAVED if n % 3 else ReflectionStatus.DRAFT,
    )


def counted_again(store: Store, month: str) -> tallies.Days:
    """What the month's tallies must be: its calls counted from scratch."""
    return tallies.tally(i for i in store.incidents() if i.flagged_at.strftime("%Y-%m") == month)


def summary_file(data_dir: Path, month: str) -> Path:
    return data_dir / "journal" / summaries.SUMMARY_DIR / f"{month}.json"


def stored(data_dir: Path, month: str) -> tallies.Days | None:
    """The summary on disk, as a fresh reader finds it (None: missing or stale)."""
    reader = Store(data_dir, readonly=True)
    source = (
        summaries.source_of(data_dir / "journal" / f"{month}.json", 0)
        if reader.locked
        else reader.tallies.source(month, None)
    )
    assert source is not None
    return reader.tallies.summaries.read(month, source)


@pytest.fixture
def no_recount(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The months counted again from their calls (each listed), instead of read."""
    counted: list[str] = []
    original = SummaryUpkeep.count

    def spy(self: SummaryUpkeep, name: str) -> tallies.Days:
        counted.append(name)
        return original(self, name)

    monkeypatch.setattr(SummaryUpkeep, "count", spy)
    return counted


def test_every_kind_of_write_keeps_the_summary_up_to_date(
    data_dir: Path, no_recount: list[str]
) -> None:
    store = Store(data_dir)
    store.add_many([call(n, WHEN - timedelta(hours=n)) for n in range(1, 30)])
    month = "2026-11"
    assert store.month_tallies(month) == counted_again(store, month)
    assert stored(data_dir, month) == counted_again(store, month)

    def check() -> None:
        assert store.month_tallies(month) == counted_again(store, month)
        assert stored(data_dir, month) == counted_again(store, month)

    no_recount.clear()
    store.save_incident(call(100, WHEN + timedelta(minutes=5)))  # a new call
    check()
    edited = call(3, WHEN - timedelta(hours=3), lesson="Breathe first")
    edited.reflection.loss_reason = LossReason.TIMING
    store.save_incident(edited)  # a note changed
    check()
    moved = call(4, WHEN - timedelta(days=5))  # the same call on another day
    store.save_incident(moved)
    check()
    store.save_nudge(Nudge("n1", "call-5", NudgeKind.FIRST, WHEN))  # no figure changes
    check()
    store.save_positive(Positive("p1", WHEN, "Booked a demo"))
    check()
    removed = store.delete_incident("call-7")
    check()
    assert removed is not None
    store.restore(removed)  # undo: add_many into a month that has calls
    check()
    # Every write above brought the summary up to date: nothing was counted from scratch.
    assert no_recount == []


def test_a_missing_stale_or_damaged_summary_is_counted_again(
    data_dir: Path, no_recount: list[str]
) -> None:
    store = Store(data_dir)
    store.add_many([call(n, WHEN - timedelta(days=n)) for n in range(40)])
    store.close()
    months = sorted({(WHEN - timedelta(days=n)).strftime("%Y-%m") for n in range(40)})
    first, second = months[0], months[1]
    expected = {m: counted_again(Store(data_dir, readonly=True), m) for m in months}

    summary_file(data_dir, first).unlink()  # missing
    summary_file(data_dir, second).write_text("{not json")  # damaged
    reader = Store(data_dir, readonly=True)
    for m in months:
        assert reader.month_tallies(m) == expected[m]
    assert sorted(no_recount) == [first, second]
    assert not summary_file(data_dir, first).exists()  # a reader never writes

    # The app (a writer) counts again and keeps what it counted.
    no_recount.clear()
    writer = Store(data_dir)
    assert writer.month_tallies(first) == expected[first]
    assert stored(data_dir, first) == expected[first]
    writer.close()

    # Stale: the month file changed behind the summary's back (a crash between the two
    # writes, another program), here a record edited by hand.
    path = data_dir / "journal" / f"{second}.json"
    data = json.loads(path.read_text())
    doc = next(iter(data["incidents"].values()))
    doc["reflection"]["loss_reason"] = "timing"
    path.write_text(json.dumps(data))
    no_recount.clear()
    again = Store(data_dir)
    assert again.month_tallies(second) == counted_again(again, second)
    assert no_recount == [second]


def test_a_summary_from_another_time_zone_is_counted_again(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, no_recount: list[str]
) -> None:
    store = Store(data_dir)
    store.add_many([call(n, WHEN - timedelta(hours=5 * n)) for n in range(20)])
    store.close()
    monkeypatch.setattr(summaries, "zone_key", lambda: "somewhere else")
    again = Store(data_dir)
    for month in ("2026-11",):
        assert again.month_tallies(month) == counted_again(again, month)
    assert no_recount == ["2026-11"]


def test_a_write_the_summary_missed_makes_it_stale(data_dir: Path) -> None:
    store = Store(data_dir)
    store.add_many([call(n, WHEN - timedelta(hours=n)) for n in range(10)])
    # A second writer (say, an older version) changes the month without its summary.
    store.close()
    other = Store(data_dir)
    other.tallies.summaries.write = lambda *args: None  # type: ignore[method-assign]
    other.tallies.counted.clear()
    other.save_incident(call(50, WHEN))
    other.close()
    assert stored(data_dir, "2026-11") is None
    fresh = Store(data_dir)
    assert fresh.month_tallies("2026-11") == counted_again(fresh, "2026-11")


def test_protected_summaries_are_sealed_and_follow_the_lock(
    data_dir: Path, fast_kdf: None, no_recount: list[str]
) -> None:
    store = Store(data_dir)
    store.add_many([call(n, WHEN - timedelta(hours=n), lesson="SECRET-LESSON") for n in range(12)])
    assert store.month_tallies("2026-11")
    plain = summary_file(data_dir, "2026-11")
    assert b"SECRET-LESSON" in plain.read_bytes()
    data_key = protection.enable(store, PASSPHRASE)
    # Turning the lock on dropped the plain summary; the next question counts it sealed.
    assert not plain.exists()
    assert store.month_tallies("2026-11") == counted_again(store, "2026-11")
    assert files_holding(data_dir, ["SECRET-LESSON", "price_or_terms"]) == []
    assert stored(data_dir, "2026-11") is None  # a reader without the key cannot open it

    # Locked: nothing is read, and a write leaves the summary stale (the app cannot count
    # what it cannot read); after unlocking it is counted again, right.
    store.lock()
    with pytest.raises(Locked):
        store.day_tallies()
    store.save_incident(call(77, WHEN + timedelta(minutes=1)))
    store.unlock(data_key)
    no_recount.clear()
    assert store.month_tallies("2026-11") == counted_again(store, "2026-11")
    assert no_recount == ["2026-11"]

    # Another month's summary put in this one's place does not open as this month's.
    store.save_incident(call(90, WHEN - timedelta(days=40)))
    assert store.month_tallies("2026-10")
    shutil.copy(summary_file(data_dir, "2026-10"), summary_file(data_dir, "2026-11"))
    reader = Store(data_dir, readonly=True)
    reader.unlock(data_key)
    no_recount.clear()
    assert reader.month_tallies("2026-11") == counted_again(reader, "2026-11")
    assert no_recount == ["2026-11"]

    # Turning the lock off drops the sealed summaries too.
    protection.disable(store, PASSPHRASE)
    assert not summary_file(data_dir, "2026-11").exists()
    assert store.month_tallies("2026-11") == counted_again(store, "2026-11")


def test_an_older_summary_put_back_with_its_month_is_not_trusted(
    data_dir: Path, fast_kdf: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(data_dir)
    store.add_many([call(n, WHEN - timedelta(hours=n)) for n in range(6)])
    data_key = protection.enable(store, PASSPHRASE)
    store.month_tallies("2026-11")
    month = data_dir / "journal" / "2026-11.json"
    old_month, old_summary = month.read_bytes(), summary_file(data_dir, "2026-11").read_bytes()
    old = os.stat(month)
    store.save_incident(call(40, WHEN + timedelta(minutes=9)))
    store.close()
    # Someone with the disk puts both files back as they were, times and all, on a file
    # system that hands the old inode number out again: only the generation, sealed in
    # the summary and proved in the month, can tell.
    month.write_bytes(old_month)
    os.utime(month, ns=(old.st_atime_ns, old.st_mtime_ns))
    summary_file(data_dir, "2026-11").write_bytes(old_summary)
    real_stat = os.stat

    def same_inode(path: Any, *args: Any, **kwargs: Any) -> Any:
        info = real_stat(path, *args, **kwargs)
        if Path(path) == month:
            return SimpleNamespace(
                st_size=info.st_size, st_mtime_ns=info.st_mtime_ns, st_ino=old.st_ino
            )
        return info

    monkeypatch.setattr(summaries.os, "stat", same_inode)
    reader = Store(data_dir, readonly=True)
    reader.unlock(data_key)
    source = reader.tallies.source("2026-11", None)
    assert source is not None
    assert (source.size, source.mtime_ns, source.inode) == (
        old.st_size,
        old.st_mtime_ns,
        old.st_ino,
    )
    assert reader.tallies.summaries.read("2026-11", source) is None


OPS = st.lists(
    st.tuples(
        st.sampled_from(["flag", "note", "move", "delete", "undo", "nudge", "bulk", "reopen"]),
        st.integers(0, 10**6),
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(OPS)
def test_summaries_equal_a_full_count_after_any_writes(
    tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, int]]
) -> None:
    data_dir = tmp_path_factory.mktemp("journal")
    store = Store(data_dir)
    removed = []
    n = 0
    for op, seed in ops:
        rng = random.Random(seed)
        ids = [i.id for i in store.incidents()]
        when = WHEN - timedelta(days=rng.randrange(0, 90), minutes=rng.randrange(0, 1440))
        if op == "flag" or not ids:
            n += 1
            store.save_incident(call(n, when))
        elif op == "note":
            incident = store.incident(rng.choice(ids))
            assert incident is not None
            incident.reflection.lesson = rng.choice(["A", "a!", "B", ""])
            incident.reflection_status = rng.choice(list(ReflectionStatus))
            store.save_incident(incident)
        elif op == "move":
            incident = store.incident(rng.choice(ids))
            assert incident is not None
            incident.flagged_at = incident.flagged_at.replace(day=rng.randrange(1, 28))
            store.save_incident(incident)
        elif op == "delete":
            gone = store.delete_incident(rng.choice(ids))
            if gone is not None:
                removed.append(gone)
        elif op == "undo" and removed:
            store.restore(removed.pop())
        elif op == "nudge":
            store.save_nudge(Nudge(f"n{seed}", rng.choice(ids), NudgeKind.FIRST, when))
        elif op == "bulk":
            store.add_many([call(n + k + 1, when + timedelta(hours=k)) for k in range(5)])
            n += 5
        elif op == "reopen":
            store.close()
            store = Store(data_dir)
        every = tallies.tally(store.incidents())
        assert tallies.merge(dict([p]) for p in store.day_tallies()) == every
    store.close()
    reader = Store(data_dir, readonly=True)
    assert tallies.merge(dict([p]) for p in reader.day_tallies()) == tallies.tally(
        reader.incidents()
    )


def test_summaries_are_private_files(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_incident(call(1, WHEN))
    store.month_tallies("2026-11")
    path = summary_file(data_dir, "2026-11")
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700


def test_a_write_without_the_tallies_at_hand_drops_the_stored_summary(data_dir: Path) -> None:
    store = Store(data_dir)
    store.add_many([call(n, WHEN - timedelta(hours=n)) for n in range(3)])
    store.month_tallies("2026-11")
    assert summary_file(data_dir, "2026-11").exists()
    store.close()
    again = Store(data_dir)  # a fresh start: nothing counted in memory yet
    again.save_incident(call(9, WHEN + timedelta(minutes=5)))
    assert not summary_file(data_dir, "2026-11").exists()  # not left to look current
    assert again.month_tallies("2026-11") is not None  # counted again when asked
