"""The one kind of error a rep is meant to read: a sentence saying what was wrong.

Everything above the core (the application service, the command channel, the CLI and the
windows) catches `UserError` and shows its message as it is. Anything else escaping is a
bug, logged with its traceback and never shown to the rep as such.
"""

from __future__ import annotations


class UserError(Exception):
    """A request that cannot be honoured, with one sentence for the rep.

    `usage` marks bad input (a wrong value, an unknown name) as opposed to a request that
    was fine but cannot be carried out right now; scripts get a different exit code.
    """

    usage: bool = False

    def __init__(self, message: str, *, usage: bool | None = None) -> None:
        super().__init__(message)
        if usage is not None:
            self.usage = usage

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""
