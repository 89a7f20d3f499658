"""The Solomon VRPTW suite: every solver on each instance, checked and priced in real units."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from routing.bench.report import RunRecord
from routing.bench.solomon_data import (
    BKS_COLUMN,
    BKS_FILE,
    SCALE,
    SolomonInstance,
    instance_files,
    read_bks,
    read_instance,
)
from routing.bench.solvers import SOLVERS, RunLimits, SolverMissingError
from routing.errors import InputError, Problem
from routing.vrptw import routes_cost
from routing.vrptw_check import check_routes

TITLE = "Solomon VRPTW: the OR-Tools core against PyVRP and VROOM"
CONVENTION = (
    f"**Convention.** Solvers get Euclidean distances ×{SCALE} rounded to integers; travel "
    "time = distance; windows and service times are scaled alike. Fleet and capacity are "
    "the file's (25 vehicles, capacity 200 for the 100-customer R1/C1/RC1 sets); the "
    "objective is total distance only (not fewest vehicles first). Every solution is "
    "checked independently (every customer once, capacity, windows, depot hours) on the "
    "integer data the solvers got; each route's cost is then recomputed in real-valued "
    f"Euclidean distance and compared with `{BKS_COLUMN}` of `{BKS_FILE}` "
    "(gap % = 100 × (cost − BKS) / BKS; means over feasible runs only). A slightly "
    "negative gap is possible: rounded travel times can be up to 0.0005 shorter per leg "
    "than real ones, which can just let a route through a window. Every solver has the "
    "same time limit per instance; wall time includes building its model. PyVRP is "
    "single-threaded; the core runs one search per worker (process), each from its own "
    "construction (I1 insertion and a relocate/2-opt* descent, no peer involved): a few "
    "seconds of OR-Tools guided local search, then iterated local search (ruin and "
    "recreate, OR-Tools descent, record-to-record acceptance) with the worker's own seed; "
    "VROOM runs one thread per worker."
)

Progress = Callable[[RunRecord], None]


def load_instances(
    folder: Path, *, only: Sequence[str] = (), limit: int | None = None
) -> list[SolomonInstance]:
    """Return the instances in ``folder`` (those named in ``only``, the first ``limit``).

    Raises
    ------
    InputError
        When the folder, the BKS table or an instance is missing or unreadable, or an
        instance has no best-known cost.
    """
    files = instance_files(folder)
    bks = read_bks(folder)
    if only:
        files = _named(folder, files, only)
    files = files[:limit] if limit is not None else files
    unknown = [path.stem for path in files if path.stem not in bks]
    if unknown:
        msg = f"no best-known cost for {', '.join(unknown)}; add their rows."
        raise InputError([Problem(source=str(folder / BKS_FILE), message=msg)])
    return [read_instance(path, bks[path.stem]) for path in files]


def _named(folder: Path, files: Sequence[Path], only: Sequence[str]) -> list[Path]:
    by_name = {path.stem.upper(): path for path in files}
    missing = [name for name in only if name.upper() not in by_name]
    if missing:
        msg = f"no instance file for {', '.join(missing)} in {folder}."
        raise InputError([Problem(source="--only", message=msg)])
    return [by_name[name.upper()] for name in only]


def run_suite(
    instances: Sequence[SolomonInstance],
    solvers: Sequence[str],
    limits: RunLimits,
    progress: Progress | None = None,
) -> list[RunRecord]:
    """Run every solver on every instance, one at a time; return one record per run."""
    records = []
    for instance in instances:
        for solver in solvers:
            record = run_one(instance, solver, limits)
            if progress is not None:
                progress(record)
            records.append(record)
    return records


def run_one(instance: SolomonInstance, solver: str, limits: RunLimits) -> RunRecord:
    """Solve ``instance`` with ``solver``, check the routes and price them in real units."""
    name = instance.problem.name
    try:
        solution = SOLVERS[solver](instance.problem, limits)
    except SolverMissingError:
        return RunRecord(instance=name, solver=solver, bks=instance.bks, note="not installed")
    violations = check_routes(instance.problem, solution.routes)
    cost = routes_cost(instance.real_distances, solution.routes)
    return RunRecord(
        instance=name,
        solver=solver,
        vehicles=len(solution.routes),
        cost=cost,
        bks=instance.bks,
        gap_pct=100 * (cost - instance.bks) / instance.bks,
        wall_s=solution.wall_s,
        feasible=not violations,
        note=_summary(violations),
    )


def _summary(violations: Sequence[str]) -> str:
    if not violations:
        return ""
    more = f" (+{len(violations) - 1} more)" if len(violations) > 1 else ""
    return f"{violations[0]}{more}"
