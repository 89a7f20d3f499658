"""A fast start for the VRPTW search: Solomon's I1 insertion and a relocate descent.

Everything here is integer numpy on the problem's own matrices; it never calls a solver.
Routes are lists of node indices without the depot (node ``i`` is customer ``i - 1``).

* :func:`insertion_routes` builds routes one at a time (Solomon 1987, heuristic I1): a
  route opens with the unrouted customer whose window closes first (or the farthest one),
  then takes, while any fits, the customer that saves most by being served on this route
  rather than alone, each at the position that lengthens and delays the route least.
* :func:`relocate_descent` moves single customers to the cheapest feasible position on
  any route while that shortens the total distance.
* :func:`construct_routes` runs I1 over a few parameter sets, improves each start by the
  descent and returns the shortest set of routes that serves every customer.

Feasibility of an insertion between nodes ``i`` and ``j`` is checked in O(1) from each
route's earliest service starts (``early``) and latest feasible starts (``late``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from routing.vrptw import VrptwProblem

IntArray = npt.NDArray[np.int64]
Routes = tuple[tuple[int, ...], ...]
_NONE = np.iinfo(np.int64).max // 4


@dataclass(frozen=True, slots=True, kw_only=True)
class I1Weights:
    """Weights of Solomon's I1 insertion criteria.

    Parameters
    ----------
    mu
        Weight of the removed arc in the detour ``d(i, u) + d(u, j) - mu * d(i, j)``.
    lam
        Weight of the depot distance in the saving ``lam * d(0, u) - c1``.
    alpha
        Share of the detour in ``c1``; the rest is the delay pushed onto ``j``.
    seed_by_deadline
        Open each route with the earliest-closing customer (else the farthest).
    """

    mu: float = 1.0
    lam: float = 1.0
    alpha: float = 1.0
    seed_by_deadline: bool = True

    def __post_init__(self) -> None:
        if not 0.0 <= self.alpha <= 1.0 or self.mu < 0 or self.lam < 0:
            msg = "Expected alpha in [0, 1], mu >= 0 and lam >= 0."
            raise ValueError(msg)


#: Measured on the Solomon sets: no single set of weights is best on every class.
DEFAULT_WEIGHTS = (
    I1Weights(),
    I1Weights(lam=2.0),
    I1Weights(alpha=0.5, lam=2.0),
    I1Weights(seed_by_deadline=False),
    I1Weights(alpha=0.5, seed_by_deadline=False),
)


@dataclass(frozen=True, slots=True)
class Nodes:
    """Node-indexed arrays (depot = node 0) the construction reads."""

    cost: IntArray
    time: IntArray
    ready: IntArray
    due: IntArray
    service: IntArray
    demand: IntArray
    capacity: int
    vehicles: int

    @classmethod
    def of(cls, problem: VrptwProblem) -> Nodes:
        """Return ``problem``'s arrays; a window closing after the depot is cut to it."""
        opens, closes = problem.depot_window
        windows = np.array([(opens, closes), *problem.windows], dtype=np.int64)
        return cls(
            cost=np.asarray(problem.distances, dtype=np.int64),
            time=np.asarray(problem.durations, dtype=np.int64),
            ready=windows[:, 0],
            due=np.minimum(windows[:, 1], closes),
            service=np.array([0, *problem.service], dtype=np.int64),
            demand=np.array([0, *problem.demands], dtype=np.int64),
            capacity=problem.capacity,
            vehicles=problem.vehicles,
        )


def schedule(nodes: Nodes, route: Sequence[int]) -> tuple[IntArray, IntArray]:
    """Return the earliest and the latest feasible service starts along depot-route-depot.

    A route is feasible when every earliest start is at most its latest start.
    """
    path = np.array([0, *route, 0], dtype=np.int64)
    early = np.empty(len(path), dtype=np.int64)
    late = np.empty(len(path), dtype=np.int64)
    early[0] = nodes.ready[0]
    for k in range(1, len(path)):
        arrive = early[k - 1] + nodes.service[path[k - 1]] + nodes.time[path[k - 1], path[k]]
        early[k] = max(arrive, nodes.ready[path[k]])
    late[-1] = nodes.due[0]
    for k in range(len(path) - 2, -1, -1):
        back = late[k + 1] - nodes.time[path[k], path[k + 1]] - nodes.service[path[k]]
        late[k] = min(back, nodes.due[path[k]])
    return early, late


def _insertions(
    nodes: Nodes, route: Sequence[int], candidates: IntArray
) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
    """Return, per candidate and gap of ``route``, the detour, the delay and feasibility.

    Gap ``k`` lies between path nodes ``k`` and ``k + 1`` of depot-route-depot.
    """
    path = np.array([0, *route, 0], dtype=np.int64)
    early, late = schedule(nodes, route)
    before, after = path[:-1], path[1:]
    u = candidates[:, None]
    start = np.maximum(
        early[:-1] + nodes.service[before] + nodes.time[before[None, :], u], nodes.ready[u]
    )
    arrive_next = start + nodes.service[u] + nodes.time[u, after[None, :]]
    load = int(nodes.demand[path].sum())
    feasible = (start <= nodes.due[u]) & (arrive_next <= late[1:])
    feasible &= (load + nodes.demand[u]) <= nodes.capacity
    detour = nodes.cost[before[None, :], u] + nodes.cost[u, after[None, :]]
    detour = detour - nodes.cost[before, after][None, :]
    delay = np.maximum(arrive_next, nodes.ready[after]) - early[1:]
    return detour, delay, feasible


def _i1_step(
    nodes: Nodes, route: list[int], unrouted: IntArray, weights: I1Weights
) -> tuple[int, int] | None:
    """Return (customer, gap) of I1's next insertion into ``route``; None when none fits."""
    detour, delay, feasible = _insertions(nodes, route, unrouted)
    path = np.array([0, *route, 0], dtype=np.int64)
    removed = nodes.cost[path[:-1], path[1:]]
    c11 = detour + (1.0 - weights.mu) * removed[None, :]
    c1 = np.where(feasible, weights.alpha * c11 + (1 - weights.alpha) * delay, np.inf)
    gap = np.argmin(c1, axis=1)
    best = c1[np.arange(len(unrouted)), gap]
    if not np.isfinite(best).any():
        return None
    c2 = np.where(np.isfinite(best), weights.lam * nodes.cost[0, unrouted] - best, -np.inf)
    pick = int(np.argmax(c2))
    return int(unrouted[pick]), int(gap[pick])


def _seed(nodes: Nodes, unrouted: IntArray, weights: I1Weights) -> int:
    if weights.seed_by_deadline:
        return int(unrouted[np.argmin(nodes.due[unrouted])])
    return int(unrouted[np.argmax(nodes.cost[0, unrouted])])


def _i1_routes(nodes: Nodes, weights: I1Weights) -> list[list[int]]:
    """Return I1's routes (node indices); customers past the fleet are left out."""
    unrouted = np.arange(1, len(nodes.demand), dtype=np.int64)
    routes: list[list[int]] = []
    while len(unrouted) and len(routes) < nodes.vehicles:
        route = [_seed(nodes, unrouted, weights)]
        unrouted = unrouted[unrouted != route[0]]
        while len(unrouted):
            step = _i1_step(nodes, route, unrouted, weights)
            if step is None:
                break
            customer, gap = step
            route.insert(gap, customer)
            unrouted = unrouted[unrouted != customer]
        routes.append(route)
    return routes


def _route_length(nodes: Nodes, route: Sequence[int]) -> int:
    path = np.array([0, *route, 0], dtype=np.int64)
    return int(nodes.cost[path[:-1], path[1:]].sum())


@dataclass(frozen=True, slots=True)
class Gaps:
    """Every gap of every route as flat arrays: where a customer could be inserted.

    Gap ``index`` of a route lies between ``before`` and ``after``; ``leave`` is the
    earliest departure from ``before``, ``late_after`` the latest start at ``after``,
    ``load`` the route's load and ``head_load`` the load up to ``before``.
    """

    route: IntArray
    before: IntArray
    after: IntArray
    leave: IntArray
    late_after: IntArray
    load: IntArray
    head_load: IntArray
    index: IntArray

    @classmethod
    def of(cls, nodes: Nodes, routes: Sequence[Sequence[int]]) -> Gaps:
        """Return the gaps of ``routes`` (node indices) in route order."""
        parts: list[list[IntArray]] = [[] for _ in range(8)]
        for number, route in enumerate(routes):
            path = np.array([0, *route, 0], dtype=np.int64)
            early, late = schedule(nodes, route)
            size = len(path) - 1
            columns = (
                np.full(size, number),
                path[:-1],
                path[1:],
                early[:-1] + nodes.service[path[:-1]],
                late[1:],
                np.full(size, nodes.demand[path].sum()),
                np.cumsum(nodes.demand[path[:-1]]),
                np.arange(size),
            )
            for part, column in zip(parts, columns, strict=True):
                part.append(column)
        return cls(*(np.concatenate(part).astype(np.int64) for part in parts))


def insertion_detours(
    nodes: Nodes, gaps: Gaps, customers: IntArray
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Return the detour of inserting each customer (row) into each gap, and feasibility."""
    u = customers[:, None]
    start = np.maximum(gaps.leave[None, :] + nodes.time[gaps.before[None, :], u], nodes.ready[u])
    arrive = start + nodes.service[u] + nodes.time[u, gaps.after[None, :]]
    feasible = (start <= nodes.due[u]) & (arrive <= gaps.late_after[None, :])
    feasible &= gaps.load[None, :] + nodes.demand[u] <= nodes.capacity
    detour = nodes.cost[gaps.before[None, :], u] + nodes.cost[u, gaps.after[None, :]]
    detour -= nodes.cost[gaps.before, gaps.after][None, :]
    return detour, feasible


def _relocation_gains(nodes: Nodes, gaps: Gaps, home: IntArray) -> IntArray:
    """Return the gain of moving each customer (row) into each gap of another route.

    ``home`` is each customer's route (by node index). Infeasible moves gain ``-_NONE``.
    """
    detour, feasible = insertion_detours(nodes, gaps, np.arange(len(nodes.demand)))
    feasible &= gaps.route[None, :] != home[:, None]
    saved = _removal_savings(nodes, gaps, home)
    return np.where(feasible, saved[:, None] - detour, -_NONE)


def _removal_savings(nodes: Nodes, gaps: Gaps, home: IntArray) -> IntArray:
    """Return what removing each customer saves; ``-_NONE`` where removal breaks a window."""
    saved = np.full(len(nodes.demand), -_NONE, dtype=np.int64)
    # A customer is the ``after`` of one gap and the ``before`` of the next.
    into = np.flatnonzero(gaps.after != 0)
    prev, customer, nxt = gaps.before[into], gaps.after[into], gaps.after[into + 1]
    arrive = gaps.leave[into] + nodes.time[prev, nxt]
    ok = np.maximum(arrive, nodes.ready[nxt]) <= gaps.late_after[into + 1]
    gain = nodes.cost[prev, customer] + nodes.cost[customer, nxt] - nodes.cost[prev, nxt]
    saved[customer] = np.where(ok, gain, -_NONE)
    return saved


def _exchange_gains(nodes: Nodes, gaps: Gaps) -> IntArray:
    """Return the gain of 2-opt* on each pair of gaps of two routes (tails swapped).

    Route A keeps its head up to gap ``g`` and takes B's tail after gap ``h``, and B the
    reverse; tails keep their latest starts, so each join is checked in O(1).
    """
    before, after = gaps.before, gaps.after
    joins = nodes.time[before[:, None], after[None, :]]
    fits = gaps.leave[:, None] + joins <= gaps.late_after[None, :]
    tail_load = gaps.load - gaps.head_load
    fits &= gaps.head_load[:, None] + tail_load[None, :] <= nodes.capacity
    fits &= fits.T
    fits &= gaps.route[:, None] != gaps.route[None, :]
    old = nodes.cost[before, after]
    new = nodes.cost[before[:, None], after[None, :]] + nodes.cost[before[None, :], after[:, None]]
    return np.where(fits, old[:, None] + old[None, :] - new, -_NONE)


def _relocate(routes: list[list[int]], gaps: Gaps, customer: int, gap: int) -> None:
    for route in routes:
        if customer in route:
            route.remove(customer)
    target = routes[int(gaps.route[gap])]
    at = 0 if gaps.before[gap] == 0 else target.index(int(gaps.before[gap])) + 1
    target.insert(at, customer)


def _exchange(routes: list[list[int]], gaps: Gaps, first: int, second: int) -> None:
    a, b = int(gaps.route[first]), int(gaps.route[second])
    cut_a, cut_b = int(gaps.index[first]), int(gaps.index[second])
    routes[a], routes[b] = (
        routes[a][:cut_a] + routes[b][cut_b:],
        routes[b][:cut_b] + routes[a][cut_a:],
    )


def improve_routes(
    nodes: Nodes, routes: list[list[int]], *, inside: bool = True, max_moves: int = 2000
) -> None:
    """Shorten ``routes`` in place by relocate and 2-opt* moves, best first.

    Moves between routes go first; when none gains, the first gaining move of a customer
    inside its own route (unless ``inside`` is False); then again. Stops after
    ``max_moves``; emptied routes go.
    """
    for _ in range(max_moves):
        if not (_best_between(nodes, routes) or (inside and _first_inside(nodes, routes))):
            return


def _best_between(nodes: Nodes, routes: list[list[int]]) -> bool:
    """Apply the best gaining move between two routes; False when none gains."""
    gaps = Gaps.of(nodes, routes)
    home = np.full(len(nodes.demand), -1, dtype=np.int64)
    for number, route in enumerate(routes):
        home[route] = number
    moves = _relocation_gains(nodes, gaps, home)
    swaps = _exchange_gains(nodes, gaps)
    move = np.unravel_index(np.argmax(moves), moves.shape)
    swap = np.unravel_index(np.argmax(swaps), swaps.shape)
    if max(moves[move], swaps[swap]) <= 0:
        return False
    if moves[move] >= swaps[swap]:
        _relocate(routes, gaps, int(move[0]), int(move[1]))
    else:
        _exchange(routes, gaps, int(swap[0]), int(swap[1]))
    routes[:] = [route for route in routes if route]
    return True


def _first_inside(nodes: Nodes, routes: list[list[int]]) -> bool:
    """Move one customer to a cheaper feasible place in its own route; False when none."""
    for number, route in enumerate(routes):
        length = _route_length(nodes, route)
        for at, customer in enumerate(route):
            rest = route[:at] + route[at + 1 :]
            early, late = schedule(nodes, rest)
            if (early > late).any():  # travel times need not obey the triangle inequality
                continue
            gaps = Gaps.of(nodes, [rest])
            detour, feasible = insertion_detours(nodes, gaps, np.array([customer]))
            costs = np.where(feasible[0], detour[0], _NONE)
            gap = int(np.argmin(costs))
            if length - _route_length(nodes, rest) - int(costs[gap]) > 0:
                routes[number] = [*rest[:gap], customer, *rest[gap:]]
                return True
    return False


def construct_routes(
    problem: VrptwProblem, weights: Sequence[I1Weights] = DEFAULT_WEIGHTS
) -> Routes:
    """Return the shortest complete I1 start over ``weights``, improved by relocation.

    Each start gets the moves between routes; the shortest of them also the moves inside
    routes (those cost more time and rarely change which start is best). Returns routes
    of 0-based customer positions, or ``()`` when no weight set serves every customer
    within the fleet.
    """
    nodes = Nodes.of(problem)
    best: tuple[int, list[list[int]]] | None = None
    for weight in weights:
        routes = _i1_routes(nodes, weight)
        if sum(len(route) for route in routes) < problem.size:
            continue
        improve_routes(nodes, routes, inside=False)
        length = sum(_route_length(nodes, route) for route in routes)
        if best is None or length < best[0]:
            best = (length, routes)
    if best is None:
        return ()
    routes = best[1]
    improve_routes(nodes, routes)
    return tuple(tuple(node - 1 for node in route) for route in routes)
