"""Best-known values of a benchmark's instances, read from the CSV beside them."""

from __future__ import annotations

import csv
from pathlib import Path

from routing.errors import InputError, Problem


def read_best_known(path: Path, column: str) -> dict[str, float]:
    """Return each instance's best-known cost: ``column`` of ``path`` by ``instance``.

    Raises
    ------
    InputError
        When the file is missing, lacks a column, or holds a value that is not a positive
        number (each bad row named by row and field).
    """
    if not path.is_file():
        msg = f"missing; put {path.name} (columns instance, {column}) beside the instances."
        raise InputError([Problem(source=str(path), message=msg)])
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"instance", column} <= set(rows[0]):
        msg = f"needs the columns 'instance' and '{column}'."
        raise InputError([Problem(source=str(path), message=msg)])
    best, problems = {}, []
    for row_number, row in enumerate(rows, start=2):
        value = _positive(row[column])
        if value is None:
            message = f"{row[column]!r} is not a positive number."
            problems.append(
                Problem(source=str(path), message=message, row=row_number, field=column)
            )
        else:
            best[row["instance"]] = value
    if problems:
        raise InputError(problems)
    return best


def _positive(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if value > 0 else None
