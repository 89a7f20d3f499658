"""The month engine's optimiser: a periodic vehicle-routing problem and its search.

Each customer must be visited on exactly the days of one of its allowed day sets (its
*options*: a retailer's visit patterns in a month plan, a customer's combinations in
Cordeau's PVRP); every day ``vehicles`` routes leave the depot (node 0) and come back,
within a capacity and, where a day has one, a route-duration limit. The search picks one
option per customer and routes every day so that the total route cost is least.

The month planner (:mod:`territory.month`) states a manager's month this way, one vehicle
a day, and routes each day of the result with the daily engine; ``benchmarks/pvrp.py``
states Cordeau's instances this way, with their several vehicles a day. Inside the search
everything is an integer.

Pipeline: :class:`PeriodicProblem` (frozen, validated) →
:func:`territory.periodic_search.solve_periodic` → :class:`PeriodicResult`; the moves on
one plan are in :mod:`territory.periodic_engine`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: The days of one visit option, 0-based and increasing.
Days = tuple[int, ...]
#: One day's routes, each a tuple of customers (0-based).
Routes = tuple[tuple[int, ...], ...]
#: ``routes[day]`` = that day's non-empty routes.
DayRoutes = tuple[Routes, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodicProblem:
    """Customers, their allowed day sets, and the fleet of every day.

    Parameters
    ----------
    distances
        ``(n + 1) x (n + 1)`` route costs, depot first (customer ``i`` is node ``i + 1``).
        The moves assume it symmetric (a reversed route costs the same).
    durations
        Travel times of the same shape, for the route-duration limits.
    service, demands
        Per customer.
    vehicles
        Routes a day may have.
    capacities, max_durations
        Per day: the load a route may carry, and the travel plus service time a route may
        take (0 = no limit).
    options
        Per customer, the day sets it may be visited on (one is chosen).
    """

    distances: npt.NDArray[np.int64]
    durations: npt.NDArray[np.int64]
    service: tuple[int, ...]
    demands: tuple[int, ...]
    vehicles: int
    capacities: tuple[int, ...]
    max_durations: tuple[int, ...]
    options: tuple[tuple[Days, ...], ...]

    def __post_init__(self) -> None:
        nodes = len(self.demands) + 1
        for name in ("distances", "durations"):
            matrix = getattr(self, name)
            if matrix.shape != (nodes, nodes) or not np.issubdtype(matrix.dtype, np.integer):
                msg = f"Expected {name} as {nodes}x{nodes} integers, got {matrix.shape}."
                raise ValueError(msg)
            if (matrix < 0).any():
                msg = f"Expected non-negative {name}."
                raise ValueError(msg)
        if len(self.service) != len(self.demands) or len(self.options) != len(self.demands):
            msg = "Expected one service time, demand and option list per customer."
            raise ValueError(msg)
        if len(self.max_durations) != len(self.capacities) or self.vehicles < 1:
            msg = "Expected one capacity and duration limit per day, and vehicles >= 1."
            raise ValueError(msg)
        self._check_options()

    def _check_options(self) -> None:
        for customer, options in enumerate(self.options):
            if not options:
                msg = f"Customer {customer} has no allowed day set."
                raise ValueError(msg)
            for days in options:
                if list(days) != sorted(set(days)) or any(
                    not 0 <= day < self.days for day in days
                ):
                    msg = f"Customer {customer}: day set {days} is not increasing days in range."
                    raise ValueError(msg)

    @property
    def size(self) -> int:
        """The number of customers."""
        return len(self.demands)

    @property
    def days(self) -> int:
        """The number of days in the period."""
        return len(self.capacities)


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodicSettings:
    """How the search spends its effort.

    Parameters
    ----------
    time_limit_s
        Wall-clock cap; the search ends at ``iterations`` when that comes first.
    seed
        Seeds the local search order and the perturbations.
    iterations
        Ruin-and-recreate perturbations; with the seed they fix the result, unless the time
        cap ends the search first.
    stall
        End the search after this many perturbations in a row found no better plan
        (``None``: run all ``iterations``). Counted, not timed, so still deterministic.
    neighbours
        Nearest customers a move or an insertion looks at (granular search).
    ruin_min, ruin_max
        Customers one perturbation takes off and reinserts (a uniform draw between them).
    noise
        Insertion costs are multiplied by a draw from ``[1, 1 + noise]`` when reinserting.
    temperature
        Starting annealing temperature in mean arc lengths of the first plan.
    overload_penalty
        Cost of a unit of load beyond a route's capacity, in mean depot round trips per mean
        demand.
    final_share
        Share of the time limit kept for re-routing the best plan with OR-Tools at the end
        (0: no re-routing, for callers that route the days themselves).
    polish_solutions
        OR-Tools' solution limit for each re-routing (what normally ends it).
    """

    time_limit_s: float = 60.0
    seed: int = 0
    iterations: int = 1_000_000
    stall: int | None = None
    neighbours: int = 30
    ruin_min: int = 5
    ruin_max: int = 25
    noise: float = 0.2
    temperature: float = 10.0
    overload_penalty: float = 1.0
    final_share: float = 0.05
    polish_solutions: int = 5000

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0 or not 0 <= self.final_share < 1 or self.iterations < 0:
            msg = "Expected time_limit_s > 0, final_share in [0, 1) and iterations >= 0."
            raise ValueError(msg)
        if self.stall is not None and self.stall < 1:
            msg = "Expected stall >= 1 (or None)."
            raise ValueError(msg)
        if not 1 <= self.ruin_min <= self.ruin_max or self.neighbours < 1:
            msg = "Expected 1 <= ruin_min <= ruin_max and neighbours >= 1."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodicSolution:
    """One option per customer and the routes of every day.

    Parameters
    ----------
    choices
        Per customer, the index of its chosen option.
    routes
        Per day, its non-empty routes of 0-based customers.
    """

    choices: tuple[int, ...]
    routes: DayRoutes

    def days_of(self, problem: PeriodicProblem, customer: int) -> Days:
        """Return the days ``customer`` is visited on."""
        return problem.options[customer][self.choices[customer]]


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodicResult:
    """The best solution found and how the search went.

    Parameters
    ----------
    cost
        Total route cost in ``distances`` units.
    feasible
        Whether every route keeps its capacity and duration limit (when no plan found does,
        the solution is the one the search ended on).
    stages
        Cost after each stage (construction, local search, annealing, re-routing).
    """

    solution: PeriodicSolution
    cost: int
    feasible: bool
    wall_s: float
    cpu_s: float
    stages: tuple[tuple[str, int], ...]
    perturbations: int
    accepted: int


def route_cost(distances: npt.NDArray[np.int64], routes: Routes) -> int:
    """Return the cost of a day's ``routes`` (0-based customers), depot legs included."""
    total = 0
    for route in routes:
        nodes = [0, *(customer + 1 for customer in route), 0]
        total += int(distances[nodes[:-1], nodes[1:]].sum())
    return total


def solution_cost(problem: PeriodicProblem, solution: PeriodicSolution) -> int:
    """Return the total route cost of ``solution``."""
    return sum(route_cost(problem.distances, day) for day in solution.routes)
