"""Balanced k-medoids on retailer indices: the engine behind :mod:`territory.lines`.

Costs are ``T + Tᵀ`` of the travel-time matrix, twice the symmetric travel time, kept
in integers so that every comparison is exact; ties always break by the lowest index,
which makes every function here deterministic.

A line's *medoid* is the member with the least total cost to the other members. A line
without members has no medoid; a retailer's cost to such a line is
:data:`EMPTY_LINE_COST`, so it is chosen only when no line with a medoid has room.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "EMPTY_LINE_COST",
    "MAX_ITERATIONS",
    "Balance",
    "Partition",
    "assign_by_regret",
    "balanced_kmedoids",
    "seed_medoids",
]

logger = logging.getLogger(__name__)

EMPTY_LINE_COST = 1e15
"""Cost from a retailer to a line without members (far above any real travel time)."""
MAX_ITERATIONS = 30
"""Bound on the assign / update-medoids rounds of :func:`balanced_kmedoids`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Balance:
    """The band a line's workload should stay in: ``mean × (1 ± tolerance)``."""

    floor: float
    ceiling: float

    @classmethod
    def of(cls, weights: NDArray[np.int64], count: int, tolerance: float) -> Balance:
        """Return the band around the mean workload of ``count`` lines."""
        mean = float(weights.sum()) / count
        return cls(floor=mean * (1 - tolerance), ceiling=mean * (1 + tolerance))


class Partition:
    """A mutable assignment of retailers to lines, with loads and medoids kept current.

    Parameters
    ----------
    sym
        ``(n, n)`` costs between retailers (``T + Tᵀ`` without the office row/column).
    weights
        Workload of each retailer.
    count
        Number of lines.
    """

    def __init__(self, sym: NDArray[np.int64], weights: NDArray[np.int64], count: int) -> None:
        self.sym = sym
        self.weights = weights
        self.count = count
        self.line = np.full(len(weights), -1, dtype=np.int64)
        self.loads = np.zeros(count, dtype=np.int64)
        self.medoids = np.full(count, -1, dtype=np.int64)

    def place(self, retailer: int, line: int) -> None:
        """Put ``retailer`` on ``line`` (off its current line, if any)."""
        if self.line[retailer] >= 0:
            self.loads[self.line[retailer]] -= self.weights[retailer]
        self.line[retailer] = line
        self.loads[line] += self.weights[retailer]

    def members(self, line: int) -> NDArray[np.int64]:
        """Return the retailers on ``line`` in index order."""
        return np.flatnonzero(self.line == line).astype(np.int64)

    def update_medoid(self, line: int) -> None:
        """Make the member with the least total cost to the others the line's medoid."""
        members = self.members(line)
        if not members.size:
            self.medoids[line] = -1
            return
        totals = self.sym[np.ix_(members, members)].sum(axis=1)
        self.medoids[line] = members[int(np.argmin(totals))]

    def update_medoids(self) -> None:
        """Update the medoid of every line."""
        for line in range(self.count):
            self.update_medoid(line)

    def costs(self) -> NDArray[np.float64]:
        """Return the ``(n, count)`` cost from each retailer to each line's medoid."""
        result = np.full((len(self.weights), self.count), EMPTY_LINE_COST)
        has = self.medoids >= 0
        result[:, has] = self.sym[:, self.medoids[has]]
        return result

    def total_cost(self) -> int:
        """Return the summed cost from every placed retailer to its line's medoid."""
        placed = np.flatnonzero(self.line >= 0)
        return int(self.sym[placed, self.medoids[self.line[placed]]].sum())


def seed_medoids(office: NDArray[np.int64], sym: NDArray[np.int64], k: int) -> list[int]:
    """Return ``k`` farthest-point seeds: first the retailer farthest from the office.

    Each next seed is the retailer farthest from its nearest seed so far.
    """
    seeds = [int(np.argmax(office))]
    nearest = sym[seeds[0]].astype(np.float64)
    nearest[seeds[0]] = -1.0
    while len(seeds) < k:
        seed = int(np.argmax(nearest))
        seeds.append(seed)
        nearest = np.minimum(nearest, sym[seed])
        nearest[seeds] = -1.0
    return seeds


def assign_by_regret(part: Partition, balance: Balance) -> None:
    """Place every unplaced retailer, largest regret first, on the nearest line with room.

    The regret is the gap between a retailer's nearest and second-nearest line among the
    lines that still have room for it, recomputed after each placement. Retailers that fit
    nowhere go, after all that fit and heaviest first, to the least loaded line (nearest
    on a tie); that is logged once.
    """
    costs = part.costs()
    overflow = 0
    todo = np.flatnonzero(part.line < 0)
    while todo.size:
        room = part.loads[None, :] + part.weights[todo, None] <= balance.ceiling
        masked = np.where(room, costs[todo], np.inf)
        fits = np.isfinite(masked.min(axis=1))
        if fits.any():
            row = _largest_regret(masked, fits)
            part.place(int(todo[row]), int(np.argmin(masked[row])))
        else:
            overflow += 1
            _place_overflow(part, int(todo[np.argmax(part.weights[todo])]), costs)
        todo = np.flatnonzero(part.line < 0)
    if overflow:
        logger.warning(
            "%d retailers fit on no line under the ceiling of %.0f s; "
            "they went to the least loaded lines",
            overflow,
            balance.ceiling,
        )


def _largest_regret(masked: NDArray[np.float64], fits: NDArray[np.bool_]) -> int:
    ordered = np.sort(masked, axis=1)
    second = ordered[:, 1] if ordered.shape[1] > 1 else np.full(len(ordered), np.inf)
    regret = np.full(len(ordered), np.inf)
    np.subtract(second, ordered[:, 0], out=regret, where=np.isfinite(second))
    return int(np.argmax(np.where(fits, regret, -1.0)))


def _place_overflow(part: Partition, retailer: int, costs: NDArray[np.float64]) -> None:
    least = np.flatnonzero(part.loads == part.loads.min())
    part.place(retailer, int(least[np.argmin(costs[retailer, least])]))


def balanced_kmedoids(
    sym: NDArray[np.int64],
    office: NDArray[np.int64],
    weights: NDArray[np.int64],
    count: int,
    balance: Balance,
) -> Partition:
    """Return the cheapest of bounded rounds of regret assignment and medoid update.

    Rounds start from :func:`seed_medoids` and stop when the medoids no longer change;
    with fewer retailers than lines, every retailer is a line of its own and the other
    lines stay empty.
    """
    k = min(count, len(weights))
    medoids = seed_medoids(office, sym, k) if k else []
    best = _round(sym, weights, count, medoids, balance)
    for _ in range(MAX_ITERATIONS):
        following = [int(m) for m in best.medoids[:k]]
        if following == medoids:
            break
        medoids = following
        part = _round(sym, weights, count, medoids, balance)
        if part.total_cost() >= best.total_cost():
            break
        best = part
    return best


def _round(
    sym: NDArray[np.int64],
    weights: NDArray[np.int64],
    count: int,
    medoids: list[int],
    balance: Balance,
) -> Partition:
    part = Partition(sym, weights, count)
    for line, medoid in enumerate(medoids):
        part.medoids[line] = medoid
        part.place(medoid, line)
    assign_by_regret(part, balance)
    part.update_medoids()
    return part
