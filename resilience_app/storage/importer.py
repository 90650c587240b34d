"""`resilience import`: read what `resilience export --format json` wrote, all or nothing.

Every record is checked before anything is written; a file with any bad record imports
nothing, and each problem is named by the record's position and field. The checks are the
app's own limits (text length, moments between 1970 and 2200, no call flagged in the
future, text that can be saved again), so an import cannot put anything in the journal
that the app would not have written itself; what is accepted reads back exactly as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TextIO

from resilience_app.core import values
from resilience_app.core.models import FollowUp, Incident, Nudge, Positive
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.i18n import _
from resilience_app.storage.export import EXPORT_SCHEMA
from resilience_app.storage.import_checks import (
    Call,
    built_call,
    checked_call,
    checked_playbook_entry,
    checked_positive,
    shown,
)
from resilience_app.storage.import_checks import (
    ImportProblems as ImportProblems,
)
from resilience_app.storage.import_checks import (
    ImportResult as ImportResult,
)
from resilience_app.storage.json_stream import Stream
from resilience_app.storage.store import Store

CALLS_PER_WRITE = 4000  # calls stored at a time (each touched month written once per batch)


class _Digests:
    """One running digest of the new calls' text, in order, kept at every batch boundary:
    memory for a few dozen digests, whatever the size of the file."""

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=16)
        self.count = 0
        self._kept: dict[int, bytes] = {}

    def add(self, raw: str) -> None:
        data = raw.encode("utf-8", "surrogatepass")
        self._hash.update(len(data).to_bytes(8, "big") + data)
        self.count += 1
        if self.count % CALLS_PER_WRITE == 0:
            self._kept[self.count] = self._hash.digest()

    def digest(self) -> bytes:
        return self._hash.digest()

    def at(self, count: int) -> bytes | None:
        """The digest after `count` calls (a batch boundary, or the end)."""
        return self.digest() if count == self.count else self._kept.get(count)


@dataclass
class Parsed:
    incidents: list[Incident] = field(default_factory=list)
    nudges: list[Nudge] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    positives: list[Positive] = field(default_factory=list)
    playbook: list[PlaybookEntry] = field(default_factory=list)


def parse_export(text: str, now: datetime | None = None) -> Parsed:
    """Validate a JSON export completely; raise ImportProblems listing what is wrong.
    Calls flagged after `now` (plus a little slack for another machine's clock) are
    refused: an open call from the future would keep the app on a break until then."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise ImportProblems([_("The file is nested far too deeply to be an export.")]) from None
    except ValueError as exc:
        raise ImportProblems(
            # Translators: {reason} is the JSON reader's reason, in English.
            [_("The file is not valid JSON ({reason}).").format(reason=str(exc)[:120])]
        ) from None
    if not isinstance(document, dict) or document.get("app") != "resilience":
        raise ImportProblems(
            [_("The file is not a Resilience export (made with `export --format json`).")]
        )
    schema = document.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise ImportProblems([_("The file has no format number, so it is not a full export.")])
    if schema > EXPORT_SCHEMA:
        raise ImportProblems(
            [
                _(
                    "The file was made by a newer Resilience (format {format}); update first."
                ).format(format=schema)
            ]
        )
    records = document.get("incidents")
    if not isinstance(records, list):
        # Translators: 'incidents' is a field of the file, as written in it.
        raise ImportProblems([_("The file has no list of 'incidents'.")])
    positives = document.get("positives", [])
    if not isinstance(positives, list):
        # Translators: 'positives' is a field of the file, as written in it.
        raise ImportProblems([_("'positives' should be a list.")])
    entries = document.get("playbook", [])  # exports from before the playbook have none
    if not isinstance(entries, list):
        # Translators: 'playbook' is a field of the file, as written in it.
        raise ImportProblems([_("'playbook' should be a list.")])
    problems: list[str] = []
    seen: set[str] = set()
    parsed = Parsed()
    latest = now + values.FUTURE_SLACK if now is not None else None
    for index, record in enumerate(records, start=1):
        found, call = checked_call(record, index, seen, latest)
        problems += found
        if call is None:
            continue
        seen.add(call[0].id)
        parsed.incidents.append(call[0])
        parsed.nudges += call[1]
        parsed.followups += call[2]
    for index, record in enumerate(positives, start=1):
        found, positive = checked_positive(record, index)
        problems += found
        if positive is not None:
            parsed.positives.append(positive)
    entry_seen: set[str] = set()
    for index, record in enumerate(entries, start=1):
        found, entry = checked_playbook_entry(record, index)
        problems += found
        if entry is not None and entry.id in entry_seen:
            problems.append(
                _("Playbook entry #{n} has the id {id}, which the file gives twice.").format(
                    n=index, id=shown(entry.id)
                )
            )
        elif entry is not None:
            entry_seen.add(entry.id)
            parsed.playbook.append(entry)
    if problems:
        raise ImportProblems(problems)
    return parsed


def import_into(store: Store, text: str, now: datetime | None = None) -> ImportResult:
    """Add the file's incidents that the journal does not have yet (all checked first)."""
    return import_stream(store, lambda: io.StringIO(text), now)


@dataclass
class _Walk:
    """What one pass over the file found at its top level."""

    document: Any = None  # the whole value, when it is not an object
    app: Any = None
    schema: Any = None
    incidents: int = 0  # how many 'incidents' members (the last one counts, as in json)
    incidents_list: bool = False
    positives: int = 0
    positives_list: bool = True
    playbook: int = 0  # exports from before the playbook have none
    playbook_list: bool = True


def _walk(
    handle: TextIO,
    incident: Callable[[int, int, Any, str], None],
    positive: Callable[[int, int, Any, str], None],
    entry: Callable[[int, int, Any, str], None] = lambda *_: None,
) -> _Walk:
    """Read the file once, handing every incident and positive to the callbacks as
    (member occurrence, index, record, its text). Raises ImportProblems if it is not
    JSON."""
    found = _Walk()
    stream = Stream(handle)
    try:
        if stream.peek() != "{":
            found.document = stream.rest()
            return found
        for key, first in stream.members():
            if key == "incidents":
                found.incidents += 1
                found.incidents_list = first == "["
                if first == "[":
                    for index, record in enumerate(stream.items(), start=1):
                        incident(found.incidents, index, record, stream.raw)
                else:
                    stream.value()
            elif key == "positives":
                found.positives += 1
                found.positives_list = first == "["
                if first == "[":
                    for index, record in enumerate(stream.items(), start=1):
                        positive(found.positives, index, record, stream.raw)
                else:
                    stream.value()
            elif key == "playbook":
                found.playbook += 1
                found.playbook_list = first == "["
                if first == "[":
                    for index, record in enumerate(stream.items(), start=1):
                        entry(found.playbook, index, record, stream.raw)
                else:
                    stream.value()
            elif key == "app":
                found.app = stream.value()
            elif key == "schema":
                found.schema = stream.value()
            else:
                stream.value()
    except RecursionError:
        raise ImportProblems([_("The file is nested far too deeply to be an export.")]) from None
    except ValueError as exc:
        if isinstance(exc, UnicodeDecodeError):
            raise
        raise ImportProblems(
            # Translators: {reason} is the JSON reader's reason, in English.
            [_("The file is not valid JSON ({reason}).").format(reason=str(exc)[:120])]
        ) from None
    return found


def _refuse_shape(found: _Walk) -> None:
    """The file's own problems, said in the order `parse_export` says them."""
    app = found.document.get("app") if isinstance(found.document, dict) else found.app
    if found.document is not None or app != "resilience":
        raise ImportProblems(
            [_("The file is not a Resilience export (made with `export --format json`).")]
        )
    schema = found.schema
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise ImportProblems([_("The file has no format number, so it is not a full export.")])
    if schema > EXPORT_SCHEMA:
        raise ImportProblems(
            [
                _(
                    "The file was made by a newer Resilience (format {format}); update first."
                ).format(format=schema)
            ]
        )
    if not found.incidents_list:
        # Translators: 'incidents' is a field of the file, as written in it.
        raise ImportProblems([_("The file has no list of 'incidents'.")])
    if not found.positives_list:
        # Translators: 'positives' is a field of the file, as written in it.
        raise ImportProblems([_("'positives' should be a list.")])
    if not found.playbook_list:
        # Translators: 'playbook' is a field of the file, as written in it.
        raise ImportProblems([_("'playbook' should be a list.")])


class _HasId(Protocol):
    id: str


def _unique(
    checked: Callable[[Any, int], tuple[list[str], _HasId | None]], twice: str
) -> tuple[dict[int, list[str]], Callable[[int, int, Any, str], None]]:
    """A checker for one list of the file (its positives, its playbook): each record's
    problems, and `twice` (with {n} and {id}) for an id the list gives twice; by the
    occurrence of the list in the file (the last one counts)."""
    problems: dict[int, list[str]] = {}
    ids: dict[int, set[str]] = {}

    def check(occurrence: int, index: int, record: Any, raw: str) -> None:
        found, item = checked(record, index)
        problems.setdefault(occurrence, []).extend(found)
        seen = ids.setdefault(occurrence, set())
        if item is not None and item.id in seen:
            problems[occurrence].append(twice.format(n=index, id=shown(item.id)))
        elif item is not None:
            seen.add(item.id)

    return problems, check


def import_stream(
    store: Store, open_text: Callable[[], TextIO], now: datetime | None = None
) -> ImportResult:
    """Add the calls of an export the journal does not have yet, all or nothing, reading
    the file twice a piece at a time (`open_text` opens it again each time): first every
    record is checked (as `parse_export` checks them) and nothing is written if any is
    wrong; then the new calls are stored a few thousand at a time, and the month files
    written are let go, so memory stays bounded whatever the size of the file.

    UnicodeDecodeError if the file is not UTF-8 text."""
    in_use = store.loaded_months()  # the running app's own: kept in memory throughout
    known = store.known_ids()
    latest = now + values.FUTURE_SLACK if now is not None else None
    result = ImportResult()

    # First pass: check everything, keep only ids; and a digest of the new calls' text,
    # taken at every batch, so that the second pass stores nothing the first did not check.
    problems: dict[int, list[str]] = {}
    seen: dict[int, set[str]] = {}
    clashes: dict[int, tuple[list[str], list[str]]] = {}
    already: dict[int, int] = {}
    accepted: dict[int, _Digests] = {}
    # Ids the file's new calls give their follow-ups and nudges, and its positives' ids:
    # one given twice would overwrite the other when stored. Kept as hashes (under half
    # the memory of the ids; two different ids of one file sharing a 64-bit hash would
    # refuse the file, a chance of about one in a billion at 100,000 calls).
    own_ids: dict[int, tuple[set[int], set[int]]] = {}

    def check_incident(occurrence: int, index: int, record: Any, raw: str) -> None:
        found, call = checked_call(record, index, seen.setdefault(occurrence, set()), latest)
        problems.setdefault(occurrence, []).extend(found)
        if call is None:
            return
        incident, nudges, followups = call
        seen[occurrence].add(incident.id)
        if incident.id in known.incidents:
            already[occurrence] = already.get(occurrence, 0) + 1
            return
        accepted.setdefault(occurrence, _Digests()).add(raw)
        # A new call's nudges and follow-ups must not take an id the journal already
        # uses for another call's, nor one the file gives twice: either would overwrite.
        to_followups, to_nudges = clashes.setdefault(occurrence, ([], []))
        followup_ids, nudge_ids = own_ids.setdefault(occurrence, (set(), set()))
        for f in followups:
            if known.followups.get(f.id, f.incident_id) != f.incident_id:
                # Translators: {id} and {call} are ids from the file, in quotes.
                said = _(
                    "The follow-up {id} of call {call} has the id of one already in your journal."
                )
            elif hash(f.id) in followup_ids:
                # Translators: {id} and {call} are ids from the file, in quotes.
                said = _("The follow-up {id} of call {call} has an id the file gives twice.")
            else:
                followup_ids.add(hash(f.id))
                continue
            to_followups.append(said.format(id=shown(f.id), call=shown(f.incident_id)))
        for n in nudges:
            if known.nudges.get(n.id, n.incident_id) != n.incident_id:
                # Translators: {id} and {call} are ids from the file, in quotes.
                said = _("The nudge {id} of call {call} has the id of one already in your journal.")
            elif hash(n.id) in nudge_ids:
                # Translators: {id} and {call} are ids from the file, in quotes.
                said = _("The nudge {id} of call {call} has an id the file gives twice.")
            else:
                nudge_ids.add(hash(n.id))
                continue
            to_nudges.append(said.format(id=shown(n.id), call=shown(n.incident_id)))

    # Translators: {n} is the place of a positive in the file; {id} its id, quoted.
    positive_twice = _("Positive #{n} has the id {id}, which the file gives twice.")
    # Translators: {n} is the place of a playbook entry in the file; {id} its id, quoted.
    entry_twice = _("Playbook entry #{n} has the id {id}, which the file gives twice.")
    positive_problems, check_positive = _unique(checked_positive, positive_twice)
    entry_problems, check_entry = _unique(checked_playbook_entry, entry_twice)

    with open_text() as handle:
        shape = _walk(handle, check_incident, check_positive, check_entry)
    _refuse_shape(shape)
    last, last_positives, last_entries = shape.incidents, shape.positives, shape.playbook
    wrong = (
        problems.get(last, [])
        + positive_problems.get(last_positives, [])
        + entry_problems.get(last_entries, [])
    )
    if wrong:
        raise ImportProblems(wrong)
    to_followups, to_nudges = clashes.get(last, ([], []))
    if to_followups or to_nudges:
        raise ImportProblems(to_followups + to_nudges)
    result.already_there = already.get(last, 0)
    checked = accepted.get(last, _Digests())
    reread = _Digests()

    # Second pass: store what is new, a batch at a time.
    batch: list[Call] = []
    positives: list[Positive] = []
    changed = [
        # Translators: the export file was changed by something else during the import.
        _("The file changed while it was being imported.")
    ]

    def store_batch() -> None:
        if batch:
            # The very text the first pass checked, or nothing of this batch is stored.
            if reread.count > checked.count or reread.digest() != checked.at(reread.count):
                raise ImportProblems(changed, imported=result.added)
            store.add_many(
                [c[0] for c in batch],
                [n for c in batch for n in c[1]],
                [f for c in batch for f in c[2]],
            )
            result.added += len(batch)
            batch.clear()
            store.release_months(keep=in_use)  # written: read again when needed

    def add_incident(occurrence: int, index: int, record: Any, raw: str) -> None:
        record_id = record.get("id") if isinstance(record, dict) else None
        if occurrence != last or record_id in known.incidents:
            return
        reread.add(raw)
        try:
            batch.append(built_call(record))  # checked by the first pass, if the text is the same
        except Exception:
            raise ImportProblems(changed, imported=result.added) from None
        if len(batch) >= CALLS_PER_WRITE:
            store_batch()

    def add_positive(occurrence: int, index: int, record: Any, raw: str) -> None:
        if occurrence == last_positives:
            _found, positive = checked_positive(record, index)
            if positive is not None and positive.id not in known.positives:
                positives.append(positive)

    # The journal's own entries stay as they are; only those it does not have are added.
    have = {e.id for e in store.playbook_entries()}
    entries: list[PlaybookEntry] = []

    def add_entry(occurrence: int, index: int, record: Any, raw: str) -> None:
        if occurrence == last_entries:
            _found, entry = checked_playbook_entry(record, index)
            if entry is not None and entry.id not in have:
                entries.append(entry)

    try:
        with open_text() as handle:
            walked = _walk(handle, add_incident, add_positive, add_entry)
    except ImportProblems as exc:
        if exc.problems is changed or not result.added:
            raise
        raise ImportProblems(exc.problems, imported=result.added) from None
    if (walked.incidents, walked.positives, walked.playbook) != (
        last,
        last_positives,
        last_entries,
    ) or (reread.count != checked.count):
        raise ImportProblems(changed, imported=result.added)
    store_batch()
    if positives:
        store.add_many([], positives=positives)
    if entries:
        store.save_playbook_entries(entries)
    result.playbook_added = len(entries)
    return result
