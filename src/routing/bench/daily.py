"""The ``daily`` suite: seeded single days on real roads against the proven optimum.

Each day is 30-40 generated shops (by default) within 600 m of a random office on the road
network, e-bike, planned by :func:`routing.day.plan_day` exactly as ``visitplan day`` does.
Its travel time is compared with a proven-optimal tour from an ATSP MIP with subtour cuts
(:mod:`routing.bench.exact`). That tour ignores the time rules, so it is a lower bound; when
it also fits the day's rules (checked with the same timeline builder), it is the proven
optimum of the day, and the gap is measured against it. Every plan also goes through the
independent checker (:func:`routing.checker.check_plan`).

With ``compare=True`` the same days, and windowed variants (30 % of shops open only a
3-hour window), are also planned with other OR-Tools settings, to show why the default was
chosen.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from routing.checker import check_plan
from routing.day import DayRequest, plan_day
from routing.generator import generate_retailers
from routing.network import RoadNetwork, street_segments
from routing.retailers import Retailer, TimeWindow
from routing.rules import Rules
from routing.schedule import build_timeline
from routing.solver import SolverSettings

DAY = date(2027, 1, 5)
RADIUS_M = 600
#: Share of a windowed day's shops open only for :data:`WINDOW_S`.
WINDOWED_SHARE = 0.3
WINDOW_S = 3 * 3600
DEFAULT_NAME = "visitplan default"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """The ATSP optimum of a day's travel matrix, and whether it fits the day's rules.

    Parameters
    ----------
    bound_s
        Travel of the optimal tour through every stop: a lower bound of the day's travel.
    optimum_s
        The same, when the tour also keeps every rule of the day (else None).
    exact_s
        Wall seconds of the MIP.
    """

    bound_s: int
    optimum_s: int | None
    exact_s: float

    @property
    def proven(self) -> bool:
        """Whether the bound is the day's proven optimum."""
        return self.optimum_s is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyRecord:
    """One setting on one day; the raw CSV has one row each, in field order.

    Parameters
    ----------
    setting
        The solver settings' name.
    windowed
        Whether some shops are open only a 3-hour window.
    seed
        The day's seed (office, shops, windows).
    stops, visited
        Shops on the day, and shops the plan visits.
    travel_s
        The plan's travel seconds.
    solver_s, plan_day_s
        Wall seconds of the search, and of the whole ``plan_day`` call (matrix included).
    gap_pct
        ``100 * (travel_s - optimum_s) / optimum_s`` when every stop is visited and the
        optimum is proven; else None.
    bound_s, optimum_s, exact_s, proven
        From the day's :class:`Reference`.
    stopped_by
        Which limit ended the search (``solution limit`` or ``time limit``).
    violations
        Rules the independent checker found broken (0 for a valid plan).
    """

    setting: str
    windowed: bool
    seed: int
    stops: int
    visited: int
    travel_s: int
    solver_s: float
    plan_day_s: float
    gap_pct: float | None
    bound_s: int
    optimum_s: int | None
    exact_s: float
    proven: bool
    stopped_by: str
    violations: int


def single(
    first_solution: str, metaheuristic: str = "GUIDED_LOCAL_SEARCH", steps: int = 600
) -> SolverSettings:
    """Return one search from one first solution: no warm start, no portfolio."""
    return SolverSettings(
        first_solution=first_solution,
        metaheuristic=metaheuristic,
        max_solutions=steps,
        warm_start_steps=0,
        portfolio=False,
    )


def alternatives(default: SolverSettings) -> dict[str, SolverSettings]:
    """Return the settings ``compare`` runs, ``default`` first, each with its time cap."""
    named = {
        "visitplan default: portfolio (two travel-only tours | insertion where windows bind), "
        "GLS 300 steps": default,
        "portfolio without the windowed-day insertion run": dataclasses.replace(
            default, cold_start=False
        ),
        "portfolio of one tour and the insertion run (before 2026-12-04)": dataclasses.replace(
            default, tour_strategies=("PATH_CHEAPEST_ARC",), warm_start_steps=400
        ),
        "OR-Tools defaults (AUTOMATIC first solution, greedy descent)": single(
            "AUTOMATIC", "AUTOMATIC"
        ),
        "PATH_CHEAPEST_ARC + GLS, 600 steps": single("PATH_CHEAPEST_ARC"),
        "LOCAL_CHEAPEST_INSERTION + GLS, 600 steps": single("LOCAL_CHEAPEST_INSERTION"),
        "PARALLEL_CHEAPEST_INSERTION + GLS, 600 steps": single("PARALLEL_CHEAPEST_INSERTION"),
        "PARALLEL_CHEAPEST_INSERTION + GLS, 2000 steps": single(
            "PARALLEL_CHEAPEST_INSERTION", steps=2000
        ),
        "PARALLEL_CHEAPEST_INSERTION + simulated annealing, 600 steps": single(
            "PARALLEL_CHEAPEST_INSERTION", "SIMULATED_ANNEALING"
        ),
        "PARALLEL_CHEAPEST_INSERTION + tabu search, 600 steps": single(
            "PARALLEL_CHEAPEST_INSERTION", "TABU_SEARCH"
        ),
    }
    cap = default.time_limit_s
    return {name: dataclasses.replace(s, time_limit_s=cap) for name, s in named.items()}


def day_sizes(days: int, low: int, high: int) -> list[int]:
    """Return ``days`` day sizes, cycling ``low, low + 2, ... <= high`` (30, 32, ..., 40)."""
    sizes = list(range(low, high + 1, 2))
    return [sizes[k % len(sizes)] for k in range(days)]


def make_day(network: RoadNetwork, seed: int, size: int, *, windowed: bool) -> DayRequest:
    """Return day ``seed``: ``size`` shops within 600 m of a random office, no time rules."""
    rng = np.random.default_rng(seed)
    office_node = int(rng.choice(network.component_nodes(network.largest_component)))
    office = (float(network.lons[office_node]), float(network.lats[office_node]))
    shops = generate_retailers(
        street_segments(network), count=size, seed=seed, center=office, radius_m=RADIUS_M
    )
    shops = tuple(dataclasses.replace(s, must_visit=False, opening=()) for s in shops)
    if windowed:
        shops = tuple(_window(s, rng) if rng.random() < WINDOWED_SHARE else s for s in shops)
    return DayRequest(retailers=shops, office=office, date=DAY, mode="ebike")


def _window(shop: Retailer, rng: np.random.Generator) -> Retailer:
    start = int(rng.integers(9 * 3600, 12 * 3600))
    return dataclasses.replace(shop, opening=(TimeWindow(start_s=start, end_s=start + WINDOW_S),))


def reference_of(request: DayRequest, rules: Rules, network: RoadNetwork) -> Reference:
    """Return the day's ATSP optimum, solved on the solver's own travel matrix."""
    from routing.bench.exact import optimal_tour

    # The problem (matrix, windows) is the solver's own input, taken from a quick plan.
    quick = SolverSettings(max_solutions=1, workers=1)
    problem = plan_day(request, rules=rules, network=network, settings=quick).problem
    started = time.perf_counter()
    tour = optimal_tour(problem.durations_s)
    exact_s = time.perf_counter() - started
    fits = build_timeline(problem, tuple(i - 1 for i in tour.order)) is not None
    return Reference(bound_s=tour.cost, optimum_s=tour.cost if fits else None, exact_s=exact_s)


@dataclass(frozen=True, slots=True, kw_only=True)
class Day:
    """One benchmark day: its seed, its variant, the request and its reference."""

    seed: int
    windowed: bool
    request: DayRequest
    reference: Reference


def measure(
    day: Day, name: str, *, settings: SolverSettings, rules: Rules, network: RoadNetwork
) -> DailyRecord:
    """Plan ``day`` with ``settings`` (called ``name``) and return what was measured."""
    started = time.perf_counter()
    result = plan_day(day.request, rules=rules, network=network, settings=settings)
    wall = time.perf_counter() - started
    solution, reference = result.solution, day.reference
    gap = None
    if not solution.dropped and reference.optimum_s:
        gap = 100 * (solution.travel_s - reference.optimum_s) / reference.optimum_s
    return DailyRecord(
        setting=name,
        windowed=day.windowed,
        seed=day.seed,
        stops=result.problem.size,
        visited=len(solution.order),
        travel_s=solution.travel_s,
        solver_s=solution.wall_s,
        plan_day_s=wall,
        gap_pct=gap,
        bound_s=reference.bound_s,
        optimum_s=reference.optimum_s,
        exact_s=reference.exact_s,
        proven=reference.proven,
        stopped_by=solution.stopped_by,
        violations=len(check_plan(result.plan, day.request.retailers, rules)),
    )


def run_suite(
    network: RoadNetwork,
    rules: Rules,
    *,
    sizes: Sequence[int],
    settings: Mapping[str, SolverSettings],
    variants: Sequence[bool] = (False,),
    progress: Callable[[DailyRecord], None] | None = None,
) -> list[DailyRecord]:
    """Plan day ``seed`` of ``sizes[seed]`` stops with each setting, for each variant.

    Parameters
    ----------
    network, rules
        The road network and the day's rules.
    sizes
        Shops per day; day ``k`` has seed ``k``.
    settings
        Solver settings by name; each plans every day.
    variants
        ``False`` for plain days, ``True`` for days with 3-hour windows.
    progress
        Called with each record as soon as it is measured.
    """
    records = []
    for windowed in variants:
        for seed, size in enumerate(sizes):
            request = make_day(network, seed, size, windowed=windowed)
            reference = reference_of(request, rules, network)
            day = Day(seed=seed, windowed=windowed, request=request, reference=reference)
            for name, setting in settings.items():
                record = measure(day, name, settings=setting, rules=rules, network=network)
                records.append(record)
                if progress is not None:
                    progress(record)
    return records
