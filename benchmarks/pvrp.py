"""Cordeau's periodic VRP (PVRP): reader, independent checker and a month-engine-style solver.

An instance has ``t`` days, ``m`` vehicles of capacity ``Q`` per day and a route-duration
limit ``D`` (0 = none). Customer ``i`` must be visited on exactly the days of one of its
allowed combinations. The objective is the total Euclidean (unrounded) route length.

File format (Cordeau et al. 1997): first line ``type m n t``; then ``t`` lines ``D Q``; then
one line per node ``i x y d q f a list…`` (service time, demand, frequency, number of
combinations, the combinations). A combination is a bit pattern with day 1 as the most
significant bit: with ``t = 5``, 10 = 01010 means days 2 and 4. Node 0 is the depot.

The solver follows the month planner: choose a combination per customer, route each day
(``routing.solver.solve_fleet``), then switch combinations where insertion costs say it
saves distance and re-route the days touched. Inside the search distances are integers
(×100, rounded); the reported cost is recomputed from the real distances.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routing.fleet import FleetProblem, route_cost
from routing.solver import SolverSettings, solve_fleet
from territory.assign import assign_patterns

logger = logging.getLogger(__name__)

Days = tuple[int, ...]
#: ``routes[day]`` = the day's routes, each a tuple of customer numbers (1..n, as in the file).
DayRoutes = tuple[tuple[int, ...], ...]
#: Slack when comparing real-valued loads and durations with their limits.
TOLERANCE = 1e-6


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
# --------------------------------------------------------------------------------------

#: Distances are multiplied by this and rounded inside the search.
SCALE = 100
#: "Cannot insert here" in an insertion table.
NO_FIT = 10**12


@dataclass(frozen=True, slots=True, kw_only=True)
class PvrpSettings:
    """How the PVRP search spends its time.

    Parameters
    ----------
    time_limit_s
        Wall-clock budget for one instance.
    seed
        Seeds the order of the local search and the perturbations.
    horizon_share
        Share of the budget for routing all days at once (one-day customers free to move
        between their allowed days) before the day-by-day improvement.
    day_s_per_visit
        OR-Tools seconds per visit when a day is re-routed (clipped to [0.2, 3] s).
    ruin
        Customers whose combinations one perturbation reassigns.
    construction
        ``"insertion"`` (cheapest insertion over combinations, capacity-aware) or
        ``"assign"`` (``territory.assign.assign_patterns``, then routing from scratch).
    overload_penalty
        Cost of a unit of load beyond a route's capacity while switching combinations, in
        mean nearest-neighbour distances per mean demand (0 = capacity is hard).
    stall
        Perturbations without improvement after which the days changed since the last
        re-routing are re-routed with OR-Tools.
    final_share
        Share of the budget kept for re-routing the best plan's days at the end.
    horizon_visits
        At most this many visits, the final re-routing routes all days in one model.
    """

    time_limit_s: float = 60.0
    seed: int = 0
    horizon_share: float = 0.0
    day_s_per_visit: float = 0.006
    ruin: int = 8
    construction: str = "insertion"
    overload_penalty: float = 0.1
    stall: int = 50
    horizon_visits: int = 250
    final_share: float = 0.1

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0 or not 0 <= self.horizon_share < 1 or self.ruin < 1:
            msg = "Expected time_limit_s > 0, horizon_share in [0, 1) and ruin >= 1."
            raise ValueError(msg)
        if self.construction not in {"insertion", "assign"}:
            msg = f"Unknown construction {self.construction!r}; use insertion or assign."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class PvrpResult:
    """The best solution found, its real cost, and how the search went."""

    solution: PvrpSolution
    cost: float
    wall_s: float
    stages: tuple[tuple[str, float], ...]
    perturbations: int
    accepted: int


@dataclass(frozen=True, slots=True)
class _Data:
    """The instance as the search sees it: integer matrices (×SCALE), depot at 0."""

    instance: PvrpInstance
    cost: npt.NDArray[np.int64]
    time: npt.NDArray[np.int64]
    service: npt.NDArray[np.int64]
    demands: npt.NDArray[np.int64]
    max_duration: tuple[int, ...]
    neighbours: npt.NDArray[np.int64]


def _scaled(instance: PvrpInstance) -> _Data:
    real = real_distances(instance) * SCALE
    customers = real[1:, 1:]
    return _Data(
        instance=instance,
        cost=np.rint(real).astype(np.int64),
        # Rounded up, so a route within the integer limit is within the real one.
        time=np.ceil(real - TOLERANCE).astype(np.int64),
        service=np.ceil(np.array(instance.service) * SCALE - TOLERANCE).astype(np.int64),
        demands=np.array(instance.demands, dtype=np.int64),
        max_duration=tuple(math.floor(limit * SCALE) for limit in instance.max_durations),
        neighbours=np.argsort(customers, axis=1, kind="stable").astype(np.int64),
    )


@dataclass(slots=True)
class _Plan:
    """Mutable search state: each customer's combination and every day's routes."""

    combo: list[int]
    routes: list[list[list[int]]]

    def copy(self) -> _Plan:
        return _Plan(list(self.combo), [[list(r) for r in day] for day in self.routes])

    def cost(self, data: _Data) -> int:
        return sum(route_cost(data.cost, route) for day in self.routes for route in day)

    def solution(self) -> PvrpSolution:
        return PvrpSolution(
            routes=tuple(
                tuple(tuple(p + 1 for p in route) for route in day if route) for day in self.routes
            )
        )


def _empty_plan(instance: PvrpInstance) -> _Plan:
    return _Plan(
        [0] * instance.size,
        [[[] for _ in range(instance.vehicles)] for _ in range(instance.days)],
    )


@dataclass(frozen=True, slots=True)
class _Table:
    """Cheapest feasible insertion of every customer into one day's routes."""

    cost: npt.NDArray[np.int64]
    route: npt.NDArray[np.int64]
    slot: npt.NDArray[np.int64]


def _insertion_table(data: _Data, plan: _Plan, day: int, penalty: int) -> _Table:
    """Return each customer's cheapest insertion on ``day``.

    With ``penalty`` 0 a route's capacity is a hard limit; otherwise each unit of load
    beyond it costs ``penalty`` (the re-routing moves customers between the day's routes),
    and only the day's total capacity, ``m * Q``, is hard.
    """
    n = data.instance.size
    best = _Table(np.full(n, NO_FIT), np.full(n, -1), np.zeros(n, dtype=np.int64))
    routes = plan.routes[day]
    empty = [r for r, route in enumerate(routes) if not route]
    for r, route in enumerate(routes):
        if route:
            value, slot = _route_insertions(data, route, day)
            _update(best, r, _with_overload(data, value, route, day, penalty), slot)
    if empty:
        _update(best, empty[0], *_empty_insertions(data, day))
    if penalty:
        room = data.instance.vehicles * data.instance.capacities[day]
        room -= sum(int(data.demands[route].sum()) for route in routes)
        best.cost[data.demands > room] = NO_FIT
    return best


def _with_overload(
    data: _Data, value: npt.NDArray[np.int64], route: list[int], day: int, penalty: int
) -> npt.NDArray[np.int64]:
    room = data.instance.capacities[day] - int(data.demands[route].sum())
    if not penalty:
        return np.where(data.demands <= room, value, NO_FIT)
    excess = np.maximum(0, data.demands - room) - max(0, -room)
    return np.where(value < NO_FIT, value + penalty * excess, NO_FIT)


def _route_insertions(
    data: _Data, route: list[int], day: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    nodes = np.array([0, *(p + 1 for p in route), 0])
    a, b = nodes[:-1], nodes[1:]
    delta = data.cost[a, 1:].T + data.cost[1:, b] - data.cost[a, b]
    limit = data.max_duration[day]
    if limit:
        extra = data.time[a, 1:].T + data.time[1:, b] - data.time[a, b]
        used = int(data.time[a, b].sum() + data.service[route].sum())
        delta = np.where(used + extra + data.service[:, None] <= limit, delta, NO_FIT)
    slot = delta.argmin(axis=1)
    return delta[np.arange(len(slot)), slot], slot


def _empty_insertions(
    data: _Data, day: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    value = data.cost[0, 1:] + data.cost[1:, 0]
    fits = data.demands <= data.instance.capacities[day]
    limit = data.max_duration[day]
    if limit:
        fits &= data.time[0, 1:] + data.time[1:, 0] + data.service <= limit
    return np.where(fits, value, NO_FIT), np.zeros_like(value)


def _update(
    best: _Table, route: int, value: npt.NDArray[np.int64], slot: npt.NDArray[np.int64]
) -> None:
    better = value < best.cost
    best.cost[better] = value[better]
    best.route[better] = route
    best.slot[better] = slot[better]


class _Tables:
    """Insertion tables per day, recomputed only after the day changes."""

    def __init__(self, data: _Data, plan: _Plan, penalty: int = 0) -> None:
        self.data, self.plan, self.penalty = data, plan, penalty
        self.cache: dict[int, _Table] = {}

    def __getitem__(self, day: int) -> _Table:
        if day not in self.cache:
            self.cache[day] = _insertion_table(self.data, self.plan, day, self.penalty)
        return self.cache[day]

    def forget(self, days: set[int]) -> None:
        for day in days:
            self.cache.pop(day, None)


def _removal_gain(tables: _Tables, customer: int, day: int) -> int:
    """Return what taking ``customer`` off its route on ``day`` saves (overload included)."""
    data = tables.data
    for route in tables.plan.routes[day]:
        if customer in route:
            k = route.index(customer)
            gain = _gain_at(data, route, k)
            excess = int(data.demands[route].sum()) - data.instance.capacities[day]
            relief = min(max(0, excess), int(data.demands[customer]))
            return gain + tables.penalty * relief
    msg = f"customer {customer + 1} is not routed on day {day + 1}"
    raise AssertionError(msg)


def _gain_at(data: _Data, route: Sequence[int], k: int) -> int:
    before = route[k - 1] + 1 if k else 0
    after = route[k + 1] + 1 if k + 1 < len(route) else 0
    node = route[k] + 1
    return int(data.cost[before, node] + data.cost[node, after] - data.cost[before, after])


def _remove(tables: _Tables, customer: int, days: set[int]) -> None:
    for day in days:
        for route in tables.plan.routes[day]:
            if customer in route:
                route.remove(customer)
    tables.forget(days)


def _insert(tables: _Tables, customer: int, days: set[int]) -> None:
    """Insert ``customer`` on ``days`` where it is cheapest (or least overloaded, if nowhere)."""
    for day in sorted(days):
        table = tables[day]
        if table.cost[customer] >= NO_FIT:
            _force_insert(tables.data, tables.plan, customer, day)
        else:
            route = tables.plan.routes[day][int(table.route[customer])]
            route.insert(int(table.slot[customer]), customer)
    tables.forget(days)


def _force_insert(data: _Data, plan: _Plan, customer: int, day: int) -> None:
    """Insert into the route with the most room, breaking its limits (the routing repairs)."""
    routes = plan.routes[day]
    route = max(routes, key=lambda r: -int(data.demands[r].sum()))
    node = customer + 1
    nodes = [0, *(p + 1 for p in route), 0]
    slot = min(
        range(len(nodes) - 1),
        key=lambda k: data.cost[nodes[k], node] + data.cost[node, nodes[k + 1]],
    )
    route.insert(slot, customer)


# ----- routing with OR-Tools ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    data: _Data
    settings: PvrpSettings
    deadline: float

    @property
    def penalty(self) -> int:
        """Cost of one unit of route overload during combination switches."""
        cost = self.data.cost[1:, 1:] + np.diag(np.full(self.data.instance.size, NO_FIT))
        unit = float(cost.min(axis=1).mean()) / max(1.0, float(self.data.demands.mean()))
        return round(self.settings.overload_penalty * unit)

    def left(self) -> float:
        return self.deadline - time.perf_counter()


def _fleet_settings(seconds: float) -> SolverSettings:
    return SolverSettings(
        max_solutions=10**8,
        time_limit_s=max(0.05, seconds),
        first_solution="PARALLEL_CHEAPEST_INSERTION",
        metaheuristic="GUIDED_LOCAL_SEARCH",
        warm_start_steps=0,
        portfolio=False,
    )


def _sub_problem(
    data: _Data,
    customers: Sequence[int],
    *,
    day: int,
    vehicles: int,
    allowed: tuple[tuple[int, ...], ...] = (),
) -> FleetProblem:
    nodes = [0, *(p + 1 for p in customers)]
    grid = np.ix_(nodes, nodes)
    return FleetProblem(
        distances=np.ascontiguousarray(data.cost[grid]),
        durations=np.ascontiguousarray(data.time[grid]),
        service=tuple(int(data.service[p]) for p in customers),
        demands=tuple(int(data.demands[p]) for p in customers),
        vehicles=vehicles,
        capacity=data.instance.capacities[day],
        max_duration=data.max_duration[day],
        allowed_vehicles=allowed,
    )


def _route_day(
    context: _Context, plan: _Plan, day: int, *, seconds: float | None = None
) -> list[int]:
    """Re-route ``day`` from its current routes; return the customers it could not fit.

    Routes that break a limit are first stripped of the customers that make them break it,
    so OR-Tools starts from a feasible partial solution and inserts those back. The new
    routes replace the old ones when shorter, or when the old ones broke a limit.
    """
    data = context.data
    members = sorted(p for route in plan.routes[day] for p in route)
    if not members or context.left() <= 0:
        return []
    if seconds is None:
        seconds = float(np.clip(len(members) * context.settings.day_s_per_visit, 0.1, 3.0))
    seconds = min(context.left(), seconds)
    local = {p: k for k, p in enumerate(members)}
    problem = _sub_problem(data, members, day=day, vehicles=data.instance.vehicles)
    start = [[local[p] for p in route] for route in _strip(data, plan.routes[day], day)]
    solution = solve_fleet(problem, _fleet_settings(seconds), initial_routes=start)
    fits = _day_fits(data, plan, day)
    before = sum(route_cost(data.cost, route) for route in plan.routes[day])
    if fits and (solution.dropped or solution.cost >= before):
        return []
    plan.routes[day] = [[members[k] for k in route] for route in solution.routes]
    return [members[k] for k in solution.dropped]


def _strip(data: _Data, routes: list[list[int]], day: int) -> list[list[int]]:
    """Return ``routes`` less, route by route, the costliest customers until each fits."""
    stripped = []
    for route in routes:
        kept = list(route)
        while kept and not _route_fits(data, kept, day):
            del kept[max(range(len(kept)), key=lambda k: _gain_at(data, kept, k))]
        stripped.append(kept)
    return stripped


def _route_days(context: _Context, plan: _Plan, days: set[int]) -> None:
    """Re-route ``days``; move customers a day cannot fit to another combination."""
    pending = set(days)
    for _ in range(3):
        changed: set[int] = set()
        for day in sorted(pending):
            for customer in _route_day(context, plan, day):
                changed |= _rehome(_Tables(context.data, plan), customer, day)
        if not changed:
            return
        pending = changed


def _rehome(tables: _Tables, customer: int, day: int) -> set[int]:
    """Give ``customer``, just dropped from ``day``, the cheapest combination without it."""
    options = tables.data.instance.combos[customer]
    current = set(options[tables.plan.combo[customer]]) - {day}
    gains = {d: _removal_gain(tables, customer, d) for d in current}
    costs = [
        NO_FIT
        if day in option
        else sum(int(tables[d].cost[customer]) for d in set(option) - current)
        - sum(gains[d] for d in current - set(option))
        for option in options
    ]
    best = int(np.argmin(costs))
    if costs[best] >= NO_FIT:  # nowhere else: back on the day, to be repaired later
        _force_insert(tables.data, tables.plan, customer, day)
        return {day}
    new = set(options[best])
    _remove(tables, customer, current - new)
    _insert(tables, customer, new - current)
    tables.plan.combo[customer] = best
    return new ^ current


def _day_fits(data: _Data, plan: _Plan, day: int) -> bool:
    return all(_route_fits(data, route, day) for route in plan.routes[day])


def _route_fits(data: _Data, route: list[int], day: int) -> bool:
    if int(data.demands[route].sum()) > data.instance.capacities[day]:
        return False
    limit = data.max_duration[day]
    return not limit or route_cost(data.time, route) + int(data.service[route].sum()) <= limit


def _horizon_layout(
    data: _Data, plan: _Plan
) -> tuple[list[int], tuple[tuple[int, ...], ...], dict[tuple[int, int], int]]:
    """Return the all-days model's customers, allowed vehicles and (customer, day) -> node.

    A customer whose combinations are all single days is one node free to go to any
    vehicle of those days; any other customer has one node per day of its combination.
    """
    instance, m = data.instance, data.instance.vehicles
    customers: list[int] = []
    allowed: list[tuple[int, ...]] = []
    node_of: dict[tuple[int, int], int] = {}
    for i, options in enumerate(instance.combos):
        flexible = all(len(option) == 1 for option in options)
        groups = [[o[0] for o in options]] if flexible else [[d] for d in options[plan.combo[i]]]
        for days in groups:
            node_of.update({(i, day): len(customers) for day in days})
            customers.append(i)
            allowed.append(tuple(day * m + v for day in days for v in range(m)))
    return customers, tuple(allowed), node_of


def _route_horizon(context: _Context, plan: _Plan, seconds: float) -> bool:
    """Route every day in one model, letting one-day customers change day; True if better."""
    data, instance = context.data, context.data.instance
    if len(set(instance.capacities)) > 1 or len(set(data.max_duration)) > 1:
        return False
    m = instance.vehicles
    customers, allowed, node_of = _horizon_layout(data, plan)
    problem = _sub_problem(data, customers, day=0, vehicles=m * instance.days, allowed=allowed)
    initial = [
        [node_of[(p, day)] for p in route]
        for day, routes in enumerate(plan.routes)
        for route in routes
    ]
    seconds = min(seconds, context.left())
    solution = solve_fleet(problem, _fleet_settings(seconds), initial_routes=initial)
    if solution.dropped or (solution.cost >= plan.cost(data) and _plan_fits(data, plan)):
        return False
    for vehicle, route in enumerate(solution.routes):
        day = vehicle // m
        plan.routes[day][vehicle % m] = [customers[k] for k in route]
        for k in route:
            options = instance.combos[customers[k]]
            if all(len(option) == 1 for option in options):
                plan.combo[customers[k]] = options.index((day,))
    return True


def _plan_fits(data: _Data, plan: _Plan) -> bool:
    return all(_day_fits(data, plan, day) for day in range(data.instance.days))


# ----- combination switches ---------------------------------------------------------------


def _two_opt(cost: npt.NDArray[np.int64], route: list[int]) -> list[int]:
    """Return ``route`` improved by best-improvement 2-opt (symmetric costs)."""
    nodes = np.array([0, *(p + 1 for p in route), 0])
    while len(nodes) > 4:
        a, b = nodes[:-1], nodes[1:]
        edge = cost[a, b]
        gain = edge[:, None] + edge[None, :] - cost[np.ix_(a, a)] - cost[np.ix_(b, b)]
        gain = np.triu(gain, 2)
        i, j = np.unravel_index(int(gain.argmax()), gain.shape)
        if gain[i, j] <= 0:
            break
        nodes[i + 1 : j + 1] = nodes[i + 1 : j + 1][::-1].copy()
    return [int(node) - 1 for node in nodes[1:-1]]


class _Switcher:
    """Best-improvement descent on combinations and same-day route changes.

    A combination move gives a customer another allowed combination: it leaves the days it
    no longer uses and is inserted at the cheapest place of the new ones; a relocation
    moves one visit to another route of the same day. Both are priced by removal gains and
    insertion costs on the current routes, a unit of route overload costing ``penalty``
    (only a day's total capacity is hard; re-routing rebalances its routes). Each changed
    route gets 2-opt.
    """

    def __init__(self, data: _Data, plan: _Plan, penalty: int) -> None:
        self.data, self.plan, self.penalty = data, plan, penalty
        instance = data.instance
        n, days = instance.size, instance.days
        width = max(len(options) for options in instance.combos)
        self.options = np.zeros((n, width, days), dtype=bool)
        self.valid = np.zeros((n, width), dtype=bool)
        for i, options in enumerate(instance.combos):
            for k, option in enumerate(options):
                self.options[i, k, list(option)] = True
                self.valid[i, k] = len(options) > 1
        self.capacity = np.array(instance.capacities, dtype=np.int64)
        self.cache: dict[tuple[int, int], tuple[npt.NDArray[np.int64], ...]] = {}

    def _arrays(self, day: int, r: int) -> tuple[npt.NDArray[np.int64], ...]:
        if (day, r) not in self.cache:
            route = self.plan.routes[day][r]
            arrays = _route_insertions(self.data, route, day) if route else None
            self.cache[day, r] = arrays or _empty_insertions(self.data, day)
        return self.cache[day, r]

    def _penalised(self, day: int) -> npt.NDArray[np.float64]:
        """Return the (route, customer) insertion costs on ``day``, overload included."""
        data = self.data
        routes = self.plan.routes[day]
        dist = np.stack([self._arrays(day, r)[0] for r in range(len(routes))])
        loads = np.array([int(data.demands[route].sum()) for route in routes])[:, None]
        capacity = int(self.capacity[day])
        excess = np.maximum(0, data.demands[None, :] + loads - capacity)
        excess -= np.maximum(0, loads - capacity)
        penalised = np.where(dist < NO_FIT, dist + self.penalty * excess, np.inf)
        room = len(routes) * capacity - int(loads.sum())
        penalised[:, data.demands > room] = np.inf
        return penalised

    def _removals(self, day: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Return what taking each customer off ``day`` saves, and its route (-1: none)."""
        data = self.data
        gains = np.zeros(data.instance.size)
        where = np.full(data.instance.size, -1)
        for r, route in enumerate(self.plan.routes[day]):
            if not route:
                continue
            nodes = np.array([0, *(p + 1 for p in route), 0])
            before, here, after = nodes[:-2], nodes[1:-1], nodes[2:]
            gain = data.cost[before, here] + data.cost[here, after] - data.cost[before, after]
            excess = max(0, int(data.demands[route].sum()) - int(self.capacity[day]))
            gains[route] = gain + self.penalty * np.minimum(excess, data.demands[route])
            where[route] = r
        return gains, where

    def best_move(self) -> tuple[float, int, int, npt.NDArray[np.int64]]:
        """Return (delta, customer, combination or -1 - day for a relocation, routes)."""
        days = range(self.data.instance.days)
        penalised = [self._penalised(d) for d in days]
        removals = [self._removals(d) for d in days]
        targets = np.stack([p.argmin(axis=0) for p in penalised], axis=1)
        insert = np.stack([p.min(axis=0) for p in penalised], axis=1)
        remove = np.stack([gain for gain, _ in removals], axis=1)
        current = self.options[np.arange(len(self.plan.combo)), self.plan.combo][:, None, :]
        enter, leave = self.options & ~current, current & ~self.options
        delta = np.where(enter, insert[:, None, :], 0.0).sum(-1)
        delta -= (leave * remove[:, None, :]).sum(-1)
        delta[~self.valid] = np.inf
        delta[np.arange(len(delta)), self.plan.combo] = np.inf
        customer, combo = np.unravel_index(int(np.argmin(delta)), delta.shape)
        best = (float(delta[customer, combo]), int(customer), int(combo), targets[customer])
        for day, (gains, where) in enumerate(removals):
            moved = self._relocation(penalised[day], gains, where)
            if moved[0] < best[0]:
                best = (moved[0], moved[1], -1 - day, np.full(len(days), moved[2]))
        return best

    @staticmethod
    def _relocation(
        penalised: npt.NDArray[np.float64],
        gains: npt.NDArray[np.float64],
        where: npt.NDArray[np.int64],
    ) -> tuple[float, int, int]:
        on_day = np.flatnonzero(where >= 0)
        if len(on_day) == 0:
            return math.inf, -1, -1
        costs = penalised[:, on_day].copy()
        costs[where[on_day], np.arange(len(on_day))] = np.inf
        target = costs.argmin(axis=0)
        delta = costs[target, np.arange(len(on_day))] - gains[on_day]
        k = int(np.argmin(delta))
        return float(delta[k]), int(on_day[k]), int(target[k])

    def descend(self, deadline: float, limit: int = 10**6) -> set[int]:
        """Make improving moves until none is left; return the days changed."""
        changed: set[int] = set()
        for _ in range(limit):
            if time.perf_counter() >= deadline:
                break
            delta, customer, combo, targets = self.best_move()
            if delta > -1:
                break
            changed |= self.apply(customer, combo, targets)
        return changed

    def apply(self, customer: int, combo: int, targets: npt.NDArray[np.int64]) -> set[int]:
        """Apply a move from :meth:`best_move`; return the days it changed."""
        if combo < 0:
            day = -1 - combo
            self._take(customer, day)
            self._put(customer, day, int(targets[day]))
            return {day}
        options = self.data.instance.combos[customer]
        old, new = set(options[self.plan.combo[customer]]), set(options[combo])
        for day in old - new:
            self._take(customer, day)
        for day in new - old:
            self._put(customer, day, int(targets[day]))
        self.plan.combo[customer] = combo
        return old ^ new

    def _take(self, customer: int, day: int) -> None:
        for r, route in enumerate(self.plan.routes[day]):
            if customer in route:
                route.remove(customer)
                self.cache.pop((day, r), None)

    def _put(self, customer: int, day: int, r: int) -> None:
        slot = int(self._arrays(day, r)[1][customer])
        route = self.plan.routes[day][r]
        route.insert(slot, customer)
        self.plan.routes[day][r] = _two_opt(self.data.cost, route)
        self.cache.pop((day, r), None)


# ----- construction and search -------------------------------------------------------------


def _construct(data: _Data) -> _Plan:
    """Insert customers (most visits, then farthest first) on their cheapest combination."""
    instance = data.instance
    plan = _empty_plan(instance)
    tables = _Tables(data, plan)
    order = sorted(
        range(instance.size),
        key=lambda i: (-len(instance.combos[i][0]), -int(data.cost[0, i + 1]), i),
    )
    for customer in order:
        costs = [
            sum(int(tables[day].cost[customer]) for day in option)
            for option in instance.combos[customer]
        ]
        plan.combo[customer] = int(np.argmin(costs))
        _insert(tables, customer, set(instance.combos[customer][plan.combo[customer]]))
    return plan


def _assigned(context: _Context) -> _Plan:
    """Combinations from ``territory.assign.assign_patterns``, each day routed from scratch."""
    data, instance = context.data, context.data.instance
    per_day = instance.vehicles * float(np.mean(instance.capacities))
    capacity = math.ceil(per_day / max(1.0, float(data.demands.mean())))
    assignment = assign_patterns(
        [list(options) for options in instance.combos],
        data.cost[1:, 1:],
        days=instance.days,
        capacity=capacity,
    )
    plan = _empty_plan(instance)
    plan.combo = [
        options.index(pattern)
        for options, pattern in zip(instance.combos, assignment.patterns, strict=True)
    ]
    seconds = context.settings.horizon_share * context.settings.time_limit_s / instance.days
    for day, members in enumerate(assignment.days):
        problem = _sub_problem(data, members, day=day, vehicles=instance.vehicles)
        solution = solve_fleet(problem, _fleet_settings(seconds))
        plan.routes[day] = [[members[k] for k in route] for route in solution.routes]
        for k in solution.dropped:
            _force_insert(data, plan, members[k], day)
    return plan


def _descend(
    context: _Context, plan: _Plan, penalty: int, *, first: set[int] | None = None
) -> tuple[_Plan, int]:
    """Alternate switches (priced on the current routes) and re-routing of changed days.

    ``first`` are days to re-route before the first round. A round that does not end
    shorter and feasible (its cheap overloads cost more to repair than priced) is undone
    and the overload penalty doubled; the descent stops after three such rounds. Returns
    the plan and the penalty reached.
    """
    data = context.data
    if first:
        _route_days(context, plan, first)
    failures = 0
    while context.left() > 0 and failures < 3:
        before, cost = plan.copy(), plan.cost(data)
        changed = _Switcher(data, plan, penalty).descend(context.deadline)
        if not changed:
            break
        _route_days(context, plan, changed)
        if plan.cost(data) >= cost or not _plan_fits(data, plan):
            plan, penalty, failures = before, 2 * penalty, failures + 1
    return plan, penalty


def _ruin_recreate(context: _Context, plan: _Plan, rng: np.random.Generator) -> set[int]:
    """Reassign a seed customer and its nearest neighbours; return the days changed.

    The seed must take another combination; the others take their cheapest one (with a
    little noise, so that repeated perturbations differ).
    """
    data = context.data
    combos = data.instance.combos
    movable = [i for i, options in enumerate(combos) if len(options) > 1]
    if not movable:
        return set()
    seed = int(rng.choice(movable))
    near = [int(j) for j in data.neighbours[seed] if len(combos[j]) > 1 and j != seed]
    group = [seed, *near[: int(rng.integers(1, context.settings.ruin))]]
    tables = _Tables(data, plan)
    changed: set[int] = set()
    for customer in group:
        days = set(combos[customer][plan.combo[customer]])
        _remove(tables, customer, days)
        changed |= days
    for customer in rng.permutation(group):
        costs = np.array(
            [sum(int(tables[d].cost[customer]) for d in option) for option in combos[customer]],
            dtype=np.float64,
        )
        if customer == seed:
            costs[plan.combo[customer]] = np.inf
        plan.combo[customer] = int(np.argmin(costs * rng.uniform(1.0, 1.2, len(costs))))
        days = set(combos[customer][plan.combo[customer]])
        _insert(tables, int(customer), days)
        changed |= days
    return changed


def _search(context: _Context, plan: _Plan, rng: np.random.Generator) -> tuple[_Plan, int, int]:
    """Descend, then perturb the best plan and descend again; keep what is shorter.

    A perturbed plan's routes are real routes (insertions plus 2-opt), so it is accepted on
    its own cost without OR-Tools; the days it changed are re-routed with OR-Tools when the
    search stalls for ``stall`` perturbations. A plan whose cheap overloads leave a route
    over capacity is repaired by re-routing before it is judged.
    """
    data, settings = context.data, context.settings
    best, penalty = _descend(context, plan, context.penalty)
    best_cost, stale, stalled = best.cost(data), set[int](), 0
    tries = accepted = 0
    while context.left() > settings.final_share * settings.time_limit_s:
        trial = best.copy()
        changed = _ruin_recreate(context, trial, rng)
        changed |= _Switcher(data, trial, penalty).descend(context.deadline)
        tries += 1
        stalled += 1
        repaired = trial.cost(data) < best_cost and not _plan_fits(data, trial)
        if repaired:
            _route_days(context, trial, {d for d in changed if not _day_fits(data, trial, d)})
        if trial.cost(data) < best_cost and _plan_fits(data, trial):
            best, best_cost, stalled = trial, trial.cost(data), 0
            stale |= changed
            accepted += 1
        elif repaired:  # overloads priced too cheaply: price them higher
            penalty *= 2
        if stalled >= settings.stall and stale:
            best, penalty = _descend(context, best, penalty, first=stale)
            best_cost, stale, stalled = best.cost(data), set(), 0
    return best, tries, accepted


def _polish(context: _Context, plan: _Plan) -> None:
    """Re-route ``plan`` with the time left: all days in one model when small enough.

    One model lets one-day customers change day with all of OR-Tools' moves; above
    ``horizon_visits`` visits it converges too slowly, and each day is re-routed alone,
    longest days first.
    """
    visits = sum(len(route) for day in plan.routes for route in day)
    if visits <= context.settings.horizon_visits and _route_horizon(context, plan, context.left()):
        return
    per_day = [sum(len(route) for route in day) for day in plan.routes]
    order = sorted(range(len(per_day)), key=lambda d: -per_day[d])
    for k, day in enumerate(order):
        share = per_day[day] / max(1, sum(per_day[d] for d in order[k:]))
        _route_day(context, plan, day, seconds=max(0.1, context.left() * share))


def solve_pvrp(instance: PvrpInstance, settings: PvrpSettings | None = None) -> PvrpResult:
    """Return the best plan found for ``instance`` within ``settings.time_limit_s``.

    1. construct: combinations and routes by cheapest insertion (or ``assign_patterns``);
    2. route all days in one OR-Tools model (one-day customers may change day);
    3. descend: switch combinations where the insertion estimate saves distance, re-route
       the days touched, repeat;
    4. perturb: reassign a customer and its neighbours, descend, keep if shorter.
    """
    settings = settings or PvrpSettings()
    started = time.perf_counter()
    context = _Context(_scaled(instance), settings, started + settings.time_limit_s)
    rng = np.random.default_rng(settings.seed)
    stages: list[tuple[str, float]] = []

    def record(name: str, plan: _Plan) -> None:
        stages.append((name, solution_cost(instance, plan.solution())))
        logger.info("%s %s: %.2f at %.1fs", instance.name, name, stages[-1][1], _since(started))

    plan = _assigned(context) if settings.construction == "assign" else _construct(context.data)
    record("construction", plan)
    _route_days(context, plan, set(range(instance.days)))
    record("each day routed", plan)
    if settings.horizon_share:
        _route_horizon(context, plan, settings.horizon_share * settings.time_limit_s)
        record("all days routed at once", plan)
    plan, tries, accepted = _search(context, plan, rng)
    record("switches and perturbations", plan)
    _polish(context, plan)
    record("final re-routing", plan)
    solution = plan.solution()
    return PvrpResult(
        solution=solution,
        cost=solution_cost(instance, solution),
        wall_s=_since(started),
        stages=tuple(stages),
        perturbations=tries,
        accepted=accepted,
    )


def _since(started: float) -> float:
    return time.perf_counter() - started
