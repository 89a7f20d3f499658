"""Shared pieces of the benchmark scripts: where the shared data is, and result tables."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"


def shared_data(option: str | None) -> Path | None:
    """Return the shared data folder (option, ``$VISITPLAN_SHARED_DATA``, ``../shared/data``)."""
    path = Path(option or os.environ.get("VISITPLAN_SHARED_DATA", REPO.parent / "shared" / "data"))
    return path if path.is_dir() else None


def machine() -> str:
    """Return a one-line description of the machine the figures were measured on."""
    processor = platform.processor() or platform.machine()
    return f"{processor}, {os.cpu_count()} cores, Python {platform.python_version()}"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Return a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
