"""The architecture's promises, checked on the source: who may import what."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

ROUTING = REPO / "src" / "routing"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def routing_modules() -> list[Path]:
    return sorted(ROUTING.rglob("*.py"))


def test_only_the_solver_imports_ortools():
    importers = {
        path.relative_to(ROUTING).as_posix()
        for path in routing_modules()
        if any(name.split(".")[0] == "ortools" for name in imported_modules(path))
    }
    assert importers == {"solver.py"}


def test_routing_never_imports_territory():
    offenders = [
        path.name
        for path in routing_modules()
        if any(name.split(".")[0] == "territory" for name in imported_modules(path))
    ]
    assert offenders == []
