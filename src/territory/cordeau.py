"""Cordeau's periodic VRP (PVRP) format: reader, independent checker, and the month engine.

An instance has ``t`` days, ``m`` vehicles of capacity ``Q`` per day and a route-duration
limit ``D`` (0 = none). Customer ``i`` must be visited on exactly the days of one of its
allowed combinations. The objective is the total Euclidean (unrounded) route length.

File format (Cordeau et al. 1997): first line ``type m n t``; then ``t`` lines ``D Q``; then
one line per node ``i x y d q f a list…`` (service time, demand, frequency, number of
combinations, the combinations). A combination is a bit pattern with day 1 as the most
significant bit: with ``t = 5``, 10 = 01010 means days 2 and 4. Node 0 is the depot.

:func:`solve_pvrp` states an instance as a :class:`~territory.periodic.PeriodicProblem`
(distances ×100, rounded; travel times rounded up so a route within the integer limit is
within the real one) and solves it with the month planner's optimiser,
:func:`territory.periodic_search.solve_periodic`; the reported cost is recomputed from
the real distances and the plan is checked by :func:`check_solution`, which shares no code
with the search.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from territory.periodic import (
    Days,
    PeriodicProblem,
    PeriodicResult,
    PeriodicSettings,
    PeriodicSolution,
)
from territory.periodic_search import solve_periodic

#: ``routes`` of one day, each a tuple of customer numbers (1..n, as in the file).
DayRoutes = tuple[tuple[int, ...], ...]
#: Slack when comparing real-valued loads and durations with their limits.
TOLERANCE = 1e-6
#: Distances are multiplied by this and rounded inside the search.
SCALE = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class PvrpInstance:
    """A parsed Cordeau PVRP instance; customer ``i`` (1..n) is row ``i`` of ``coords``.

    Parameters
    ----------
    name
        The file name.
    vehicles
        Vehicles per day (``m``).
    max_durations, capacities
        Per day, the route-duration limit (0 = none) and the vehicle capacity.
    coords
        ``(n + 1) x 2`` coordinates, depot first.
    service, demands
        Per customer (index ``i - 1``).
    frequency
        Visits per customer as the file states them (see :func:`frequency_mismatches`).
    combos
        Per customer, the allowed visit-day sets (0-based days, sorted).
    """

    name: str
    vehicles: int
    max_durations: tuple[float, ...]
    capacities: tuple[int, ...]
    coords: npt.NDArray[np.float64]
    service: tuple[float, ...]
    demands: tuple[int, ...]
    frequency: tuple[int, ...]
    combos: tuple[tuple[Days, ...], ...]

    def __post_init__(self) -> None:
        n = len(self.demands)
        if self.coords.shape != (n + 1, 2):
            msg = f"{self.name}: expected {n + 1} nodes, got {self.coords.shape[0]}."
            raise ValueError(msg)
        if len(self.max_durations) != len(self.capacities) or not self.capacities:
            msg = f"{self.name}: expected one 'D Q' line per day."
            raise ValueError(msg)
        empty = [i + 1 for i, combos in enumerate(self.combos) if not combos]
        if empty:
            msg = f"{self.name}: customers {empty} have no allowed combination."
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
class PvrpSolution:
    """Routes per day (customer numbers 1..n); at most ``m`` non-empty routes a day."""

    routes: tuple[DayRoutes, ...]


def decode_combo(value: int, days: int) -> Days:
    """Return the 0-based days of bit pattern ``value`` (day 1 = most significant bit)."""
    if not 0 <= value < 2**days:
        msg = f"Combination {value} does not fit a {days}-day period."
        raise ValueError(msg)
    return tuple(day for day in range(days) if value >> (days - 1 - day) & 1)


def read_pvrp(path: Path) -> PvrpInstance:
    """Parse a Cordeau PVRP file (problem type 1)."""
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    kind, vehicles, n, days = (int(value) for value in rows[0][:4])
    if kind != 1:
        msg = f"{path.name}: problem type {kind} is not a PVRP (type 1)."
        raise ValueError(msg)
    limits = [(float(row[0]), _integer(row[1], path)) for row in rows[1 : 1 + days]]
    nodes = rows[1 + days : 2 + days + n]
    customers = nodes[1:]
    return PvrpInstance(
        name=path.name,
        vehicles=vehicles,
        max_durations=tuple(limit for limit, _ in limits),
        capacities=tuple(capacity for _, capacity in limits),
        coords=np.array([[float(row[1]), float(row[2])] for row in nodes]),
        service=tuple(float(row[3]) for row in customers),
        demands=tuple(_integer(row[4], path) for row in customers),
        frequency=tuple(int(row[5]) for row in customers),
        combos=tuple(
            tuple(decode_combo(int(value), days) for value in row[7 : 7 + int(row[6])])
            for row in customers
        ),
    )


def _integer(text: str, path: Path) -> int:
    value = float(text)
    if value != int(value):
        msg = f"{path.name}: expected an integer demand or capacity, got {text!r}."
        raise ValueError(msg)
    return int(value)


def frequency_mismatches(instance: PvrpInstance) -> list[int]:
    """Return customers whose stated frequency differs from their combinations' size.

    ``p11`` customer 131 says 0 visits but allows five one-day combinations (Cordeau's
    solution visits it once); the combinations are what the checker enforces.
    """
    return [
        i + 1
        for i, (frequency, combos) in enumerate(
            zip(instance.frequency, instance.combos, strict=True)
        )
        if any(len(combo) != frequency for combo in combos)
    ]


def real_distances(instance: PvrpInstance) -> npt.NDArray[np.float64]:
    """Return the unrounded Euclidean distances between all nodes (depot first)."""
    delta = instance.coords[:, None, :] - instance.coords[None, :, :]
    distances: npt.NDArray[np.float64] = np.hypot(delta[..., 0], delta[..., 1])
    return distances


def route_length(distances: npt.NDArray[np.float64], route: Sequence[int]) -> float:
    """Return the length of depot -> ``route`` (customer numbers) -> depot."""
    nodes = [0, *route, 0] if route else []
    return float(sum(distances[a, b] for a, b in itertools.pairwise(nodes)))


def solution_cost(instance: PvrpInstance, solution: PvrpSolution) -> float:
    """Return the total real-valued length of every route of every day."""
    distances = real_distances(instance)
    return sum(route_length(distances, route) for day in solution.routes for route in day)


def check_solution(instance: PvrpInstance, solution: PvrpSolution) -> list[str]:
    """Return every violation of ``solution`` (empty when it is feasible).

    Checked independently of the solver: the number of days and of routes a day, each
    customer's visit days form one of its allowed combinations (once a day), every route's
    load is within capacity and its travel plus service time within the duration limit.
    """
    if len(solution.routes) != instance.days:
        return [f"expected {instance.days} days of routes, got {len(solution.routes)}"]
    distances = real_distances(instance)
    problems = []
    for day, routes in enumerate(solution.routes):
        problems += _day_problems(instance, distances, day, routes)
    return problems + _visit_problems(instance, solution)


def _day_problems(
    instance: PvrpInstance,
    distances: npt.NDArray[np.float64],
    day: int,
    routes: DayRoutes,
) -> list[str]:
    used = [route for route in routes if route]
    problems = []
    if len(used) > instance.vehicles:
        problems.append(f"day {day + 1}: {len(used)} routes > {instance.vehicles} vehicles")
    for number, route in enumerate(used, start=1):
        where = f"day {day + 1} route {number}"
        if any(not 1 <= c <= instance.size for c in route):
            problems.append(f"{where}: unknown customer in {route}")
            continue
        load = sum(instance.demands[c - 1] for c in route)
        if load > instance.capacities[day]:
            problems.append(f"{where}: load {load} > capacity {instance.capacities[day]}")
        limit = instance.max_durations[day]
        duration = route_length(distances, route) + sum(instance.service[c - 1] for c in route)
        if limit > 0 and duration > limit + TOLERANCE:
            problems.append(f"{where}: duration {duration:.2f} > limit {limit:g}")
    return problems


def _visit_problems(instance: PvrpInstance, solution: PvrpSolution) -> list[str]:
    visits: list[list[int]] = [[] for _ in range(instance.size)]
    for day, routes in enumerate(solution.routes):
        for customer in itertools.chain.from_iterable(routes):
            if 1 <= customer <= instance.size:
                visits[customer - 1].append(day)
    problems = []
    for i, days in enumerate(visits):
        if len(set(days)) != len(days):
            problems.append(f"customer {i + 1}: visited twice on one day ({days})")
        elif tuple(sorted(days)) not in instance.combos[i]:
            allowed = list(instance.combos[i])
            problems.append(f"customer {i + 1}: days {days} not among allowed {allowed}")
    return problems


def read_res(path: Path, instance: PvrpInstance) -> PvrpSolution:
    """Read a Cordeau ``.res`` solution (``day vehicle duration load 0 c1 … 0`` lines)."""
    rows = [line.split() for line in path.read_text().splitlines()[1:] if line.strip()]
    routes: list[list[tuple[int, ...]]] = [[] for _ in range(instance.days)]
    for row in rows:
        day, customers = int(row[0]) - 1, [int(c) for c in row[4:]]
        routes[day].append(tuple(c for c in customers if c != 0))
    return PvrpSolution(routes=tuple(tuple(day) for day in routes))


def res_cost(path: Path) -> float:
    """Return the total cost stated on the first line of a ``.res`` file."""
    return float(path.read_text().split()[0])


def gap_percent(cost: float, best_known: float) -> float:
    """Return ``100 * (cost - best_known) / best_known``."""
    return 100.0 * (cost - best_known) / best_known if best_known else math.nan


# --------------------------------------------------------------------------------------
# Solver


def periodic_problem(instance: PvrpInstance) -> PeriodicProblem:
    """Return ``instance`` as the month engine's integer problem (×:data:`SCALE`)."""
    real = real_distances(instance) * SCALE
    return PeriodicProblem(
        distances=np.rint(real).astype(np.int64),
        # Rounded up, so a route within the integer limit is within the real one.
        durations=np.ceil(real - TOLERANCE).astype(np.int64),
        service=tuple(math.ceil(s * SCALE - TOLERANCE) for s in instance.service),
        demands=instance.demands,
        vehicles=instance.vehicles,
        capacities=instance.capacities,
        max_durations=tuple(math.floor(limit * SCALE) for limit in instance.max_durations),
        options=instance.combos,
    )


def cordeau_solution(solution: PeriodicSolution) -> PvrpSolution:
    """Return the month engine's ``solution`` with Cordeau's customer numbers (1..n)."""
    return PvrpSolution(
        routes=tuple(
            tuple(tuple(customer + 1 for customer in route) for route in day)
            for day in solution.routes
        )
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PvrpResult:
    """The plan found in Cordeau's numbering, its real cost, and the search's own result."""

    solution: PvrpSolution
    cost: float
    search: PeriodicResult


def solve_pvrp(instance: PvrpInstance, settings: PeriodicSettings | None = None) -> PvrpResult:
    """Solve ``instance`` with the month engine; return the plan and its real cost."""
    result = solve_periodic(periodic_problem(instance), settings)
    solution = cordeau_solution(result.solution)
    return PvrpResult(solution=solution, cost=solution_cost(instance, solution), search=result)
