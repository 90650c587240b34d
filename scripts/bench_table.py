"""The README's performance table, made from what `make bench` wrote (build/bench-*.json).

Rewrites the part of README.md between the two marker comments, so the figures there are
always measured ones, with the machine and the date they were measured on. Rows whose
bench has not run are left out. `--check` only says whether the README is up to date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
README = ROOT / "README.md"
START = "<!-- bench-table:start (made by scripts/bench_table.py from build/bench-*.json) -->"
END = "<!-- bench-table:end -->"

Row = tuple[str, str, str, str]


def _load(name: str) -> dict[str, Any] | None:
    path = BUILD / f"bench-{name}.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def _s(value: float) -> str:
    return f"{value:.3f} s"


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def startup_rows(d: dict[str, Any]) -> list[Row]:
    start, r = d["start"], d["running"]

    def med(key: str) -> float:
        values = sorted(start[key])
        return float(values[len(values) // 2])

    floor, ours = med("floor_tray_s"), med("ours_tray_s")
    floor_rss, ours_rss = med("floor_rss"), med("ours_rss")
    growth = r["rss_after_cycles_mib"] - r["rss_after_warmup_mib"]
    return [
        ("start to tray icon", _s(floor), f"{_s(ours)} ({ours / floor:.2f}×)", "≤ 1.25×"),
        (
            "memory when ready",
            f"{floor_rss:.1f} MiB",
            f"{ours_rss:.1f} MiB (+{ours_rss - floor_rss:.1f})",
            "≤ +25 MiB",
        ),
        (
            "memory growth over 200 flag → break → note → dialed cycles",
            "",
            f"+{growth:.1f} MiB",
            "≤ 5 MiB",
        ),
        (
            "idle CPU, no break running",
            "",
            f"{r['idle_cpu_s_per_min']:.3f} s/min, {r['idle_wakeups_per_min']:.0f} wake-ups/min",
            "≤ 0.05 s/min",
        ),
        (
            "breathing animation",
            "",
            f"{r['break_fps']:.1f} fps at {r['break_cpu_percent']:.1f} % of a core",
            "≥ 30 fps, ≤ 10 %",
        ),
        ("flag received → break window drawn", "", _ms(r["flag_to_window_ms"]), "≤ 50 ms"),
        (
            "`resilience dialed` (running app)",
            f"`python -c pass` {_s(r['python_pass_s'])}",
            _s(r["cli_dialed_s"]),
            f"≤ {2 * r['python_pass_s'] + 0.05:.3f} s",
        ),
    ]


def storage_rows(d: dict[str, Any]) -> list[Row]:
    big = d["sizes"][max(d["sizes"], key=int)]
    n = f"{int(max(d['sizes'], key=int)):,}"
    start = d["app_start_s"]
    return [
        (
            f"one durable flag with {n} calls stored",
            f"stock TinyDB {_ms(big['flag_stock_ms'])}",
            _ms(big["flag_ours_ms"]),
            "≤ 20 ms",
        ),
        (
            f"text search, {n} calls",
            f"stock TinyDB {_ms(big['search_stock_ms'])}",
            _ms(big["search_ours_ms"]),
            "≤ 30 ms",
        ),
        (
            f"app start with {n} calls vs empty",
            "",
            f"{start['big'] / start['empty']:.2f}×",
            "≤ 1.5×",
        ),
    ]


def insights_rows(d: dict[str, Any]) -> list[Row]:
    m, n = d["medians"], f"{d['medians']['incidents']:,}"
    return [
        (
            f"open Insights, {n} calls (12 weeks shown)",
            "",
            _ms(m["open_insights_s"] * 1000),
            "≤ 300 ms",
        ),
        (
            f"`resilience stats`, {n} calls (12 weeks)",
            "",
            _ms(m["stats_default_s"] * 1000),
            "≤ 1 s",
        ),
    ]


def lock_rows(d: dict[str, Any]) -> list[Row]:
    flag, n = d["flag_ms"], f"{d['size']:,}"
    start = d["app_start_s"]
    return [
        (
            f"unlock (Argon2id, {d['kdf']['memory_kib'] // 1024} MiB)",
            "",
            _ms(d["unlock_ms"]),
            "≤ 1 s",
        ),
        (
            f"one durable flag, {n} protected calls",
            f"plain {_ms(flag['plain'])}",
            f"unlocked {_ms(flag['unlocked'])} ({flag['unlocked'] / flag['plain']:.2f}×), "
            f"locked {_ms(flag['locked'])}",
            "≤ 20 ms",
        ),
        (
            f"app start to tray, {n} calls",
            f"plain {_s(start['plain'])}",
            f"protected {_s(start['protected'])} ({start['protected'] / start['plain']:.2f}×)",
            "unchanged",
        ),
    ]


def scale_rows(d: dict[str, Any]) -> list[Row]:
    r, n = d["results"]["after"], f"{d['calls']:,}"
    rows: list[Row] = []
    for kind, named in (("plain", ""), ("protected", ", protected")):
        default, every = r[f"stats_default_{kind}_ms"], r[f"stats_all_{kind}_ms"]
        rows.append(
            (
                f"`resilience stats`, all ten years vs 12 weeks{named} ({n} calls)",
                f"12 weeks {_ms(default)}",
                f"{_ms(every)} ({every / default:.2f}×)",
                "≤ 3×",
            )
        )
    for kind, named in (("plain", ""), ("protected", ", protected")):
        rows.append(
            (
                f"`resilience journal` to its window on screen{named}",
                "",
                f"{_ms(r[f'journal_open_{kind}_ms'])}; first page "
                f"{_ms(r[f'journal_first_page_{kind}_ms'])}",
                "≤ 250 ms",
            )
        )
        rows.append(
            (
                f"longest wait of the window while the journal opens, searches{named}",
                "",
                f"{_ms(r[f'journal_open_stall_{kind}_ms'])}, "
                f"{_ms(r[f'journal_search_stall_{kind}_ms'])}",
                "storage ≤ 16 ms",
            )
        )
    for kind, named in (("plain", ""), ("protected", ", protected")):
        rows.append(
            (
                f"first flag after start → break drawn{named}",
                f"later flags {_ms(r[f'later_flags_{kind}_ms'])}",
                _ms(r[f"first_flag_{kind}_ms"]),
                "≤ 50 ms, as the later ones",
            )
        )
    rows.append(
        (
            f"start to tray icon, empty / {n} calls / protected",
            _s(r["floor_tray_ms"] / 1000),
            f"{r['start_empty_ratio']:.2f}× / {r['start_plain_ratio']:.2f}× / "
            f"{r['start_protected_ratio']:.2f}×",
            "≤ 1.25×",
        )
    )
    for kind, named in (("plain", ""), ("protected", ", protected")):
        rows.append(
            (
                f"import {d['import_calls']:,} calls ({d['results']['export_mib']:.0f} MB){named}",
                "",
                f"{r[f'import_{kind}_s']:.1f} s, peak {r[f'import_{kind}_rss_mib']:.0f} MiB",
                "≤ 4 s, ≤ 150 MiB",
            )
        )
    return rows


def playbook_rows(d: dict[str, Any]) -> list[Row]:
    empty, big = d["results"]["0"], d["results"][str(d["entries"])]
    n = f"{d['entries']:,}"
    return [
        (
            f"`resilience journal --tab playbook` to its rows shown, {n} entries",
            f"empty playbook {_ms(empty['open_ms'])}",
            f"{_ms(big['open_ms'])} ({big['open_ms'] / empty['open_ms']:.2f}×)",
            "≤ 250 ms",
        ),
        (
            f"playbook search, slowest key of a word typed, {n} entries",
            f"empty playbook {_ms(empty['slowest_key_ms'])}",
            f"{_ms(big['slowest_key_ms'])} "
            f"({big['slowest_key_ms'] / empty['slowest_key_ms']:.2f}×)",
            "≤ 50 ms",
        ),
    ]


SOURCES: tuple[tuple[str, Callable[[dict[str, Any]], list[Row]]], ...] = (
    ("startup", startup_rows),
    ("storage", storage_rows),
    ("insights", insights_rows),
    ("lock", lock_rows),
    ("scale", scale_rows),
    ("playbook", playbook_rows),
)


def machine() -> str:
    scale = _load("scale")
    if scale is not None:
        m = scale["machine"]
        return f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['system']}"
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"


def when() -> str:
    times = [p.stat().st_mtime for p in BUILD.glob("bench-*.json")]
    return datetime.fromtimestamp(max(times)).date().isoformat() if times else "never"


def table() -> str:
    rows: list[Row] = []
    for name, make in SOURCES:
        data = _load(name)
        if data is not None:
            try:
                rows += make(data)
            except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
                print(f"bench-{name}.json: skipped ({type(exc).__name__}: {exc})", file=sys.stderr)
    lines = [
        START,
        f"Measured by `make bench` on {machine()}, {when()} (medians; ratios within one run).",
        "",
        "| | next to | Resilience | target |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        END,
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if README.md is not up to date")
    parser.add_argument("--print", action="store_true", help="print the table, change nothing")
    args = parser.parse_args()
    made = table()
    if args.print:
        print(made)
        return 0
    text = README.read_text(encoding="utf-8")
    try:
        head, rest = text.split(START, 1)
        _old, tail = rest.split(END, 1)
    except ValueError:
        print(f"README.md has no {START!r} ... {END!r} block", file=sys.stderr)
        return 1
    new = head + made + tail
    if args.check:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    print(f"README.md: {made.count(chr(10)) - 4} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
