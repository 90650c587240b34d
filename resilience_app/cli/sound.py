"""`play-tone`: play one of the breathing guide's tones and say whether it was heard.

Not listed in `resilience --help`: a check for support and for the bundle's tests, since the
tones go through Qt Multimedia, which a build may lack and a computer may have no output for.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from resilience_app.cli.arguments import Parser, Subparsers
from resilience_app.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError
from resilience_app.cli.output import out
from resilience_app.i18n import _

TIMEOUT = 10.0  # seconds: a tone is under one; opening the sound system can take a few


def add_play_tone(sub: Subparsers, common: Parser) -> None:
    # No help=: argparse then leaves the command out of the list of commands.
    tone = sub.add_parser("play-tone", parents=[common])
    tone.add_argument("file", nargs="?", help=_("a WAV file (default: the breathing-in tone)"))
    tone.set_defaults(handler=_play_tone)


def _play_tone(args: argparse.Namespace, data_dir: Path) -> int:
    from resilience_app.ui.cues import DEFAULT_TONE, try_tone

    if args.file is None:
        path, shown = None, DEFAULT_TONE
    else:
        path, shown = Path(args.file), args.file
        if not path.is_file():
            raise CliError(_("There is no file at {path}.").format(path=repr(shown)), EXIT_USAGE)
    trial = try_tone(path, TIMEOUT)
    if trial.outcome == "played":
        # Translators: {file} is a sound file's name, {device} the sound output's ("Speakers").
        out(_("Played {file} on {device}.").format(file=shown, device=trial.device))
        return EXIT_OK
    if trial.outcome == "no_device":
        message = _("No audio device: this computer offers no sound output, so no tone can play.")
    elif trial.outcome == "no_multimedia":
        # Translators: {reason} is Python's ("No module named 'PySide6.QtMultimedia'").
        message = _(
            "Qt Multimedia is missing from this installation ({reason}), so the breathing "
            "guide's tones cannot play."
        ).format(reason=trial.detail.rstrip("."))
    elif trial.outcome == "unplayable":
        message = _("{device} could not play {file} (is it a WAV file?).").format(
            file=shown, device=trial.device
        )
    else:
        message = _("{file} did not finish playing on {device} within {seconds} s.").format(
            file=shown, device=trial.device, seconds=round(TIMEOUT)
        )
    raise CliError(message, EXIT_FAILED)
