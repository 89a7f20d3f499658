"""The PVRP search engine of ``benchmarks/pvrp.py``: bookkeeping, limits and determinism."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import pvrp


@pytest.fixture(scope="module")
def p14(shared_data: Path) -> pvrp.PvrpInstance:
    return pvrp.read_pvrp(shared_data / "pvrp" / "p14")


def consistent(engine: pvrp._Engine) -> bool:
    """Whether positions, loads and prefix loads agree with the routes."""
    for day, routes in enumerate(engine.routes):
        for r, route in enumerate(routes):
            loads = np.cumsum([engine.demand[node] for node in route]).tolist()
            if engine.loads[day][r] != (loads[-1] if loads else 0):
                return False
            if engine.prefix[day][r] != loads:
                return False
            if any(
                engine.route_of[day][node] != r or engine.pos_of[day][node] != k
                for k, node in enumerate(route)
            ):
                return False
    return True


@pytest.mark.shared_data
def test_perturbations_keep_the_engine_consistent(p14: pvrp.PvrpInstance):
    settings = pvrp.PvrpSettings(time_limit_s=5.0)
    data = pvrp._scaled(p14)
    engine = pvrp._Engine(data, 1.0, settings.neighbours)
    rng = np.random.default_rng(1)
    pvrp._construct(engine)
    pvrp._feasible_start(engine, rng)
    for _ in range(30):
        group, days = pvrp._ruin_recreate(engine, settings, rng)
        pvrp._local_search(engine, group, days, rng)
        assert consistent(engine)
    assert pvrp.check_solution(p14, engine.plan().solution()) == [] or not engine.feasible()


@pytest.mark.shared_data
def test_an_iteration_bound_gives_the_same_plan_twice(p14: pvrp.PvrpInstance):
    settings = pvrp.PvrpSettings(time_limit_s=30.0, iterations=60, polish_solutions=50)
    first, second = pvrp.solve_pvrp(p14, settings), pvrp.solve_pvrp(p14, settings)
    assert first.solution == second.solution
    assert first.perturbations == 60
    assert pvrp.check_solution(p14, first.solution) == []


@pytest.mark.shared_data
def test_the_duration_limit_is_kept(shared_data: Path, p14: pvrp.PvrpInstance):
    """A limit that Cordeau's plan just meets (routes without it are longer) is kept."""
    known = pvrp.read_res(shared_data / "pvrp" / "solutions_cordeau" / "p14.res", p14)
    distances = pvrp.real_distances(p14)
    limit = max(
        pvrp.route_length(distances, route) + sum(p14.service[c - 1] for c in route)
        for day in known.routes
        for route in day
    )
    tight = dataclasses.replace(p14, max_durations=(limit,) * p14.days)
    result = pvrp.solve_pvrp(
        tight, pvrp.PvrpSettings(time_limit_s=30.0, iterations=40, polish_solutions=50)
    )
    assert pvrp.check_solution(tight, result.solution) == []
