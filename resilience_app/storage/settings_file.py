"""`settings.json`: the rep's setting values, written durably like the journal."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from resilience_app.files import atomic_write, ensure_private_dir, read_private

log = logging.getLogger(__name__)
SETTINGS_FILE = "settings.json"


def load_settings(data_dir: Path) -> dict[str, Any]:
    """Stored setting values; a missing or unreadable file means defaults."""
    path = Path(data_dir) / SETTINGS_FILE
    try:
        data = json.loads(read_private(path).decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(data_dir: Path, values: dict[str, Any]) -> None:
    """Raises OSError when the disk refuses; the file on disk is then unchanged."""
    ensure_private_dir(Path(data_dir))
    atomic_write(Path(data_dir) / SETTINGS_FILE, json.dumps(values, indent=2).encode() + b"\n")
