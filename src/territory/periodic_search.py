"""The periodic search: construction, annealed ruin-and-recreate, OR-Tools re-routing.

A cluster of customers is taken off every day and each put back on its cheapest option;
a granular local search in plain Python (relocations, swaps, 2-opt, 2-opt*, option
switches) repairs the days touched; the perturbation is accepted or undone by simulated
annealing. OR-Tools (``routing.solver.solve_fleet``) only re-routes the best plan at the
end, when the settings keep time for it.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from routing.fleet import FleetProblem, route_cost
from routing.solver import SolverSettings, solve_fleet
from territory.periodic import (
    PeriodicProblem,
    PeriodicResult,
    PeriodicSettings,
    solution_cost,
)
from territory.periodic_engine import EnginePlan, PeriodicEngine, Snapshot

logger = logging.getLogger(__name__)

#: The clock every budget is measured on: wall-clock time, so ``time_limit_s`` bounds the
#: elapsed time. On a shared machine the search then gets less work done; the CPU seconds
#: it did get are reported as :attr:`PeriodicResult.cpu_s`.
_clock = time.perf_counter

#: After a perturbation, the local search starts from the moved customers and this many
#: nearest neighbours of each (those whose routes the removals and insertions changed).
AROUND = 8


def _construct(engine: PeriodicEngine, start: Sequence[int | None] | None) -> None:
    """Place customers, most visits then farthest first, cheapest insertion on each day.

    Each takes its ``start`` option or, where that says none, its cheapest one.
    """
    dist = engine.dist
    order = sorted(
        range(1, len(engine.combo)),
        key=lambda u: (-len(engine.combos[u][0]), -dist[0][u], u),
    )
    for u in order:
        given = None if start is None else start[u - 1]
        engine.place(u, _cheapest_option(engine, u, None) if given is None else given)


def _cheapest_option(engine: PeriodicEngine, u: int, noise: npt.NDArray[np.float64] | None) -> int:
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
    engine: PeriodicEngine, nodes: Sequence[int], days: set[int], rng: np.random.Generator
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
    engine: PeriodicEngine, settings: PeriodicSettings, rng: np.random.Generator
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
    context: _Context, engine: PeriodicEngine, rng: np.random.Generator
) -> tuple[Snapshot, int, int]:
    """Anneal over ruin-and-recreate plus local search; return the best plan and counts.

    The temperature falls geometrically from ``temperature`` to ``temperature / 100`` mean
    arc lengths over ``iterations`` perturbations (or over the time budget, when it runs out
    first). The best plan is the one with the least excess (load over capacity, routes over
    the duration limit), then the shortest: a plan without excess whenever one is found,
    and when none exists (a month whose lines overfill some days) the most even one. The
    overload penalty is tuned every 100 perturbations so that between a fifth and a half of
    the plans tried are without overload (as in Vidal's HGS): tight instances such as p13
    need it high, loose ones search better with it low.
    """
    settings = context.settings
    day_costs = [engine.day_cost(day) for day in range(engine.days)]
    current = sum(day_costs)
    best, best_key = engine.snapshot(), (engine.excess(), engine.length())
    visits = sum(len(route) for day in engine.routes for route in day)
    start = settings.temperature * current / max(1, visits)
    budget = context.left() - settings.final_share * settings.time_limit_s
    began = _clock()
    tries = accepted = 0
    window = [0, 0]  # plans tried, and those without overload, since the last tuning
    since_best = 0
    while tries < settings.iterations and since_best < (settings.stall or settings.iterations):
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
        since_best += 1
        excess = engine.excess()
        window[0] += 1
        window[1] += excess == 0
        if cost < current - heat * math.log(1.0 - rng.random()):
            current = cost
            for day, value in new_costs.items():
                day_costs[day] = value
            accepted += 1
            key = (excess, engine.length()) if excess <= best_key[0] else best_key
            if key < best_key:
                best, best_key, since_best = engine.snapshot(), key, 0
        else:
            engine.restore(saved, days)
        if tries % 100 == 0:
            _tune_penalty(engine, window[1] / max(1, window[0]))
            day_costs = [engine.day_cost(day) for day in range(engine.days)]
            current, window = sum(day_costs), [0, 0]
    return best, tries, accepted


def _checked_start(
    problem: PeriodicProblem, start: Sequence[int | None] | None
) -> Sequence[int | None] | None:
    if start is None:
        return None
    if len(start) != problem.size or any(
        k is not None and not 0 <= k < len(options)
        for k, options in zip(start, problem.options, strict=False)
    ):
        msg = "Expected one start option (or None) per customer, each among its options."
        raise ValueError(msg)
    return start


def _tune_penalty(engine: PeriodicEngine, feasible_share: float) -> None:
    """Raise the overload penalty when few plans tried fit, lower it when most do."""
    if feasible_share < 0.2:
        engine.penalty *= 1.3
    elif feasible_share > 0.5:
        engine.penalty = max(engine.penalty * 0.7, engine.minimum_penalty)


def _feasible_start(engine: PeriodicEngine, rng: np.random.Generator) -> None:
    """Local search on every day, doubling the overload penalty until no route is over."""
    everyone = list(range(1, len(engine.combo)))
    for _ in range(12):
        _local_search(engine, everyone, set(range(engine.days)), rng)
        if engine.feasible():
            return
        engine.penalty *= 2


def _polish(context: _Context, plan: EnginePlan) -> None:
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


def solve_periodic(
    problem: PeriodicProblem,
    settings: PeriodicSettings | None = None,
    *,
    start: Sequence[int | None] | None = None,
) -> PeriodicResult:
    """Return the best plan found for ``problem`` within ``settings``.

    ``start`` gives customers an option to begin from (``None``: the cheapest one), such as
    a month's lines for its free plan.

    1. construct: each customer on its start or cheapest option, cheapest insertion;
    2. local search on every day and option switches for every customer;
    3. anneal: ruin and recreate a cluster of customers, local search, accept or undo;
    4. re-route the best plan with OR-Tools in the time kept for it (``final_share``).
    """
    settings = settings or PeriodicSettings()
    started, cpu_started = _clock(), time.process_time()
    context = _Context(problem, settings, started + settings.time_limit_s)
    rng = np.random.default_rng(settings.seed)
    stages: list[tuple[str, int]] = []

    def record(name: str, plan: EnginePlan) -> None:
        stages.append((name, solution_cost(problem, plan.solution())))
        logger.debug("%s: %d at %.1fs", name, stages[-1][1], _clock() - started)

    engine = PeriodicEngine(problem, context.penalty, settings.neighbours)
    _construct(engine, _checked_start(problem, start))
    record("construction", engine.plan())
    _feasible_start(engine, rng)
    record("local search", engine.plan())
    best, tries, accepted = _search(context, engine, rng)
    engine.restore(best, range(problem.days))
    feasible = engine.feasible()
    plan = engine.plan()
    record("annealing", plan)
    if settings.final_share:
        _polish(context, plan)
        record("final re-routing", plan)
    solution = plan.solution()
    return PeriodicResult(
        solution=solution,
        cost=solution_cost(problem, solution),
        feasible=feasible,
        wall_s=_clock() - started,
        cpu_s=time.process_time() - cpu_started,
        stages=tuple(stages),
        perturbations=tries,
        accepted=accepted,
    )


def _gain_at(problem: PeriodicProblem, route: Sequence[int], k: int) -> int:
    before = route[k - 1] + 1 if k else 0
    after = route[k + 1] + 1 if k + 1 < len(route) else 0
    node = route[k] + 1
    cost = problem.distances
    return int(cost[before, node] + cost[node, after] - cost[before, after])


@dataclass(frozen=True, slots=True)
class _Context:
    problem: PeriodicProblem
    settings: PeriodicSettings
    deadline: float

    @property
    def penalty(self) -> float:
        """Cost of one unit of route overload: a mean depot round trip per mean demand.

        High enough that carrying a customer over capacity rarely beats driving to it on
        another route, low enough that the search may pass through overloaded plans.
        """
        round_trip = 2.0 * float(self.problem.distances[0, 1:].mean())
        unit = round_trip / max(1.0, float(np.mean(self.problem.demands)))
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
    problem: PeriodicProblem,
    customers: Sequence[int],
    *,
    day: int,
    vehicles: int,
) -> FleetProblem:
    nodes = [0, *(p + 1 for p in customers)]
    grid = np.ix_(nodes, nodes)
    return FleetProblem(
        distances=np.ascontiguousarray(problem.distances[grid]),
        durations=np.ascontiguousarray(problem.durations[grid]),
        service=tuple(problem.service[p] for p in customers),
        demands=tuple(problem.demands[p] for p in customers),
        vehicles=vehicles,
        capacity=problem.capacities[day],
        max_duration=problem.max_durations[day],
    )


def _route_day(context: _Context, plan: EnginePlan, day: int, *, seconds: float) -> None:
    """Re-route ``day`` with OR-Tools from its current routes.

    Routes that break a limit are first stripped of the customers that make them break it,
    so OR-Tools starts from a feasible partial solution and inserts those back. The new
    routes replace the old ones when they serve everyone and are shorter or the old ones
    broke a limit; a day is never left with a customer missing.
    """
    problem = context.problem
    members = sorted(p for route in plan.routes[day] for p in route)
    if not members or context.left() <= 0:
        return
    seconds = min(context.left(), seconds)
    local = {p: k for k, p in enumerate(members)}
    fleet = _sub_problem(problem, members, day=day, vehicles=problem.vehicles)
    start = [[local[p] for p in route] for route in _strip(problem, plan.routes[day], day)]
    solution = solve_fleet(
        fleet, _fleet_settings(seconds, context.settings.polish_solutions), initial_routes=start
    )
    fits = _day_fits(problem, plan, day)
    before = sum(route_cost(problem.distances, route) for route in plan.routes[day])
    if not solution.dropped and (not fits or solution.cost < before):
        plan.routes[day] = [[members[k] for k in route] for route in solution.routes]


def _strip(problem: PeriodicProblem, routes: list[list[int]], day: int) -> list[list[int]]:
    """Return ``routes`` less, route by route, the costliest customers until each fits."""
    stripped = []
    for route in routes:
        kept = list(route)
        while kept and not _route_fits(problem, kept, day):
            del kept[max(range(len(kept)), key=lambda k: _gain_at(problem, kept, k))]
        stripped.append(kept)
    return stripped


def _day_fits(problem: PeriodicProblem, plan: EnginePlan, day: int) -> bool:
    return all(_route_fits(problem, route, day) for route in plan.routes[day])


def _route_fits(problem: PeriodicProblem, route: list[int], day: int) -> bool:
    if sum(problem.demands[p] for p in route) > problem.capacities[day]:
        return False
    limit = problem.max_durations[day]
    travel = route_cost(problem.durations, route)
    return not limit or travel + sum(problem.service[p] for p in route) <= limit
