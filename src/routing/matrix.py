"""Travel matrices between snapped points: along roads, or straight-line as a fallback.

Road matrices hold the time of the fastest path and the length *of that path* (not of
the shortest one), in whole seconds and metres, and are asymmetric where one-way streets
make them so.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from routing.errors import RoutingError
from routing.geodesy import haversine_m
from routing.matrix_cache import cache_path, read_cached, write_cached
from routing.network import RoadNetwork
from routing.paths import route_path

__all__ = ["TravelMatrix", "fastest_paths", "road_matrix", "route_path", "straight_line_matrix"]

logger = logging.getLogger(__name__)

# Dijkstra returns dense (sources × nodes) arrays; this many cells per batch keeps the
# arrays of a batch (times, predecessors, tree-edge lengths) near 120 MB.
_BATCH_CELLS = 4_000_000
# Walks up the shortest-path trees are checked for having reached the root this often.
_STEPS_BETWEEN_CHECKS = 8


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class TravelMatrix:
    """Whole-second travel times and whole-metre distances between points.

    ``durations_s[i, j]`` is the time from point ``i`` to point ``j``; the matrix need
    not be symmetric.

    Parameters
    ----------
    durations_s
        Square matrix of travel times in seconds.
    distances_m
        Square matrix of travel distances in metres, the same shape.
    method
        How the matrix was made, for the user (e.g. the road network and mode).
    """

    durations_s: NDArray[np.int64]
    distances_m: NDArray[np.int64]
    method: str

    def __post_init__(self) -> None:
        durations = _frozen_int_array(self.durations_s, "durations_s")
        distances = _frozen_int_array(self.distances_m, "distances_m")
        if durations.ndim != 2 or durations.shape[0] != durations.shape[1]:
            msg = f"Expected a square durations_s matrix, got shape {durations.shape}."
            raise ValueError(msg)
        if distances.shape != durations.shape:
            msg = "Expected distances_m of the same shape as durations_s."
            raise ValueError(msg)
        if (durations < 0).any() or (distances < 0).any():
            msg = "Expected non-negative durations and distances."
            raise ValueError(msg)
        if durations.diagonal().any() or distances.diagonal().any():
            msg = "Expected a zero diagonal (a point to itself)."
            raise ValueError(msg)
        object.__setattr__(self, "durations_s", durations)
        object.__setattr__(self, "distances_m", distances)

    @property
    def size(self) -> int:
        """Return the number of points."""
        return int(self.durations_s.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TravelMatrix):
            return NotImplemented
        return (
            self.method == other.method
            and np.array_equal(self.durations_s, other.durations_s)
            and np.array_equal(self.distances_m, other.distances_m)
        )

    __hash__ = None  # type: ignore[assignment]


def road_matrix(
    network: RoadNetwork, node_indices: Sequence[int], *, cache_dir: Path | None = None
) -> TravelMatrix:
    """Return the fastest-path matrix between nodes of ``network``.

    Parameters
    ----------
    network
        The road network of the travel mode.
    node_indices
        Node index of each point (e.g. ``Snapping.nodes`` without the unusable ones, with
        the office's node); repeats are fine.
    cache_dir
        If given, the matrix is read from / written to a ``.npz`` file there, keyed by a
        hash of the network and the nodes.

    Raises
    ------
    RoutingError
        If some point cannot be reached from another (snap the points first).
    """
    nodes = _checked_nodes(network, node_indices)
    method = f"road network ({network.source}), {network.mode.name}, fastest paths"
    path = None if cache_dir is None else cache_path(network.fingerprint, nodes, cache_dir)
    cached = None if path is None else read_cached(path, nodes)
    if cached is not None:
        return TravelMatrix(durations_s=cached[0], distances_m=cached[1], method=method)
    durations, distances = fastest_paths(network, nodes)
    matrix = TravelMatrix(
        durations_s=_to_int(durations), distances_m=_to_int(distances), method=method
    )
    if path is not None:
        write_cached(path, nodes, (matrix.durations_s, matrix.distances_m))
    return matrix


def fastest_paths(
    network: RoadNetwork, nodes: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return float seconds and metres of the fastest path between every pair of ``nodes``.

    Raises
    ------
    RoutingError
        If some pair has no path.
    """
    sources, inverse = np.unique(nodes, return_inverse=True)
    seconds = np.empty((len(sources), len(nodes)))
    metres = np.empty((len(sources), len(nodes)))
    in_edges = _InEdges(network.lengths)
    batch = max(1, _BATCH_CELLS // max(network.n_nodes, 1))
    for start in range(0, len(sources), batch):
        rows = slice(start, start + batch)
        times, predecessors = dijkstra(
            network.durations, directed=True, indices=sources[rows], return_predecessors=True
        )
        seconds[rows] = times[:, nodes]
        _check_reachable(network, seconds[rows], sources[rows], nodes)
        metres[rows] = _sum_along_tree(in_edges.lengths(predecessors), predecessors, nodes)
    return seconds[inverse], metres[inverse]


class _InEdges:
    """Each node's in-edges as a padded table, to look up tree edges without searching."""

    def __init__(self, lengths: csr_array) -> None:
        by_head = lengths.tocsc()
        n = lengths.shape[0]
        degree = np.diff(by_head.indptr)
        heads = np.repeat(np.arange(n), degree)
        slot = np.arange(len(by_head.indices)) - by_head.indptr[heads]
        # One row per slot: road nodes have few in-edges (at most 5 in central Shanghai).
        width = int(degree.max(initial=0))
        self._tails = np.full((width, n), -1, dtype=np.int32)
        self._lengths = np.zeros((width, n))
        self._tails[slot, heads] = by_head.indices
        self._lengths[slot, heads] = by_head.data

    def lengths(self, predecessors: NDArray[np.int32]) -> NDArray[np.float64]:
        """Return the length of the edge from ``predecessors[b, j]`` to ``j`` (0 at roots)."""
        result = np.zeros(predecessors.shape)
        for tails, lengths in zip(self._tails, self._lengths, strict=True):
            np.copyto(result, lengths, where=predecessors == tails)
        return result


def _sum_along_tree(
    edge_lengths: NDArray[np.float64],
    predecessors: NDArray[np.int32],
    targets: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Sum ``edge_lengths`` from each target up to the root of its shortest-path tree.

    Row ``b`` of ``predecessors`` is one tree (scipy marks its root with a negative
    value). All walks climb together, one edge per step, in flat index space.
    """
    n_trees, n = predecessors.shape
    # Flat indices in int32 when they fit: half the memory traffic of int64.
    index: type[np.signedinteger[Any]] = np.int32 if n_trees * n < 2**31 else np.int64
    offsets = (np.arange(n_trees, dtype=index) * n)[:, None]
    # A root points at itself and its edge length is 0, so a walk may overshoot it
    # harmlessly; finished walks are then dropped only every few steps.
    roots_to_self = np.where(predecessors < 0, np.arange(n, dtype=index), predecessors)
    up = (roots_to_self.astype(index) + offsets).ravel()
    edge_lengths = edge_lengths.ravel()
    current = (offsets + targets[None, :].astype(index)).ravel()
    position = np.arange(len(current))
    walked = np.zeros(len(current))
    total = np.zeros(len(current))
    while len(current):
        for _ in range(_STEPS_BETWEEN_CHECKS):
            walked += edge_lengths[current]
            current = up[current]
        done = up[current] == current
        total[position[done]] = walked[done]
        going = ~done
        current, position, walked = current[going], position[going], walked[going]
    result: NDArray[np.float64] = total.reshape(n_trees, len(targets))
    return result


def _check_reachable(
    network: RoadNetwork,
    seconds: NDArray[np.float64],
    sources: NDArray[np.int64],
    nodes: NDArray[np.int64],
) -> None:
    unreachable = np.argwhere(~np.isfinite(seconds))
    if len(unreachable) == 0:
        return
    row, col = unreachable[0]
    source, target = int(sources[row]), int(nodes[col])
    first = int(np.flatnonzero(nodes == source)[0])
    msg = (
        f"No {network.mode.name} route from point {first} (OSM node "
        f"{network.node_ids[source]}) to point {col} (OSM node {network.node_ids[target]}), "
        f"and {len(unreachable) - 1} more such pairs; snap the points with snap_points "
        f"first, which reports those on cut-off pieces of the road network."
    )
    raise RoutingError(msg)


def straight_line_matrix(
    lons: Sequence[float] | NDArray[np.float64],
    lats: Sequence[float] | NDArray[np.float64],
    *,
    speed_kph: float,
    detour: float,
) -> TravelMatrix:
    """Return a matrix without a road network: great-circle distance × ``detour``.

    Parameters
    ----------
    lons, lats
        WGS-84 coordinates of the points.
    speed_kph
        Average speed along the detoured line.
    detour
        Road distance over great-circle distance (``straight_line_detour`` in the rules).
    """
    if speed_kph <= 0:
        msg = "Expected a positive speed_kph."
        raise ValueError(msg)
    if detour < 1:
        msg = "Expected detour >= 1."
        raise ValueError(msg)
    x = np.asarray(lons, dtype=np.float64)
    y = np.asarray(lats, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        msg = "Expected one-dimensional lons and lats of equal length."
        raise ValueError(msg)
    metres = np.asarray(haversine_m(x[:, None], y[:, None], x[None, :], y[None, :])) * detour
    return TravelMatrix(
        durations_s=_to_int(metres / (speed_kph / 3.6)),
        distances_m=_to_int(metres),
        method=f"straight line × {detour:g}, no road network",
    )


def _checked_nodes(network: RoadNetwork, node_indices: Sequence[int]) -> NDArray[np.int64]:
    nodes = np.asarray(node_indices, dtype=np.int64).reshape(-1)
    if len(nodes) and (nodes.min() < 0 or nodes.max() >= network.n_nodes):
        msg = f"Expected node indices in [0, {network.n_nodes}); snap points to get them."
        raise ValueError(msg)
    return nodes


def _to_int(values: NDArray[np.float64]) -> NDArray[np.int64]:
    return np.rint(values).astype(np.int64)


def _frozen_int_array(values: Any, name: str) -> NDArray[np.int64]:
    array = np.array(values, dtype=np.int64)
    if not np.array_equal(array, values):
        msg = f"Expected whole numbers in {name}."
        raise ValueError(msg)
    array.setflags(write=False)
    return array
