"""The exit codes of the `resilience` command, and the one error its handlers raise."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # the request was understood but could not be carried out
EXIT_USAGE = 2  # bad input
EXIT_NOT_SAVED = 3  # done and kept, but not on disk yet (the disk refused); nothing to redo
EXIT_NO_ANSWER = 4  # the app took the request and did not answer: it may still be done


class CliError(Exception):
    """One clear sentence for the rep, and an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code
