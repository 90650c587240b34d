"""Window titles, one way in every window and language: "Take a breath — Resilience".

On Linux, Qt appends " — " and the application's display name to a window title that does
not already end with it (QPlatformWindow::formatWindowTitle), so a title that began with
the name read "Resilience — take a breath — Resilience". A title ends with the name here,
which Qt leaves alone on every platform, and the dash is the one Qt itself uses.
"""

from __future__ import annotations

from resilience_app import APP_NAME

SEPARATOR = " — "


def title(text: str) -> str:
    """The window title for `text` (already translated): the text, then the app's name."""
    return f"{text}{SEPARATOR}{APP_NAME}"
