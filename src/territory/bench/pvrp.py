"""The ``pvrp`` suite: Cordeau's periodic VRP instances against their best-known costs.

Each instance is read and solved by :func:`territory.cordeau.solve_pvrp` (the month
planner's periodic search with the instance's ``m`` vehicles a day) within a time limit;
the plan is checked by the independent :func:`territory.cordeau.check_solution` (allowed
combinations, vehicles per day, capacity, route duration) and its real Euclidean length
compared with the ``bks`` column of ``pvrp_bks.csv`` beside the instances.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from routing.bench.best_known import read_best_known
from routing.errors import InputError, Problem
from territory.cordeau import (
    SCALE,
    PvrpInstance,
    check_solution,
    gap_percent,
    read_pvrp,
    solve_pvrp,
)
from territory.periodic import PeriodicSettings

BKS_FILE = "pvrp_bks.csv"
BKS_COLUMN = "bks"


@dataclass(frozen=True, slots=True, kw_only=True)
class PvrpCase:
    """One instance to run, with its best-known cost."""

    instance: PvrpInstance
    bks: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PvrpRecord:
    """One instance's run; the raw CSV has one row each, in field order.

    The columns are those ``benchmarks/bench_pvrp.py`` wrote before it became a suite, so
    earlier results stay comparable.

    Parameters
    ----------
    instance
        The file name (``p01``).
    n, m, t
        Customers, vehicles a day, days.
    cost
        Real Euclidean length of the plan found.
    bks
        The best-known cost.
    gap_pct
        ``100 (cost - bks) / bks``.
    wall_s, cpu_s
        Wall and CPU seconds of the search.
    feasible
        ``yes``, else ``NO (count: first problem)`` as the independent checker found.
    first_routed
        Cost after construction and the first local search.
    perturbations, accepted
        Ruin-and-recreate steps, and those the annealing kept.
    """

    instance: str
    n: int
    m: int
    t: int
    cost: float
    bks: float
    gap_pct: float
    wall_s: float
    cpu_s: float
    feasible: str
    first_routed: float
    perturbations: int
    accepted: int

    @property
    def ok(self) -> bool:
        """Whether the independent checker found no violation."""
        return self.feasible == "yes"


def load_cases(folder: Path, *, only: Sequence[str] = ()) -> list[PvrpCase]:
    """Return the instances of ``folder`` (those named in ``only``) with their BKS.

    The instances are the files without an extension (``p01`` ... ``p32``), in name order.

    Raises
    ------
    InputError
        When the folder or the BKS table is missing or unreadable, a name in ``only`` has
        no file, an instance has no best-known cost, or a file is not a PVRP instance.
    """
    if not folder.is_dir():
        msg = (
            "PVRP instances folder not found; pass --instances DIR, or --shared-data PATH "
            "(or set VISITPLAN_SHARED_DATA) to a folder holding pvrp/"
        )
        raise InputError([Problem(source=str(folder), message=msg)])
    bks = read_bks(folder)
    files = _named(folder, only) if only else instance_files(folder)
    if not files:
        msg = "holds no instance file (Cordeau's p01 ... p32, no extension)."
        raise InputError([Problem(source=str(folder), message=msg)])
    unknown = [path.name for path in files if path.name not in bks]
    if unknown:
        msg = f"no best-known cost for {', '.join(unknown)}; add their rows."
        raise InputError([Problem(source=str(folder / BKS_FILE), message=msg)])
    return [PvrpCase(instance=_read(path), bks=bks[path.name]) for path in files]


def instance_files(folder: Path) -> list[Path]:
    """Return the files of ``folder`` without an extension, by name."""
    return sorted(path for path in folder.iterdir() if path.is_file() and not path.suffix)


def _named(folder: Path, only: Sequence[str]) -> list[Path]:
    by_name = {path.name.lower(): path for path in instance_files(folder)}
    missing = [name for name in only if name.lower() not in by_name]
    if missing:
        msg = f"no instance file for {', '.join(missing)} in {folder} (names like p01)."
        raise InputError([Problem(source="--only", message=msg)])
    return [by_name[name.lower()] for name in dict.fromkeys(only)]


def read_bks(folder: Path) -> dict[str, float]:
    """Return each instance's best-known cost from ``folder/pvrp_bks.csv``.

    Raises
    ------
    InputError
        When the file is missing, lacks a column, or holds a value that is not a positive
        number.
    """
    return read_best_known(folder / BKS_FILE, BKS_COLUMN)


def _read(path: Path) -> PvrpInstance:
    try:
        return read_pvrp(path)
    except (ValueError, IndexError) as error:
        msg = f"not a Cordeau PVRP instance ({error})."
        raise InputError([Problem(source=str(path), message=msg)]) from error


def run_case(case: PvrpCase, settings: PeriodicSettings) -> PvrpRecord:
    """Solve ``case``, check the plan independently and return what it measures."""
    instance = case.instance
    started = time.perf_counter()
    result = solve_pvrp(instance, settings)
    wall = time.perf_counter() - started
    problems = check_solution(instance, result.solution)
    return PvrpRecord(
        instance=instance.name,
        n=instance.size,
        m=instance.vehicles,
        t=instance.days,
        cost=result.cost,
        bks=case.bks,
        gap_pct=gap_percent(result.cost, case.bks),
        wall_s=wall,
        cpu_s=result.search.cpu_s,
        feasible="yes" if not problems else f"NO ({len(problems)}: {problems[0]})",
        first_routed=result.search.stages[1][1] / SCALE,
        perturbations=result.search.perturbations,
        accepted=result.search.accepted,
    )
