"""Window titles, one way in every window and language: "Take a breath — Resilience".

On Linux, Qt appends " — " and the application's display name to a window title that does
not already end with it (QPlatformWindow::formatWindowTitle), so a title that began with
the name read "Resilience — take a breath — Resilience". A title ends with the name here,
which Qt leaves alone on every platform, with the dash of the rep's language (the one its
tray tooltip, "Resilience — calm", uses too).
"""

from __future__ import annotations

from resilience_app import APP_NAME
from resilience_app.i18n import _


def title(text: str) -> str:
    """The window title for `text` (already translated): the text, then the app's name."""
    # Translators: a window's title: {title} is what the window is for ("Take a breath"),
    # {app} the app's name. Use the dash your language puts between them (the same as in
    # the tray's tooltip, "Resilience — {status}").
    return _("{title} — {app}").format(title=text, app=APP_NAME)
