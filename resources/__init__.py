"""Icons, sounds and styles, loaded by name through importlib.resources.

In the repository this folder is `resources/`; installed, it is the package
`resilience_app.resources` (see pyproject's package-dir), so code always asks for
`resilience_app.resources` and never builds a path from the working directory.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def resource(*parts: str) -> Traversable:
    """A file shipped with the app, e.g. resource("icons", "calm.svg")."""
    node: Traversable = files(__name__)
    for part in parts:
        node = node / part
    return node


def read_bytes(*parts: str) -> bytes:
    return resource(*parts).read_bytes()
