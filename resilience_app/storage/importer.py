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
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from resilience_app.core import values
from resilience_app.core.errors import UserError
from resilience_app.core.models import (
    DialSource,
    FollowUp,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpState,
    Incident,
    LossReason,
    MyPart,
    Nudge,
    NudgeKind,
    NudgeState,
    Positive,
    ReflectionStatus,
)
from resilience_app.i18n import N_, _, ngettext
from resilience_app.storage.codec import (
    BadRecord,
    followup_from_dict,
    incident_from_dict,
    nudge_from_dict,
    positive_from_dict,
)
from resilience_app.storage.export import EXPORT_SCHEMA
from resilience_app.storage.store import Store

MAX_PROBLEMS_SHOWN = 20
MAX_ID = 64
MAX_PER_CALL = 20  # nudges, or follow-ups, of one call


class ImportProblems(UserError):
    """The file cannot be imported; `problems` lists every reason found."""

    def __init__(self, problems: list[str], *, imported: int = 0) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        first = (
            ngettext(
                "The import stopped after {n} call was stored (import the file again once it "
                "is whole: calls already in your journal are skipped).",
                "The import stopped after {n} calls were stored (import the file again once "
                "it is whole: calls already in your journal are skipped).",
                imported,
            ).format(n=imported)
            if imported
            else _("Nothing was imported.")
        )
        said = [first, *shown]
        if more:
            said.append(
                ngettext("(and {n} more problem)", "(and {n} more problems)", more).format(n=more)
            )
        super().__init__(" ".join(said))


@dataclass
class ImportResult:
    added: int = 0
    already_there: int = 0

    @property
    def message(self) -> str:
        said = [
            ngettext("Imported {n} call.", "Imported {n} calls.", self.added).format(n=self.added)
        ]
        if self.already_there:
            said.append(
                ngettext(
                    "{n} already in your journal was left as it was.",
                    "{n} already in your journal were left as they were.",
                    self.already_there,
                ).format(n=self.already_there)
            )
        return " ".join(said)


def _is_when(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 40:
        return False
    try:
        moment = datetime.fromisoformat(value)
        return moment.tzinfo is not None and values.EARLIEST <= moment <= values.LATEST
    except (ValueError, OverflowError):
        return False


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


def _shown(value: Any) -> str:
    """A value quoted in a problem, short enough to read (a label may be megabytes)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check(
    record: Any, where: str, rules: dict[str, tuple[bool, Callable[[Any], bool], str]]
) -> list[str]:
    if not isinstance(record, dict):
        # Translators: {where} names a record of the file, e.g. "Incident #2" or "Positive #1".
        return [_("{where} is not an object.").format(where=where)]
    problems = []
    for key, (required, valid, expected) in rules.items():
        if key not in record:
            if required:
                # Translators: {where} names a record of the file ("Incident #2"); {key} the
                # name of a field, in quotes, as written in the file ('flagged_at').
                problems.append(_("{where} has no {key}.").format(where=where, key=repr(key)))
            continue
        if not valid(record[key]):
            problems.append(
                # Translators: {where} names a record of the file ("Incident #2"); {key} a
                # field, as written in the file ('rough'); {expected} what it must hold ("a
                # whole number from 0 to 10, or null"); {got} what it holds.
                _("{where}: {key} should be {expected} (got {got}).").format(
                    where=where,
                    key=repr(key),
                    expected=_(expected).format(**_LIMITS),
                    got=_shown(record[key]),
                )
            )
    return problems


def _optional(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


def _one_of(values: list[str]) -> Callable[[Any], bool]:
    return lambda value: value in values


def _text_of(limit: int) -> Callable[[Any], bool]:
    return lambda value: values.stored_text_problem(value, limit) is None


def _an_id(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and _text_of(MAX_ID)(value)


def _texts(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= values.MAX_POSITIVES
        and all(_text_of(values.MAX_TEXT)(p) for p in value)
    )


def _short_list(value: Any) -> bool:
    return isinstance(value, list) and len(value) <= MAX_PER_CALL


def _score(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10


# What each field must hold, said after "should be" in a problem: English, marked with N_()
# and translated where a problem is written, with the limits below filled in.
_LIMITS = {
    "id_limit": MAX_ID,
    "label_limit": values.MAX_LABEL,
    "text_limit": values.MAX_TEXT,
    "per_call": MAX_PER_CALL,
    "positives": values.MAX_POSITIVES,
    "sources": ", ".join(d.value for d in DialSource),
    "statuses": ", ".join(s.value for s in ReflectionStatus),
}
WHEN = (
    _is_when,
    # Translators: what a field must hold, after "should be".
    N_("a date and time between 1970 and 2200 with a time zone, like 2026-11-24T15:00:00+00:00"),
)
# Translators: what a field must hold, after "should be".
AN_ID = N_("a non-empty text of at most {id_limit} characters")
# Translators: what a field must hold, after "should be".
LABEL = N_("text of at most {label_limit} characters")
# Translators: what a field must hold, after "should be".
TEXT = N_("text of at most {text_limit} characters")
# Translators: what a field must hold, after "should be": a whole number or nothing ("null"
# is written as it is in the file).
SCORE = N_("a whole number from 0 to 10, or null")
# Translators: what a field must hold, after "should be".
SHORT_LIST = N_("a list of at most {per_call}")
INCIDENT_RULES: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "id": (True, _an_id, AN_ID),
    "flagged_at": (True, *WHEN),
    "label": (False, _optional(_text_of(values.MAX_LABEL)), LABEL),
    "rough": (False, _optional(_score), SCORE),
    "break_started_at": (False, _optional(_is_when), WHEN[1]),
    "break_ends_at": (False, _optional(_is_when), WHEN[1]),
    "break_ended_at": (False, _optional(_is_when), WHEN[1]),
    "dialed_at": (False, _optional(_is_when), WHEN[1]),
    "dial_source": (
        False,
        _optional(_one_of([d.value for d in DialSource])),
        # Translators: what a field must hold, after "should be"; {sources} are the values
        # as written in the file ("clicked, detected, hook").
        N_("one of {sources}"),
    ),
    "reflection_status": (
        False,
        _one_of([s.value for s in ReflectionStatus]),
        # Translators: what a field must hold, after "should be"; {statuses} are the values
        # as written in the file ("open, draft, saved, discarded").
        N_("one of {statuses}"),
    ),
    "reflection_saved_at": (False, _optional(_is_when), WHEN[1]),
    # Translators: what a field must hold, after "should be": a JSON object ({...}).
    "reflection": (False, _optional(lambda v: isinstance(v, dict)), N_("an object")),
    "nudges": (False, _short_list, SHORT_LIST),
    "followups": (False, _short_list, SHORT_LIST),
}
REFLECTION_RULES: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "what_happened": (False, _optional(_text_of(values.MAX_TEXT)), TEXT),
    "my_part": (
        False,
        _optional(_one_of([p.value for p in MyPart])),
        # Translators: what a field must hold, after "should be"; 'my part' is the note's
        # answer to "What was my part in it?".
        N_("a known 'my part'"),
    ),
    "loss_reason": (
        False,
        _optional(_one_of([r.value for r in LossReason])),
        # Translators: what a field must hold, after "should be".
        N_("a known loss reason"),
    ),
    "lesson": (False, _optional(_text_of(values.MAX_TEXT)), TEXT),
    "positives": (
        False,
        _texts,
        # Translators: what a field must hold, after "should be".
        N_("a list of at most {positives} texts of at most {text_limit} characters"),
    ),
    "mood_after": (False, _optional(_score), SCORE),
}
NUDGE_RULES: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "id": (True, _an_id, AN_ID),
    # Translators: what a field must hold, after "should be"; the three values are written
    # as they are in the file.
    "kind": (True, _one_of([k.value for k in NudgeKind]), N_("first, second or snooze")),
    "due_at": (True, *WHEN),
    # Translators: what a field must hold, after "should be".
    "state": (True, _one_of([s.value for s in NudgeState]), N_("a known nudge state")),
    "fired_at": (False, _optional(_is_when), WHEN[1]),
}


FOLLOWUP_RULES: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "id": (True, _an_id, AN_ID),
    # Translators: what a field must hold, after "should be".
    "kind": (True, _one_of([k.value for k in FollowUpKind]), N_("a known follow-up kind")),
    "due_at": (True, *WHEN),
    "created_at": (False, _optional(_is_when), WHEN[1]),
    # Translators: what a field must hold, after "should be"; the three values are written
    # as they are in the file.
    "state": (False, _one_of([s.value for s in FollowUpState]), N_("pending, done or cancelled")),
    "note": (False, _optional(_text_of(values.MAX_TEXT)), TEXT),
    "reminded_at": (False, _optional(_is_when), WHEN[1]),
    "done_at": (False, _optional(_is_when), WHEN[1]),
    # Translators: what a field must hold, after "should be".
    "outcome": (
        False,
        _optional(_one_of([o.value for o in FollowUpOutcome])),
        N_("a known outcome (won_back, reopened, referral, feedback, no_answer, declined)"),
    ),
    "outcome_note": (False, _optional(_text_of(values.MAX_TEXT)), TEXT),
}
POSITIVE_RULES: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "id": (True, _an_id, AN_ID),
    "created_at": (True, *WHEN),
    "text": (
        True,
        lambda v: isinstance(v, str) and bool(v.strip()) and _text_of(values.MAX_TEXT)(v),
        # Translators: what a field must hold, after "should be".
        N_("a non-empty text of at most {text_limit} characters"),
    ),
}


Call = tuple[Incident, list[Nudge], list[FollowUp]]


def _incident(
    record: Any, index: int, seen: set[str], latest: datetime | None
) -> tuple[list[str], Call | None]:
    """Check one incident of the file (the `index`th) with its nudges and follow-ups: the
    problems found, or none and the call as domain objects."""
    # Translators: a record of the file named by its place: the second incident (a
    # flagged call) is "Incident #2". It starts the sentences about the file's problems.
    where = _("Incident #{n}").format(n=index)
    found = _check(record, where, INCIDENT_RULES)
    if not found and isinstance(record.get("reflection"), dict):
        # Translators: the note (reflection) of the incident numbered {n} in the file.
        reflection_where = _("Incident #{n} reflection").format(n=index)
        found += _check(record["reflection"], reflection_where, REFLECTION_RULES)
    if not found:
        for field_name, rules, named in (
            # Translators: the nudge numbered {m} of the incident numbered {n} in the file.
            ("nudges", NUDGE_RULES, N_("Incident #{n} nudge #{m}")),
            # Translators: the follow-up numbered {m} of the incident numbered {n}.
            ("followups", FOLLOWUP_RULES, N_("Incident #{n} follow-up #{m}")),
        ):
            for m, item in enumerate(record.get(field_name) or [], start=1):
                item_where = _(named).format(n=index, m=m)
                found += _check(item, item_where, rules)
                if isinstance(item, dict) and item.get("incident_id") not in (
                    None,
                    record["id"],
                ):
                    found.append(
                        # Translators: {where} names a nudge or follow-up of the file.
                        _("{where} belongs to another incident.").format(where=item_where)
                    )
    if not found and record["id"] in seen:
        found.append(
            # Translators: {where} names a record of the file; {id} its id, in quotes.
            _("{where} repeats the id {id}.").format(where=where, id=_shown(record["id"]))
        )
    if not found and latest is not None and datetime.fromisoformat(record["flagged_at"]) > latest:
        found.append(
            # Translators: {where} names a record of the file; {when} the moment it gives.
            _("{where} was flagged in the future ({when}).").format(
                where=where, when=record["flagged_at"]
            )
        )
    if not found:
        try:
            incident = incident_from_dict(record)
            nudges = [
                nudge_from_dict({**nudge, "incident_id": record["id"]})
                for nudge in record.get("nudges") or []
            ]
            followups = [
                followup_from_dict({**followup, "incident_id": record["id"]})
                for followup in record.get("followups") or []
            ]
        except BadRecord as exc:
            # Translators: {where} names a record of the file; {reason} says why, in English.
            found.append(_("{where} does not read: {reason}.").format(where=where, reason=exc))
    if found:
        return found, None
    return [], (incident, nudges, followups)


def _built(record: dict[str, Any]) -> Call:
    """A call already checked by `_incident`, as domain objects (no second check)."""
    return (
        incident_from_dict(record),
        [nudge_from_dict({**n, "incident_id": record["id"]}) for n in record.get("nudges") or []],
        [
            followup_from_dict({**f, "incident_id": record["id"]})
            for f in record.get("followups") or []
        ],
    )


def _positive(record: Any, index: int) -> tuple[list[str], Positive | None]:
    # Translators: a positive of the file named by its place: the first is "Positive #1".
    where = _("Positive #{n}").format(n=index)
    found = _check(record, where, POSITIVE_RULES)
    if not found:
        try:
            return [], positive_from_dict(record)
        except BadRecord as exc:
            found.append(_("{where} does not read: {reason}.").format(where=where, reason=exc))
    return found, None


@dataclass
class Parsed:
    incidents: list[Incident] = field(default_factory=list)
    nudges: list[Nudge] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    positives: list[Positive] = field(default_factory=list)


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
    problems: list[str] = []
    seen: set[str] = set()
    parsed = Parsed()
    latest = now + values.FUTURE_SLACK if now is not None else None
    for index, record in enumerate(records, start=1):
        found, call = _incident(record, index, seen, latest)
        problems += found
        if call is None:
            continue
        seen.add(call[0].id)
        parsed.incidents.append(call[0])
        parsed.nudges += call[1]
        parsed.followups += call[2]
    for index, record in enumerate(positives, start=1):
        found, positive = _positive(record, index)
        problems += found
        if positive is not None:
            parsed.positives.append(positive)
    if problems:
        raise ImportProblems(problems)
    return parsed


def import_into(store: Store, text: str, now: datetime | None = None) -> ImportResult:
    """Add the file's incidents that the journal does not have yet (all checked first)."""
    return import_stream(store, lambda: io.StringIO(text), now)


# -- reading a file of any size a piece at a time -------------------------------------------

CHUNK_CHARS = 1 << 20  # read at a time
CALLS_PER_WRITE = 4000  # calls stored at a time (each touched month written once per batch)
_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_GOES_ON = re.compile(r"[0-9.eE+-]*")  # all that is left could continue a number
_DECODER = json.JSONDecoder()


class _Stream:
    """The top level of one JSON object read a piece at a time: member by member, and the
    items of an array one by one (each item parsed whole, with the standard decoder). So a
    100 MB export never sits in memory at once, as text or as objects."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self._text = ""
        self._pos = 0
        self._ended = False
        self.raw = ""  # the text of the last value read, as it stands in the file

    def _more(self) -> bool:
        if self._ended:
            return False
        # A value longer than a piece is parsed again from its start at each piece: the
        # pieces grow with it, so one huge value costs a few parses, not thousands.
        chunk = self._handle.read(max(CHUNK_CHARS, len(self._text) - self._pos))
        if not chunk:
            self._ended = True
            return False
        self._text = self._text[self._pos :] + chunk
        self._pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end), not taken."""
        while True:
            match = _SPACE.match(self._text, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._text):
                return self._text[self._pos]
            if not self._more():
                return ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"Expecting {char!r} (char {self._pos})")
        self._pos += 1

    def value(self) -> Any:
        """One whole JSON value (RecursionError if nested beyond reason)."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as exc:
                # Near the end of what was read (a literal, an escape or a string cut in
                # two), the value may simply go on in the next piece.
                cut = exc.pos >= len(self._text) - 16 or exc.msg.startswith("Unterminated")
                if cut and self._more():
                    continue  # the value goes on past what was read
                raise
            if _NUMBER_GOES_ON.fullmatch(self._text, end) and self._more():
                continue  # a number may go on past what was read ("12." then "5")
            self.raw = self._text[self._pos : end]
            self._pos = end
            return value

    def members(self) -> Iterator[tuple[str, str]]:
        """(key, first character of its value); the caller reads the value (`value` or
        `items`) before asking for the next member."""
        self.take("{")
        if self.peek() == "}":
            self._pos += 1
        else:
            while True:
                key = self.value()
                if not isinstance(key, str):
                    raise ValueError(f"Expecting property name (char {self._pos})")
                self.take(":")
                yield key, self.peek()
                if self.peek() == ",":
                    self._pos += 1
                    continue
                self.take("}")
                break
        if self.peek() != "":
            raise ValueError(f"Extra data (char {self._pos})")

    def items(self) -> Iterator[Any]:
        self.take("[")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield self.value()
            if self.peek() == ",":
                self._pos += 1
                continue
            self.take("]")
            return

    def rest(self) -> Any:
        """What is left, read whole (a file that is not an export: to say what it is)."""
        while self._more():
            pass
        return json.loads(self._text[self._pos :])


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


def _walk(
    handle: TextIO,
    incident: Callable[[int, int, Any, str], None],
    positive: Callable[[int, int, Any, str], None],
) -> _Walk:
    """Read the file once, handing every incident and positive to the callbacks as
    (member occurrence, index, record, its text). Raises ImportProblems if it is not
    JSON."""
    found = _Walk()
    stream = _Stream(handle)
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
    positive_problems: dict[int, list[str]] = {}
    seen: dict[int, set[str]] = {}
    clashes: dict[int, tuple[list[str], list[str]]] = {}
    already: dict[int, int] = {}
    accepted: dict[int, _Digests] = {}
    # Ids the file's new calls give their follow-ups and nudges, and its positives' ids:
    # one given twice would overwrite the other when stored. Kept as hashes (under half
    # the memory of the ids; two different ids of one file sharing a 64-bit hash would
    # refuse the file, a chance of about one in a billion at 100,000 calls).
    own_ids: dict[int, tuple[set[int], set[int]]] = {}
    positive_ids: dict[int, set[str]] = {}

    def check_incident(occurrence: int, index: int, record: Any, raw: str) -> None:
        found, call = _incident(record, index, seen.setdefault(occurrence, set()), latest)
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
            to_followups.append(said.format(id=_shown(f.id), call=_shown(f.incident_id)))
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
            to_nudges.append(said.format(id=_shown(n.id), call=_shown(n.incident_id)))

    def check_positive(occurrence: int, index: int, record: Any, raw: str) -> None:
        found, positive = _positive(record, index)
        positive_problems.setdefault(occurrence, []).extend(found)
        ids = positive_ids.setdefault(occurrence, set())
        if positive is not None and positive.id in ids:
            positive_problems[occurrence].append(
                # Translators: {n} is the place of a positive in the file; {id} its id, quoted.
                _("Positive #{n} has the id {id}, which the file gives twice.").format(
                    n=index, id=_shown(positive.id)
                )
            )
        elif positive is not None:
            ids.add(positive.id)

    with open_text() as handle:
        shape = _walk(handle, check_incident, check_positive)
    _refuse_shape(shape)
    last, last_positives = shape.incidents, shape.positives
    wrong = problems.get(last, []) + positive_problems.get(last_positives, [])
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
            batch.append(_built(record))  # checked by the first pass, if the text is the same
        except Exception:
            raise ImportProblems(changed, imported=result.added) from None
        if len(batch) >= CALLS_PER_WRITE:
            store_batch()

    def add_positive(occurrence: int, index: int, record: Any, raw: str) -> None:
        if occurrence == last_positives:
            _found, positive = _positive(record, index)
            if positive is not None and positive.id not in known.positives:
                positives.append(positive)

    try:
        with open_text() as handle:
            walked = _walk(handle, add_incident, add_positive)
    except ImportProblems as exc:
        if exc.problems is changed or not result.added:
            raise
        raise ImportProblems(exc.problems, imported=result.added) from None
    if (walked.incidents, walked.positives) != (last, last_positives) or (
        reread.count != checked.count
    ):
        raise ImportProblems(changed, imported=result.added)
    store_batch()
    if positives:
        store.add_many([], positives=positives)
    return result
