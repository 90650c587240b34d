"""A JSON object read a piece at a time, for exports of any size (`resilience import`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

CHUNK_CHARS = 1 << 20  # read at a time
_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_GOES_ON = re.compile(r"[0-9.eE+-]*")  # all that is left could continue a number
_DECODER = json.JSONDecoder()


class Stream:
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
