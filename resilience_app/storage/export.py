"""Everything recorded, as JSON (lossless), CSV (one row per call) or Markdown (to read)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from resilience_app import __version__
from resilience_app.core import texts
from resilience_app.core.errors import UserError
from resilience_app.core.models import FollowUp, Incident, Nudge, Positive, ReflectionStatus
from resilience_app.files import atomic_write
from resilience_app.storage.codec import (
    followup_to_dict,
    incident_to_dict,
    nudge_to_dict,
    positive_to_dict,
)
from resilience_app.storage.store import Store

EXPORT_SCHEMA = 2  # the export format; the journal files have their own numbers

FORMATS = ("json", "csv", "markdown")
# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(...) and
# friends): such text is written with a leading apostrophe, which shows it as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!~])")


@dataclass
class Journal:
    """Everything recorded in a period, as exported."""

    incidents: Sequence[Incident]
    nudges: Sequence[Nudge] = ()
    followups: Sequence[FollowUp] = ()
    positives: Sequence[Positive] = ()
    since: datetime | None = None
    until: datetime | None = None


def gather(store: Store, since: datetime | None = None, until: datetime | None = None) -> Journal:
    """What `export` writes: calls flagged in [since, until) with their nudges and
    follow-ups, and the positives written on their own in that period."""
    incidents = store.incidents_between(since, until)
    wanted = {i.id for i in incidents}
    everything = since is None and until is None
    nudges = [n for n in store.nudges() if everything or n.incident_id in wanted]
    followups = [f for f in store.followups() if everything or f.incident_id in wanted]
    return Journal(incidents, nudges, followups, store.positives(since, until), since, until)


def export(fmt: str, journal: Journal, now: datetime) -> str:
    if fmt == "json":
        return to_json(journal, now)
    if fmt == "csv":
        return to_csv(journal.incidents)
    if fmt == "markdown":
        return to_markdown(journal, now)
    raise ValueError(f"unknown format {fmt!r}")


def write_file(path: Path, text: str) -> None:
    """Write an export where the rep asked, durably and readable by them alone."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name to export to.", usage=True)
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise UserError(f"Could not write {path}: {exc.strerror or exc}.") from None


def _seconds_to_dial(incident: Incident) -> float | None:
    delta = incident.time_to_dial
    return round(delta.total_seconds(), 3) if delta is not None else None


def to_json(journal: Journal, now: datetime) -> str:
    nudges: dict[str, list[dict[str, Any]]] = {}
    for nudge in journal.nudges:
        nudges.setdefault(nudge.incident_id, []).append(nudge_to_dict(nudge))
    followups: dict[str, list[dict[str, Any]]] = {}
    for followup in sorted(journal.followups, key=lambda f: (f.created_at, f.id)):
        followups.setdefault(followup.incident_id, []).append(followup_to_dict(followup))
    records = []
    for incident in journal.incidents:
        record = incident_to_dict(incident)
        record["time_to_next_dial_seconds"] = _seconds_to_dial(incident)
        record["nudges"] = nudges.get(incident.id, [])
        record["followups"] = followups.get(incident.id, [])
        records.append(record)
    document = {
        "app": "resilience",
        "version": __version__,
        "schema": EXPORT_SCHEMA,
        "exported_at": now.isoformat(),
        "since": journal.since.isoformat() if journal.since else None,
        "until": journal.until.isoformat() if journal.until else None,
        "incidents": records,
        "positives": [positive_to_dict(p) for p in journal.positives],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = (
    "flagged_at",
    "label",
    "rough_before",
    "break_minutes",
    "dialed_at",
    "minutes_to_next_dial",
    "note_status",
    "what_happened",
    "my_part",
    "loss_reason",
    "lesson",
    "positives",
    "feel_after",
)


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def md(text: str) -> str:
    """Text as one line of Markdown that reads as written: line breaks become spaces, and
    characters Markdown would act on (a heading, a link, HTML) are escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def to_csv(incidents: Sequence[Incident]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for i in incidents:
        r = i.reflection
        break_minutes = ""
        if i.break_started_at and i.break_ended_at:
            break_minutes = f"{(i.break_ended_at - i.break_started_at).total_seconds() / 60:.1f}"
        to_dial = _seconds_to_dial(i)
        writer.writerow(
            (
                _local(i.flagged_at),
                _cell(i.label),
                "" if i.rough is None else i.rough,
                break_minutes,
                _local(i.dialed_at) if i.dialed_at else "",
                "" if to_dial is None else f"{to_dial / 60:.1f}",
                i.reflection_status.value,
                _cell(r.what_happened),
                texts.MY_PART[r.my_part] if r.my_part else "",
                texts.LOSS_REASON[r.loss_reason] if r.loss_reason else "",
                _cell(r.lesson),
                _cell(" | ".join(r.positives)),
                "" if r.mood_after is None else r.mood_after,
            )
        )
    return out.getvalue()


def _local(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else ""


def to_markdown(journal: Journal, now: datetime) -> str:
    incidents = journal.incidents
    period = ""
    if journal.since or journal.until:
        start = _local(journal.since)[:10] if journal.since else "the start"
        end = _local(journal.until)[:10] if journal.until else "today"
        period = f" Covers {start} to {end}."
    lines = ["# My Resilience journal", "", f"Exported {_local(now)}.{period}", ""]
    if journal.positives:
        lines += ["## Good moments, written on their own", ""]
        lines += [
            f"- {_local(p.created_at)[:10]}: {md(p.text)}"
            for p in sorted(journal.positives, key=lambda p: p.created_at, reverse=True)
        ]
        lines.append("")
    if not incidents:
        lines.append("No tough calls recorded in this period.")
    by_incident: dict[str, list[FollowUp]] = {}
    for followup in journal.followups:
        by_incident.setdefault(followup.incident_id, []).append(followup)
    for i in sorted(incidents, key=lambda x: x.flagged_at, reverse=True):
        title = _local(i.flagged_at) + (f" — {md(i.label)}" if i.label else "")
        lines += [f"## {title}", ""]
        facts = []
        if i.rough is not None:
            facts.append(f"felt {i.rough}/10 before the break")
        if i.reflection.mood_after is not None and i.reflection_status is ReflectionStatus.SAVED:
            facts.append(f"{i.reflection.mood_after}/10 after")
        to_dial = i.time_to_dial
        if to_dial is not None:
            facts.append(f"back on the phone after {to_dial.total_seconds() / 60:.0f} min")
        if facts:
            lines += ["*" + ", ".join(facts) + ".*", ""]
        r = i.reflection
        if i.reflection_status is not ReflectionStatus.SAVED:
            status = "not written yet" if i.reflection_open else "note discarded"
            lines += [f"_Reflection {status}._", ""]
            continue
        if r.what_happened:
            lines += [f"**What happened:** {md(r.what_happened)}", ""]
        if r.my_part:
            lines += [f"**My part:** {texts.MY_PART[r.my_part]}", ""]
        if r.loss_reason:
            lines += [f"**Why it was lost:** {texts.LOSS_REASON[r.loss_reason]}", ""]
        if r.lesson:
            lines += [f"**Lesson for the next call:** {md(r.lesson)}", ""]
        if r.positives:
            lines += ["**Positives:**", *[f"- {md(p)}" for p in r.positives], ""]
        if by_incident.get(i.id):
            lines.append("**Follow-ups:**")
            for f in sorted(by_incident[i.id], key=lambda f: f.due_at):
                mark = "x" if f.state.value == "done" else " "
                state = "" if f.state.value != "cancelled" else " (cancelled)"
                lines.append(f"- [{mark}] {_local(f.due_at)}: {texts.FOLLOW_UP[f.kind]}{state}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
