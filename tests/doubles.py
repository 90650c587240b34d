"""Small stand-ins shared by tests: a notification channel that keeps what it was asked to
show, and the local time zone set for a while (POSIX `time.tzset`)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


class Shown:
    """A desktop notification channel that keeps the titles and messages it was sent."""

    name = "desktop"

    def __init__(self) -> None:
        self.titles: list[str] = []
        self.messages: list[str] = []

    def available(self) -> bool:
        return True

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
        self.titles.append(title)
        self.messages.append(message)


@contextmanager
def local_zone(name: str) -> Iterator[None]:
    """The process's local time zone is `name` inside the block (skips where the platform
    cannot change it: time.tzset is POSIX only)."""
    if not hasattr(time, "tzset"):
        pytest.skip("sets the local time zone with time.tzset (POSIX)")
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
