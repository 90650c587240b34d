"""Helpers the tests use to look at what the app wrote."""

from __future__ import annotations

from pathlib import Path

from resilience_app.storage.store import JOURNAL_DIR


def journal_paths(data_dir: Path) -> list[Path]:
    """Every month file, oldest first."""
    return sorted((Path(data_dir) / JOURNAL_DIR).glob("????-??.json"))
