"""The day solver keeps the day's rules and drops only what cannot fit, by priority."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conftest import street
from routing.schedule import build_timeline
from routing.solver import SolverSettings, solve_day
from routing.timeofday import parse_clock as t

FAST = SolverSettings(time_limit_s=0.2)


def test_a_street_is_ridden_out_and_back_in_order():
    solution = solve_day(street(5), FAST)
    assert solution.order in {(0, 1, 2, 3, 4), (4, 3, 2, 1, 0)}
    assert solution.travel_s == 2 * 5 * 120
    assert solution.dropped == ()


def test_a_full_day_drops_the_lowest_priority_first():
    # 45 shops x 8 min cannot fit 08:30-15:00 with lunch; the cheap ones go first.
    penalties = tuple(100_000 if i % 3 else 900_000 for i in range(45))
    solution = solve_day(street(45, leg_s=30, drop_penalty=penalties), FAST)
    assert solution.dropped
    assert all(penalties[i] == 100_000 for i in solution.dropped)


def test_a_must_visit_far_shop_is_kept_over_near_ones():
    problem = street(40, leg_s=30)
    durations = problem.durations_s.copy()
    durations[0, 40] = durations[40, 0] = 3000
    must = (*problem.drop_penalty[:-1], None)
    solution = solve_day(
        dataclasses.replace(problem, durations_s=durations, drop_penalty=must), FAST
    )
    assert 39 in solution.order


def test_opening_hours_bound_the_visit_start():
    opens_late = ((t("13:30"), t("14:00")),)
    problem = street(4, windows=((), opens_late, (), ()))
    timeline = build_timeline(problem, solve_day(problem, FAST).order)
    assert timeline is not None
    (visit,) = [v for v in timeline.visits if v.position == 1]
    assert t("13:30") <= visit.start_s <= t("14:00")


def test_the_first_visit_starts_by_half_past_nine():
    # Shop 1 is next door but opens at 10:00; shop 2 is open: it must come first.
    problem = street(2, windows=(((t("10:00"), t("14:00")),), ()))
    solution = solve_day(problem, FAST)
    assert solution.order[0] == 1
    timeline = build_timeline(problem, solution.order)
    assert timeline is not None
    assert timeline.visits[0].start_s <= t("09:30")


def test_no_shop_open_by_half_past_nine_means_no_visit():
    late = ((t("10:00"), t("14:00")),)
    solution = solve_day(street(2, windows=(late, late)), FAST)
    assert solution.order == ()


def test_lunch_lies_in_its_window_and_between_visits():
    problem = street(25)
    timeline = build_timeline(problem, solve_day(problem, FAST).order)
    assert timeline is not None
    assert timeline.lunch_start_s is not None
    assert t("11:30") <= timeline.lunch_start_s <= t("13:00")
    before = timeline.visits[timeline.lunch_after - 1]
    assert before.end_s <= timeline.lunch_start_s
    if timeline.lunch_after < len(timeline.visits):
        after = timeline.visits[timeline.lunch_after]
        assert timeline.lunch_start_s + 1800 <= after.start_s


def test_a_visit_cap_limits_the_day():
    solution = solve_day(street(10, max_visits=4), FAST)
    assert len(solution.order) == 4


def test_nothing_past_three_oclock():
    problem = street(45, leg_s=30)
    timeline = build_timeline(problem, solve_day(problem, FAST).order)
    assert timeline is not None
    assert timeline.visits[-1].end_s <= t("15:00")
    assert timeline.return_s <= t("16:00")


def test_same_problem_same_route():
    rng = np.random.default_rng(3)
    points = rng.uniform(0, 2000, size=(31, 2))
    durations = np.abs(points[:, None] - points[None]).sum(-1).astype(np.int64) // 4
    problem = street(30, durations_s=durations, distances_m=durations * 4)
    # The solution limit, not the clock, ends the search, so a busy machine cannot change it.
    by_count = SolverSettings(max_solutions=100, time_limit_s=120)
    assert solve_day(problem, by_count).order == solve_day(problem, by_count).order


@pytest.mark.parametrize("field", ["first_solution", "metaheuristic"])
def test_unknown_search_names_are_refused(field):
    with pytest.raises(ValueError, match="Unknown"):
        SolverSettings(**{field: "NOT_A_STRATEGY"})


def test_a_full_day_keeps_a_plan_that_fits_and_drops_only_what_must_go():
    # 45 shops x 8 min cannot all fit; the warm start cuts the tour, the search refills it.
    problem = street(45, leg_s=30)
    solution = solve_day(problem, SolverSettings())
    assert build_timeline(problem, solution.order) is not None
    for dropped in solution.dropped:
        assert build_timeline(problem, (*solution.order, dropped)) is None
