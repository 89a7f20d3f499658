"""Over many random territories and months, no required visit is lost: planned, or unplanned
with why, and the plan passes both checkers.

Each seed draws a territory on a synthetic street grid (10-60 shops, any class, flags,
opening hours including some that rule a shop out, rural shares, longer visits, own visit
counts) and a short month: 4-12 working days drawn from a real month (a manager's leave
taken out), so that the windows of days 1-5 and 6-10 are sometimes full, sometimes empty.
The minimum gap between two visits is drawn up to the largest that lets four visits fit
the month (the default 3 needs 10 working days; see test_month.py for shorter months).
Everything runs on straight lines with a very small day search.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from routing.checker import check_plan
from routing.day import start_windows
from routing.generator import generate_retailers
from routing.reason_labels import reason_label
from routing.retailers import Retailer, TimeWindow
from routing.rules import Rules
from routing.solver import SolverSettings
from routing.timeofday import parse_clock as t
from territory.assign import MONTH_ASSIGNMENT
from territory.calendar import WorkCalendar, working_calendar
from territory.check import check_month_plan
from territory.month import MonthRequest, MonthResult, MonthSettings, plan_month
from territory.month_rules import MonthRules, load_month_rules

CENTRE = (121.4700, 31.2300)
SEEDS = range(50)
#: Seeds that meet a known bug, each with the bug (strict: fixing it must lift the mark).
KNOWN_BUGS: dict[int, str] = {}
#: A very small day search (a short warm start still runs the solver's two-search
#: portfolio) and a short assignment search: what is planned must not depend on effort.
SETTINGS = MonthSettings(
    day=SolverSettings(max_solutions=10, warm_start_steps=20, workers=1, time_limit_s=0.5),
    assignment=dataclasses.replace(MONTH_ASSIGNMENT, iterations=100, stall=30),
    workers=1,
)
#: Months to draw working days from: plain ones and two with long holidays.
MONTHS = ((2027, 1), (2027, 3), (2027, 6), (2027, 9), (2026, 2), (2026, 10))
MAX_VISITS = 4  # classes A and B; own counts are drawn up to this too

#: Opening hours a shop may get, from open-all-day to closed for the whole field day.
HOURS = (
    ("07:00-22:00",),
    ("10:00-21:00",),  # after the 9:30 first-visit deadline
    ("07:30-11:30", "13:30-21:00"),  # a midday break
    ("13:00-13:20",),  # one short afternoon slot
    ("08:30-08:40",),  # barely reachable
    ("16:00-23:00",),  # closed all field day: never routable
    ("06:00-08:35",),  # closes before a visit can end: never routable
)


def grid(lines: int = 7, spacing_deg: float = 0.0025) -> list[tuple[tuple[float, float], ...]]:
    """A square street grid of ``lines`` x ``lines`` streets around ``CENTRE``."""
    lon0 = CENTRE[0] - spacing_deg * (lines - 1) / 2
    lat0 = CENTRE[1] - spacing_deg * (lines - 1) / 2
    size = spacing_deg * (lines - 1)
    streets = []
    for k in range(lines):
        offset = spacing_deg * k
        streets.append(((lon0 + offset, lat0), (lon0 + offset, lat0 + size)))
        streets.append(((lon0, lat0 + offset), (lon0 + size, lat0 + offset)))
    return streets


STREETS = grid()


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One random territory and month to plan."""

    retailers: tuple[Retailer, ...]
    office: tuple[float, float]
    calendar: WorkCalendar
    min_gap: int
    planning: str


def opening(spans: tuple[str, ...]) -> tuple[TimeWindow, ...]:
    return tuple(TimeWindow(start_s=t(span[:5]), end_s=t(span[6:])) for span in spans)


def shops(rng: np.random.Generator, seed: int) -> tuple[Retailer, ...]:
    drawn = generate_retailers(
        STREETS,
        count=int(rng.integers(10, 61)),
        seed=seed,
        center=CENTRE,
        radius_m=float(rng.choice([400, 900, 1500])),
        rural_share=float(rng.choice([0.0, 0.3, 0.6, 1.0])),
    )
    p_hours = float(rng.choice([0.0, 0.1, 0.3]))
    changed = []
    for k, retailer in enumerate(drawn):
        fields: dict[str, object] = {
            "retailer_class": str(rng.choice(list("ABCDE"))),
            "fluctuating": bool(rng.random() < 0.15),
            "enterprise": bool(rng.random() < 0.1),
            "forecast_sample": bool(rng.random() < 0.15),
            "must_visit": bool(rng.random() < 0.05),
        }
        if k < 2 and rng.random() < 0.5:
            fields["opening"] = opening(HOURS[5 + k])  # a few never routable
        elif rng.random() < p_hours:
            fields["opening"] = opening(HOURS[int(rng.integers(len(HOURS)))])
        if rng.random() < 0.2:
            fields["service_s"] = int(rng.choice([10, 15, 25])) * 60
        if rng.random() < 0.1:
            fields["visits_per_month"] = int(rng.integers(0, MAX_VISITS + 1))
        changed.append(dataclasses.replace(retailer, **fields))  # type: ignore[arg-type]
    return tuple(changed)


def month(rng: np.random.Generator) -> WorkCalendar:
    """4-12 working days of a real month, the others taken as leave."""
    year, number = MONTHS[int(rng.integers(len(MONTHS)))]
    worked = working_calendar(year, number).working_days
    picked = sorted(rng.choice(len(worked), size=int(rng.integers(4, 13)), replace=False))
    return WorkCalendar(year=year, month=number, working_days=tuple(worked[k] for k in picked))


def case(seed: int) -> Case:
    rng = np.random.default_rng(seed)
    retailers = shops(rng, seed)
    calendar = month(rng)
    office = (
        CENTRE[0] + float(rng.uniform(-0.004, 0.004)),
        CENTRE[1] + float(rng.uniform(-0.004, 0.004)),
    )
    widest = (len(calendar.working_days) - 1) // (MAX_VISITS - 1)  # 4 visits still fit
    return Case(
        retailers=retailers,
        office=office,
        calendar=calendar,
        min_gap=int(rng.integers(1, widest + 1)),
        planning=str(rng.choice(["lines", "free"])),
    )


def never_routable(retailer: Retailer, rules: Rules) -> bool:
    return start_windows(retailer, rules)[1] is not None


def in_window(days: tuple[date, ...], first: int, last: int) -> bool:
    return any(first <= day.day <= last for day in days)


def test_the_cases_cover_what_matters(rules):
    drawn = [case(seed) for seed in SEEDS]
    counts = [len(c.retailers) for c in drawn]
    assert min(counts) <= 15
    assert max(counts) >= 55
    everyone = [r for c in drawn for r in c.retailers]
    assert sum(never_routable(r, rules) for r in everyone) >= 25
    assert sum(bool(r.opening) for r in everyone) > 100
    assert sum(r.area == "rural" for r in everyone) > 100
    for flag in ("fluctuating", "enterprise", "forecast_sample", "must_visit"):
        assert sum(getattr(r, flag) for r in everyone) > 30, flag
    assert sum(r.visits_per_month is not None for r in everyone) > 50
    assert {len(c.calendar.working_days) for c in drawn} == set(range(4, 13))
    assert Counter(c.planning for c in drawn).keys() == {"lines", "free"}
    assert {c.min_gap for c in drawn} == {1, 2, 3}
    days = [c.calendar.working_days for c in drawn]
    assert sum(not in_window(d, 1, 5) for d in days) >= 3  # no forecast day at all
    assert sum(not in_window(d, 6, 10) for d in days) >= 3  # no priority day at all
    assert sum(in_window(d, 1, 5) and in_window(d, 6, 10) for d in days) >= 10


@pytest.fixture(scope="module")
def rules_files(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """A ``--rules`` file per minimum gap, so that the month check uses the same gap."""
    folder = tmp_path_factory.mktemp("rules")
    files = {}
    for gap in (1, 2, 3):
        path = folder / f"gap{gap}.toml"
        path.write_text(f"[month]\nmin_gap_working_days = {gap}\n", encoding="utf-8")
        files[gap] = path
    return files


def planned(c: Case, rules: Rules, month_rules: MonthRules) -> MonthResult:
    request = MonthRequest(
        retailers=c.retailers,
        office=c.office,
        year=c.calendar.year,
        month=c.calendar.month,
        planning=c.planning,
    )
    return plan_month(
        request,
        rules=rules,
        month_rules=month_rules,
        calendar=c.calendar,
        network=None,
        settings=SETTINGS,
    )


@pytest.mark.parametrize(
    "seed",
    [
        pytest.param(seed, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[seed]))
        if seed in KNOWN_BUGS
        else seed
        for seed in SEEDS
    ],
)
def test_every_required_visit_is_planned_or_unplanned_with_a_reason(rules, rules_files, seed):
    c = case(seed)
    month_rules = dataclasses.replace(load_month_rules(), min_gap_working_days=c.min_gap)
    plan = planned(c, rules, month_rules).plan

    assert [day.date for day in plan.days] == list(c.calendar.working_days)
    assert [entry.id for entry in plan.retailers] == [r.id for r in c.retailers]
    unplanned = Counter(item.retailer_id for item in plan.unplanned)
    assert all(item.reason.strip() for item in plan.unplanned)
    # Every reason the month writes has its Chinese wording for the schedule and maps.
    assert all(reason_label(item.reason, "zh") != item.reason for item in plan.unplanned)
    for retailer, entry in zip(c.retailers, plan.retailers, strict=True):
        wanted = retailer.visits_per_month
        if wanted is None:
            wanted = rules.classes[retailer.retailer_class].visits_per_month
        assert entry.required_visits == wanted, retailer.id
        assert len(entry.dates) + unplanned[retailer.id] >= wanted, retailer.id
        if never_routable(retailer, rules):
            assert entry.dates == ()
            assert unplanned[retailer.id] >= wanted
    assert check_plan(plan, c.retailers, rules) == ()
    assert check_month_plan(plan, c.retailers, rules_files[c.min_gap]) == ()
