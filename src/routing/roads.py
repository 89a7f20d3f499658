"""Which roads a travel mode may use, and how long each edge takes it.

Works on osmnx-style ``MultiDiGraph`` objects: OSM ``highway`` and ``access`` tags on the
edges (a list where osmnx merged several ways), ``length`` in metres.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from routing.geodesy import haversine_m
from routing.rules import TravelMode

_NO_ACCESS = frozenset({"private", "no"})


def filter_graph(graph: nx.MultiDiGraph, *, mode: TravelMode) -> nx.MultiDiGraph:
    """Return a copy of ``graph`` holding only the edges ``mode`` may use."""
    kept = graph.copy()
    unusable = [
        (u, v, k) for u, v, k, data in kept.edges(keys=True, data=True) if not usable(data, mode)
    ]
    kept.remove_edges_from(unusable)
    if not mode.oneway:
        _add_reverse_edges(kept)
    kept.remove_nodes_from([node for node in list(kept.nodes) if kept.degree(node) == 0])
    return kept


def usable(edge: Mapping[str, Any], mode: TravelMode) -> bool:
    """Return whether ``mode`` may use an edge with these OSM attributes."""
    if any(cls in mode.excluded for cls in _values(edge.get("highway"))):
        return False
    return not any(value in _NO_ACCESS for value in _values(edge.get("access")))


def road_class(edge: Mapping[str, Any]) -> str:
    """Return the OSM ``highway`` class of an edge (the first one if osmnx merged several)."""
    classes = _values(edge.get("highway"))
    return classes[0] if classes else ""


def _values(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set):
        return [str(item) for item in value]
    return []


def _add_reverse_edges(graph: nx.MultiDiGraph) -> None:
    """Give every one-way edge a reverse twin, for modes that ignore one-way rules."""
    missing = [
        (u, v, data)
        for u, v, data in graph.edges(data=True)
        if u != v and not graph.has_edge(v, u)
    ]
    for u, v, data in missing:
        twin = dict(data, reversed=not data.get("reversed", False))
        if "geometry" in twin:
            twin["geometry"] = twin["geometry"].reverse()
        graph.add_edge(v, u, **twin)


def add_travel_times(graph: nx.MultiDiGraph, mode: TravelMode) -> None:
    """Set ``length`` (if missing), ``speed_kph`` and ``travel_time`` (s) on every edge."""
    for u, v, data in graph.edges(data=True):
        if "length" not in data:
            data["length"] = _edge_length(graph, u, v)
        speed = mode.speed_kph(road_class(data))
        data["length"] = float(data["length"])
        data["speed_kph"] = speed
        data["travel_time"] = data["length"] / (speed / 3.6)


def _edge_length(graph: nx.MultiDiGraph, u: int, v: int) -> float:
    start, end = graph.nodes[u], graph.nodes[v]
    return float(haversine_m(start["x"], start["y"], end["x"], end["y"]))
