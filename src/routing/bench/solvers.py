"""The solvers a benchmark compares, looked up by name: the OR-Tools core and its peers.

Every solver gets the same integer :class:`~routing.vrptw.VrptwProblem` and the same
limits, and returns a :class:`~routing.vrptw.VrptwSolution`; the suite checks and prices
it. The peers (PyVRP, VROOM) are the optional ``[bench]`` extra: a peer that is not
installed raises :class:`SolverMissingError`, which the suite reports as a row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from routing.bench import peers
from routing.solver import VrptwSettings, solve_vrptw
from routing.vrptw import VrptwProblem, VrptwSolution
from routing.vrptw_ils import IlsSettings


@dataclass(frozen=True, slots=True, kw_only=True)
class RunLimits:
    """What every solver of one benchmark run gets.

    Parameters
    ----------
    time_limit_s
        Wall-clock budget per instance.
    workers
        Processes (OR-Tools' multi-start) or threads (VROOM) a solver may use; PyVRP is
        single-threaded whatever this says.
    seed
        Seed of the solvers that take one (PyVRP, the core's iterated local search).
    """

    time_limit_s: float
    workers: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0 or self.workers < 1:
            msg = "Expected a positive time limit and workers >= 1."
            raise ValueError(msg)


SolveFunction = Callable[[VrptwProblem, RunLimits], VrptwSolution]
SolverMissingError = peers.SolverMissingError


def solve_ortools(problem: VrptwProblem, limits: RunLimits) -> VrptwSolution:
    """Solve with the OR-Tools core (:func:`routing.solver.solve_vrptw`)."""
    settings = VrptwSettings(
        time_limit_s=limits.time_limit_s,
        workers=limits.workers,
        ils=IlsSettings(seed=limits.seed),
    )
    return solve_vrptw(problem, settings)


def solve_pyvrp(problem: VrptwProblem, limits: RunLimits) -> VrptwSolution:
    """Solve with PyVRP's iterated local search."""
    return peers.solve_pyvrp(problem, time_limit_s=limits.time_limit_s, seed=limits.seed)


def solve_vroom(problem: VrptwProblem, limits: RunLimits) -> VrptwSolution:
    """Solve with VROOM at its highest exploration level."""
    return peers.solve_vroom(problem, time_limit_s=limits.time_limit_s, threads=limits.workers)


#: The core first: reports compare every other solver with it.
SOLVERS: dict[str, SolveFunction] = {
    "ortools": solve_ortools,
    "pyvrp": solve_pyvrp,
    "vroom": solve_vroom,
}
CORE = "ortools"
