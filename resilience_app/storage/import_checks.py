"""What an import accepts: every record of an export checked against the app's own limits.

Each problem is named by the record's place and field ("Incident #2 label should be …"),
so a file with any bad record imports nothing and the rep learns what to mend. The checks
are the app's own limits (text length, moments between 1970 and 2200, no call flagged in
the future, text that can be saved again): an import cannot put anything in the journal
that the app would not have written itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    LossSize,
    MyPart,
    Nudge,
    NudgeKind,
    NudgeState,
    Positive,
    ReflectionStatus,
)
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.i18n import N_, _, ngettext
from resilience_app.storage.codec import (
    BadRecord,
    followup_from_dict,
    incident_from_dict,
    nudge_from_dict,
    positive_from_dict,
)
from resilience_app.storage.playbook import entry_from_dict

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
    playbook_added: int = 0  # entries of the rep's playbook the journal did not have

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
        if self.playbook_added:
            said.append(
                ngettext(
                    "Added {n} entry to your playbook.",
                    "Added {n} entries to your playbook.",
                    self.playbook_added,
                ).format(n=self.playbook_added)
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


def shown(value: Any) -> str:
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
                    got=shown(record[key]),
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
    "sizes": ", ".join(s.value for s in LossSize),
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
    "size": (
        False,
        _optional(_one_of([s.value for s in LossSize])),
        # Translators: what a field must hold, after "should be"; {sizes} are the values as
        # written in the file ("small, big, make_or_break").
        N_("one of {sizes}"),
    ),
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
    "said": (False, _optional(_text_of(values.MAX_LABEL)), LABEL),
    "missing": (False, _optional(_text_of(values.MAX_LABEL)), LABEL),
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
    "playbook_id": (False, _optional(_an_id), AN_ID),
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


def checked_call(
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
            _("{where} repeats the id {id}.").format(where=where, id=shown(record["id"]))
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


def built_call(record: dict[str, Any]) -> Call:
    """A call already checked by `checked_call`, as domain objects (no second check)."""
    return (
        incident_from_dict(record),
        [nudge_from_dict({**n, "incident_id": record["id"]}) for n in record.get("nudges") or []],
        [
            followup_from_dict({**f, "incident_id": record["id"]})
            for f in record.get("followups") or []
        ],
    )


def checked_positive(record: Any, index: int) -> tuple[list[str], Positive | None]:
    # Translators: a positive of the file named by its place: the first is "Positive #1".
    where = _("Positive #{n}").format(n=index)
    found = _check(record, where, POSITIVE_RULES)
    if not found:
        try:
            return [], positive_from_dict(record)
        except BadRecord as exc:
            found.append(_("{where} does not read: {reason}.").format(where=where, reason=exc))
    return found, None


PLAYBOOK_RULES: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "id": (True, _an_id, AN_ID),
    "created_at": (True, *WHEN),
    "said": (False, _optional(_text_of(values.MAX_LABEL)), LABEL),
    "answer": (False, _optional(_text_of(values.MAX_TEXT)), TEXT),
    "answered_at": (False, _optional(_is_when), WHEN[1]),
    "practised_at": (False, _optional(_is_when), WHEN[1]),
    "due_at": (False, _optional(_is_when), WHEN[1]),
    "reminded_at": (False, _optional(_is_when), WHEN[1]),
}


def checked_playbook_entry(record: Any, index: int) -> tuple[list[str], PlaybookEntry | None]:
    """A playbook entry of an export, checked (the rest of its shape by its decoder)."""
    # Translators: an entry of the rep's playbook in the file, named by its place: the first
    # is "Playbook entry #1".
    where = _("Playbook entry #{n}").format(n=index)
    found = _check(record, where, PLAYBOOK_RULES)
    if not found:
        try:
            return [], entry_from_dict(record)
        except BadRecord as exc:
            found.append(_("{where} does not read: {reason}.").format(where=where, reason=exc))
    return found, None
