"""Lines (线路): compact, balanced groups of retailers, one per working day of a cycle.

A customer manager works the territory as a fixed set of lines, for example 5 (Monday to
Friday of a weekly cycle) or 10 (the working days of a two-week cycle). :func:`build_lines`
makes them:

* **from scratch** by balanced k-medoids on the symmetric travel time ``(T + Tᵀ)/2``:
  farthest-point seeds from the office, capacity-constrained assignment by regret (the
  retailer with the largest gap between its nearest and second-nearest line with room
  goes first, to the nearest), medoid update, repeated while the total cost falls (at
  most :data:`~territory.lines_kmedoids.MAX_ITERATIONS` rounds); then lines under the
  floor take the cheapest retailers that other lines can spare, and swaps or relocations
  between lines are made while they shorten the travel to the medoids (a local search
  that keeps the band; it removes most of the stragglers a greedy assignment leaves);
* **from last month's lines** (``previous``): every retailer still present keeps its line,
  new retailers go to the nearest line with room, and only a line over the ceiling gives
  away the retailers whose move costs the least extra travel time. Each such move is
  reported in :attr:`LinePlan.moved`. Lines under the floor are left as they are: the
  stable weekday matters more to retailers than a few minutes of balance.

The workload band is ``mean × (1 ± tolerance)`` of the lines' summed workloads; a single
retailer heavier than the room left anywhere goes to the least loaded line (logged), so
the band holds "where possible". With more lines than retailers, every retailer is a line
of its own and the other lines are empty (``medoid`` is ``None``). The same inputs always
give the same plan; the line index carries no meaning beyond identity.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from territory.lines_kmedoids import Balance, Partition, assign_by_regret, balanced_kmedoids
from territory.lines_moves import improve, lower_to_ceiling, raise_to_floor

__all__ = ["Line", "LinePlan", "build_lines", "line_compactness"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """One line: the retailers visited on its day.

    Parameters
    ----------
    index
        Position of the line in its plan (0-based).
    retailer_ids
        Its retailers, in the order they were given to :func:`build_lines`.
    workload_s
        The summed workload of its retailers, in seconds.
    medoid
        The member with the least total travel time to the others; ``None`` when empty.
    """

    index: int
    retailer_ids: tuple[str, ...]
    workload_s: int
    medoid: str | None

    def __post_init__(self) -> None:
        if self.index < 0 or self.workload_s < 0:
            msg = f"Expected index >= 0 and workload_s >= 0 for line {self.index}."
            raise ValueError(msg)
        if len(set(self.retailer_ids)) != len(self.retailer_ids):
            msg = f"Expected each retailer once on line {self.index}."
            raise ValueError(msg)
        if (self.medoid is None) != (not self.retailer_ids) or (
            self.medoid is not None and self.medoid not in self.retailer_ids
        ):
            msg = f"Expected the medoid of line {self.index} to be a member (None when empty)."
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinePlan:
    """Every retailer on exactly one of ``len(lines)`` lines.

    Parameters
    ----------
    lines
        The lines, ``lines[i].index == i``.
    retailer_ids
        Every retailer in the order of the travel matrix (retailer ``i`` at row ``i + 1``).
    moved
        ``(retailer id, from line, to line, reason)`` of each retailer taken off its
        previous line; new retailers are not listed (they had no line).
    """

    lines: tuple[Line, ...]
    retailer_ids: tuple[str, ...]
    moved: tuple[tuple[str, int, int, str], ...] = ()
    _line_of: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = _plan_problems(self.lines, self.retailer_ids)
        line_of = {rid: line.index for line in self.lines for rid in line.retailer_ids}
        problems += _moved_problems(self.moved, line_of, len(self.lines))
        if problems:
            msg = "Invalid line plan: " + "; ".join(problems) + "."
            raise ValueError(msg)
        object.__setattr__(self, "_line_of", line_of)

    def line_of(self, retailer_id: str) -> int:
        """Return the index of the line ``retailer_id`` is on.

        Raises
        ------
        KeyError
            If the retailer is not in the plan.
        """
        try:
            return self._line_of[retailer_id]
        except KeyError:
            msg = f"retailer {retailer_id!r} is on no line of this plan"
            raise KeyError(msg) from None


def _plan_problems(lines: Sequence[Line], retailer_ids: Sequence[str]) -> list[str]:
    problems = []
    if not lines:
        problems.append("expected at least one line")
    if any(line.index != i for i, line in enumerate(lines)):
        problems.append("expected lines[i].index == i")
    placed = [rid for line in lines for rid in line.retailer_ids]
    twice = sorted({rid for rid in placed if placed.count(rid) > 1})
    if twice:
        problems.append(f"retailers on more than one line: {_some(twice)}")
    if len(set(retailer_ids)) != len(retailer_ids):
        problems.append("retailer_ids holds duplicates")
    missing = sorted(set(retailer_ids) - set(placed))
    if missing:
        problems.append(f"retailers on no line: {_some(missing)}")
    unknown = sorted(set(placed) - set(retailer_ids))
    if unknown:
        problems.append(f"retailers on a line but not in retailer_ids: {_some(unknown)}")
    return problems


def _moved_problems(
    moved: Sequence[tuple[str, int, int, str]], line_of: Mapping[str, int], count: int
) -> list[str]:
    problems = []
    for rid, source, target, _reason in moved:
        if not (0 <= source < count and source != target and line_of.get(rid) == target):
            problems.append(f"move of {rid!r} from {source} to {target} does not match the lines")
    return problems


def _some(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(repr(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def build_lines(
    retailer_ids: Sequence[str],
    durations_s: NDArray[np.int64],
    *,
    count: int,
    workload_s: Sequence[int],
    previous: Mapping[str, int] | None = None,
    tolerance: float = 0.10,
) -> LinePlan:
    """Return ``count`` compact lines whose workloads stay within ``tolerance`` of the mean.

    Parameters
    ----------
    retailer_ids
        The retailers, unique.
    durations_s
        ``(n + 1) × (n + 1)`` travel times in seconds: the office at index 0, retailer
        ``i`` at index ``i + 1``; may be asymmetric (its symmetric part is used).
    count
        Number of lines (5 for a weekly cycle, 10 for a two-week one); more lines than
        retailers leaves some lines empty.
    workload_s
        Each retailer's expected load on its line's day, in seconds (e.g. service time ×
        visits per month / 4).
    previous
        Last month's line of each retailer (ids no longer present are ignored). When
        given, retailers keep their lines unless a line is over the ceiling.
    tolerance
        Allowed deviation of a line's workload from the mean (ceiling
        ``mean × (1 + tolerance)``, floor ``mean × (1 - tolerance)``).

    Raises
    ------
    ValueError
        If ``count < 1``, lengths or the matrix shape do not match, ids repeat, a workload
        or travel time is negative, ``tolerance < 0``, or ``previous`` names a line
        outside ``[0, count)``; every problem is listed at once.
    """
    problems = _option_problems(count, tolerance, previous)
    problems += _input_problems(retailer_ids, durations_s, workload_s)
    if problems:
        msg = "Cannot build lines: " + "; ".join(problems) + "."
        raise ValueError(msg)
    times = np.asarray(durations_s, dtype=np.int64)
    sym = times + times.T
    weights = np.asarray(workload_s, dtype=np.int64).reshape(-1)
    balance = Balance.of(weights, count, tolerance)
    retailer_sym = sym[1:, 1:]
    if previous is None:
        part = balanced_kmedoids(retailer_sym, sym[0, 1:], weights, count, balance)
        raise_to_floor(part, balance)
        improve(part, balance)
        moved: tuple[tuple[str, int, int, str], ...] = ()
    else:
        part = Partition(retailer_sym, weights, count)
        moved = _keep_previous(retailer_ids, part, previous, balance)
    part.update_medoids()
    return _plan(retailer_ids, part, moved)


def _keep_previous(
    retailer_ids: Sequence[str],
    part: Partition,
    previous: Mapping[str, int],
    balance: Balance,
) -> tuple[tuple[str, int, int, str], ...]:
    for i, rid in enumerate(retailer_ids):
        if rid in previous:
            part.place(i, previous[rid])
    part.update_medoids()
    assign_by_regret(part, balance)
    part.update_medoids()
    moves = lower_to_ceiling(part, balance)
    if moves:
        logger.info("%d retailers moved to bring lines under the ceiling", len(moves))
    # A new retailer that overflowed onto a full line and moved on had no line to leave.
    return tuple(
        (retailer_ids[m.retailer], m.source, m.target, m.reason)
        for m in moves
        if retailer_ids[m.retailer] in previous
    )


def _plan(
    retailer_ids: Sequence[str],
    part: Partition,
    moved: tuple[tuple[str, int, int, str], ...],
) -> LinePlan:
    ids = tuple(retailer_ids)
    lines = tuple(
        Line(
            index=line,
            retailer_ids=tuple(ids[i] for i in part.members(line)),
            workload_s=int(part.loads[line]),
            medoid=None if part.medoids[line] < 0 else ids[int(part.medoids[line])],
        )
        for line in range(part.count)
    )
    return LinePlan(lines=lines, retailer_ids=ids, moved=moved)


def line_compactness(plan: LinePlan, durations_s: NDArray[np.int64]) -> tuple[float, ...]:
    """Return each line's mean symmetric travel time from its members to its medoid.

    The medoid counts as a member (at 0 s); an empty line gives ``nan``.

    Parameters
    ----------
    plan
        The lines.
    durations_s
        The travel-time matrix the plan was built on (office at index 0, ``retailer_ids[i]``
        of the plan at index ``i + 1``).
    """
    times = np.asarray(durations_s, dtype=np.int64)
    size = len(plan.retailer_ids) + 1
    if times.shape != (size, size):
        msg = f"Expected a {size}×{size} durations_s matrix for this plan, got {times.shape}."
        raise ValueError(msg)
    row = {rid: i + 1 for i, rid in enumerate(plan.retailer_ids)}
    result = []
    for line in plan.lines:
        if line.medoid is None:
            result.append(math.nan)
            continue
        members = [row[rid] for rid in line.retailer_ids]
        medoid = row[line.medoid]
        total = times[members, medoid].sum() + times[medoid, members].sum()
        result.append(float(total) / 2 / len(members))
    return tuple(result)


def _input_problems(
    retailer_ids: Sequence[str], durations_s: NDArray[np.int64], workload_s: Sequence[int]
) -> list[str]:
    n = len(retailer_ids)
    problems = []
    if len(set(retailer_ids)) != n:
        problems.append("expected unique retailer ids")
    if len(workload_s) != n:
        problems.append(f"expected one workload per retailer ({n}), got {len(workload_s)}")
    elif any(w < 0 for w in workload_s):
        problems.append("expected workloads >= 0")
    shape = np.shape(durations_s)
    if shape != (n + 1, n + 1):
        problems.append(f"expected a {n + 1}×{n + 1} durations_s (office first), got {shape}")
    elif (np.asarray(durations_s) < 0).any():
        problems.append("expected travel times >= 0")
    return problems


def _option_problems(
    count: int, tolerance: float, previous: Mapping[str, int] | None
) -> list[str]:
    problems = []
    if count < 1:
        problems.append(f"expected count >= 1, got {count}")
    if not tolerance >= 0:
        problems.append(f"expected tolerance >= 0, got {tolerance}")
    if previous is not None:
        outside = sorted(rid for rid, line in previous.items() if not 0 <= line < count)
        if outside:
            problems.append(
                f"previous puts {_some(outside)} on a line outside [0, {count}); "
                "pass previous=None to rebuild the lines"
            )
    return problems
