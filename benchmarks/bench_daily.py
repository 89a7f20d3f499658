"""Daily routes on a real road network against the proven optimum.

Usage::

    python benchmarks/bench_daily.py [--shared-data PATH] [--days 12] [--compare-settings]

Seeded days of 30-40 generated shops around random offices on the central Shanghai extract
(e-bike). Each day is planned by ``plan_day`` exactly as the CLI does; its travel time is
compared with a proven-optimal tour from an ATSP MIP with subtour cuts (``exact.py``). That
tour ignores time rules, so it is a lower bound; when it also fits the day's rules (checked
with the same timeline builder), it is the proven optimum of the day.

``--compare-settings`` also runs the same days, and windowed variants (30 % of shops open
only a 3-hour window), with other OR-Tools strategies, to show why the default was chosen.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from common import RESULTS, machine, markdown_table, shared_data
from exact import optimal_tour
from routing.day import DayRequest, plan_day
from routing.generator import generate_retailers
from routing.network import RoadNetwork, load_network, street_segments
from routing.retailers import Retailer, TimeWindow
from routing.rules import Rules, load_rules
from routing.schedule import build_timeline
from routing.solver import SolverSettings

EXTRACT = Path("geo") / "china_shanghai_center.osm.bz2"
DEFAULT = SolverSettings()


def single(
    first_solution: str, metaheuristic: str = "GUIDED_LOCAL_SEARCH", steps: int = 600
) -> SolverSettings:
    """One search from one first solution, no warm start, no portfolio."""
    return SolverSettings(
        first_solution=first_solution,
        metaheuristic=metaheuristic,
        max_solutions=steps,
        warm_start_steps=0,
        portfolio=False,
    )


ALTERNATIVES = {
    "visitplan default: portfolio (two travel-only tours | insertion where windows bind), "
    "GLS 300 steps": DEFAULT,
    "portfolio without the windowed-day insertion run": dataclasses.replace(
        DEFAULT, cold_start=False
    ),
    "portfolio of one tour and the insertion run (before 2026-12-04)": dataclasses.replace(
        DEFAULT, tour_strategies=("PATH_CHEAPEST_ARC",), warm_start_steps=400
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


def make_day(network: RoadNetwork, seed: int, size: int, *, windowed: bool) -> DayRequest:
    rng = np.random.default_rng(seed)
    main = network.component_nodes(network.largest_component)
    office_node = int(rng.choice(main))
    office = (float(network.lons[office_node]), float(network.lats[office_node]))
    shops = generate_retailers(
        street_segments(network), count=size, seed=seed, center=office, radius_m=600
    )
    shops = tuple(dataclasses.replace(s, must_visit=False, opening=()) for s in shops)
    if windowed:
        shops = tuple(_three_hour_window(s, rng) if rng.random() < 0.3 else s for s in shops)
    return DayRequest(retailers=shops, office=office, date=date(2027, 1, 5), mode="ebike")


def _three_hour_window(shop: Retailer, rng: np.random.Generator) -> Retailer:
    start = int(rng.integers(9 * 3600, 12 * 3600))
    return dataclasses.replace(shop, opening=(TimeWindow(start_s=start, end_s=start + 3 * 3600),))


def measure(
    request: DayRequest,
    rules: Rules,
    network: RoadNetwork,
    settings: SolverSettings,
    reference: dict[str, object],
) -> dict[str, object]:
    started = time.perf_counter()
    result = plan_day(request, rules=rules, network=network, settings=settings)
    wall = time.perf_counter() - started
    problem, solution = result.problem, result.solution
    complete = not solution.dropped
    gap = None
    if complete and reference["optimum_s"]:
        gap = 100 * (solution.travel_s - reference["optimum_s"]) / reference["optimum_s"]
    return {
        "stops": problem.size,
        "visited": len(solution.order),
        "travel_s": solution.travel_s,
        "solver_s": round(solution.wall_s, 3),
        "plan_day_s": round(wall, 3),
        "gap_pct": None if gap is None else round(gap, 3),
        **reference,
    }


def reference_of(request: DayRequest, rules: Rules, network: RoadNetwork) -> dict[str, object]:
    # The problem (matrix, windows) is the solver's own input, taken from a quick plan.
    problem = plan_day(
        request, rules=rules, network=network, settings=SolverSettings(max_solutions=1)
    ).problem
    started = time.perf_counter()
    tour = optimal_tour(problem.durations_s)
    exact_s = time.perf_counter() - started
    fits = build_timeline(problem, tuple(i - 1 for i in tour.order)) is not None
    return {
        "bound_s": tour.cost,
        "optimum_s": tour.cost if fits else None,
        "exact_s": round(exact_s, 2),
        "proven": fits,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", default=None)
    parser.add_argument("--days", type=int, default=12)
    parser.add_argument("--compare-settings", action="store_true")
    parser.add_argument("--steps", type=int, default=DEFAULT.max_solutions)
    parser.add_argument("--warm-steps", type=int, default=DEFAULT.warm_start_steps)
    parser.add_argument("--out", type=Path, default=RESULTS / "daily.md")
    args = parser.parse_args()
    data = shared_data(args.shared_data)
    if data is None:
        print("shared data not found; pass --shared-data or set VISITPLAN_SHARED_DATA")
        return 0
    rules = load_rules()
    network = load_network(data / EXTRACT, mode=rules.mode("ebike"))
    sizes = [30 + (2 * k) % 12 for k in range(args.days)]
    chosen = SolverSettings(max_solutions=args.steps, warm_start_steps=args.warm_steps)
    settings = ALTERNATIVES if args.compare_settings else {"visitplan default": chosen}
    rows = []
    variants = (False, True) if args.compare_settings else (False,)
    for windowed in variants:
        for seed, size in enumerate(sizes):
            request = make_day(network, seed, size, windowed=windowed)
            reference = reference_of(request, rules, network)
            for name, setting in settings.items():
                row = measure(request, rules, network, setting, reference)
                rows.append({"setting": name, "windowed": windowed, "seed": seed, **row})
                print(rows[-1], flush=True)
    write_report(rows, args.out, compare=args.compare_settings)
    return 0


def write_report(rows: list[dict[str, object]], out: Path, *, compare: bool) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.with_suffix(".csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        f"# Daily route vs proven optimum\n\nMachine: {machine()}. Network: central "
        f"Shanghai extract, e-bike. Generated shops within 600 m of a random office; "
        f"8 min service; 08:30 depart, 09:30 first visit, 15:00, 16:00, lunch.\n"
    ]
    per_day = [
        [
            r["seed"],
            "yes" if r["windowed"] else "no",
            r["stops"],
            r["visited"],
            r["travel_s"],
            r["bound_s"],
            "yes" if r["proven"] else "no",
            r["gap_pct"],
            r["solver_s"],
            r["exact_s"],
        ]
        for r in rows
        if r["setting"] in ("visitplan default", next(iter(ALTERNATIVES)))
    ]
    lines.append(
        markdown_table(
            [
                "seed",
                "windows",
                "stops",
                "visited",
                "ours (s)",
                "ATSP optimum (s)",
                "optimum fits the day",
                "gap %",
                "solver wall (s)",
                "MIP (s)",
            ],
            per_day,
        )
    )
    lines.append("\n" + summary(rows))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out.read_text(encoding="utf-8"))


def best_known(rows: list[dict[str, object]]) -> dict[tuple[object, object], tuple[int, int]]:
    """Per day, the most visits any setting reached and the least travel among those."""
    best: dict[tuple[object, object], tuple[int, int]] = {}
    for r in rows:
        key = (r["windowed"], r["seed"])
        mine = (-int(r["visited"]), int(r["travel_s"]))
        best[key] = min(best.get(key, mine), mine)
    return best


def summary(rows: list[dict[str, object]]) -> str:
    best = best_known(rows)
    table = []
    for setting in dict.fromkeys(r["setting"] for r in rows):
        for windowed in (False, True):
            mine = [r for r in rows if r["setting"] == setting and r["windowed"] == windowed]
            if not mine:
                continue
            complete = [r for r in mine if r["visited"] == r["stops"]]
            gaps = [r["gap_pct"] for r in mine if r["gap_pct"] is not None]
            bound_gaps = [100 * (r["travel_s"] - r["bound_s"]) / r["bound_s"] for r in complete]
            at_best = [
                r for r in mine if -int(r["visited"]) == best[(r["windowed"], r["seed"])][0]
            ]
            best_gaps = [
                100
                * (int(r["travel_s"]) - best[(r["windowed"], r["seed"])][1])
                / best[(r["windowed"], r["seed"])][1]
                for r in at_best
            ]
            table.append(
                [
                    setting,
                    "yes" if windowed else "no",
                    f"{len(complete)}/{len(mine)}",
                    f"{np.mean(gaps):.3f}" if gaps else "–",
                    len(gaps),
                    f"{np.mean(bound_gaps):.3f}" if bound_gaps else "–",
                    f"{len(at_best)}/{len(mine)}",
                    f"{np.mean(best_gaps):.3f}" if best_gaps else "–",
                    f"{np.mean([r['solver_s'] for r in mine]):.2f}",
                    f"{max(r['solver_s'] for r in mine):.2f}",
                ]
            )
    return markdown_table(
        [
            "setting",
            "windows",
            "all stops visited",
            "mean gap to proven optimum %",
            "days with proven optimum",
            "mean gap to ATSP bound %",
            "days with the most visits found",
            "mean gap to best found on those days %",
            "mean solver s",
            "max solver s",
        ],
        table,
    )


if __name__ == "__main__":
    sys.exit(main())
