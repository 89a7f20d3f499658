"""Helpers shared by the smoke tests of the ``visitplan bench`` suites.

Use it like this::

    from bench_suites import KOTKA, assert_input_error, read_rows, run
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from routing.cli import main
from routing.errors import EXIT_INPUT

#: Kotka's roads, shipped with pyrosm: the real-roads suites run offline on them.
KOTKA = ["--network", "bundled:kotka"]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run ``visitplan ARGS``; return the exit code, stdout and stderr."""
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_input_error(
    capsys: pytest.CaptureFixture[str], suite: str, args: list[str], message: str, out: Path
) -> None:
    """Check that ``visitplan bench SUITE ARGS`` exits 2 with ``message`` and no report."""
    code, _, err = run(capsys, "bench", suite, *args, "--out", out)
    assert code == EXIT_INPUT
    assert message in err
    assert "Traceback" not in err
    assert not (out / f"{suite}.csv").exists()


def read_rows(path: Path) -> list[dict[str, str]]:
    """Return the rows of a report's CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def assert_report(out: Path, suite: str) -> str:
    """Check that the Markdown (and, with matplotlib, the PNG) exist; return the Markdown."""
    plot = out / f"{suite}.png"
    if plot.exists():
        assert plot.read_bytes().startswith(b"\x89PNG")
    return (out / f"{suite}.md").read_text(encoding="utf-8")
