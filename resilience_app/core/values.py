"""What counts as a valid value in the journal: text and moments, checked once at a boundary.

Every way in (the command line, the command channel, an import file, a file read from
disk) turns raw input into these values or refuses it with a sentence, so nothing that
could later break a save, a sort or a date calculation ever reaches memory or the disk.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

from resilience_app.core.errors import UserError
from resilience_app.i18n import _

MAX_LABEL = 200
MAX_TEXT = 2000
MAX_POSITIVES = 50
# Longer than any passphrase a person types; a megabyte pasted by mistake is refused
# before it is sent to the app or stretched.
MAX_PASSPHRASE = 1024
# Moments the app can compute with in any time zone (a year-1 or year-9999 date overflows
# as soon as a zone or a day is added) and that a rep's journal can plausibly hold.
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
# A clock a little ahead on another machine is fine; a call flagged tomorrow is not (it
# would stand in for the latest call, and keep the app waiting for its next dial).
FUTURE_SLACK = timedelta(minutes=10)

_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Direction overrides, embeddings and isolates: one left open turns the text after it
# around wherever it is shown (a tray menu, a notification). Right-to-left writing needs
# none of them.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


class BadValue(UserError):
    """A value that is not valid in the journal; the message names it and says why."""

    usage = True


def is_text(value: str) -> bool:
    """True when `value` can be stored as UTF-8 (no lone surrogates, which is what invalid
    bytes on a command line or in a JSON escape turn into)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def stored_text_problem(value: object, limit: int) -> str | None:
    """Why `value` cannot be text in a record (an import, a file on disk), or None.

    Records are checked, never changed: what is accepted reads back exactly as it was."""
    if not isinstance(value, str):
        return "text"
    if not is_text(value):
        return "valid text (it has characters that are not)"
    if len(value) > limit:
        return f"at most {limit} characters (it has {len(value)})"
    return None


def text(value: object, *, what: str, limit: int = MAX_TEXT) -> str:
    """Typed free text (a note, a lesson): control characters dropped, trimmed, cut to
    `limit` characters. Raises BadValue for anything that is not valid text.

    `what` names the value in the rep's language, as the subject of a sentence ("The
    label", "How you feel now"): every sentence below starts with it."""
    if not isinstance(value, str):
        # Translators: {what} names what the rep gave, already translated, e.g. "The label",
        # "The note", "How you feel now"; it starts the sentence.
        raise BadValue(_("{what} must be text.").format(what=what))
    if not is_text(value):
        raise BadValue(
            # Translators: {what} names what the rep gave, already translated ("The note").
            _("{what} has characters that are not valid text; retype it.").format(what=what)
        )
    cleaned = _BIDI_CONTROL.sub("", _CONTROL.sub("", value))[:limit].strip()
    if not any(_visible(char) for char in cleaned):
        return ""  # only spaces and invisible marks (U+200B…): nothing was written
    return cleaned


def _visible(char: str) -> bool:
    return not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc", "Zs")


def line(value: object, *, what: str, limit: int = MAX_LABEL) -> str:
    """One line of text (a label, a positive): line breaks become spaces."""
    return " ".join(_LINE_BREAKS.sub(" ", text(value, what=what, limit=limit * 4)).split())[:limit]


def moment(value: datetime, *, what: str) -> datetime:
    """An aware moment the app can compute with, between 1970 and 2200."""
    if value.tzinfo is None or value.utcoffset() is None:
        # Translators: {what} names a moment, already translated ("The follow-up's time").
        raise BadValue(_("{what} needs a time zone.").format(what=what))
    try:
        within = EARLIEST <= value <= LATEST
    except OverflowError:
        within = False
    if not within:
        raise BadValue(
            # Translators: {what} names a moment, already translated ("The follow-up's time");
            # {got} is the date given, written as 2026-11-25.
            _("{what} must be between 1970 and 2200 (got {got}).").format(
                what=what, got=value.date().isoformat()
            )
        )
    return value


def day(value: date, *, what: str) -> date:
    """A calendar day the app can compute with, between 1970 and 2200."""
    if not EARLIEST.date() < value < LATEST.date():
        raise BadValue(
            # Translators: {what} names a day, already translated; {got} is the date given,
            # written as 2026-11-25.
            _("{what} must be a date between 1970 and 2200 (got {got}).").format(
                what=what, got=value.isoformat()
            )
        )
    return value


def score(value: object, *, what: str) -> int | None:
    """A whole number from 0 to 10, or nothing."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        # Translators: {what} names a score, already translated ("How rough it felt").
        raise BadValue(_("{what} must be a whole number from 0 to 10.").format(what=what))
    return value
