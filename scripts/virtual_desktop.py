"""Run a command on a private virtual desktop (Xvfb + tray + notification server).

Used by `make run` on a machine with no screen, so the app really starts there:
    python scripts/virtual_desktop.py -- .venv/bin/resilience
The desktop stops when the command exits (or on Ctrl+C).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.end2end.desktop import VirtualDesktop


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    if not command:
        print("usage: virtual_desktop.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    with VirtualDesktop() as desktop:
        print(
            f"Virtual desktop on DISPLAY={desktop.display} (tray and notifications included).\n"
            "Drive the app from another terminal, e.g. `.venv/bin/resilience flag` or "
            "`.venv/bin/resilience status`; screenshot it with "
            f"`DISPLAY={desktop.display} import -window root shot.png`. Ctrl+C stops it.",
            flush=True,
        )
        try:
            return subprocess.call(command, env=desktop.env)
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
