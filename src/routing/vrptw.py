"""The frozen, all-integer input and output of the time-windowed fleet solver (VRPTW).

Identical vehicles start and end at one depot; each customer has a demand, a service time
and one window in which its service must start (Solomon's convention). Index 0 of every
matrix is the depot; index ``i`` (1-based) is customer position ``i - 1``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from routing.fleet import depot_matrix_problems

IntMatrix = npt.NDArray[np.int64]
Window = tuple[int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class VrptwProblem:
    """Customers with windows to serve from one depot by identical capacitated vehicles.

    Parameters
    ----------
    distances
        ``(n + 1) x (n + 1)`` arc costs, depot first; the objective is their sum.
    durations
        ``(n + 1) x (n + 1)`` travel times, depot first.
    demands
        Load per customer; each must fit one vehicle.
    service
        Service time per customer.
    windows
        Per customer, the earliest and latest start of its service.
    depot_window
        When vehicles may leave the depot and by when they must be back.
    capacity
        Load one vehicle carries.
    vehicles
        Vehicles available (a vehicle may stay at the depot).
    name
        The instance's name, for reports.
    """

    distances: IntMatrix
    durations: IntMatrix
    demands: tuple[int, ...]
    service: tuple[int, ...]
    windows: tuple[Window, ...]
    depot_window: Window
    capacity: int
    vehicles: int
    name: str = ""

    def __post_init__(self) -> None:
        problems = [*self._matrix_problems(), *self._customer_problems()]
        problems += self._fleet_problems()
        if problems:
            raise ValueError(" ".join(problems))

    @property
    def size(self) -> int:
        """The number of customers."""
        return len(self.demands)

    def _matrix_problems(self) -> list[str]:
        matrices = {"distances": self.distances, "durations": self.durations}
        return depot_matrix_problems(matrices, self.size + 1)

    def _customer_problems(self) -> list[str]:
        problems = []
        if not len(self.service) == len(self.windows) == self.size:
            problems.append("Expected one service time and one window per customer.")
        if any(value < 0 for value in itertools.chain(self.service, self.demands)):
            problems.append("Expected non-negative service times and demands.")
        reversed_ = [p for p, (lo, hi) in enumerate(self.windows) if lo > hi]
        if reversed_:
            problems.append(f"Expected window start <= end for customers {reversed_}.")
        too_big = [p for p, demand in enumerate(self.demands) if demand > self.capacity]
        if too_big:
            problems.append(f"Expected demands <= capacity; customers {too_big} exceed it.")
        return problems

    def _fleet_problems(self) -> list[str]:
        problems = []
        if self.vehicles < 1 or self.capacity < 1:
            problems.append("Expected vehicles >= 1 and capacity >= 1.")
        if self.depot_window[0] > self.depot_window[1]:
            problems.append("Expected depot_window start <= end.")
        late = [p for p, (lo, _) in enumerate(self.windows) if lo > self.depot_window[1]]
        if late:
            problems.append(f"Expected windows to open by the depot's close; {late} do not.")
        return problems


@dataclass(frozen=True, slots=True, kw_only=True)
class VrptwSolution:
    """Routes (0-based customer positions, empty routes left out) and their integer cost.

    Parameters
    ----------
    routes
        Each used vehicle's visiting order.
    cost
        Sum of the integer arc costs of all routes.
    dropped
        Customers the solver left out.
    wall_s
        Seconds the solver took.
    status
        The solver's own word for how the search ended.
    """

    routes: tuple[tuple[int, ...], ...]
    cost: int
    dropped: tuple[int, ...] = ()
    wall_s: float = 0.0
    status: str = ""


def routes_cost(
    matrix: IntMatrix | npt.NDArray[np.float64], routes: Sequence[Sequence[int]]
) -> float:
    """Return the total cost of depot -> route -> depot for every route under ``matrix``."""
    total = 0.0
    for route in routes:
        nodes = [0, *(position + 1 for position in route), 0]
        total += float(sum(matrix[a, b] for a, b in itertools.pairwise(nodes)))
    return total
