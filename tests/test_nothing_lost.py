"""Over many random territories, no retailer is ever lost: visited, or unplanned with why.

Each seed draws a territory on a synthetic street grid (5-60 shops, rural shares, opening
hours, must-visits, longer visits, sometimes a cap) and plans its day on straight lines.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import numpy as np
import pytest

from routing.checker import check_plan
from routing.day import DayRequest, plan_day
from routing.generator import generate_retailers
from routing.reason_labels import reason_label
from routing.retailers import Retailer, TimeWindow
from routing.rules import Rules
from routing.solver import SolverSettings
from routing.timeofday import parse_clock as t

DAY = date(2027, 3, 8)
CENTRE = (121.4700, 31.2300)
FAST = SolverSettings(max_solutions=30, time_limit_s=2.0)

#: Opening hours a shop may get, from open-all-day to closed for the whole field day.
HOURS = (
    (),
    ("07:00-22:00",),
    ("10:00-21:00",),  # after the 9:30 first-visit deadline
    ("07:30-11:30", "13:30-21:00"),  # a midday break
    ("08:00-09:00", "14:00-22:00"),
    ("13:00-13:20",),  # one short afternoon slot
    ("08:30-08:40",),  # barely reachable
    ("16:00-23:00",),  # closed all field day
    ("06:00-08:35",),  # closes before a visit can end
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


def territory(seed: int) -> tuple[tuple[Retailer, ...], tuple[float, float], int | None]:
    """Shops, office and visit cap of one random territory."""
    rng = np.random.default_rng(seed)
    count = int(rng.integers(5, 61))
    shops = generate_retailers(
        STREETS,
        count=count,
        seed=seed,
        center=CENTRE,
        radius_m=float(rng.choice([400, 900, 1500])),
        rural_share=float(rng.choice([0.0, 0.3, 0.6, 1.0])),
    )
    p_hours, p_must, p_long = rng.choice([0.0, 0.1, 0.4, 0.8]), rng.choice([0, 0.05, 0.3]), 0.2
    changed = []
    for retailer in shops:
        fields: dict[str, object] = {}
        if rng.random() < p_hours:
            spans = HOURS[int(rng.integers(len(HOURS)))]
            fields["opening"] = tuple(
                TimeWindow(start_s=t(span[:5]), end_s=t(span[6:])) for span in spans
            )
        if rng.random() < p_must:
            fields["must_visit"] = True
        if rng.random() < p_long:
            fields["service_s"] = int(rng.choice([10, 15, 25])) * 60
        changed.append(dataclasses.replace(retailer, **fields))  # type: ignore[arg-type]
    office = (
        CENTRE[0] + float(rng.uniform(-0.004, 0.004)),
        CENTRE[1] + float(rng.uniform(-0.004, 0.004)),
    )
    cap = int(rng.integers(1, 30)) if rng.random() < 0.2 else None
    return tuple(changed), office, cap


def test_the_territories_cover_the_cases_that_matter() -> None:
    drawn = [territory(seed) for seed in range(50)]
    counts = [len(shops) for shops, _, _ in drawn]
    assert min(counts) <= 8
    assert max(counts) >= 55
    everyone = [r for shops, _, _ in drawn for r in shops]
    assert sum(r.must_visit for r in everyone) > 20
    assert sum(bool(r.opening) for r in everyone) > 100
    assert sum(r.area == "rural" for r in everyone) > 100
    assert sum(r.service_s is not None for r in everyone) > 100
    assert sum(cap is not None and cap < len(shops) for shops, _, cap in drawn) >= 5


@pytest.mark.parametrize("seed", range(50))
def test_every_retailer_is_visited_or_unplanned_with_a_reason(rules: Rules, seed: int) -> None:
    shops, office, cap = territory(seed)
    result = plan_day(
        DayRequest(retailers=shops, office=office, date=DAY, max_visits=cap),
        rules=rules,
        network=None,
        settings=FAST,
    )
    plan = result.plan
    (day,) = plan.days
    visited = Counter(stop.retailer_id for stop in day.stops)
    unplanned = Counter(item.retailer_id for item in plan.unplanned)

    assert [entry.id for entry in plan.retailers] == [r.id for r in shops]
    for entry in plan.retailers:
        assert entry.required_visits == 1
        assert visited[entry.id] + unplanned[entry.id] == 1, entry.id  # never both or neither
        assert entry.dates == ((DAY,) if visited[entry.id] else ())
    assert set(visited) | set(unplanned) == {r.id for r in shops}
    for item in plan.unplanned:
        assert item.reason.strip(), item.retailer_id
        assert reason_label(item.reason, "zh") != item.reason, "no Chinese wording"
        assert item.date == DAY
    if day.shortfall_reason:
        assert reason_label(day.shortfall_reason, "zh") != day.shortfall_reason
    if cap is not None:
        assert len(day.stops) <= cap
    assert check_plan(plan, shops, rules) == ()
