"""Helpers the tests use to look at what the app wrote."""

from __future__ import annotations

from pathlib import Path

from resilience_app.storage.store import JOURNAL_DIR


def journal_paths(data_dir: Path) -> list[Path]:
    """Every month file, oldest first."""
    return sorted((Path(data_dir) / JOURNAL_DIR).glob("????-??.json"))


def files_holding(root: Path, markers: list[str]) -> list[tuple[Path, str]]:
    """Every file under `root` (hidden ones, temp files and logs included) that holds one
    of `markers` as bytes, in UTF-8 or as a JSON escape."""
    found: list[tuple[Path, str]] = []
    forms = {m: {m.encode(), m.encode("unicode_escape")} for m in markers}
    for path in sorted(Path(root).rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        raw = path.read_bytes()
        for marker, encodings in forms.items():
            if any(form in raw for form in encodings):
                found.append((path, marker))
    return found
