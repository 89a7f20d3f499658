"""The ``matrix`` suite: travel-matrix builds of growing size on a road graph.

Random points (seeded) of the network's largest strongly connected piece; for each size,
:func:`routing.matrix.road_matrix` (scipy Dijkstra, no cache) is timed as the best of a few
runs, and its peak memory is traced in one more run. At one size it is checked against a
networkx ``single_source_dijkstra`` loop on the same graph and weights (same durations,
and the time of that loop). A perturbed synthetic grid shows how it scales to a whole
district.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import networkx as nx
import numpy as np
import numpy.typing as npt

from routing.errors import InputError, Problem
from routing.matrix import TravelMatrix, road_matrix
from routing.network import RoadNetwork, network_from_graph
from routing.rules import TravelMode

T = TypeVar("T")
MIB = 2**20
OURS = "road_matrix"
NETWORKX = "networkx loop"


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixRecord:
    """One matrix build; the raw CSV has one row each, in field order.

    Parameters
    ----------
    network
        The road network's description.
    nodes, arcs
        The network's size.
    points
        Points of the square matrix.
    method
        ``road_matrix`` or ``networkx loop``.
    wall_s
        Best wall seconds of ``runs`` runs.
    runs
        Timed runs.
    per_source_ms
        ``wall_s`` per row of the matrix, in milliseconds.
    peak_mib
        Peak memory traced during one more build (``road_matrix`` only).
    matrix_mib
        Memory of the result: the durations and distances matrices.
    identical
        For the networkx loop: whether its durations equal ``road_matrix``'s.
    """

    network: str
    nodes: int
    arcs: int
    points: int
    method: str
    wall_s: float
    runs: int
    per_source_ms: float
    peak_mib: float | None
    matrix_mib: float
    identical: bool | None = None


def timed(work: Callable[[], T]) -> tuple[T, float]:
    """Return ``work()`` and its wall seconds."""
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def best_of(repeats: int, work: Callable[[], T]) -> tuple[T, float]:
    """Return the first result of ``repeats`` runs and the fastest run's seconds."""
    runs = [timed(work) for _ in range(repeats)]
    return runs[0][0], min(seconds for _, seconds in runs)


def peak_mib(work: Callable[[], object]) -> float:
    """Return the peak memory ``work`` allocates, traced (numpy arrays included)."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def sample_points(network: RoadNetwork, size: int, seed: int) -> npt.NDArray[np.int64]:
    """Return ``size`` seeded nodes of the largest strongly connected piece.

    Raises
    ------
    InputError
        If the piece has fewer than ``size`` nodes.
    """
    pool = network.component_nodes(network.largest_component)
    if size > len(pool):
        msg = (
            f"{size} points asked, but the largest connected piece of {network.source} has "
            f"{len(pool)} nodes; give smaller --sizes"
        )
        raise InputError([Problem(source="--sizes", message=msg)])
    return np.random.default_rng(seed).choice(pool, size, replace=False)


def growth(
    network: RoadNetwork, sizes: Sequence[int], *, seed: int, repeats: int
) -> list[MatrixRecord]:
    """Time ``road_matrix`` at each size (best of ``repeats``) and trace its peak memory."""
    records = []
    for size in sizes:
        build = partial(road_matrix, network, sample_points(network, size, seed).tolist())
        matrix, seconds = best_of(repeats, build)
        peak = peak_mib(build)
        records.append(_record(network, matrix, OURS, seconds, runs=repeats, peak=peak))
    return records


def against_networkx(network: RoadNetwork, size: int, *, seed: int) -> MatrixRecord:
    """Time one networkx Dijkstra loop at ``size`` and compare it with ``road_matrix``."""
    nodes = sample_points(network, size, seed)
    ours = road_matrix(network, nodes.tolist())
    reference, seconds = timed(lambda: networkx_durations(network, nodes))
    same = bool(np.array_equal(ours.durations_s, reference))
    return _record(network, ours, NETWORKX, seconds, runs=1, peak=None, identical=same)


def networkx_durations(
    network: RoadNetwork, nodes: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Return the rounded fastest durations between ``nodes`` by networkx, row by row."""
    ids = [int(network.node_ids[i]) for i in nodes]
    rows = []
    for source in ids:
        seconds = nx.single_source_dijkstra_path_length(
            network.graph, source, weight="travel_time"
        )
        rows.append([seconds[target] for target in ids])
    return np.rint(np.array(rows)).astype(np.int64)


def _record(
    network: RoadNetwork,
    matrix: TravelMatrix,
    method: str,
    seconds: float,
    *,
    runs: int,
    peak: float | None,
    identical: bool | None = None,
) -> MatrixRecord:
    size = matrix.size
    return MatrixRecord(
        network=network.source,
        nodes=network.n_nodes,
        arcs=int(network.durations.nnz),
        points=size,
        method=method,
        wall_s=seconds,
        runs=runs,
        per_source_ms=1000 * seconds / size,
        peak_mib=peak,
        matrix_mib=(matrix.durations_s.nbytes + matrix.distances_m.nbytes) / MIB,
        identical=identical,
    )


def grid_network(side: int, mode: TravelMode, seed: int) -> RoadNetwork:
    """Return a perturbed street grid: 90 % two-way, 10 % one-way, three road classes."""
    rng = np.random.default_rng(seed)
    graph = nx.MultiDiGraph(crs="epsg:4326")
    step = 0.001
    for i in range(side):
        for j in range(side):
            graph.add_node(i * side + j, x=121.0 + j * step, y=31.0 + i * step)
    classes = ["residential", "tertiary", "primary"]
    for here in range(side * side):
        i, j = divmod(here, side)
        for there in ([here + 1] if j + 1 < side else []) + (
            [here + side] if i + 1 < side else []
        ):
            data = {"highway": classes[rng.integers(3)], "length": float(rng.uniform(95, 140))}
            graph.add_edge(here, there, **data)
            if rng.random() > 0.1:
                graph.add_edge(there, here, **data)
    return network_from_graph(graph, mode=mode, source=f"synthetic {side}x{side} grid")
