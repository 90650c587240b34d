"""The layers as an import graph read with `ast`: no cycles, and every arrow points down.

    base (paths, files, resources), i18n and core
      <- storage, adapters
        <- service
          <- commands (the channel's table), ui
            <- app, cli (the entry points)

Imports inside functions count too: a lazy import is still a dependency. Imports for the
type checker only (`if TYPE_CHECKING:`) count for the layers, not as cycles: they never run.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "resilience_app"

LAYERS = {
    "base": 0,
    "i18n": 0,  # the catalogs: every layer speaks the rep's language, the domain too
    "core": 0,
    "storage": 1,
    "adapters": 1,
    "service": 2,
    "commands": 3,
    "ui": 3,
    "entry": 4,
}
# Siblings that must not know each other even though they share a level.
FORBIDDEN = {
    ("core", "base"),  # the domain needs no files or paths
    ("storage", "adapters"),
    ("adapters", "storage"),
    ("ui", "commands"),
    ("commands", "ui"),
    ("ui", "storage"),  # windows see domain objects from the service, never the store
}


def group(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    name = parts[1]
    if name in ("core", "storage", "adapters", "service", "ui"):
        return name
    if name in ("paths", "files", "resources", "command_names"):
        return "base"
    if name == "i18n":
        return "i18n"
    if name in ("commands", "commands_notes", "commands_playbook"):
        return "commands"
    if name in ("app", "cli", "__main__"):
        return "entry"
    raise AssertionError(f"{module} belongs to no layer; add it to this test")


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("resilience_app", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def type_only(tree: ast.AST) -> set[int]:
    """The nodes under `if TYPE_CHECKING:`: read by the type checker, never run."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        ):
            found |= {id(inner) for child in node.body for inner in ast.walk(child)}
    return found


def imports_of(module: str, path: Path, known: set[str], *, runtime_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    skipped = type_only(tree) if runtime_only else set()
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            # The longest known module the name starts with (a class inside it counts).
            while name and name not in known:
                name = name.rsplit(".", 1)[0] if "." in name else ""
            if name and name != module:
                found.add(name)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


@pytest.fixture(scope="module")
def runtime_graph() -> dict[str, set[str]]:
    """The imports that run: a part naming its owner's class for the type checker only
    (`if TYPE_CHECKING:`) is no cycle at run time; it still counts for the layers."""
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known, runtime_only=True) for name, path in found.items()}


def test_every_module_has_a_layer(graph: dict[str, set[str]]) -> None:
    for module in graph:
        group(module)


def test_imports_point_down_only(graph: dict[str, set[str]]) -> None:
    wrong = []
    for module, targets in graph.items():
        source = group(module)
        for target in targets:
            sink = group(target)
            if target == "resilience_app":
                continue  # the package's name and version
            if LAYERS[sink] > LAYERS[source] or (source, sink) in FORBIDDEN:
                wrong.append(f"{module} ({source}) imports {target} ({sink})")
    assert wrong == []


def test_no_import_cycles(runtime_graph: dict[str, set[str]]) -> None:
    graph = runtime_graph
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            # A package importing its own submodules from __init__ is not a cycle of ours.
            if len(component) > 1 and not all(
                c.startswith(min(component, key=len)) for c in component
            ):
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []


def test_a_type_only_import_is_no_runtime_import(tmp_path: Path) -> None:
    path = tmp_path / "months.py"
    path.write_text(
        "from typing import TYPE_CHECKING\n"
        "from resilience_app.core import models\n"
        "if TYPE_CHECKING:\n"
        "    from resilience_app.storage.store import Store\n"
    )
    known = {"resilience_app.core.models", "resilience_app.storage.store"}
    module = "resilience_app.storage.months"
    assert imports_of(module, path, known) == known
    assert imports_of(module, path, known, runtime_only=True) == {"resilience_app.core.models"}


def test_the_checker_sees_a_wrong_arrow(tmp_path: Path) -> None:
    """The rules above can fail: an upward import is found."""
    path = tmp_path / "loop.py"
    path.write_text("from resilience_app.ui.presenter import Presenter\n")
    found = imports_of("resilience_app.core.loop", path, {"resilience_app.ui.presenter"})
    assert found == {"resilience_app.ui.presenter"}
    assert LAYERS[group("resilience_app.ui.presenter")] > LAYERS[group("resilience_app.core")]


@pytest.mark.parametrize(
    "module", ["resilience_app.core.loop", "resilience_app.service", "resilience_app.commands"]
)
def test_core_and_service_load_without_qt(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# One use case, one room: a module a newcomer can read in one sitting, a class that does
# one job. Rooms still over the line are named here until they are split; the list must
# shrink with them (a name listed that is now within bounds fails too).
MAX_MODULE_LINES = 500
MAX_CLASS_LINES = 400
STILL_TOO_BIG: set[str] = set()


def sizes() -> dict[str, int]:
    """Lines of every module (by path) and of every class (`path::Class`) of the package."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = path.relative_to(PACKAGE.parent).as_posix()
        text = path.read_text(encoding="utf-8")
        found[name] = len(text.splitlines())
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                found[f"{name}::{node.name}"] = node.end_lineno - node.lineno + 1
    return found


def too_big(found: dict[str, int]) -> set[str]:
    return {
        name
        for name, lines in found.items()
        if lines > (MAX_CLASS_LINES if "::" in name else MAX_MODULE_LINES)
    }


def test_every_module_and_class_is_small_enough() -> None:
    over = too_big(sizes())
    assert over - STILL_TOO_BIG == set(), "split these by what they do"
    assert STILL_TOO_BIG - over == set(), "these are small now: take them off the list"


def test_the_size_check_sees_a_big_class() -> None:
    """The rule above can fail: a class of 401 lines and a module of 501 are found."""
    found = {
        "resilience_app/x.py": 501,
        "resilience_app/x.py::Big": 401,
        "resilience_app/y.py": 500,
    }
    assert too_big(found) == {"resilience_app/x.py", "resilience_app/x.py::Big"}
