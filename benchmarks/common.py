"""Shared pieces of the benchmark scripts: the shared data folder and the suites.

The measuring code lives in the package (``visitplan bench SUITE``); the scripts here run
a suite with this repository's folders as defaults.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from routing.cli import main

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"

__all__ = ["RESULTS", "run_suite", "shared_data"]


def shared_data(option: str | None) -> Path | None:
    """Return the shared data folder (option, ``$VISITPLAN_SHARED_DATA``, ``../shared/data``)."""
    path = Path(option or os.environ.get("VISITPLAN_SHARED_DATA", REPO.parent / "shared" / "data"))
    return path if path.is_dir() else None


def run_suite(
    suite: str, defaults: Sequence[str] = (), *, data_option: str = "--shared-data"
) -> int:
    """Run ``visitplan bench SUITE`` with the command line's arguments after ``defaults``.

    The report goes to ``benchmarks/results/SUITE/`` and the shared data is looked up next
    to this repository, whatever the current folder; the arguments given override both.
    ``data_option`` is how the suite takes that folder: ``--shared-data`` for the whole
    folder, or e.g. ``--instances solomon`` for one subfolder of it.
    """
    args = ["bench", suite, "--out", str(RESULTS / suite), *defaults]
    data = shared_data(None)
    if data is not None:
        option, _, subfolder = data_option.partition(" ")
        args += [option, str(data / subfolder) if subfolder else str(data)]
    return main([*args, *sys.argv[1:]])
