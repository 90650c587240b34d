"""The passphrase lock's cost, side by side with an unprotected journal, in one run.

With 50,000 calls stored (~420 a month, the storage bench's history), as medians:

- unlock: Argon2id on the passphrase and the key unwrapped (target <= 1 s),
- flag: one new incident stored durably: plain, protected and unlocked (AES-GCM, a file
  proof and the proof list), protected and locked (HPKE) (target <= 20 ms),
- load: every call read and its note opened, plain vs unlocked,
- start: the real app to a docked tray icon and an answering channel, plain vs protected
  and locked (Xvfb + trayer), alternating (target: unchanged; unlock comes after).

Prints a table and writes build/bench-lock.json.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from storage import app_start, history, make_incident, median_ms  # noqa: E402

from resilience_app.storage import keys, protection  # noqa: E402
from resilience_app.storage.store import Store  # noqa: E402
from tests.end2end.desktop import VirtualDesktop  # noqa: E402

SIZE = 50_000
REPEAT = 9
START_ROUNDS = 5
PASS = "correct horse battery staple"


def build(folder: Path, protect: bool) -> Path:
    incidents, nudges = history(SIZE)
    data_dir = folder / ("protected" if protect else "plain")
    store = Store(data_dir)
    store.add_many(incidents, nudges)
    if protect:
        protection.enable(store, PASS)
    store.close()
    return data_dir


def main() -> int:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(
        dir=ROOT / "build" if (ROOT / "build").exists() else None
    ) as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        plain_dir = build(folder, protect=False)
        protected_dir = build(folder, protect=True)
        print(f"(two journals of {SIZE:,} calls built in {time.perf_counter() - started:.0f}s)")
        key = keys.read_key_file(protected_dir)
        assert key is not None
        unlock_ms = median_ms(lambda i: keys.open_data_key(key, PASS), 5)
        data_key = keys.open_data_key(key, PASS)

        plain = Store(plain_dir)
        plain.latest_incident()
        unlocked = Store(protected_dir)
        unlocked.unlock(data_key)
        unlocked.latest_incident()
        locked = Store(protected_dir)
        locked.latest_incident()
        n = iter(range(SIZE, SIZE + 10 * REPEAT))
        flag = {
            "plain": median_ms(
                lambda i: plain.save_incident(make_incident(next(n), now, SIZE)), REPEAT
            ),
            "unlocked": median_ms(
                lambda i: unlocked.save_incident(make_incident(next(n), now, SIZE)), REPEAT
            ),
            "locked": median_ms(
                lambda i: locked.save_incident(make_incident(next(n), now, SIZE)), REPEAT
            ),
        }
        for store in (plain, unlocked, locked):
            store.close()

        def load(data_dir: Path, key: bytes | None) -> None:
            store = Store(data_dir, readonly=True)
            if key is not None:
                store.unlock(key)
            assert len(store.incidents()) >= SIZE

        load_ms = {
            "plain": median_ms(lambda i: load(plain_dir, None), 3),
            "unlocked": median_ms(lambda i: load(protected_dir, data_key), 3),
        }
        starts: dict[str, list[float]] = {"plain": [], "protected": []}
        with VirtualDesktop() as desktop:
            for _ in range(START_ROUNDS):
                starts["plain"].append(app_start(desktop, plain_dir))
                starts["protected"].append(app_start(desktop, protected_dir))
    start = {k: statistics.median(v) for k, v in starts.items()}

    print(f"unlock (Argon2id + unwrap): {unlock_ms:.0f} ms (target <= 1000 ms)")
    print(
        f"flag with {SIZE:,} stored: plain {flag['plain']:.1f} ms, protected unlocked "
        f"{flag['unlocked']:.1f} ms ({flag['unlocked'] / flag['plain']:.2f}x), locked "
        f"{flag['locked']:.1f} ms ({flag['locked'] / flag['plain']:.2f}x) (target <= 20 ms)"
    )
    print(
        f"load all {SIZE:,}: plain {load_ms['plain']:.0f} ms, protected unlocked "
        f"{load_ms['unlocked']:.0f} ms ({load_ms['unlocked'] / load_ms['plain']:.2f}x)"
    )
    print(
        f"app start to tray: plain {start['plain']:.3f} s, protected (locked) "
        f"{start['protected']:.3f} s ({start['protected'] / start['plain']:.2f}x; target ~1.0)"
    )
    out = ROOT / "build" / "bench-lock.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "size": SIZE,
                "unlock_ms": unlock_ms,
                "flag_ms": flag,
                "load_ms": load_ms,
                "app_start_s": {**start, "samples": starts},
                "kdf": {"time_cost": key.time_cost, "memory_kib": key.memory_kib},
            },
            indent=2,
        )
    )
    print(f"(medians; written to {out.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
