"""The frozen, all-integer input and output of the fleet solver (several vehicles, one depot).

A capacitated vehicle-routing problem with an optional route-duration limit, as periodic
VRP benchmarks route each day: index 0 of every matrix is the depot; index ``i`` (1-based)
is customer position ``i - 1``. Every customer must be visited once.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetProblem:
    """Customers to split over identical vehicles that start and end at the depot.

    Parameters
    ----------
    distances
        ``(n + 1) x (n + 1)`` arc costs, depot first; the objective is their sum.
    durations
        ``(n + 1) x (n + 1)`` travel times, depot first; only the duration limit uses them.
    service
        Service time per customer, added to a route's duration.
    demands
        Load per customer.
    vehicles
        Vehicles available (a vehicle may stay at the depot).
    capacity
        Load one vehicle carries.
    max_duration
        Longest route (travel plus service); 0 means no limit.
    allowed_vehicles
        Per customer, the vehicles that may serve it; an empty tuple (the default for
        every customer) means any vehicle.
    """

    distances: IntMatrix
    durations: IntMatrix
    service: tuple[int, ...]
    demands: tuple[int, ...]
    vehicles: int
    capacity: int
    max_duration: int = 0
    allowed_vehicles: tuple[tuple[int, ...], ...] = ()

    def __post_init__(self) -> None:
        problems = [*self._matrix_problems(), *self._vector_problems()]
        problems += self._fleet_problems()
        if problems:
            raise ValueError(" ".join(problems))

    @property
    def size(self) -> int:
        """The number of customers."""
        return len(self.demands)

    def vehicles_for(self, position: int) -> tuple[int, ...]:
        """Return the vehicles allowed to serve customer ``position``."""
        allowed = self.allowed_vehicles[position] if self.allowed_vehicles else ()
        return allowed or tuple(range(self.vehicles))

    def _matrix_problems(self) -> list[str]:
        matrices = {"distances": self.distances, "durations": self.durations}
        return depot_matrix_problems(matrices, len(self.demands) + 1)

    def _vector_problems(self) -> list[str]:
        problems = []
        if len(self.service) != len(self.demands):
            problems.append("Expected one service time per customer (as many as demands).")
        if any(value < 0 for value in itertools.chain(self.service, self.demands)):
            problems.append("Expected non-negative service times and demands.")
        return problems

    def _fleet_problems(self) -> list[str]:
        problems = []
        if self.vehicles < 1 or self.capacity < 1 or self.max_duration < 0:
            problems.append("Expected vehicles >= 1, capacity >= 1 and max_duration >= 0.")
        if self.allowed_vehicles and len(self.allowed_vehicles) != len(self.demands):
            problems.append("Expected allowed_vehicles empty or one tuple per customer.")
        bad = [
            position
            for position, allowed in enumerate(self.allowed_vehicles)
            if any(not 0 <= vehicle < self.vehicles for vehicle in allowed)
        ]
        if bad:
            problems.append(f"Expected allowed vehicles in [0, vehicles) for customers {bad}.")
        return problems


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetSolution:
    """One route per vehicle (0-based customer positions, possibly empty) and its cost.

    Parameters
    ----------
    routes
        ``routes[v]`` is vehicle ``v``'s visiting order; its length is the fleet size.
    cost
        Sum of the integer arc costs of all routes.
    dropped
        Customers the search could not fit (empty when the solution is feasible).
    wall_s
        Seconds the search took.
    status
        OR-Tools' search status name.
    """

    routes: tuple[tuple[int, ...], ...]
    cost: int
    dropped: tuple[int, ...] = ()
    wall_s: float = 0.0
    status: str = ""

    @property
    def feasible(self) -> bool:
        """Whether every customer is served."""
        return not self.dropped


def route_cost(matrix: IntMatrix, route: Sequence[int]) -> int:
    """Return the cost of depot -> ``route`` (0-based positions) -> depot under ``matrix``."""
    if not route:
        return 0
    nodes = [0, *(position + 1 for position in route), 0]
    return int(sum(int(matrix[a, b]) for a, b in itertools.pairwise(nodes)))


def route_duration(problem: FleetProblem, route: Sequence[int]) -> int:
    """Return the travel plus service time of ``route``."""
    return route_cost(problem.durations, route) + sum(problem.service[p] for p in route)


def route_load(problem: FleetProblem, route: Sequence[int]) -> int:
    """Return the total demand of ``route``."""
    return sum(problem.demands[position] for position in route)


def depot_matrix_problems(matrices: Mapping[str, object], size: int) -> list[str]:
    """Return what is wrong with ``size x size`` non-negative integer matrices, by name."""
    problems = []
    for name, matrix in matrices.items():
        if not isinstance(matrix, np.ndarray) or matrix.shape != (size, size):
            shape = getattr(matrix, "shape", None)
            problems.append(f"Expected {name} of shape {(size, size)}, got {shape}.")
        elif matrix.dtype != np.int64 or (matrix < 0).any():
            problems.append(f"Expected non-negative int64 {name}.")
    return problems
