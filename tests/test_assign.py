"""Choosing one visit pattern per retailer: short days through the office that fit a day.

Travel times are hand-made: shops of one cluster are a minute apart, two clusters an hour
apart, the office a quarter hour from every shop, so a good assignment is obvious at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pytest

from territory.assign import MONTH_ASSIGNMENT, Assignment, assign_patterns
from territory.patterns import Pattern

NEAR_S = 60  # between shops of one cluster
FAR_S = 3_600  # between the clusters
OFFICE_S = 1_000  # from the office to any shop


def clusters(*sizes: int) -> npt.NDArray[np.int64]:
    """Travel times, office first, then clusters of ``sizes`` shops, cluster by cluster."""
    count = sum(sizes)
    travel = np.full((count + 1, count + 1), FAR_S, dtype=np.int64)
    travel[0, :] = travel[:, 0] = OFFICE_S
    start = 1
    for size in sizes:
        travel[start : start + size, start : start + size] = NEAR_S
        start += size
    np.fill_diagonal(travel, 0)
    return travel


def any_day(days: int) -> list[Pattern]:
    return [(day,) for day in range(days)]


def assert_consistent(result: Assignment, options: Sequence[Sequence[Pattern]], days: int) -> None:
    """Each retailer has one of its options, and each day lists exactly its retailers."""
    assert len(result.patterns) == len(options)
    for pattern, choices in zip(result.patterns, options, strict=True):
        assert pattern in choices
    assert len(result.days) == days
    for day, members in enumerate(result.days):
        assert members == tuple(i for i, p in enumerate(result.patterns) if day in p)


#: Two clusters of four shops (0-3 west, 4-7 east), each visited once on one of two days.
TWO_CLUSTERS = clusters(4, 4)


@pytest.mark.parametrize("capacity", [5, 8, 100])
def test_two_far_apart_clusters_get_a_day_each(capacity):
    options = [any_day(2)] * 8
    result = assign_patterns(options, TWO_CLUSTERS, days=2, capacity=capacity)
    assert_consistent(result, options, days=2)
    assert sorted(result.days) == [(0, 1, 2, 3), (4, 5, 6, 7)]
    # Each day: out to the cluster, three one-minute legs, back.
    assert result.travel_s == 2 * (2 * OFFICE_S + 3 * NEAR_S)
    assert result.within_capacity == (capacity >= 4)


def test_two_clusters_that_each_fill_a_day_exactly_still_get_a_day_each():
    result = assign_patterns([any_day(2)] * 8, TWO_CLUSTERS, days=2, capacity=4)
    assert sorted(result.days) == [(0, 1, 2, 3), (4, 5, 6, 7)]


def test_interleaved_shop_numbers_do_not_change_the_clusters():
    order = [0, 1, 5, 2, 6, 3, 7, 4, 8]  # office, then west, east, west, east...
    spread = TWO_CLUSTERS[np.ix_(order, order)]
    result = assign_patterns([any_day(2)] * 8, spread, days=2, capacity=8)
    assert sorted(result.days) == [(0, 2, 4, 6), (1, 3, 5, 7)]


def test_weekly_and_monthly_retailers_each_get_one_of_their_own_patterns():
    weekly = [(0, 2), (1, 3)]
    options = [weekly] * 4 + [any_day(4)] * 4
    result = assign_patterns(options, TWO_CLUSTERS, days=4, capacity=10)
    assert_consistent(result, options, days=4)
    # The weekly cluster stays together on one of its patterns.
    assert len({result.patterns[i] for i in range(4)}) == 1


def test_a_retailer_without_visits_is_on_no_day():
    options = [[()], any_day(2), any_day(2)]
    result = assign_patterns(options, clusters(3), days=2, capacity=5)
    assert result.patterns[0] == ()
    assert all(0 not in members for members in result.days)
    assert_consistent(result, options, days=2)


@pytest.mark.parametrize(("shops", "days", "capacity"), [(6, 3, 2), (6, 3, 3), (9, 3, 3)])
def test_capacity_is_respected_when_the_days_can_hold_everyone(shops, days, capacity):
    # One tight cluster: compactness alone would put everyone on one day.
    result = assign_patterns(
        [any_day(days)] * shops, clusters(shops), days=days, capacity=capacity
    )
    assert max(len(members) for members in result.days) <= capacity
    assert sum(len(members) for members in result.days) == shops


def test_weekly_retailers_beyond_a_days_capacity_spread_over_the_patterns():
    weekly = [(s, s + 5, s + 10, s + 15) for s in range(5)]
    result = assign_patterns([weekly] * 10, clusters(10), days=20, capacity=2)
    assert [len(members) for members in result.days] == [2] * 20


def test_an_unavoidable_overload_still_assigns_everyone_and_says_so():
    result = assign_patterns([[(0,)]] * 5, clusters(5), days=1, capacity=2)
    assert result.days == ((0, 1, 2, 3, 4),)
    assert not result.within_capacity


def test_no_retailers_gives_empty_days():
    result = assign_patterns([], np.zeros((1, 1), dtype=np.int64), days=3, capacity=5)
    assert result.days == ((), (), ())


def test_a_retailer_without_any_option_is_refused():
    with pytest.raises(ValueError, match="Customer 1 has no allowed day set"):
        assign_patterns([any_day(2), []], clusters(2), days=2, capacity=5)


def random_territory(seed: int) -> tuple[list[list[Pattern]], npt.NDArray[np.int64]]:
    """An office and 30 shops scattered over 3 km, a third weekly, the rest monthly, 20 days."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 3_000, size=(31, 2))
    metres = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    spread = np.rint(metres / 4).astype(np.int64)  # about 15 km/h
    weekly = [(s, s + 5, s + 10, s + 15) for s in range(5)]
    options = [weekly if i % 3 == 0 else any_day(20) for i in range(30)]
    return options, spread


@pytest.mark.parametrize("seed", range(3))
def test_the_same_input_gives_the_same_assignment(seed):
    options, spread = random_territory(seed)
    first = assign_patterns(options, spread, days=20, capacity=3)
    again = assign_patterns(options, spread.copy(), days=20, capacity=3)
    assert first == again
    assert_consistent(first, options, days=20)
    assert max(len(members) for members in first.days) <= 3


@pytest.mark.parametrize("seed", range(3))
def test_the_annealing_shortens_the_first_local_optimum(seed):
    options, spread = random_territory(seed)
    searched = assign_patterns(options, spread, days=20, capacity=6)
    start_only = assign_patterns(
        options, spread, days=20, capacity=6, settings=replace(MONTH_ASSIGNMENT, iterations=0)
    )
    assert searched.travel_s < start_only.travel_s
    assert max(len(members) for members in searched.days) <= 6
