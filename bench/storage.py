"""Storage at scale: our month files next to stock TinyDB JSONStorage, in the same run.

For 1,000 / 10,000 / 50,000 incidents (~0.6 KB each, spread like a heavy user's history:
~420 a month) it measures, as medians of several repetitions:

- flag: storing one new incident durably (ours fsyncs; stock TinyDB does not even fsync),
- load: reading the whole journal into domain objects,
- search: the journal's text search over labels and notes, through the application
  service (warm, as in the running app, where the data stays in memory; cold, a fresh
  service); stock TinyDB re-reads and re-parses its file on every query,
- start: the real app's start to a docked tray icon and an answering command channel,
  with that history vs with an empty one (Xvfb + trayer), alternating.

Prints a table and writes build/bench-storage.json.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tinydb import Query, TinyDB  # noqa: E402
from tinydb.storages import JSONStorage  # noqa: E402

from resilience_app.adapters import ipc  # noqa: E402
from resilience_app.core.journal import IncidentFilter  # noqa: E402
from resilience_app.core.models import (  # noqa: E402
    Incident,
    LossReason,
    MyPart,
    Nudge,
    NudgeKind,
    NudgeState,
    Reflection,
    ReflectionStatus,
)
from resilience_app.service.build import open_service  # noqa: E402
from resilience_app.storage.codec import incident_to_dict  # noqa: E402
from resilience_app.storage.store import Store  # noqa: E402
from tests.end2end.desktop import VirtualDesktop  # noqa: E402

SIZES = (1_000, 10_000, 50_000)
REPEAT = 5
START_ROUNDS = 5
PER_MONTH = 420


def make_incident(n: int, now: datetime, total: int) -> Incident:
    # Oldest first, ending just before `now`, at a heavy user's pace.
    when = now - timedelta(days=30 * (total - n) / PER_MONTH, minutes=5)
    return Incident(
        id=uuid.uuid4().hex,
        flagged_at=when,
        label=f"Prospect {n % 997}",
        rough=n % 11,
        break_started_at=when,
        break_ends_at=when + timedelta(minutes=3),
        break_ended_at=when + timedelta(minutes=3),
        dialed_at=when + timedelta(minutes=9),
        reflection=Reflection(
            f"Call {n}: they asked about the contract length and hung up when I hesitated",
            MyPart.COULDNT_ANSWER,
            LossReason.PRICE_OR_TERMS,
            "Have the contract terms open before dialing",
            [f"Got past the gatekeeper at company {n}"],
            6,
        ),
        reflection_status=ReflectionStatus.SAVED,
        reflection_saved_at=when + timedelta(minutes=8),
    )


def history(total: int) -> tuple[list[Incident], list[Nudge]]:
    """`total` calls at a heavy user's pace up to now, each with its cancelled nudge."""
    now = datetime.now(UTC)
    incidents = [make_incident(n, now, total) for n in range(total)]
    nudges = [
        Nudge(
            uuid.uuid4().hex,
            i.id,
            NudgeKind.FIRST,
            i.flagged_at + timedelta(minutes=10),
            NudgeState.CANCELLED,
        )
        for i in incidents
    ]
    return incidents, nudges


def median_ms(fn: Callable[[int], object], repeat: int = REPEAT) -> float:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build(size: int, folder: Path) -> tuple[Path, Path]:
    now = datetime.now(UTC)
    incidents = [make_incident(n, now, size) for n in range(size)]
    nudges = [
        Nudge(
            uuid.uuid4().hex, i.id, kind, i.flagged_at + timedelta(minutes=m), NudgeState.CANCELLED
        )
        for i in incidents
        for kind, m in ((NudgeKind.FIRST, 10), (NudgeKind.SECOND, 15))
    ]
    ours = folder / f"ours-{size}"
    Store(ours).add_many(incidents, nudges)
    stock = folder / f"stock-{size}.json"
    db = TinyDB(str(stock), storage=JSONStorage)
    db.table("incidents").insert_multiple(incident_to_dict(i) for i in incidents)
    db.close()
    return ours, stock


def measure_size(size: int, folder: Path) -> dict[str, float]:
    ours, stock = build(size, folder)
    now = datetime.now(UTC)
    store = Store(ours)
    store.latest_incident()
    ours_flag = median_ms(lambda i: store.save_incident(make_incident(size + i, now, size)))
    stock_db = TinyDB(str(stock), storage=JSONStorage)
    stock_flag = median_ms(
        lambda i: stock_db.table("incidents").insert(
            incident_to_dict(make_incident(size + i, now, size))
        )
    )
    ours_load = median_ms(lambda i: Store(ours, readonly=True).incidents(), 3)
    stock_load = median_ms(
        lambda i: TinyDB(str(stock), storage=JSONStorage).table("incidents").all(), 3
    )
    reader = open_service(ours, readonly=True)
    reader.journal_calls(IncidentFilter(text="warm-up"))  # the running app has it in memory
    ours_search = median_ms(
        lambda i: reader.journal_calls(IncidentFilter(text=f"company {i * 7 + 3}"))
    )
    ours_cold = median_ms(
        lambda i: open_service(ours, readonly=True).journal_calls(
            IncidentFilter(text=f"company {i + 5}")
        ),
        3,
    )
    what = Query()
    stock_search = median_ms(
        lambda i: stock_db.table("incidents").search(
            what.reflection.what_happened.search(f"Call {i * 7 + 3}:")
        )
    )
    stock_db.close()
    return {
        "flag_ours_ms": ours_flag,
        "flag_stock_ms": stock_flag,
        "load_ours_ms": ours_load,
        "load_stock_ms": stock_load,
        "search_ours_ms": ours_search,
        "search_ours_cold_ms": ours_cold,
        "search_stock_ms": stock_search,
    }


def app_start(desktop: VirtualDesktop, data_dir: Path) -> float:
    start = time.perf_counter()
    proc = desktop.spawn(
        [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)], env=desktop.env
    )
    desktop.wait_for_tray_icons(1, timeout=30)
    while True:
        try:
            ipc.request_for(data_dir, "status", timeout=5)
            break
        except ipc.AppNotRunning:
            time.sleep(0.002)
    elapsed = time.perf_counter() - start
    proc.terminate(timeout=10)
    while desktop.tray_icons():
        time.sleep(0.01)
    return elapsed


def main() -> int:
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(
        dir=ROOT / "build" if (ROOT / "build").exists() else None
    ) as tmp:
        folder = Path(tmp)
        for size in SIZES:
            results[str(size)] = measure_size(size, folder)
        empty = folder / "empty"
        big = folder / f"ours-{SIZES[-1]}"
        starts: dict[str, list[float]] = {"empty": [], "big": []}
        with VirtualDesktop() as desktop:
            for _ in range(START_ROUNDS):
                starts["empty"].append(app_start(desktop, empty))
                starts["big"].append(app_start(desktop, big))
    start_empty = statistics.median(starts["empty"])
    start_big = statistics.median(starts["big"])

    print(
        f"{'incidents':>10} | {'flag ours':>9} {'stock':>8} {'ratio':>6} "
        f"| {'load ours':>9} {'stock':>8} "
        f"| {'search ours':>11} {'cold':>7} {'stock':>8} {'ratio':>6}"
    )
    for size, r in results.items():
        print(
            f"{int(size):>10,} | {r['flag_ours_ms']:7.1f}ms {r['flag_stock_ms']:6.1f}ms "
            f"{r['flag_stock_ms'] / r['flag_ours_ms']:5.0f}x | {r['load_ours_ms']:7.0f}ms "
            f"{r['load_stock_ms']:6.0f}ms | {r['search_ours_ms']:9.1f}ms "
            f"{r['search_ours_cold_ms']:5.0f}ms "
            f"{r['search_stock_ms']:6.0f}ms {r['search_stock_ms'] / r['search_ours_ms']:5.0f}x"
        )
    print(
        f"app start: empty journal {start_empty:.3f}s, {SIZES[-1]:,} incidents {start_big:.3f}s, "
        f"ratio {start_big / start_empty:.2f} (target <= 1.5)"
    )
    out = ROOT / "build" / "bench-storage.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "sizes": results,
                "app_start_s": {"empty": start_empty, "big": start_big, "samples": starts},
                "repeat": REPEAT,
            },
            indent=2,
        )
    )
    print(
        "(medians; ours fsyncs every write, stock TinyDB does not; "
        f"written to {out.relative_to(ROOT)})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
