"""Month plans on a real road network: time, travel, lines vs free, weekday stability.

Usage::

    python benchmarks/bench_month.py [--shared-data PATH] [--retailers 250] [--long-minutes 10]

A generated urban territory on the central Shanghai extract (e-bike), planned for January
2027 and then February 2027 (Spring Festival) with January's lines as the previous plan:

* wall time of ``plan_month`` with the default settings (target <= 20 s on 2 cores);
* total travel against the same planner given about ``--long-minutes`` of search
  (``--long-minutes 0`` skips it);
* lines mode against free mode: travel, and the share of retailers whose line weekday
  changed from one month to the next (target 0 % when nothing changed).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from common import RESULTS, machine, markdown_table, shared_data
from routing.checker import check_plan
from routing.generator import generate_retailers
from routing.network import RoadNetwork, load_network, street_segments
from routing.retailers import Retailer
from routing.rules import Rules, load_rules
from routing.solver import SolverSettings
from territory.calendar import working_calendar
from territory.check import check_month_plan
from territory.month import MonthRequest, MonthResult, MonthSettings, plan_month
from territory.month_rules import load_month_rules

EXTRACT = Path("geo") / "china_shanghai_center.osm.bz2"
OFFICE = (121.4737, 31.2304)


def run(
    retailers: Sequence[Retailer],
    network: RoadNetwork,
    rules: Rules,
    *,
    month: tuple[int, int],
    planning: str,
    settings: MonthSettings,
    previous: dict[str, int] | None = None,
) -> tuple[MonthResult, float]:
    started = time.perf_counter()
    result = plan_month(
        MonthRequest(
            retailers=tuple(retailers),
            office=OFFICE,
            year=month[0],
            month=month[1],
            planning=planning,
            previous_lines=previous,
        ),
        rules=rules,
        month_rules=load_month_rules(),
        calendar=working_calendar(*month),
        network=network,
        settings=settings,
    )
    return result, time.perf_counter() - started


def summary(
    name: str, result: MonthResult, wall: float, retailers: Sequence[Retailer], rules: Rules
) -> dict[str, object]:
    plan = result.plan
    violations = check_plan(plan, retailers, rules) + check_month_plan(plan, retailers, None)
    return {
        "run": name,
        "working days": len(plan.days),
        "visits": sum(len(d.stops) for d in plan.days),
        "travel h": round(sum(d.travel_s for d in plan.days) / 3600, 2),
        "travel km": round(sum(d.travel_m for d in plan.days) / 1000, 1),
        "unplanned": len(plan.unplanned),
        "violations": len(violations),
        "wall s": round(wall, 1),
    }


def record(rows: list[dict[str, object]], row: dict[str, object]) -> None:
    """Keep ``row`` and show it at once: the long search comes last and takes a while."""
    rows.append(row)
    print(row, flush=True)


def weekday_changes(first: MonthResult, second: MonthResult) -> float:
    """Share of retailers in both plans whose line (weekday) differs."""
    a, b = first.plan.extra["lines"], second.plan.extra["lines"]
    common = sorted(set(a) & set(b))
    changed = sum(a[rid] != b[rid] for rid in common)
    return 100 * changed / max(1, len(common))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", default=None)
    parser.add_argument("--retailers", type=int, default=250)
    parser.add_argument("--long-minutes", type=float, default=10.0)
    parser.add_argument(
        "--keep-long",
        action="store_true",
        help="skip the long search and keep its row from the CSV beside --out (an hour's run)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "month.md")
    args = parser.parse_args()
    data = shared_data(args.shared_data)
    if data is None:
        print("shared data not found; pass --shared-data or set VISITPLAN_SHARED_DATA")
        return 0
    rules = load_rules()
    network = load_network(data / EXTRACT, mode=rules.mode("ebike"))
    shops = generate_retailers(
        street_segments(network), count=args.retailers, seed=2027, center=OFFICE, radius_m=1500
    )
    default = MonthSettings()
    rows = []
    jan_lines, wall = run(
        shops, network, rules, month=(2027, 1), planning="lines", settings=default
    )
    record(rows, summary("January, lines, default settings", jan_lines, wall, shops, rules))
    jan_free, wall = run(shops, network, rules, month=(2027, 1), planning="free", settings=default)
    record(rows, summary("January, free, default settings", jan_free, wall, shops, rules))
    again, wall = run(
        shops,
        network,
        rules,
        month=(2027, 1),
        planning="lines",
        settings=default,
        previous=jan_lines.plan.extra["lines"],
    )
    record(rows, summary("January again, lines, previous = January", again, wall, shops, rules))
    feb, wall = run(
        shops,
        network,
        rules,
        month=(2027, 2),
        planning="lines",
        settings=default,
        previous=jan_lines.plan.extra["lines"],
    )
    record(rows, summary("February, lines, previous = January", feb, wall, shops, rules))
    changed = list(shops[:-5]) + [replace(s, id=f"N{i}") for i, s in enumerate(shops[-5:])]
    churn, wall = run(
        changed,
        network,
        rules,
        month=(2027, 2),
        planning="lines",
        settings=default,
        previous=jan_lines.plan.extra["lines"],
    )
    record(
        rows,
        summary("February, 5 retailers replaced, previous = January", churn, wall, changed, rules),
    )
    stability = [
        ["January re-planned with its own lines", f"{weekday_changes(jan_lines, again):.1f} %"],
        ["February after January (nothing changed)", f"{weekday_changes(jan_lines, feb):.1f} %"],
        [
            "February after January, 5 retailers replaced",
            f"{weekday_changes(jan_lines, churn):.1f} %",
        ],
    ]
    if args.keep_long:
        rows += kept_long_rows(args.out.with_suffix(".csv"))
    elif args.long_minutes > 0:
        long_settings = long_effort(args.long_minutes)
        long, wall = run(
            shops, network, rules, month=(2027, 1), planning="lines", settings=long_settings
        )
        record(rows, summary("January, lines, long search", long, wall, shops, rules))
    write(rows, stability, args, default)
    return 0


def kept_long_rows(path: Path) -> list[dict[str, object]]:
    """Return the long-search rows of an earlier run, marked as such."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as file:
        rows: list[dict[str, object]] = [
            {**row, "run": f"{row['run'].removesuffix(' (earlier run)')} (earlier run)"}
            for row in csv.DictReader(file)
            if "long search" in row["run"]
        ]
    return rows


def long_effort(minutes: float) -> MonthSettings:
    """Settings whose search runs for about ``minutes`` on 2 cores (20 days, 2 runs each)."""
    steps = int(minutes * 60 * 1000 / 20)  # about 1 ms a step, 2 processes, 2 runs per day
    day = SolverSettings(
        max_solutions=steps, warm_start_steps=steps, workers=1, time_limit_s=minutes * 60 / 10
    )
    return MonthSettings(day=day, max_passes=50)


def write(
    rows: list[dict[str, object]],
    stability: list[list[str]],
    args: argparse.Namespace,
    default: MonthSettings,
) -> None:
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.with_suffix(".csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    search = "a portfolio" if default.day.portfolio else "one run"
    lines = [
        "# Month plans on the central Shanghai network\n",
        f"Machine: {machine()}. {args.retailers} generated urban retailers within 1.5 km of "
        f"People's Square, e-bike, January / February 2027. Default day search: "
        f"{default.day.max_solutions} steps, {search} per day, days routed in "
        f"{default.workers} processes.\n",
        markdown_table(list(rows[0]), [list(r.values()) for r in rows]),
        "\n## Line weekday changes month to month\n",
        markdown_table(["case", "retailers whose line weekday changed"], stability),
    ]
    long_rows = [r for r in rows if "long search" in str(r["run"])]
    if long_rows:
        base = float(rows[0]["travel h"])
        best = float(long_rows[0]["travel h"])
        lines.append(
            f"\nDefault travel is {100 * (base - best) / best:.2f} % above the long "
            f"search ({base} h vs {best} h)."
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    sys.exit(main())
