"""A soft chime at the end of a break, through whatever player the platform has.

PySide6-Essentials has no QtMultimedia, and the chime is one short WAV, so we hand it to
the system's player: winsound on Windows, afplay on macOS, paplay/pw-play/aplay on Linux.
With none of those, the chime is skipped (and logged once).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from importlib.resources import as_file

from resilience_app.resources import resource

log = logging.getLogger(__name__)
LINUX_PLAYERS = ("paplay", "pw-play", "aplay")


class Chime:
    def __init__(self) -> None:
        self._warned = False

    def play(self) -> bool:
        """Start the chime without waiting for it; False when nothing could play it."""
        with as_file(resource("sounds", "chime.wav")) as path:
            try:
                if sys.platform == "win32":  # pragma: no cover - Windows
                    import winsound

                    winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC)
                    return True
                player = "afplay" if sys.platform == "darwin" else _first_available(LINUX_PLAYERS)
                if player is None:
                    self._warn("no sound player (paplay, pw-play or aplay) found")
                    return False
                subprocess.Popen(
                    [player, str(path)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
                return True
            except OSError as exc:
                self._warn(f"could not play the chime: {exc}")
                return False

    def _warn(self, message: str) -> None:
        if not self._warned:
            log.warning("%s; breaks will end silently", message)
            self._warned = True


def _first_available(names: tuple[str, ...]) -> str | None:
    for name in names:
        if shutil.which(name):
            return name
    return None
