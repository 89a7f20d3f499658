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
    "Balance",
    "Move",
    "Partition",
    "assign_by_regret",
    "balanced_kmedoids",
    "lower_to_ceiling",
    "raise_to_floor",
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Move:
    """A retailer moved off a line by :func:`lower_to_ceiling`, and why."""

    retailer: int
    source: int
    target: int
    reason: str


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
    lines that still have room for it, recomputed after each placement. A retailer that
    fits nowhere goes, after all that fit, to the least loaded line (nearest on a tie).
    """
    costs = part.costs()
    todo = np.flatnonzero(part.line < 0)
    while todo.size:
        room = part.loads[None, :] + part.weights[todo, None] <= balance.ceiling
        masked = np.where(room, costs[todo], np.inf)
        fits = np.isfinite(masked.min(axis=1))
        if not fits.any():
            _place_overflow(part, int(todo[0]), costs)
        else:
            row = _largest_regret(masked, fits)
            part.place(int(todo[row]), int(np.argmin(masked[row])))
        todo = np.flatnonzero(part.line < 0)


def _largest_regret(masked: NDArray[np.float64], fits: NDArray[np.bool_]) -> int:
    ordered = np.sort(masked, axis=1)
    second = ordered[:, 1] if ordered.shape[1] > 1 else np.full(len(ordered), np.inf)
    regret = np.where(np.isinf(second), np.inf, second - ordered[:, 0])
    return int(np.argmax(np.where(fits, regret, -1.0)))


def _place_overflow(part: Partition, retailer: int, costs: NDArray[np.float64]) -> None:
    least = np.flatnonzero(part.loads == part.loads.min())
    line = int(least[np.argmin(costs[retailer, least])])
    logger.warning(
        "retailer %d (workload %d s) fits on no line under the ceiling of %.0f s; "
        "put on the least loaded line %d",
        retailer,
        part.weights[retailer],
        balance_ceiling_for_log(part),
        line,
    )
    part.place(retailer, line)


def balance_ceiling_for_log(part: Partition) -> float:
    """Return the mean line workload, for log messages."""
    return float(part.weights.sum()) / part.count


def balanced_kmedoids(
    sym: NDArray[np.int64], office: NDArray[np.int64], count: int, part: Partition
) -> Partition:
    """Return the best of bounded rounds of regret assignment and medoid update.

    ``part`` is an empty partition that fixes the weights, count and balance source;
    rounds stop when the medoids no longer change.
    """
    raise NotImplementedError


def _round(template: Partition, medoids: list[int], balance: Balance) -> Partition:
    part = Partition(template.sym, template.weights, template.count)
    for line, medoid in enumerate(medoids):
        part.medoids[line] = medoid
        part.place(medoid, line)
    assign_by_regret(part, balance)
    part.update_medoids()
    return part


def raise_to_floor(part: Partition, balance: Balance) -> None:
    """Fill lines under the floor with the cheapest moves that keep every band.

    A move takes a retailer to a line under the floor when its own line stays at or above
    the floor and the target stays under the ceiling; the cheapest extra cost goes first.
    """
    for _ in range(len(part.weights)):
        under = part.loads < balance.floor
        if not under.any():
            return
        stays = part.loads[part.line] - part.weights >= balance.floor
        move = _cheapest_move(part, stays, under, balance)
        if move is None:
            break
        part.place(move[0], move[1])
        part.update_medoid(move[1])
    _log_band(part, balance)


def lower_to_ceiling(part: Partition, balance: Balance) -> list[Move]:
    """Move retailers off lines over the ceiling, the cheapest extra cost first.

    Only retailers of a line over the ceiling move, and only to a line that stays under
    the ceiling; each move is returned with its reason.
    """
    moves: list[Move] = []
    for _ in range(len(part.weights)):
        over = part.loads > balance.ceiling
        if not over.any():
            break
        move = _cheapest_move(part, over[part.line], np.ones(part.count, dtype=bool), balance)
        if move is None:
            logger.warning("no move brings the lines under the ceiling of %.0f s", balance.ceiling)
            break
        retailer, target, extra = move
        source = int(part.line[retailer])
        moves.append(Move(
            retailer=retailer,
            source=source,
            target=target,
            reason=_over_reason(part, source, balance, extra),
        ))
        part.place(retailer, target)
        part.update_medoid(source)
        part.update_medoid(target)
    return moves


def _over_reason(part: Partition, source: int, balance: Balance, extra: float) -> str:
    load_min = part.loads[source] / 60
    extra_text = "" if extra >= EMPTY_LINE_COST / 2 else f", +{extra / 2:.0f} s to the medoid"
    return (
        f"line {source} over the ceiling ({load_min:.0f} min > {balance.ceiling / 60:.0f} min);"
        f" cheapest move{extra_text}"
    )


def _cheapest_move(
    part: Partition,
    movable: NDArray[np.bool_],
    targets: NDArray[np.bool_],
    balance: Balance,
) -> tuple[int, int, float] | None:
    candidates = np.flatnonzero(movable & (part.line >= 0) & (part.weights > 0))
    if not candidates.size:
        return None
    costs = part.costs()
    own = part.line[candidates]
    extra = costs[candidates] - costs[candidates, own][:, None]
    fits = part.loads[None, :] + part.weights[candidates, None] <= balance.ceiling
    fits &= targets[None, :] & (np.arange(part.count)[None, :] != own[:, None])
    extra = np.where(fits, extra, np.inf)
    best = int(np.argmin(extra))
    row, target = divmod(best, part.count)
    if not np.isfinite(extra[row, target]):
        return None
    return int(candidates[row]), target, float(extra[row, target])


def _log_band(part: Partition, balance: Balance) -> None:
    if (part.loads < balance.floor).any():
        logger.warning(
            "some lines stay under the floor of %.0f s: %s", balance.floor, part.loads.tolist()
        )
