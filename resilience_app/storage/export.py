"""Everything recorded, as JSON (lossless), CSV (one row per call; or, asked for, one row
per playbook entry: one table a file, as a spreadsheet opens it) or Markdown (to read)."""

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

from resilience_app import __version__, i18n
from resilience_app.core import sizes, texts
from resilience_app.core.errors import UserError
from resilience_app.core.models import FollowUp, Incident, Nudge, Positive, ReflectionStatus
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.files import atomic_write
from resilience_app.i18n import _, ngettext
from resilience_app.storage.codec import (
    followup_to_dict,
    incident_to_dict,
    nudge_to_dict,
    positive_to_dict,
)
from resilience_app.storage.playbook import entry_to_dict
from resilience_app.storage.store import Store

EXPORT_SCHEMA = 2  # the export format; the journal files have their own numbers

FORMATS = ("json", "csv", "markdown")
# What a CSV file holds: one table (JSON and Markdown hold everything).
CSV_TABLES = ("calls", "playbook")
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
    playbook: Sequence[PlaybookEntry] = ()


def gather(store: Store, since: datetime | None = None, until: datetime | None = None) -> Journal:
    """What `export` writes: calls flagged in [since, until) with their nudges and
    follow-ups, and the positives written on their own in that period."""
    incidents = store.incidents_between(since, until)
    wanted = {i.id for i in incidents}
    everything = since is None and until is None
    nudges = [n for n in store.nudges() if everything or n.incident_id in wanted]
    followups = [f for f in store.followups() if everything or f.incident_id in wanted]
    # The playbook entries written in the period (all of them, for the whole journal).
    playbook = [
        e
        for e in store.playbook_entries()
        if (since is None or e.created_at >= since) and (until is None or e.created_at < until)
    ]
    return Journal(
        incidents, nudges, followups, store.positives(since, until), since, until, playbook
    )


def export(fmt: str, journal: Journal, now: datetime, *, what: str = "calls") -> str:
    if fmt == "json":
        return to_json(journal, now)
    if fmt == "csv" and what == "playbook":
        return playbook_csv(journal.playbook)
    if fmt == "csv":
        return to_csv(journal.incidents)
    if fmt == "markdown":
        return to_markdown(journal, now)
    raise ValueError(f"unknown format {fmt!r}")


def write_file(path: Path, text: str) -> None:
    """Write an export where the rep asked, durably and readable by them alone."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise UserError(
            _("{path} is a folder; give a file name to export to.").format(path=path), usage=True
        )
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise UserError(
            # Translators: {reason} is the system's reason ("Permission denied").
            _("Could not write {path}: {reason}.").format(path=path, reason=exc.strerror or exc)
        ) from None


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
        # Added to format 2: an older Resilience ignores it; older exports have none.
        "playbook": [entry_to_dict(e) for e in journal.playbook],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = (
    "flagged_at",
    "label",
    "rough_before",
    "size",  # how much it mattered, in the rep's language (empty: not said)
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
    "they_said",
    "what_was_missing",
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
                sizes.size_name(i.size) if i.size else "",
                break_minutes,
                _local(i.dialed_at) if i.dialed_at else "",
                "" if to_dial is None else f"{to_dial / 60:.1f}",
                i.reflection_status.value,
                _cell(r.what_happened),
                texts.my_part(r.my_part) if r.my_part else "",
                texts.loss_reason(r.loss_reason) if r.loss_reason else "",
                _cell(r.lesson),
                _cell(" | ".join(r.positives)),
                "" if r.mood_after is None else r.mood_after,
                _cell(r.said),
                _cell(r.missing),
            )
        )
    return out.getvalue()


PLAYBOOK_COLUMNS = (
    "written_at",
    "their_words",
    "my_answer",
    "tags",
    "came_up_times",
    "also_said",
    "answered_at",
    "practised_at",
    "earlier_answers",
)


def _active(entries: Sequence[PlaybookEntry]) -> list[PlaybookEntry]:
    """The entries as the rep's playbook lists them: not those merged into another, the
    ones that came up most first, then the newest."""
    found = [e for e in entries if e.active]
    found.sort(key=lambda e: (-e.times, -e.created_at.timestamp(), e.id))
    return found


def playbook_csv(entries: Sequence[PlaybookEntry]) -> str:
    """The playbook, one row per entry (merged entries in the one they were merged into:
    their words under also_said). Lists within a cell are separated by " | "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(PLAYBOOK_COLUMNS)
    for e in _active(entries):
        writer.writerow(
            (
                _local(e.created_at),
                _cell(e.said),
                _cell(e.answer),
                _cell(" | ".join(texts.playbook_tag(t) for t in e.tags)),
                e.times,
                _cell(" | ".join(e.also_said)),
                _local(e.answered_at),
                _local(e.practised_at),
                _cell(" | ".join(w.text for w in e.earlier)),
            )
        )
    return out.getvalue()


def playbook_markdown(entries: Sequence[PlaybookEntry]) -> list[str]:
    """The "My playbook" section: their words, my answer (or "No answer yet"), what else
    they said, the tags and how often it came up."""
    found = _active(entries)
    if not found:
        return []
    lines = ["## " + _("My playbook"), ""]
    for e in found:
        # Translators: {said} is what a customer said, in the rep's words; keep the quotation
        # marks of your language around it.
        lines += ["### " + _("“{said}”").format(said=md(e.said)), ""]
        if e.answer:
            lines += [_bold(_("My answer:")) + " " + md(e.answer), ""]
        else:
            lines += ["_" + _("No answer yet") + "_", ""]
        if e.also_said:
            lines += [_bold(_("Also said:")), *[f"- {md(s)}" for s in e.also_said], ""]
        n = e.times
        bits = [md(", ".join(texts.playbook_tag(t) for t in e.tags))] if e.tags else []
        # Translators: how often the same question came up (on the calls linked to it).
        bits.append(ngettext("came up {n} time", "came up {n} times", n).format(n=n))
        lines += ["*" + " · ".join(bits) + "*", ""]
    return lines


def _local(when: datetime | None) -> str:
    """A moment as the CSV writes it (sortable, the same in every language)."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else ""


# Moments and days in the Markdown export: the rep's language, with the year.
MOMENT = "yMMMd"  # the date part; the time follows in the locale's short form


def _moment(when: datetime) -> str:
    return i18n.format_datetime(when, MOMENT)


def _day(when: datetime) -> str:
    return i18n.format_date(when.astimezone().date())


def _period(journal: Journal) -> str:
    """The sentence saying which days an export covers ("" for all of it)."""
    if journal.since and journal.until:
        return _("Covers {start} to {end}.").format(
            start=_day(journal.since), end=_day(journal.until)
        )
    if journal.since:
        return _("Covers {start} to today.").format(start=_day(journal.since))
    if journal.until:
        return _("Covers the start to {end}.").format(end=_day(journal.until))
    return ""


def _facts(rough: int | None, after: int | None, minutes: int | None) -> str:
    """How a call went, as one sentence: how rough it felt before the break, how the rep
    felt after the note, and how soon they were back on the phone (any of them missing)."""
    if minutes is None:
        if rough is not None and after is not None:
            # Translators: how a call went: {rough} and {after} are scores out of 10, before
            # the break and after writing the note.
            return _("rough {rough}/10 before the break, mood {after}/10 after.").format(
                rough=rough, after=after
            )
        if rough is not None:
            # Translators: how rough a call felt, a score out of 10.
            return _("rough {rough}/10 before the break.").format(rough=rough)
        if after is not None:
            # Translators: how the rep felt after writing the note, a score out of 10.
            return _("mood {after}/10 after.").format(after=after)
        return ""
    if rough is not None and after is not None:
        # Translators: how a call went: {rough} and {after} are scores out of 10, before the
        # break and after writing the note; {n} the minutes until the next dial.
        text = ngettext(
            "rough {rough}/10 before the break, mood {after}/10 after, "
            "back on the phone after {n} min.",
            "rough {rough}/10 before the break, mood {after}/10 after, "
            "back on the phone after {n} min.",
            minutes,
        )
    elif rough is not None:
        # Translators: how a call went: {rough} is a score out of 10; {n} the minutes until
        # the next dial.
        text = ngettext(
            "rough {rough}/10 before the break, back on the phone after {n} min.",
            "rough {rough}/10 before the break, back on the phone after {n} min.",
            minutes,
        )
    elif after is not None:
        # Translators: how a call went: {after} is a score out of 10 after writing the note;
        # {n} the minutes until the next dial.
        text = ngettext(
            "mood {after}/10 after, back on the phone after {n} min.",
            "mood {after}/10 after, back on the phone after {n} min.",
            minutes,
        )
    else:
        # Translators: {n} is the minutes from a tough call to the next dial.
        text = ngettext(
            "back on the phone after {n} min.", "back on the phone after {n} min.", minutes
        )
    return text.format(rough=rough, after=after, n=i18n.format_number(minutes))


def _bold(text: str) -> str:
    return f"**{text}**"


def to_markdown(journal: Journal, now: datetime) -> str:
    incidents = journal.incidents
    # Translators: the time the journal was exported, with its year.
    exported = _("Exported {when}.").format(when=_moment(now))
    period = _period(journal)
    title = _("My Resilience journal")
    lines = [f"# {title}", "", f"{exported} {period}" if period else exported, ""]
    if journal.positives:
        lines += ["## " + _("Good moments, written on their own"), ""]
        lines += [
            f"- {_day(p.created_at)}: {md(p.text)}"
            for p in sorted(journal.positives, key=lambda p: p.created_at, reverse=True)
        ]
        lines.append("")
    lines += playbook_markdown(journal.playbook)
    if not incidents:
        lines.append(_("No tough calls recorded in this period."))
    by_incident: dict[str, list[FollowUp]] = {}
    for followup in journal.followups:
        by_incident.setdefault(followup.incident_id, []).append(followup)
    for i in sorted(incidents, key=lambda x: x.flagged_at, reverse=True):
        heading = _moment(i.flagged_at)
        if i.label:
            # Translators: the heading of a call in the export: {when} it was flagged and the
            # {label} the rep gave it (a prospect or company).
            heading = _("{when} — {label}").format(when=heading, label=md(i.label))
        lines += [f"## {heading}", ""]
        saved = i.reflection_status is ReflectionStatus.SAVED
        to_dial = i.time_to_dial
        facts = _facts(
            i.rough,
            i.reflection.mood_after if saved else None,
            round(to_dial.total_seconds() / 60) if to_dial is not None else None,
        )
        if facts:
            lines += [f"*{facts}*", ""]
        if i.size:
            # Translators: a heading in the export, before how much a call mattered ("Big").
            lines += [_bold(_("How big it was:")) + " " + sizes.size_name(i.size), ""]
        r = i.reflection
        if not saved:
            if i.reflection_open:
                lines += ["_" + _("Reflection not written yet.") + "_", ""]
            else:
                lines += ["_" + _("Reflection note discarded.") + "_", ""]
            continue
        if r.what_happened:
            lines += [_bold(_("What happened:")) + " " + md(r.what_happened), ""]
        if r.my_part:
            # Translators: a heading in the export, before the answer to "What was my part?".
            lines += [_bold(_("My part:")) + " " + texts.my_part(r.my_part), ""]
        if r.loss_reason:
            lines += [_bold(_("Why it was lost:")) + " " + texts.loss_reason(r.loss_reason), ""]
        if r.missing:
            # Translators: a heading in the export, before what the product lacked.
            lines += [_bold(_("What was missing:")) + " " + md(r.missing), ""]
        if r.said:
            # Translators: a heading in the export, before what a customer said or asked
            # that the rep could not answer, in the rep's words.
            lines += [_bold(_("What they said that I couldn't answer:")) + " " + md(r.said), ""]
        if r.lesson:
            lines += [_bold(_("Lesson for the next call:")) + " " + md(r.lesson), ""]
        if r.positives:
            lines += [_bold(_("Positives:")), *[f"- {md(p)}" for p in r.positives], ""]
        if by_incident.get(i.id):
            lines.append(_bold(_("Follow-ups:")))
            for f in sorted(by_incident[i.id], key=lambda f: f.due_at):
                mark = "x" if f.state.value == "done" else " "
                what = texts.follow_up(f.kind)
                if f.state.value == "cancelled":
                    # Translators: a follow-up in the export that the rep cancelled.
                    what = _("{followup} (canceled)").format(followup=what)
                lines.append(f"- [{mark}] {_moment(f.due_at)}: {what}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
