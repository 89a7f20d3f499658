"""Cordeau's periodic VRP (PVRP): reader, independent checker and a month-engine-style solver.

An instance has ``t`` days, ``m`` vehicles of capacity ``Q`` per day and a route-duration
limit ``D`` (0 = none). Customer ``i`` must be visited on exactly the days of one of its
allowed combinations. The objective is the total Euclidean (unrounded) route length.

File format (Cordeau et al. 1997): first line ``type m n t``; then ``t`` lines ``D Q``; then
one line per node ``i x y d q f a list…`` (service time, demand, frequency, number of
combinations, the combinations). A combination is a bit pattern with day 1 as the most
significant bit: with ``t = 5``, 10 = 01010 means days 2 and 4. Node 0 is the depot.

The solver anneals over ruin-and-recreate: a cluster of customers is taken off every day
and each put back on its cheapest combination, then a granular local search in plain
Python (relocations, swaps, 2-opt, 2-opt*, combination switches) repairs the days touched;
OR-Tools (``routing.solver.solve_fleet``) only polishes the best plan at the end. Inside
the search distances are integers (×100, rounded); the reported cost is recomputed from
the real distances.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routing.fleet import FleetProblem, route_cost
from routing.solver import SolverSettings, solve_fleet

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
#: The clock every budget is measured on: wall-clock time, so ``time_limit_s`` bounds the
#: elapsed time. On a shared machine the search then gets less work done; the CPU seconds
#: it did get are reported as :attr:`PvrpResult.cpu_s`.
_clock = time.perf_counter

#: After a perturbation, the local search starts from the moved customers and this many
#: nearest neighbours of each (those whose routes the removals and insertions changed).
AROUND = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class PvrpSettings:
    """How the PVRP search spends its time.

    Parameters
    ----------
    time_limit_s
        Wall-clock cap for one instance; the search ends at ``iterations`` when that comes
        first.
    seed
        Seeds the local search order and the perturbations.
    iterations
        Ruin-and-recreate perturbations; with the seed they fix the result, unless the time
        cap ends the search first.
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
        Share of the time limit kept for re-routing the best plan with OR-Tools at the end.
    polish_solutions
        OR-Tools' solution limit for each re-routing (what normally ends it).
    """

    time_limit_s: float = 60.0
    seed: int = 0
    iterations: int = 1_000_000
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
        if not 1 <= self.ruin_min <= self.ruin_max or self.neighbours < 1:
            msg = "Expected 1 <= ruin_min <= ruin_max and neighbours >= 1."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class PvrpResult:
    """The best solution found, its real cost, and how the search went."""

    solution: PvrpSolution
    cost: float
    wall_s: float
    cpu_s: float
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

    def solution(self) -> PvrpSolution:
        return PvrpSolution(
            routes=tuple(
                tuple(tuple(p + 1 for p in route) for route in day if route) for day in self.routes
            )
        )


def _gain_at(data: _Data, route: Sequence[int], k: int) -> int:
    before = route[k - 1] + 1 if k else 0
    after = route[k + 1] + 1 if k + 1 < len(route) else 0
    node = route[k] + 1
    return int(data.cost[before, node] + data.cost[node, after] - data.cost[before, after])


# ----- routing with OR-Tools ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    data: _Data
    settings: PvrpSettings
    deadline: float

    @property
    def penalty(self) -> float:
        """Cost of one unit of route overload: a mean depot round trip per mean demand.

        High enough that carrying a customer over capacity rarely beats driving to it on
        another route, low enough that the search may pass through overloaded plans.
        """
        round_trip = 2.0 * float(self.data.cost[0, 1:].mean())
        unit = round_trip / max(1.0, float(self.data.demands.mean()))
        return self.settings.overload_penalty * unit

    def left(self) -> float:
        return self.deadline - _clock()


def _fleet_settings(seconds: float, solutions: int) -> SolverSettings:
    return SolverSettings(
        max_solutions=solutions,
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
    )


def _route_day(context: _Context, plan: _Plan, day: int, *, seconds: float) -> None:
    """Re-route ``day`` with OR-Tools from its current routes.

    Routes that break a limit are first stripped of the customers that make them break it,
    so OR-Tools starts from a feasible partial solution and inserts those back. The new
    routes replace the old ones when they serve everyone and are shorter or the old ones
    broke a limit; a day is never left with a customer missing.
    """
    data = context.data
    members = sorted(p for route in plan.routes[day] for p in route)
    if not members or context.left() <= 0:
        return
    seconds = min(context.left(), seconds)
    local = {p: k for k, p in enumerate(members)}
    problem = _sub_problem(data, members, day=day, vehicles=data.instance.vehicles)
    start = [[local[p] for p in route] for route in _strip(data, plan.routes[day], day)]
    solution = solve_fleet(
        problem, _fleet_settings(seconds, context.settings.polish_solutions), initial_routes=start
    )
    fits = _day_fits(data, plan, day)
    before = sum(route_cost(data.cost, route) for route in plan.routes[day])
    if not solution.dropped and (not fits or solution.cost < before):
        plan.routes[day] = [[members[k] for k in route] for route in solution.routes]


def _strip(data: _Data, routes: list[list[int]], day: int) -> list[list[int]]:
    """Return ``routes`` less, route by route, the costliest customers until each fits."""
    stripped = []
    for route in routes:
        kept = list(route)
        while kept and not _route_fits(data, kept, day):
            del kept[max(range(len(kept)), key=lambda k: _gain_at(data, kept, k))]
        stripped.append(kept)
    return stripped


def _day_fits(data: _Data, plan: _Plan, day: int) -> bool:
    return all(_route_fits(data, route, day) for route in plan.routes[day])


def _route_fits(data: _Data, route: list[int], day: int) -> bool:
    if int(data.demands[route].sum()) > data.instance.capacities[day]:
        return False
    limit = data.max_duration[day]
    return not limit or route_cost(data.time, route) + int(data.service[route].sum()) <= limit


# ----- local search engine -----------------------------------------------------------------

#: A day's snapshot: its routes (node lists) and the combinations at that moment.
_Snapshot = tuple[list[list[list[int]]], list[int]]


class _Engine:
    """The whole plan as plain lists, searched by penalised local search.

    Pure Python on lists costs microseconds a move, where re-solving one day with OR-Tools
    costs about 0.4 s on p13, so the search affords thousands of perturbations. Routes hold
    nodes (customer + 1; depot 0). Load beyond a route's capacity costs ``penalty`` a unit,
    so an insertion always succeeds and the local search repairs overloads itself; only
    plans without overload become the best. A day's duration limit, when it has one, is
    hard for moves (one is applied only when the routes it makes fit); a customer that
    fits nowhere is inserted anyway, and the plan is not kept as best until fixed.
    """

    def __init__(self, data: _Data, penalty: float, neighbours: int) -> None:
        instance = data.instance
        n, self.days, self.m = instance.size, instance.days, instance.vehicles
        self.dist: list[list[int]] = data.cost.tolist()
        self.time: list[list[int]] = data.time.tolist()
        self.service: list[int] = [0, *data.service.tolist()]
        self.demand: list[int] = [0, *data.demands.tolist()]
        self.capacity = list(instance.capacities)
        self.limit = list(data.max_duration)
        self.penalty, self.minimum_penalty = penalty, penalty / 10
        self.order: list[list[int]] = [[]] + [
            [int(j) + 1 for j in row if j != i] for i, row in enumerate(data.neighbours)
        ]
        # Moves look at the nearest ``neighbours``; insertions, which must find a route on
        # the day even when few neighbours are visited then, at twice as many.
        self.near = [row[:neighbours] for row in self.order]
        self.wide = [row[: 2 * neighbours] for row in self.order]
        self.combos: list[tuple[Days, ...]] = [(), *instance.combos]
        self.combo = [-1] * (n + 1)
        self.routes: list[list[list[int]]] = [
            [[] for _ in range(self.m)] for _ in range(self.days)
        ]
        self.loads = [[0] * self.m for _ in range(self.days)]
        self.prefix: list[list[list[int]]] = [
            [[] for _ in range(self.m)] for _ in range(self.days)
        ]
        self.route_of = [[-1] * (n + 1) for _ in range(self.days)]
        self.pos_of = [[0] * (n + 1) for _ in range(self.days)]

    # --- bookkeeping ---

    def reindex(self, day: int, r: int) -> None:
        """Refresh positions, load and prefix loads of route ``r`` after it changed."""
        route, where, pos, demand = (
            self.routes[day][r],
            self.route_of[day],
            self.pos_of[day],
            self.demand,
        )
        prefix, load = [], 0
        for k, node in enumerate(route):
            where[node], pos[node] = r, k
            load += demand[node]
            prefix.append(load)
        self.loads[day][r], self.prefix[day][r] = load, prefix

    def over(self, day: int, load: int) -> float:
        """Return the penalty of a route carrying ``load`` on ``day``."""
        return self.penalty * max(0, load - self.capacity[day])

    def day_cost(self, day: int) -> float:
        """Return the day's route length plus overload penalties."""
        dist, total = self.dist, 0.0
        for r, route in enumerate(self.routes[day]):
            if route:
                total += (
                    dist[0][route[0]] + dist[route[-1]][0] + self.over(day, self.loads[day][r])
                )
                total += sum(dist[a][b] for a, b in itertools.pairwise(route))
        return total

    def feasible(self) -> bool:
        """Whether every route is within the capacity and the duration limit."""
        return all(
            all(load <= self.capacity[day] for load in self.loads[day])
            and self.fits(day, *self.routes[day])
            for day in range(self.days)
        )

    def fits(self, day: int, *routes: list[int]) -> bool:
        """Whether ``routes`` are within the day's duration limit (always, without one)."""
        limit = self.limit[day]
        if not limit:
            return True
        time, service = self.time, self.service
        for route in routes:
            if route:
                nodes = [0, *route, 0]
                used = sum(time[a][b] for a, b in itertools.pairwise(nodes))
                if used + sum(service[p] for p in route) > limit:
                    return False
        return True

    def snapshot(self) -> _Snapshot:
        """Return a copy of the routes and combinations, for :meth:`restore`."""
        return [[list(route) for route in day] for day in self.routes], list(self.combo)

    def restore(self, snapshot: _Snapshot, days: Iterable[int]) -> None:
        """Return ``days`` (all days that changed since ``snapshot``) to it."""
        routes, combo = snapshot
        self.combo = list(combo)
        for day in days:
            for node in itertools.chain.from_iterable(self.routes[day]):
                self.route_of[day][node] = -1
            self.routes[day] = [list(route) for route in routes[day]]
            for r in range(self.m):
                self.reindex(day, r)

    def load_plan(self, plan: _Plan) -> None:
        """Copy ``plan`` (0-based customers) into the engine."""
        self.combo = [-1, *plan.combo]
        for day in range(self.days):
            self.route_of[day] = [-1] * len(self.route_of[day])
            self.routes[day] = [[p + 1 for p in route] for route in plan.routes[day]]
            self.routes[day] += [[] for _ in range(self.m - len(self.routes[day]))]
            for r in range(self.m):
                self.reindex(day, r)

    def plan(self) -> _Plan:
        """Return the engine's plan with 0-based customers."""
        routes = [[[p - 1 for p in route] for route in day] for day in self.routes]
        return _Plan(self.combo[1:], routes)

    # --- insertion and removal ---

    def removal_gain(self, day: int, u: int) -> float:
        """Return what taking ``u`` off ``day`` saves (length and overload)."""
        r, k = self.route_of[day][u], self.pos_of[day][u]
        route, dist = self.routes[day][r], self.dist
        before = route[k - 1] if k else 0
        after = route[k + 1] if k + 1 < len(route) else 0
        gain = dist[before][u] + dist[u][after] - dist[before][after]
        load = self.loads[day][r]
        return gain + self.over(day, load) - self.over(day, load - self.demand[u])

    def best_insertion(self, day: int, u: int) -> tuple[float, int, int]:
        """Return (cost, route, index) of ``u``'s cheapest insertion on ``day``.

        Only the places next to ``u``'s nearest neighbours and one empty route are priced
        (granular search); a day with none of them is scanned in full.
        """
        dist, where, pos, routes = (
            self.dist,
            self.route_of[day],
            self.pos_of[day],
            self.routes[day],
        )
        best, best_r, best_k = math.inf, -1, 0
        tried: set[int] = set()
        for v in self.wide[u]:
            r = where[v]
            if r < 0:
                continue
            tried.add(r)
            route, k = routes[r], pos[v]
            extra = self.over(day, self.loads[day][r] + self.demand[u]) - self.over(
                day, self.loads[day][r]
            )
            before = route[k - 1] if k else 0
            after = route[k + 1] if k + 1 < len(route) else 0
            for slot, a, b in ((k, before, v), (k + 1, v, after)):
                delta = dist[a][u] + dist[u][b] - dist[a][b] + extra
                if delta < best and self._insert_fits(day, r, slot, u):
                    best, best_r, best_k = delta, r, slot
        for r, route in enumerate(routes):
            if not route:
                delta = dist[0][u] + dist[u][0] + self.over(day, self.demand[u])
                if delta < best and self._insert_fits(day, r, 0, u):
                    best, best_r, best_k = delta, r, 0
                break
        if best_r < 0 or not tried:
            found = self._scan_insertion(day, u, (best, best_r, best_k), check=True)
            # Nowhere within the duration limit: break it (the plan is then not kept).
            return found if found[1] >= 0 else self._scan_insertion(day, u, found, check=False)
        return best, best_r, best_k

    def _scan_insertion(
        self, day: int, u: int, best: tuple[float, int, int], *, check: bool
    ) -> tuple[float, int, int]:
        dist = self.dist
        for r, route in enumerate(self.routes[day]):
            if not route:
                if not check:
                    return dist[0][u] + dist[u][0] + self.over(day, self.demand[u]), r, 0
                continue
            load = self.loads[day][r]
            extra = self.over(day, load + self.demand[u]) - self.over(day, load)
            nodes = [0, *route, 0]
            for k in range(len(nodes) - 1):
                a, b = nodes[k], nodes[k + 1]
                delta = dist[a][u] + dist[u][b] - dist[a][b] + extra
                if delta < best[0] and (not check or self._insert_fits(day, r, k, u)):
                    best = (delta, r, k)
        return best

    def _insert_fits(self, day: int, r: int, slot: int, u: int) -> bool:
        if not self.limit[day]:
            return True
        route = self.routes[day][r]
        return self.fits(day, [*route[:slot], u, *route[slot:]])

    def insert(self, day: int, u: int, r: int, slot: int) -> None:
        """Put ``u`` at index ``slot`` of route ``r`` on ``day``."""
        self.routes[day][r].insert(slot, u)
        self.reindex(day, r)

    def remove(self, day: int, u: int) -> None:
        """Take ``u`` off its route on ``day``."""
        r = self.route_of[day][u]
        self.routes[day][r].pop(self.pos_of[day][u])
        self.route_of[day][u] = -1
        self.reindex(day, r)

    def place(self, u: int, option: int) -> None:
        """Give the unrouted ``u`` combination ``option``, cheapest place on each day."""
        self.combo[u] = option
        for day in self.combos[u][option]:
            _, r, slot = self.best_insertion(day, u)
            self.insert(day, u, r, slot)

    # --- combination moves ---

    def try_combo(self, u: int) -> set[int]:
        """Switch ``u`` to a cheaper combination if one exists; return the days changed."""
        options = self.combos[u]
        if len(options) < 2:
            return set()
        current = set(options[self.combo[u]])
        gains = {day: self.removal_gain(day, u) for day in current}
        best, best_k = -1e-9, -1
        for k, option in enumerate(options):
            if k == self.combo[u]:
                continue
            new = set(option)
            delta = -sum(gains[day] for day in current - new)
            for day in new - current:
                if delta >= best:
                    break
                delta += self.best_insertion(day, u)[0]
            if delta < best:
                best, best_k = delta, k
        if best_k < 0:
            return set()
        new = set(options[best_k])
        for day in current - new:
            self.remove(day, u)
        for day in sorted(new - current):
            _, r, slot = self.best_insertion(day, u)
            self.insert(day, u, r, slot)
        self.combo[u] = best_k
        return current ^ new

    # --- one day's local search ---

    def improve_day(self, day: int, nodes: Iterable[int], rng: np.random.Generator) -> None:
        """Apply improving moves around ``nodes`` on ``day`` until none is left.

        Moves (each to one of ``u``'s nearest neighbours ``v`` on the day): relocate ``u``
        next to ``v``, swap them, 2-opt* between their routes (both ways), 2-opt inside a
        route, and moving ``u`` to an empty route. First improvement; the customers of the
        routes a move changes are examined again.
        """
        where = self.route_of[day]
        queue = sorted({u for u in nodes if where[u] >= 0})
        while queue:
            rng.shuffle(queue)
            again: set[int] = set()
            for u in queue:
                if where[u] < 0:
                    continue
                changed = self._move(day, u)
                for r in changed:
                    again.update(self.routes[day][r])
            queue = sorted(again)

    def _move(self, day: int, u: int) -> tuple[int, ...]:
        """Apply the first improving move of ``u``; return the routes it changed."""
        where = self.route_of[day]
        for v in self.near[u]:
            if where[v] >= 0:
                changed = self._pair(day, u, v)
                if changed:
                    return changed
        return self._to_empty(day, u)

    def _pair(self, day: int, u: int, v: int) -> tuple[int, ...]:
        dist, routes = self.dist, self.routes[day]
        ru, rv = self.route_of[day][u], self.route_of[day][v]
        iu, iv = self.pos_of[day][u], self.pos_of[day][v]
        route_u, route_v = routes[ru], routes[rv]
        pu = route_u[iu - 1] if iu else 0
        su = route_u[iu + 1] if iu + 1 < len(route_u) else 0
        pv = route_v[iv - 1] if iv else 0
        sv = route_v[iv + 1] if iv + 1 < len(route_v) else 0
        dist_u = dist[u]
        gain = dist[pu][u] + dist_u[su] - dist[pu][su]
        moved, swapped = 0.0, 0.0
        if ru != rv:
            lu, lv, d_u, d_v = (
                self.loads[day][ru],
                self.loads[day][rv],
                self.demand[u],
                self.demand[v],
            )
            if (lu if lu > lv else lv) + (d_u if d_u > d_v else d_v) > self.capacity[day]:
                moved, swapped = self._load_deltas(day, ru, rv, d_u, d_v)
        changed = (ru, rv) if ru != rv else (ru,)
        # relocate u after v, then before v
        after = v != pu and dist_u[v] + dist_u[sv] - dist[v][sv] - gain + moved < 0
        if after and self._relocate(day, u, v, after=True):
            return changed
        before = pv != u and dist_u[pv] + dist_u[v] - dist[pv][v] - gain + moved < 0
        if before and self._relocate(day, u, v, after=False):
            return changed
        if su and v not in {pu, su} and self._relocate_two(day, u, v, (pu, su, sv)):
            return changed
        # swap u and v (not neighbours on one route: relocation covers those)
        if ru != rv or abs(iu - iv) > 1:
            delta = swapped + dist[pu][v] + dist[v][su] + dist_u[pv] + dist_u[sv]
            delta -= gain + dist[pu][su] + dist[pv][v] + dist[v][sv]
            if delta < 0 and self._swap(day, u, v):
                return changed
        if ru != rv:
            return self._two_opt_star(day, u, v, (su, pv, sv))
        return self._two_opt(day, u, v)

    def _load_deltas(self, day: int, ru: int, rv: int, d_u: int, d_v: int) -> tuple[float, float]:
        """Return the overload penalty change of relocating ``u`` to ``rv`` and of a swap."""
        lu, lv, cap = self.loads[day][ru], self.loads[day][rv], self.capacity[day]
        base = max(0, lu - cap) + max(0, lv - cap)
        moved = max(0, lu - d_u - cap) + max(0, lv + d_u - cap) - base
        swapped = max(0, lu - d_u + d_v - cap) + max(0, lv - d_v + d_u - cap) - base
        return self.penalty * moved, self.penalty * swapped

    def _relocate_two(self, day: int, u: int, v: int, around: tuple[int, int, int]) -> bool:
        """Move ``u`` and its successor ``x`` after ``v`` as (u, x) or (x, u), if shorter.

        ``around`` = (predecessor and successor of ``u``, successor of ``v``).
        """
        pu, x, sv = around
        dist, ru, rv = self.dist, self.route_of[day][u], self.route_of[day][v]
        route_u = self.routes[day][ru]
        k = self.pos_of[day][u] + 2
        after_x = route_u[k] if k < len(route_u) else 0
        saved: float = dist[pu][u] + dist[x][after_x] - dist[pu][after_x] + dist[v][sv]
        saved -= self._shift(day, ru, rv, self.demand[u] + self.demand[x])
        if dist[v][u] + dist[x][sv] < saved:
            return self._relocate(day, [u, x], v, after=True)
        if dist[v][x] + dist[u][sv] < saved:
            return self._relocate(day, [x, u], v, after=True)
        return False

    def _shift(self, day: int, ru: int, rv: int, amount: int) -> float:
        """Return the penalty change of moving ``amount`` of load from ``ru`` to ``rv``."""
        if ru == rv:
            return 0.0
        lu, lv, cap = self.loads[day][ru], self.loads[day][rv], self.capacity[day]
        if lu <= cap and lv + amount <= cap:
            return 0.0
        change = max(0, lu - amount - cap) + max(0, lv + amount - cap)
        return self.penalty * (change - max(0, lu - cap) - max(0, lv - cap))

    def _relocate(self, day: int, segment: list[int] | int, v: int, *, after: bool) -> bool:
        """Move ``segment`` (one customer or consecutive ones, in its new order) next to ``v``."""
        nodes = [segment] if isinstance(segment, int) else segment
        ru, rv = self.route_of[day][nodes[0]], self.route_of[day][v]
        route_u, route_v = self.routes[day][ru], self.routes[day][rv]
        new_u = [p for p in route_u if p not in nodes]
        base = new_u if ru == rv else route_v
        k = base.index(v) + (1 if after else 0)
        new_v = [*base[:k], *nodes, *base[k:]]
        if not self.fits(day, new_v):
            return False
        if ru == rv:
            self.routes[day][ru] = new_v
        else:
            self.routes[day][ru], self.routes[day][rv] = new_u, new_v
            self.reindex(day, rv)
        self.reindex(day, ru)
        return True

    def _swap(self, day: int, u: int, v: int) -> bool:
        """Exchange ``u`` and ``v`` if the routes made fit the duration limit."""
        ru, rv = self.route_of[day][u], self.route_of[day][v]
        iu, iv = self.pos_of[day][u], self.pos_of[day][v]
        routes = self.routes[day]
        new_u = list(routes[ru])
        new_v = new_u if ru == rv else list(routes[rv])
        new_u[iu], new_v[iv] = v, u
        if not self.fits(day, new_u, new_v):
            return False
        routes[ru], routes[rv] = new_u, new_v
        self.reindex(day, ru)
        if ru != rv:
            self.reindex(day, rv)
        return True

    def _two_opt_star(
        self, day: int, u: int, v: int, around: tuple[int, int, int]
    ) -> tuple[int, ...]:
        """Exchange route tails so that ``u`` is followed by ``v`` (two ways).

        ``around`` = (successor of ``u``, predecessor and successor of ``v``).
        """
        su, pv, sv = around
        dist, routes = self.dist, self.routes[day]
        ru, rv = self.route_of[day][u], self.route_of[day][v]
        iu, iv = self.pos_of[day][u], self.pos_of[day][v]
        route_u, route_v = routes[ru], routes[rv]
        lu, lv, cap = self.loads[day][ru], self.loads[day][rv], self.capacity[day]
        head_u, head_v = self.prefix[day][ru][iu], self.prefix[day][rv][iv]
        base = max(0, lu - cap) + max(0, lv - cap)
        # u's head + v's tail from v on; v's head before v + u's tail
        delta = dist[u][v] + dist[pv][su] - dist[u][su] - dist[pv][v]
        if delta < self.penalty * base:
            before_v = head_v - self.demand[v]
            extra = max(0, head_u + lv - before_v - cap) + max(0, before_v + lu - head_u - cap)
            if delta + self.penalty * (extra - base) < 0:
                new_u, new_v = route_u[: iu + 1] + route_v[iv:], route_v[:iv] + route_u[iu + 1 :]
                if self.fits(day, new_u, new_v):
                    return self._set_pair(day, ru, rv, new_u, new_v)
        # u's head + v's head reversed; u's tail reversed + v's tail
        delta = dist[u][v] + dist[su][sv] - dist[u][su] - dist[v][sv]
        if delta < self.penalty * base:
            extra = max(0, head_u + head_v - cap) + max(0, lu - head_u + lv - head_v - cap)
            if delta + self.penalty * (extra - base) < 0:
                new_u = route_u[: iu + 1] + route_v[iv::-1]
                new_v = route_u[:iu:-1] + route_v[iv + 1 :]
                if self.fits(day, new_u, new_v):
                    return self._set_pair(day, ru, rv, new_u, new_v)
        return ()

    def _set_pair(
        self, day: int, ru: int, rv: int, new_u: list[int], new_v: list[int]
    ) -> tuple[int, ...]:
        routes = self.routes[day]
        routes[ru], routes[rv] = new_u, new_v
        self.reindex(day, ru)
        self.reindex(day, rv)
        return ru, rv

    def _two_opt(self, day: int, u: int, v: int) -> tuple[int, ...]:
        """Reverse the part of a route between ``u`` and ``v`` so that they are adjacent."""
        dist = self.dist
        r = self.route_of[day][u]
        route = self.routes[day][r]
        i, j = sorted((self.pos_of[day][u], self.pos_of[day][v]))
        a, b = route[i], route[j]
        after_a, after_b = route[i + 1], route[j + 1] if j + 1 < len(route) else 0
        before_a, before_b = route[i - 1] if i else 0, route[j - 1]
        if j > i + 1 and dist[a][b] + dist[after_a][after_b] < dist[a][after_a] + dist[b][after_b]:
            new = route[: i + 1] + route[j:i:-1] + route[j + 1 :]
        elif j > i + 1 and dist[before_a][before_b] + dist[a][b] < (
            dist[before_a][a] + dist[before_b][b]
        ):
            new = route[:i] + route[j - 1 : i - 1 if i else None : -1] + route[j:]
        else:
            return ()
        if not self.fits(day, new):
            return ()
        self.routes[day][r] = new
        self.reindex(day, r)
        return (r,)

    def _to_empty(self, day: int, u: int) -> tuple[int, ...]:
        """Move ``u`` alone onto an unused vehicle if that is shorter."""
        ru = self.route_of[day][u]
        routes = self.routes[day]
        if len(routes[ru]) < 2:
            return ()
        empty = next((r for r, route in enumerate(routes) if not route), -1)
        if empty < 0:
            return ()
        dist = self.dist
        delta = dist[0][u] + dist[u][0] - self.removal_gain(day, u)
        delta += self.over(day, self.demand[u])
        if delta >= 0:
            return ()
        self.remove(day, u)
        self.insert(day, u, empty, 0)
        return ru, empty


# ----- construction and search -------------------------------------------------------------


def _construct(engine: _Engine) -> None:
    """Place customers (most visits, then farthest first) on their cheapest combination."""
    dist = engine.dist
    order = sorted(
        range(1, len(engine.combo)),
        key=lambda u: (-len(engine.combos[u][0]), -dist[0][u], u),
    )
    for u in order:
        engine.place(u, _cheapest_option(engine, u, None))


def _cheapest_option(engine: _Engine, u: int, noise: npt.NDArray[np.float64] | None) -> int:
    """Return ``u``'s combination of least insertion cost (times ``noise``, if given)."""
    options = engine.combos[u]
    if len(options) == 1:
        return 0
    days = set(itertools.chain.from_iterable(options))
    insertion = {day: engine.best_insertion(day, u)[0] for day in days}
    costs = np.array([sum(insertion[day] for day in option) for option in options])
    if noise is not None:
        costs *= noise[: len(options)]
    return int(np.argmin(costs))


def _local_search(
    engine: _Engine, nodes: Sequence[int], days: set[int], rng: np.random.Generator
) -> set[int]:
    """Improve ``days`` around ``nodes``, then switch their combinations; return days changed.

    A switch changes two or more days at once, which no route move can, so after each
    switch the days it touched are improved again around the switched customer.
    """
    touched = set(days)
    around = sorted({*nodes, *(v for u in nodes for v in engine.near[u][:AROUND])})
    for day in sorted(days):
        engine.improve_day(day, around, rng)
    for _ in range(3):
        switched = False
        for u in nodes:
            changed = engine.try_combo(u)
            for day in sorted(changed):
                engine.improve_day(day, [u, *engine.near[u]], rng)
            touched |= changed
            switched |= bool(changed)
        if not switched:
            break
    return touched


def _ruin_recreate(
    engine: _Engine, settings: PvrpSettings, rng: np.random.Generator
) -> tuple[list[int], set[int]]:
    """Take a customer and some of its nearest neighbours off every day, then reinsert them.

    Each one takes its cheapest combination, priced with a little noise so that repeated
    perturbations differ, in a random, largest-demand-first or farthest-first order.
    Returns the customers moved and the days changed.
    """
    n = len(engine.combo) - 1
    seed = int(rng.integers(1, n + 1))
    size = min(n, int(rng.integers(settings.ruin_min, settings.ruin_max + 1)))
    pool = engine.order[seed][: 2 * size]
    group = [seed, *(int(u) for u in rng.choice(pool, size - 1, replace=False))]
    days: set[int] = set()
    for u in group:
        visited = engine.combos[u][engine.combo[u]]
        for day in visited:
            engine.remove(day, u)
        days |= set(visited)
    kind = rng.random()
    if kind < 0.5:
        order = [group[k] for k in rng.permutation(len(group))]
    elif kind < 0.75:
        order = sorted(group, key=lambda u: -engine.demand[u] * len(engine.combos[u][0]))
    else:
        order = sorted(group, key=lambda u: -engine.dist[0][u])
    width = max(len(options) for options in engine.combos[1:])
    for u in order:
        option = _cheapest_option(engine, u, rng.uniform(1.0, 1.0 + settings.noise, width))
        engine.place(u, option)
        days |= set(engine.combos[u][option])
    return group, days


def _search(
    context: _Context, engine: _Engine, rng: np.random.Generator
) -> tuple[_Snapshot, int, int]:
    """Simulated annealing over ruin-and-recreate plus local search; return the best plan.

    The temperature falls geometrically from ``temperature`` to ``temperature / 100`` mean
    arc lengths over ``iterations`` perturbations (or over the time budget, when it runs out
    first). Only plans without overload can become the best; the overload penalty is tuned
    every 100 perturbations so that between a fifth and a half of the plans tried are
    without overload (as in Vidal's HGS): tight instances such as p13 need it high, loose ones
    search better with it low.
    """
    settings = context.settings
    day_costs = [engine.day_cost(day) for day in range(engine.days)]
    current = sum(day_costs)
    best, best_cost = engine.snapshot(), current if engine.feasible() else math.inf
    visits = sum(len(route) for day in engine.routes for route in day)
    start = settings.temperature * current / max(1, visits)
    budget = context.left() - settings.final_share * settings.time_limit_s
    began = _clock()
    tries = accepted = 0
    window = [0, 0]  # plans tried, and those without overload, since the last tuning
    while tries < settings.iterations:
        elapsed = _clock() - began
        if elapsed >= budget:
            break
        heat = start * 0.01 ** max(tries / settings.iterations, elapsed / budget)
        saved = engine.snapshot()
        group, days = _ruin_recreate(engine, settings, rng)
        days = _local_search(engine, group, days, rng)
        new_costs = {day: engine.day_cost(day) for day in days}
        cost = current + sum(new_costs[day] - day_costs[day] for day in days)
        tries += 1
        fits = engine.feasible()
        window[0] += 1
        window[1] += fits
        if cost < current - heat * math.log(1.0 - rng.random()):
            current = cost
            for day, value in new_costs.items():
                day_costs[day] = value
            accepted += 1
            if fits and cost < best_cost - 1e-9:
                best, best_cost = engine.snapshot(), cost
        else:
            engine.restore(saved, days)
        if tries % 100 == 0:
            _tune_penalty(engine, window[1] / max(1, window[0]))
            day_costs = [engine.day_cost(day) for day in range(engine.days)]
            current, window = sum(day_costs), [0, 0]
    return best, tries, accepted


def _tune_penalty(engine: _Engine, feasible_share: float) -> None:
    """Raise the overload penalty when few plans tried fit, lower it when most do."""
    if feasible_share < 0.2:
        engine.penalty *= 1.3
    elif feasible_share > 0.5:
        engine.penalty = max(engine.penalty * 0.7, engine.minimum_penalty)


def _feasible_start(engine: _Engine, rng: np.random.Generator) -> None:
    """Local search on every day, doubling the overload penalty until no route is over."""
    everyone = list(range(1, len(engine.combo)))
    for _ in range(12):
        _local_search(engine, everyone, set(range(engine.days)), rng)
        if engine.feasible():
            return
        engine.penalty *= 2


def _polish(context: _Context, plan: _Plan) -> None:
    """Re-route each day of ``plan`` with OR-Tools, longest days first.

    At most ``final_share`` of the time limit is spent here, shared by visits. The
    combination switches already move one-day customers between days, so each day is
    re-routed alone.
    """
    settings = context.settings
    budget = min(context.left(), settings.final_share * settings.time_limit_s)
    deadline = _clock() + budget
    per_day = [sum(len(route) for route in day) for day in plan.routes]
    order = sorted(range(len(per_day)), key=lambda d: -per_day[d])
    for k, day in enumerate(order):
        left = deadline - _clock()
        if left <= 0:
            return
        share = per_day[day] / max(1, sum(per_day[d] for d in order[k:]))
        _route_day(context, plan, day, seconds=max(0.05, left * share))


def solve_pvrp(instance: PvrpInstance, settings: PvrpSettings | None = None) -> PvrpResult:
    """Return the best plan found for ``instance`` within ``settings.time_limit_s``.

    1. construct: each customer on its cheapest combination, cheapest insertion;
    2. local search on every day and combination switches for every customer;
    3. anneal: ruin and recreate a cluster of customers, local search, accept or undo;
    4. re-route the best plan with OR-Tools in the time kept for it.
    """
    settings = settings or PvrpSettings()
    started, cpu_started = _clock(), time.process_time()
    context = _Context(_scaled(instance), settings, started + settings.time_limit_s)
    rng = np.random.default_rng(settings.seed)
    stages: list[tuple[str, float]] = []

    def record(name: str, plan: _Plan) -> None:
        stages.append((name, solution_cost(instance, plan.solution())))
        logger.info("%s %s: %.2f at %.1fs", instance.name, name, stages[-1][1], _since(started))

    engine = _Engine(context.data, context.penalty, settings.neighbours)
    _construct(engine)
    record("construction", engine.plan())
    _feasible_start(engine, rng)
    record("local search", engine.plan())
    best, tries, accepted = _search(context, engine, rng)
    engine.restore(best, range(instance.days))
    plan = engine.plan()
    record("annealing", plan)
    _polish(context, plan)
    record("final re-routing", plan)
    solution = plan.solution()
    return PvrpResult(
        solution=solution,
        cost=solution_cost(instance, solution),
        wall_s=_since(started),
        cpu_s=time.process_time() - cpu_started,
        stages=tuple(stages),
        perturbations=tries,
        accepted=accepted,
    )


def _since(started: float) -> float:
    return time.perf_counter() - started
