"""Moves of retailers between lines, after the k-medoids assignment.

Fill lines under the floor, unload lines over the ceiling, and swap or relocate
retailers while that makes the lines more compact.

Every move keeps each line it touches inside the workload band (or, for a line already
outside it, no farther outside); the cheapest move comes first and ties break by index.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from territory.lines_kmedoids import EMPTY_LINE_COST, Balance, Partition

__all__ = ["Move", "improve", "lower_to_ceiling", "raise_to_floor"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Move:
    """A retailer moved off a line by :func:`lower_to_ceiling`, and why."""

    retailer: int
    source: int
    target: int
    reason: str


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
        moves.append(
            Move(
                retailer=retailer,
                source=source,
                target=target,
                reason=_over_reason(part, source, balance, extra),
            )
        )
        part.place(retailer, target)
        part.update_medoid(source)
        part.update_medoid(target)
    return moves


def _over_reason(part: Partition, source: int, balance: Balance, extra: float) -> str:
    load_min = part.loads[source] / 60
    cost = "an empty line" if extra >= EMPTY_LINE_COST / 2 else f"+{extra / 2:.0f} s travel"
    return (
        f"line {source} over the workload ceiling ({load_min:.0f} > "
        f"{balance.ceiling / 60:.0f} min); the cheapest retailer to move ({cost})"
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


def improve(part: Partition, balance: Balance) -> None:
    """Swap or relocate retailers between lines while the total cost to the medoids falls.

    Each step applies the single best swap (two retailers of different lines trade
    places) or relocation (one retailer changes line) that keeps the touched lines in the
    band, then updates the two medoids. Medoids themselves do not move, so both the step
    and the update only lower the total, and the loop ends.
    """
    if not len(part.weights):
        return
    for _ in range(10 * len(part.weights)):
        step = _best_swap(part, balance)
        relocation = _best_relocation(part, balance)
        if relocation[0] > step[0]:
            step = relocation
        gain, first, second, target = step
        if gain <= 0:
            return
        source = int(part.line[first])
        if second >= 0:
            part.place(second, source)
        part.place(first, target)
        part.update_medoid(source)
        part.update_medoid(target)


def _best_swap(part: Partition, balance: Balance) -> tuple[float, int, int, int]:
    costs = part.costs()
    line, weights = part.line, part.weights
    own = costs[np.arange(len(line)), line]
    theirs = costs[:, line]  # [i, j]: cost of i on j's line
    gain = own[:, None] + own[None, :] - theirs - theirs.T
    delta = weights[None, :] - weights[:, None]  # [i, j]: i's line gains w_j - w_i
    ok = _in_band(part, balance, line[:, None], delta) & _in_band(part, balance, line, -delta)
    free = _not_medoids(part)
    ok &= (line[:, None] != line[None, :]) & free[:, None] & free[None, :]
    gain = np.where(ok, gain, -np.inf)
    best = int(np.argmax(gain))
    first, second = divmod(best, len(line))
    return float(gain[first, second]), first, second, int(line[second])


def _best_relocation(part: Partition, balance: Balance) -> tuple[float, int, int, int]:
    costs = part.costs()
    line, weights = part.line, part.weights
    targets = np.arange(part.count)[None, :]
    gain = costs[np.arange(len(line)), line][:, None] - costs
    ok = _in_band(part, balance, line[:, None], -weights[:, None]) & _in_band(
        part, balance, targets, weights[:, None]
    )
    ok &= (targets != line[:, None]) & _not_medoids(part)[:, None]
    gain = np.where(ok, gain, -np.inf)
    best = int(np.argmax(gain))
    first, target = divmod(best, part.count)
    return float(gain[first, target]), first, -1, target


def _not_medoids(part: Partition) -> NDArray[np.bool_]:
    free = np.ones(len(part.line), dtype=bool)
    free[part.medoids[part.medoids >= 0]] = False
    return free


def _in_band(
    part: Partition, balance: Balance, lines: NDArray[np.int64], delta: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Whether ``lines`` stay in the band (or no farther outside it) after ``+delta``."""
    load = part.loads[lines]
    after = load + delta
    return (after >= np.minimum(load, balance.floor)) & (
        after <= np.maximum(load, balance.ceiling)
    )
