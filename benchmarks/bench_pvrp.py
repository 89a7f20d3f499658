"""Cordeau's periodic VRP instances p01-p32 against the best-known solutions.

Usage::

    python benchmarks/bench_pvrp.py [--shared-data PATH] [--instances p01,p02|all]
        [--time-limit 120] [--seed 0] [--out benchmarks/results/pvrp.md]

Each instance is read and solved by ``territory.cordeau.solve_pvrp``: the month planner's
optimiser (``territory.periodic_search.solve_periodic``: annealing over ruin-and-recreate
of customers' combinations with a local search on the days touched, then an OR-Tools
``routing.solver.solve_fleet`` re-routing) with the instance's m vehicles a day, within
the time limit; the plan is checked by the independent checker in ``territory.cordeau``
(allowed combinations, vehicles per day, capacity, route duration) and its real Euclidean
length compared with
the ``bks`` column of ``pvrp/pvrp_bks.csv``. Results are written after every instance, so
a run stopped early keeps what it measured.
"""

from __future__ import annotations

import argparse
import csv
import logging
import statistics
import sys
import time
from pathlib import Path

from common import RESULTS, machine, markdown_table, shared_data
from territory.cordeau import SCALE, check_solution, gap_percent, read_pvrp, solve_pvrp
from territory.periodic import PeriodicSettings

ALL = [f"p{k:02d}" for k in range(1, 33)]


def best_known(folder: Path) -> dict[str, float]:
    with (folder / "pvrp_bks.csv").open(encoding="utf-8") as file:
        return {row["instance"]: float(row["bks"]) for row in csv.DictReader(file)}


def run_instance(folder: Path, name: str, bks: float, settings: PeriodicSettings) -> dict[str, object]:
    instance = read_pvrp(folder / name)
    started = time.perf_counter()
    result = solve_pvrp(instance, settings)
    wall = time.perf_counter() - started
    problems = check_solution(instance, result.solution)
    return {
        "instance": name,
        "n": instance.size,
        "m": instance.vehicles,
        "t": instance.days,
        "cost": round(result.cost, 2),
        "bks": bks,
        "gap_pct": round(gap_percent(result.cost, bks), 2) + 0.0,  # no "-0.0"
        "wall_s": round(wall, 1),
        "cpu_s": round(result.search.cpu_s, 1),
        "feasible": "yes" if not problems else f"NO ({len(problems)}: {problems[0]})",
        "first_routed": round(result.search.stages[1][1] / SCALE, 2),
        "perturbations": result.search.perturbations,
        "accepted": result.search.accepted,
    }


def summary(rows: list[dict[str, object]]) -> list[str]:
    gaps = [float(str(row["gap_pct"])) for row in rows]
    feasible = sum(row["feasible"] == "yes" for row in rows)
    worst = sorted(rows, key=lambda row: -float(str(row["gap_pct"])))[:3]
    return [
        f"- instances: {len(rows)}, feasible: {feasible}/{len(rows)}",
        f"- mean gap: **{statistics.mean(gaps):.2f} %**, median {statistics.median(gaps):.2f} %, "
        f"max {max(gaps):.2f} %",
        f"- within 1 %: {sum(g <= 1 for g in gaps)}, within 2 %: {sum(g <= 2 for g in gaps)}",
        "- worst: " + ", ".join(f"{row['instance']} {row['gap_pct']} %" for row in worst),
        f"- mean wall: {statistics.mean(float(str(row['wall_s'])) for row in rows):.1f} s, "
        f"mean CPU: {statistics.mean(float(str(row['cpu_s'])) for row in rows):.1f} s",
    ]


def write(out: Path, rows: list[dict[str, object]], settings: PeriodicSettings) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.with_suffix(".csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        "# Cordeau PVRP p01-p32 vs best known",
        "",
        f"`python benchmarks/bench_pvrp.py --time-limit {settings.time_limit_s:g} "
        f"--seed {settings.seed}`. Machine: {machine()}; one solver process per instance, "
        "run one after another (other work may have shared the machine).",
        "",
        "Cost = total real Euclidean route length of the plan found; BKS = `bks` column of "
        "`pvrp_bks.csv` (believed to be Vidal et al. 2012, not verified); gap = "
        "100 (cost - BKS) / BKS; the time limit caps the wall clock (wall_s); cpu_s = CPU "
        "seconds the solver got (less when other work shares the machine); feasible = independent "
        "checker (allowed combinations, m routes a day, capacity, duration). first routed = "
        "cost after construction and the first local search; perturbations = "
        "ruin-and-recreate steps, accepted = those the annealing kept.",
        "",
        *summary(rows),
        "",
        markdown_table(list(rows[0]), [list(row.values()) for row in rows]),
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", default=None)
    parser.add_argument("--instances", default="all", help="p01,p02,... or all")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per instance")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS / "pvrp.md")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    data = shared_data(args.shared_data)
    if data is None or not (data / "pvrp" / "pvrp_bks.csv").is_file():
        print("PVRP data not found; pass --shared-data or set VISITPLAN_SHARED_DATA")
        return 0
    folder = data / "pvrp"
    names = ALL if args.instances == "all" else args.instances.split(",")
    unknown = [name for name in names if not (folder / name).is_file()]
    if unknown:
        print(f"unknown instances {unknown}; expected names like p01 … p32")
        return 2
    bks = best_known(folder)
    settings = PeriodicSettings(time_limit_s=args.time_limit, seed=args.seed)
    rows: list[dict[str, object]] = []
    for name in names:
        rows.append(run_instance(folder, name, bks[name], settings))
        print(", ".join(f"{key} {value}" for key, value in rows[-1].items()), flush=True)
        write(args.out, rows, settings)
    print("\n".join(summary(rows)))
    print(f"wrote {args.out} and {args.out.with_suffix('.csv')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
