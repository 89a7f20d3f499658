"""Snap shops and the office to road-network nodes, and say why a shop cannot be reached.

A shop is usable when a node within the snapping limit lies on the office's strongly
connected piece of the network, so the manager can ride there and back. If the nearest
node is on a cut-off piece but a node of the office's piece is also within the limit,
the shop snaps to that one, as a rider would walk the bike a few metres further.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import KDTree

from routing.errors import RoutingError
from routing.network import RoadNetwork

logger = logging.getLogger(__name__)

CUT_OFF_REASON = "on a piece of the road network cut off from the office"


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapping:
    """Where each point joins the road network, or why it cannot.

    Parameters
    ----------
    nodes
        Node index per point, ``None`` when the point is unusable.
    distances_m
        Distance in metres from each point to the node it snapped to or, when unusable,
        to the nearest node of the network.
    reasons
        Point index → why it is unusable (only unusable points appear).
    office_node
        Node index the office snapped to.
    office_distance_m
        Distance in metres from the office to that node.
    """

    nodes: tuple[int | None, ...]
    distances_m: tuple[float, ...]
    reasons: Mapping[int, str]
    office_node: int
    office_distance_m: float

    def __post_init__(self) -> None:
        if len(self.nodes) != len(self.distances_m):
            msg = "Expected one distance per snapped point."
            raise ValueError(msg)
        unusable = {i for i, node in enumerate(self.nodes) if node is None}
        if unusable != set(self.reasons):
            msg = "Expected a reason for exactly the points without a node."
            raise ValueError(msg)


def snap_points(
    network: RoadNetwork,
    lons: Sequence[float] | NDArray[np.float64],
    lats: Sequence[float] | NDArray[np.float64],
    *,
    office_lon: float,
    office_lat: float,
    max_snap_m: float,
) -> Snapping:
    """Snap points (WGS-84) and the office to nodes of ``network``.

    Parameters
    ----------
    network
        The road network of the travel mode.
    lons, lats
        WGS-84 coordinates of the points (shops).
    office_lon, office_lat
        WGS-84 coordinates of the office.
    max_snap_m
        A point farther than this from every usable node is reported, not snapped.

    Raises
    ------
    RoutingError
        If the office is farther than ``max_snap_m`` from every node.
    """
    if np.shape(lons) != np.shape(lats) or np.ndim(lons) != 1:
        msg = "Expected one-dimensional lons and lats of equal length."
        raise ValueError(msg)
    if max_snap_m <= 0:
        msg = "Expected a positive max_snap_m."
        raise ValueError(msg)
    xy = network.project(lons, lats)
    main = _Piece(network, network.largest_component)
    office_node, office_distance = _snap_office(network, main, office_lon, office_lat, max_snap_m)
    piece_label = int(network.components[office_node])
    piece = main if piece_label == main.label else _Piece(network, piece_label)
    nodes, distances, reasons = _snap_into_piece(network, xy, piece, max_snap_m)
    if reasons:
        logger.info("%d of %d points cannot be snapped", len(reasons), len(nodes))
    return Snapping(
        nodes=nodes,
        distances_m=distances,
        reasons=MappingProxyType(reasons),
        office_node=office_node,
        office_distance_m=office_distance,
    )


def far_reason(distance_m: float, max_snap_m: float, mode_name: str) -> str:
    """Return the reason for a point too far from the road network."""
    return (
        f"{distance_m:.0f} m from the nearest road usable by {mode_name} "
        f"(limit {max_snap_m:.0f} m)"
    )


class _Piece:
    """The nodes of one strongly connected piece and a KD-tree over them."""

    def __init__(self, network: RoadNetwork, label: int) -> None:
        self.label = label
        self.members = network.component_nodes(label)
        self.tree = KDTree(network.project(network.lons[self.members], network.lats[self.members]))

    def nearest(self, xy: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """Return the distance to and the node index of the nearest member of each point."""
        distances, positions = self.tree.query(xy)
        return np.asarray(distances, dtype=np.float64), self.members[positions]


def _snap_office(
    network: RoadNetwork, main: _Piece, lon: float, lat: float, max_snap_m: float
) -> tuple[int, float]:
    """Snap the office, preferring the largest piece so that most shops are reachable."""
    point = network.project([lon], [lat])
    distances, nodes = main.nearest(point)
    if distances[0] <= max_snap_m:
        return int(nodes[0]), float(distances[0])
    distance, node = network.tree.query(point[0])
    if distance > max_snap_m:
        msg = (
            f"The office ({lon:.6f}, {lat:.6f}) is "
            f"{far_reason(float(distance), max_snap_m, network.mode.name)}; check its "
            f"coordinates (WGS-84, not GCJ-02/BD-09) and that the road network covers it."
        )
        raise RoutingError(msg)
    logger.warning(
        "The office snaps to a piece of the road network cut off from its largest piece; "
        "only shops on that piece can be routed"
    )
    return int(node), float(distance)


def _snap_into_piece(
    network: RoadNetwork, xy: NDArray[np.float64], piece: _Piece, max_snap_m: float
) -> tuple[tuple[int | None, ...], tuple[float, ...], dict[int, str]]:
    if len(xy) == 0:
        return (), (), {}
    nearest_d, nearest = network.tree.query(xy)
    distances = np.asarray(nearest_d, dtype=np.float64)
    nodes = np.asarray(nearest, dtype=np.int64)
    far = distances > max_snap_m
    cut_off = ~far & (network.components[nodes] != piece.label)
    if cut_off.any():
        stray = np.flatnonzero(cut_off)
        piece_d, piece_nodes = piece.nearest(xy[stray])
        in_reach = piece_d <= max_snap_m
        nodes[stray[in_reach]] = piece_nodes[in_reach]
        distances[stray[in_reach]] = piece_d[in_reach]
        cut_off[stray[in_reach]] = False
    reasons = {
        int(i): far_reason(float(distances[i]), max_snap_m, network.mode.name)
        for i in np.flatnonzero(far)
    }
    reasons |= {int(i): CUT_OFF_REASON for i in np.flatnonzero(cut_off)}
    snapped = tuple(None if i in reasons else int(node) for i, node in enumerate(nodes))
    return snapped, tuple(distances.tolist()), reasons
