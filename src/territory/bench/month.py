"""The ``month`` suite: month plans of generated territories, time and travel by size.

For each size, a generated urban territory (seeded) within 1.5 km of the office on a road
network, e-bike, is planned for January 2027 by :func:`territory.month.plan_month` in each
planning mode; every plan goes through the day and month checkers. Optional runs show:

* stability: January re-planned with its own lines as the previous plan, February 2027
  (Spring Festival) after January, and February with 5 retailers replaced, each with the
  share of retailers whose line weekday changed;
* a long search: the planner given about ``long_minutes`` of search, to show how far the
  default settings are from what more time finds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from routing.checker import check_plan
from routing.generator import generate_retailers
from routing.network import RoadNetwork, street_segments
from routing.retailers import Retailer
from routing.rules import Rules
from routing.solver import SolverSettings
from territory.assign import MONTH_ASSIGNMENT
from territory.calendar import working_calendar
from territory.check import check_month_plan
from territory.month import MonthRequest, MonthResult, MonthSettings, plan_month
from territory.month_rules import load_month_rules

#: People's Square: the office on the central Shanghai extract.
PEOPLES_SQUARE = (121.4737, 31.2304)
RADIUS_M = 1500
SEED = 2027
JANUARY, FEBRUARY = (2027, 1), (2027, 2)
REPLACED = 5
LonLat = tuple[float, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthRecord:
    """One month plan; the raw CSV has one row each, in field order.

    Parameters
    ----------
    retailers
        The territory's size.
    run
        What was planned (month, planning mode, previous plan, search).
    planning
        ``lines`` or ``free``.
    working_days, visits
        The month's working days and planned visits.
    travel_h, travel_km
        The month's total travel.
    unplanned
        Visits the plan could not hold.
    violations
        Rules the day and month checkers found broken (0 for a valid plan).
    wall_s
        Wall seconds of ``plan_month``.
    weekday_changed_pct
        With a previous plan: the share of retailers whose line weekday changed.
    """

    retailers: int
    run: str
    planning: str
    working_days: int
    visits: int
    travel_h: float
    travel_km: float
    unplanned: int
    violations: int
    wall_s: float
    weekday_changed_pct: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Territory:
    """A generated territory on a road network, with the rules to plan it by."""

    retailers: tuple[Retailer, ...]
    office: LonLat
    network: RoadNetwork
    rules: Rules


def network_centre(network: RoadNetwork) -> LonLat:
    """Return the node of the largest piece nearest the piece's mean position."""
    piece = network.component_nodes(network.largest_component)
    lons, lats = network.lons[piece], network.lats[piece]
    nearest = int(np.argmin(np.hypot(lons - lons.mean(), lats - lats.mean())))
    return float(lons[nearest]), float(lats[nearest])


def territory(network: RoadNetwork, rules: Rules, *, size: int, office: LonLat) -> Territory:
    """Return ``size`` generated urban retailers within 1.5 km of ``office`` (seed 2027)."""
    shops = generate_retailers(
        street_segments(network), count=size, seed=SEED, center=office, radius_m=RADIUS_M
    )
    return Territory(retailers=shops, office=office, network=network, rules=rules)


def plan(
    land: Territory,
    *,
    month: tuple[int, int],
    planning: str,
    settings: MonthSettings,
    previous: Mapping[str, int] | None = None,
) -> tuple[MonthResult, float]:
    """Plan ``month`` for ``land``; return the result and its wall seconds."""
    started = time.perf_counter()
    result = plan_month(
        MonthRequest(
            retailers=land.retailers,
            office=land.office,
            year=month[0],
            month=month[1],
            planning=planning,
            previous_lines=previous,
        ),
        rules=land.rules,
        month_rules=load_month_rules(),
        calendar=working_calendar(*month),
        network=land.network,
        settings=settings,
    )
    return result, time.perf_counter() - started


def record_of(
    land: Territory,
    run: str,
    planned: tuple[MonthResult, float],
    *,
    planning: str = "lines",
    previous: MonthResult | None = None,
) -> MonthRecord:
    """Return what a plan of ``land`` measures, checked by the day and month checkers."""
    result, wall = planned
    plan_ = result.plan
    found = check_plan(plan_, land.retailers, land.rules)
    found += check_month_plan(plan_, land.retailers, None)
    return MonthRecord(
        retailers=len(land.retailers),
        run=run,
        planning=planning,
        working_days=len(plan_.days),
        visits=sum(len(day.stops) for day in plan_.days),
        travel_h=sum(day.travel_s for day in plan_.days) / 3600,
        travel_km=sum(day.travel_m for day in plan_.days) / 1000,
        unplanned=len(plan_.unplanned),
        violations=len(found),
        wall_s=wall,
        weekday_changed_pct=None if previous is None else weekday_changes(previous, result),
    )


def weekday_changes(first: MonthResult, second: MonthResult) -> float:
    """Return the share (%) of retailers in both plans whose line (weekday) differs."""
    a: Mapping[str, int] = first.plan.extra["lines"]
    b: Mapping[str, int] = second.plan.extra["lines"]
    common = sorted(set(a) & set(b))
    changed = sum(a[rid] != b[rid] for rid in common)
    return 100 * changed / max(1, len(common))


def long_effort(minutes: float) -> MonthSettings:
    """Return settings whose search runs for about ``minutes`` on 2 cores (20 days).

    Two fifths go to the assignment (the periodic search, about 4 ms a perturbation on 250
    retailers, until its time cap), the rest to the days' search: two runs a day (the
    day planner's portfolio), 20 days, two processes, so each run gets a twentieth.
    """
    seconds = minutes * 60
    assignment = replace(
        MONTH_ASSIGNMENT,
        time_limit_s=0.4 * seconds,
        iterations=int(0.4 * seconds / 0.004),
        stall=None,
    )
    run_s = 0.6 * seconds / 20
    steps = int(run_s * 1000)  # about 1 ms a step
    day = SolverSettings(
        max_solutions=steps, warm_start_steps=steps, workers=1, time_limit_s=run_s
    )
    return replace(MonthSettings(), day=day, assignment=assignment)


@dataclass(frozen=True, slots=True, kw_only=True)
class SizeRuns:
    """What to run on each territory size.

    Parameters
    ----------
    planning
        The planning modes of January (``lines``, ``free``).
    settings
        The month's search settings.
    stability
        Also re-plan January and plan February with January's lines as the previous plan.
    long_minutes
        Also plan January in lines mode with about this much search (0: no).
    """

    planning: tuple[str, ...]
    settings: MonthSettings
    stability: bool = False
    long_minutes: float = 0.0


def run_size(
    land: Territory, runs: SizeRuns, *, progress: Callable[[MonthRecord], None]
) -> list[MonthRecord]:
    """Plan ``land`` as ``runs`` asks and return one record per plan."""
    records: list[MonthRecord] = []

    def keep(record: MonthRecord) -> None:
        records.append(record)
        progress(record)

    january: dict[str, MonthResult] = {}
    for mode in runs.planning:
        planned = plan(land, month=JANUARY, planning=mode, settings=runs.settings)
        january[mode] = planned[0]
        keep(record_of(land, f"January, {mode}", planned, planning=mode))
    if runs.stability:
        for record in _stability(land, january["lines"], runs.settings):
            keep(record)
    if runs.long_minutes > 0:
        settings = long_effort(runs.long_minutes)
        planned = plan(land, month=JANUARY, planning="lines", settings=settings)
        keep(record_of(land, "January, lines, long search", planned))
    return records


def _stability(
    land: Territory, january: MonthResult, settings: MonthSettings
) -> list[MonthRecord]:
    lines = january.plan.extra["lines"]
    changed = (*land.retailers[:-REPLACED], *_replaced(land.retailers[-REPLACED:]))
    cases = (
        ("January again, lines, previous = January", land, JANUARY),
        ("February, lines, previous = January", land, FEBRUARY),
        (
            f"February, {REPLACED} retailers replaced, previous = January",
            replace(land, retailers=changed),
            FEBRUARY,
        ),
    )
    records = []
    for run, where, month in cases:
        planned = plan(where, month=month, planning="lines", settings=settings, previous=lines)
        records.append(record_of(where, run, planned, previous=january))
    return records


def _replaced(retailers: Sequence[Retailer]) -> tuple[Retailer, ...]:
    return tuple(replace(s, id=f"N{i}") for i, s in enumerate(retailers))
