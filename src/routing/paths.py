"""The shape of one fastest path on the road network, for drawing a day's legs on a map."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from scipy.sparse.csgraph import dijkstra

from routing.errors import RoutingError
from routing.network import RoadNetwork


def route_path(network: RoadNetwork, from_node: int, to_node: int) -> list[tuple[float, float]]:
    """Return the ``(lon, lat)`` polyline of the fastest path between two node indices.

    The path is the one :func:`routing.matrix.road_matrix` times; edges with a
    ``geometry`` contribute its shape points, others a straight line.

    Raises
    ------
    RoutingError
        If ``to_node`` cannot be reached from ``from_node``.
    """
    chain = _node_chain(network, from_node, to_node)
    points = [_point(network, from_node)]
    for tail, head in itertools.pairwise(chain):
        points.extend(_edge_shape(network, tail, head)[1:])
    return points


def _node_chain(network: RoadNetwork, from_node: int, to_node: int) -> list[int]:
    for node in (from_node, to_node):
        if not 0 <= node < network.n_nodes:
            msg = f"Expected node indices in [0, {network.n_nodes}), got {node}."
            raise ValueError(msg)
    if from_node == to_node:
        return [from_node]
    _, predecessors = dijkstra(
        network.durations, directed=True, indices=from_node, return_predecessors=True
    )
    if predecessors[to_node] < 0:
        msg = (
            f"No {network.mode.name} route from OSM node {network.node_ids[from_node]} "
            f"to OSM node {network.node_ids[to_node]}."
        )
        raise RoutingError(msg)
    chain = [to_node]
    while chain[-1] != from_node:
        chain.append(int(predecessors[chain[-1]]))
    return chain[::-1]


def _point(network: RoadNetwork, node: int) -> tuple[float, float]:
    return float(network.lons[node]), float(network.lats[node])


def _edge_shape(network: RoadNetwork, tail: int, head: int) -> list[tuple[float, float]]:
    """Return the shape of the edge the matrix used (fastest of parallels, then shortest)."""
    u, v = int(network.node_ids[tail]), int(network.node_ids[head])
    parallel: dict[Any, dict[str, Any]] = network.graph[u][v]
    data = min(parallel.values(), key=lambda edge: (edge["travel_time"], edge["length"]))
    start, end = _point(network, tail), _point(network, head)
    geometry = data.get("geometry")
    if geometry is None:
        return [start, end]
    coords = [(float(x), float(y)) for x, y in geometry.coords]
    # Stored geometries need not run in the direction of travel; orient them by the ends.
    if _gap(coords[0], start) > _gap(coords[-1], start):
        coords.reverse()
    return [start, *coords[1:-1], end]


def _gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(np.hypot(a[0] - b[0], a[1] - b[1]))
