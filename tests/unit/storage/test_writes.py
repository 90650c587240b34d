"""Changes to the journal (storage/writes.py): one write per file touched,
updates in place, deletion and its undo."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from resilience_app.core.models import (
    Nudge,
    NudgeKind,
)
from resilience_app.storage.store import (
    Store,
)
from tests.files import journal_paths
from tests.unit.storage.samples import WHEN, sample


def test_a_call_and_its_nudges_reach_the_disk_in_one_write(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_incident(sample("older", WHEN - timedelta(hours=1)))  # the month exists
    [month] = store.months.load_between(WHEN, None)
    writes = month.writes
    nudges = [
        Nudge("n1", "abc", NudgeKind.FIRST, WHEN + timedelta(minutes=15)),
        Nudge("n2", "abc", NudgeKind.SECOND, WHEN + timedelta(minutes=30)),
    ]
    store.save_with_nudges(sample(), nudges)
    assert month.writes == writes + 1
    store.close()
    again = Store(data_dir)
    assert again.incident("abc") == sample()
    assert sorted(n.id for n in again.nudges(incident_id="abc")) == ["n1", "n2"]


def test_update_replaces_not_duplicates(store: Store) -> None:
    incident = sample()
    store.save_incident(incident)
    incident.label = "Changed"
    store.save_incident(incident)
    assert [i.label for i in store.incidents()] == ["Changed"]


def test_add_many_writes_each_month_once_and_merges(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_incident(sample("existing"))
    batch = [sample(f"b{n}", WHEN - timedelta(days=40 * n)) for n in range(3)]
    store.add_many(batch, [Nudge("nb", "b1", NudgeKind.SECOND, WHEN)])
    again = Store(data_dir)
    assert sorted(i.id for i in again.incidents()) == ["b0", "b1", "b2", "existing"]
    assert again.nudges(incident_id="b1")[0].id == "nb"
    assert len(journal_paths(data_dir)) == 3


def test_delete_and_restore_put_everything_back(data_dir: Path) -> None:
    from resilience_app.core.models import FollowUp, FollowUpKind

    store = Store(data_dir)
    store.save_incident(sample("a"))
    store.save_incident(sample("b", WHEN + timedelta(hours=1)))
    store.save_nudge(Nudge("n1", "a", NudgeKind.FIRST, WHEN))
    store.save_followup(FollowUp("f1", "a", FollowUpKind.DEBRIEF, WHEN, WHEN))
    removed = store.delete_incident("a")
    assert removed is not None and [n.id for n in removed.nudges] == ["n1"]
    fresh = Store(data_dir)
    assert [i.id for i in fresh.incidents()] == ["b"]
    assert fresh.nudges() == [] and fresh.followups() == []
    assert fresh.incidents() == [fresh.incident("b")]
    fresh.restore(removed)
    again = Store(data_dir)
    assert again.incident("a") == sample("a")
    assert [n.id for n in again.nudges()] == ["n1"] and [f.id for f in again.followups()] == ["f1"]
    assert store.delete_incident("missing") is None
