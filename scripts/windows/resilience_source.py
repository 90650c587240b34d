"""The repository as the Windows Python sees it, the way `pip install -e .` does on Linux.

Loaded at start by the `resilience-source.pth` that scripts/windows/setup.sh writes into the
Windows site-packages: the repository is on the path, and `resilience_app.resources` is the
top-level resources/ folder (pyproject's package-dir), which a plain path entry cannot say.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
RESOURCES = "resilience_app.resources"


class _Resources(importlib.abc.MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != RESOURCES:
            return None
        folder = REPO / "resources"
        return importlib.util.spec_from_file_location(
            name, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )


if str(REPO) not in sys.path:
    sys.path.append(str(REPO))
sys.meta_path.insert(0, _Resources())
