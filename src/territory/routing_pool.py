"""Route many days at once: one ``routing.plan_day`` per working day, spread over cores."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from routing.day import DayRequest, DayResult, plan_day
from routing.network import RoadNetwork
from routing.rules import Rules
from routing.solver import SolverSettings

# Forked workers inherit the road network through this module state instead of pickling
# a large graph for every day.
_SHARED: dict[str, Any] = {}


def route_days(
    requests: Sequence[DayRequest],
    *,
    rules: Rules,
    network: RoadNetwork | None,
    settings: SolverSettings,
    workers: int,
    cache_dir: Path | None = None,
) -> list[DayResult]:
    """Return the planned day of every request, in order; the same for any ``workers``."""
    _SHARED.update(rules=rules, network=network, settings=settings, cache_dir=cache_dir)
    try:
        if workers <= 1 or len(requests) <= 1:
            return [_route_one(request) for request in requests]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_route_one, requests))
    finally:
        _SHARED.clear()


def _route_one(request: DayRequest) -> DayResult:
    return plan_day(
        request,
        rules=_SHARED["rules"],
        network=_SHARED["network"],
        settings=_SHARED["settings"],
        cache_dir=_SHARED["cache_dir"],
    )
