"""Which data folder a command works on, and the language of the settings kept there."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from resilience_app import i18n
from resilience_app.cli.errors import EXIT_USAGE, CliError
from resilience_app.i18n import _
from resilience_app.paths import resolve_data_dir


def named_data_dir(words: Sequence[str]) -> Path | None:
    """The data folder the command line names (or the default), read before the parser
    runs so that even its help speaks the rep's language; None if it cannot be told."""
    value = None
    for index, word in enumerate(words):
        if word == "--":
            break
        if word == "--data-dir" and index + 1 < len(words):
            value = words[index + 1]
        elif word.startswith("--data-dir="):
            value = word.partition("=")[2]
    try:
        return resolve_data_dir(value) if value is None or value.strip() else None
    except (RuntimeError, OSError, ValueError):
        return None


def speak_settings_language(data_dir: Path | None) -> Path | None:
    """Speak the language of `ui.language` in the settings of `data_dir`; the system's
    when it is `auto`, or the settings cannot be read (missing, broken, not ours)."""
    choice = "auto"
    if data_dir is not None:
        from resilience_app.files import read_private
        from resilience_app.storage.settings_file import SETTINGS_FILE

        try:  # quietly: the command that opens the journal says what is wrong with it
            stored = json.loads(read_private(data_dir / SETTINGS_FILE).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            stored = None
        value = stored.get("ui.language") if isinstance(stored, dict) else None
        if isinstance(value, str) and value in i18n.CHOICES:
            choice = value
    i18n.set_language(choice)
    return data_dir


def data_dir_of(value: str | None) -> Path:
    """The data folder named by --data-dir (or the default), checked into a usable path."""
    if value is not None and not value.strip():
        raise CliError(_("--data-dir needs a folder (it was empty)."), EXIT_USAGE)
    try:
        data_dir = resolve_data_dir(value)
        if data_dir.exists() and not data_dir.is_dir():
            raise CliError(
                _("{path} is a file, not a data folder; check --data-dir.").format(path=data_dir),
                2,
            )
    except RuntimeError as exc:  # "~someone" for a user who does not exist
        # Translators: {reason} is the system's reason, in English.
        raise CliError(_("--data-dir: {reason}.").format(reason=exc), EXIT_USAGE) from None
    except OSError as exc:
        raise CliError(
            # Translators: {reason} is the system's reason ("Permission denied").
            _("--data-dir cannot be used: {reason}.").format(reason=exc.strerror or exc),
            EXIT_USAGE,
        ) from None
    return data_dir
