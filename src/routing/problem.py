"""The frozen, all-integer input of the day solver (what ``--dump-instance`` writes).

Index 0 of every matrix is the office; index ``i`` (1-based) is ``retailer_ids[i - 1]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from routing.rules import LunchRule

Window = tuple[int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class DayProblem:
    """One manager's day as the solver sees it. Times are seconds since midnight.

    Parameters
    ----------
    retailer_ids
        Retailers in matrix order (matrix index ``i + 1`` is ``retailer_ids[i]``).
    durations_s, distances_m
        ``(n + 1) x (n + 1)`` travel times and distances, office first; asymmetric.
    service_s
        Service time per retailer.
    windows
        Per retailer, the allowed times to *start* a visit; empty means any time.
    drop_penalty
        Per retailer, the cost of leaving it out; ``None`` means it must be visited.
    depart_after_s, first_visit_by_s, field_end_s, return_by_s
        Leave the office no earlier than, start the first visit no later than, end the
        last visit by, and be back at the office by.
    lunch
        The lunch break, or ``None`` for none.
    max_visits
        At most this many visits, or ``None`` for as many as fit.
    """

    retailer_ids: tuple[str, ...]
    durations_s: npt.NDArray[np.int64]
    distances_m: npt.NDArray[np.int64]
    service_s: tuple[int, ...]
    windows: tuple[tuple[Window, ...], ...]
    drop_penalty: tuple[int | None, ...]
    depart_after_s: int
    first_visit_by_s: int
    field_end_s: int
    return_by_s: int
    lunch: LunchRule | None = None
    max_visits: int | None = None

    def __post_init__(self) -> None:
        size = len(self.retailer_ids) + 1
        for name in ("durations_s", "distances_m"):
            matrix = getattr(self, name)
            if matrix.shape != (size, size):
                msg = f"Expected {name} of shape {(size, size)}, got {matrix.shape}."
                raise ValueError(msg)
            if matrix.dtype != np.int64 or (matrix < 0).any():
                msg = f"Expected non-negative int64 {name}."
                raise ValueError(msg)
        counts = {len(self.service_s), len(self.windows), len(self.drop_penalty)}
        if counts != {size - 1}:
            msg = "Expected one service time, window list and penalty per retailer."
            raise ValueError(msg)
        if any(service <= 0 for service in self.service_s):
            msg = "Expected positive service times."
            raise ValueError(msg)
        if any(penalty is not None and penalty < 0 for penalty in self.drop_penalty):
            msg = "Expected non-negative drop penalties (None means must visit)."
            raise ValueError(msg)
        if any(lo > hi for windows in self.windows for lo, hi in windows):
            msg = "Expected every visit-start window to open before it closes."
            raise ValueError(msg)
        if self.max_visits is not None and self.max_visits < 1:
            msg = "Expected max_visits >= 1."
            raise ValueError(msg)
        if len(set(self.retailer_ids)) != len(self.retailer_ids):
            msg = "Expected unique retailer ids."
            raise ValueError(msg)
        if not self.depart_after_s <= self.first_visit_by_s <= self.field_end_s:
            msg = "Expected depart_after <= first_visit_by <= field_end."
            raise ValueError(msg)
        if self.field_end_s > self.return_by_s:
            msg = "Expected field_end <= return_by."
            raise ValueError(msg)

    @property
    def size(self) -> int:
        """The number of retailers."""
        return len(self.retailer_ids)


def problem_to_dict(problem: DayProblem) -> dict[str, Any]:
    """Return a JSON-ready dict holding the exact solver input, for other solvers."""
    lunch = None
    if problem.lunch is not None:
        lunch = {
            "earliest_start_s": problem.lunch.earliest_start_s,
            "latest_start_s": problem.lunch.latest_start_s,
            "duration_s": problem.lunch.duration_s,
        }
    return {
        "schema": "visitplan/day-instance@1",
        "note": "index 0 is the office; index i is retailer_ids[i-1]; times in seconds "
        "since midnight; windows bound the start of a visit; penalty null = must visit",
        "retailer_ids": list(problem.retailer_ids),
        "durations_s": problem.durations_s.tolist(),
        "distances_m": problem.distances_m.tolist(),
        "service_s": list(problem.service_s),
        "windows": [[list(window) for window in windows] for windows in problem.windows],
        "drop_penalty": list(problem.drop_penalty),
        "depart_after_s": problem.depart_after_s,
        "first_visit_by_s": problem.first_visit_by_s,
        "field_end_s": problem.field_end_s,
        "return_by_s": problem.return_by_s,
        "lunch": lunch,
        "max_visits": problem.max_visits,
    }


def problem_from_dict(data: dict[str, Any]) -> DayProblem:
    """Return the :class:`DayProblem` of a dict written by :func:`problem_to_dict`."""
    lunch = data.get("lunch")
    return DayProblem(
        retailer_ids=tuple(data["retailer_ids"]),
        durations_s=np.asarray(data["durations_s"], dtype=np.int64),
        distances_m=np.asarray(data["distances_m"], dtype=np.int64),
        service_s=tuple(int(s) for s in data["service_s"]),
        windows=tuple(tuple((int(a), int(b)) for a, b in ws) for ws in data["windows"]),
        drop_penalty=tuple(None if p is None else int(p) for p in data["drop_penalty"]),
        depart_after_s=int(data["depart_after_s"]),
        first_visit_by_s=int(data["first_visit_by_s"]),
        field_end_s=int(data["field_end_s"]),
        return_by_s=int(data["return_by_s"]),
        lunch=None if lunch is None else LunchRule(**lunch),
        max_visits=data.get("max_visits"),
    )


def write_problem(problem: DayProblem, path: Path) -> None:
    """Write the solver input as JSON (``--dump-instance``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(problem_to_dict(problem)) + "\n", encoding="utf-8")
