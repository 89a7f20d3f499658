from __future__ import annotations

import itertools
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra

from routing import matrix as matrix_module
from routing.errors import RoutingError
from routing.geodesy import haversine_m
from routing.matrix import TravelMatrix, road_matrix, route_path, straight_line_matrix
from routing.network import RoadNetwork, load_network
from routing.rules import Rules


@pytest.fixture(scope="module")
def ebike_block(tiny_osm: Path, rules: Rules) -> RoadNetwork:
    return load_network(tiny_osm, mode=rules.mode("ebike"))


@pytest.fixture(scope="module")
def kotka(rules: Rules) -> RoadNetwork:
    return load_network("bundled:kotka", mode=rules.mode("ebike"))


def nodes_of(network: RoadNetwork, *osm_ids: int) -> list[int]:
    return [network.node_index[osm_id] for osm_id in osm_ids]


def networkx_reference(
    network: RoadNetwork, nodes: list[int]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Durations by networkx Dijkstra, distances summed along networkx's fastest paths."""
    graph, ids = network.graph, [int(network.node_ids[i]) for i in nodes]
    seconds = np.zeros((len(ids), len(ids)))
    metres = np.zeros((len(ids), len(ids)))
    for i, source in enumerate(ids):
        times, paths = nx.single_source_dijkstra(graph, source, weight="travel_time")
        for j, target in enumerate(ids):
            seconds[i, j] = times[target]
            path = paths[target]
            metres[i, j] = sum(
                min(graph[u][v].values(), key=lambda d: (d["travel_time"], d["length"]))["length"]
                for u, v in itertools.pairwise(path)
            )
    return np.rint(seconds).astype(np.int64), np.rint(metres).astype(np.int64)


# --- TravelMatrix ------------------------------------------------------------------------


def test_travel_matrix_is_frozen_and_read_only() -> None:
    matrix = TravelMatrix(
        durations_s=np.array([[0, 5], [7, 0]]),
        distances_m=np.array([[0, 50], [70, 0]]),
        method="m",
    )
    assert matrix.size == 2
    assert matrix.durations_s.dtype == np.int64
    with pytest.raises(ValueError, match="read-only"):
        matrix.durations_s[0, 1] = 1


@pytest.mark.parametrize(
    ("durations", "distances", "message"),
    [
        ([[0, 1, 2], [1, 0, 2]], [[0, 1, 2], [1, 0, 2]], "square"),
        ([[0, 1], [1, 0]], [[0, 1, 2], [1, 0, 2], [1, 1, 0]], "same shape"),
        ([[0, -1], [1, 0]], [[0, 1], [1, 0]], "non-negative"),
        ([[0, 1], [1, 0]], [[0, 1], [-1, 0]], "non-negative"),
        ([[3, 1], [1, 0]], [[0, 1], [1, 0]], "zero diagonal"),
        ([[0, 1.5], [1, 0]], [[0, 1], [1, 0]], "whole numbers"),
    ],
)
def test_travel_matrix_is_validated(
    durations: list[list[float]], distances: list[list[float]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        TravelMatrix(durations_s=durations, distances_m=distances, method="m")  # type: ignore[arg-type]


# --- road matrix -------------------------------------------------------------------------


def test_one_way_makes_the_matrix_asymmetric(ebike_block: RoadNetwork) -> None:
    matrix = road_matrix(ebike_block, nodes_of(ebike_block, 2, 4))
    # 2 -> 4 rides the one-way street (111 m); 4 -> 2 goes round by 5 and 1 (301 m).
    assert matrix.distances_m.tolist() == [[0, 111], [301, 0]]
    speed = 14 / 3.6  # residential, e-bike
    assert matrix.durations_s.tolist() == [[0, round(111.195 / speed)], [round(301.36 / speed), 0]]
    assert "ebike" in matrix.method
    assert "tiny.osm" in matrix.method


def test_walking_matrix_is_symmetric(tiny_osm: Path, rules: Rules) -> None:
    walk = load_network(tiny_osm, mode=rules.mode("walk"))
    matrix = road_matrix(walk, nodes_of(walk, 2, 4, 3))
    assert np.array_equal(matrix.durations_s, matrix.durations_s.T)
    assert matrix.distances_m[1, 2] == 146  # the footway from 4 to 3


def test_ebike_avoids_the_motorway_car_takes_it(tiny_osm: Path, rules: Rules) -> None:
    ebike = load_network(tiny_osm, mode=rules.mode("ebike"))
    car = load_network(tiny_osm, mode=rules.mode("car"))
    by_ebike = road_matrix(ebike, nodes_of(ebike, 5, 3)).distances_m[0, 1]
    by_car = road_matrix(car, nodes_of(car, 5, 3)).distances_m[0, 1]
    assert by_ebike == 301  # 5 - 1 - 2 - 3
    assert by_car == 220  # the motorway diagonal


def test_matches_networkx_on_the_block(ebike_block: RoadNetwork) -> None:
    nodes = nodes_of(ebike_block, 1, 2, 3, 4, 5)
    matrix = road_matrix(ebike_block, nodes)
    durations, distances = networkx_reference(ebike_block, nodes)
    assert np.array_equal(matrix.durations_s, durations)
    assert np.array_equal(matrix.distances_m, distances)


def test_matches_networkx_on_kotka(kotka: RoadNetwork) -> None:
    main = kotka.component_nodes(kotka.largest_component)
    nodes = [int(n) for n in np.random.default_rng(7).choice(main, 25, replace=False)]
    matrix = road_matrix(kotka, nodes)
    durations, distances = networkx_reference(kotka, nodes)
    assert np.array_equal(matrix.durations_s, durations)
    assert np.array_equal(matrix.distances_m, distances)
    assert (matrix.durations_s != matrix.durations_s.T).any()


def test_distance_follows_the_fastest_not_the_shortest_path(kotka: RoadNetwork) -> None:
    nodes = [int(n) for n in kotka.component_nodes(kotka.largest_component)[::10]]
    matrix = road_matrix(kotka, nodes)
    shortest = dijkstra(kotka.lengths, directed=True, indices=nodes)[:, nodes]
    assert (matrix.distances_m >= np.floor(shortest)).all()
    assert (matrix.distances_m > np.ceil(shortest)).any()  # slower roads avoided


def test_repeated_nodes_share_a_row(ebike_block: RoadNetwork) -> None:
    matrix = road_matrix(ebike_block, nodes_of(ebike_block, 2, 4, 2))
    assert matrix.durations_s[0, 2] == matrix.durations_s[2, 0] == 0
    assert np.array_equal(matrix.durations_s[0], matrix.durations_s[2])


def test_small_batches_give_the_same_matrix(
    kotka: RoadNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes = [int(n) for n in kotka.component_nodes(kotka.largest_component)[:40]]
    whole = road_matrix(kotka, nodes)
    monkeypatch.setattr(matrix_module, "_BATCH_CELLS", kotka.n_nodes * 3)
    assert road_matrix(kotka, nodes) == whole


def test_unreachable_pair_is_a_routing_error(ebike_block: RoadNetwork) -> None:
    with pytest.raises(RoutingError, match=r"from point 1 \(OSM node 8\) to point 0"):
        road_matrix(ebike_block, nodes_of(ebike_block, 1, 8))


def test_node_out_of_range(ebike_block: RoadNetwork) -> None:
    with pytest.raises(ValueError, match="node indices"):
        road_matrix(ebike_block, [0, ebike_block.n_nodes])


# --- cache -------------------------------------------------------------------------------


def test_cache_hit_is_read_from_disk(
    ebike_block: RoadNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes = nodes_of(ebike_block, 1, 2, 4)
    first = road_matrix(ebike_block, nodes, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("matrix-*.npz"))) == 1

    def no_computing(*args: object) -> None:
        raise AssertionError("expected the cached matrix")

    monkeypatch.setattr(matrix_module, "fastest_paths", no_computing)
    assert road_matrix(ebike_block, nodes, cache_dir=tmp_path) == first
    with pytest.raises(AssertionError, match="cached"):
        road_matrix(ebike_block, nodes_of(ebike_block, 1, 4), cache_dir=tmp_path)


def test_cache_key_depends_on_mode(tiny_osm: Path, tmp_path: Path, rules: Rules) -> None:
    ebike = load_network(tiny_osm, mode=rules.mode("ebike"))
    walk = load_network(tiny_osm, mode=rules.mode("walk"))
    road_matrix(ebike, nodes_of(ebike, 2, 4), cache_dir=tmp_path)
    walked = road_matrix(walk, nodes_of(walk, 2, 4), cache_dir=tmp_path)
    assert walked.distances_m[1, 0] == 111
    assert len(list(tmp_path.glob("matrix-*.npz"))) == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_cache_is_recomputed(
    ebike_block: RoadNetwork, tmp_path: Path, damage: str
) -> None:
    nodes = nodes_of(ebike_block, 1, 2)
    first = road_matrix(ebike_block, nodes, cache_dir=tmp_path)
    (cached,) = tmp_path.glob("matrix-*.npz")
    content = cached.read_bytes()
    cached.write_bytes(b"damaged" if damage == "garbage" else content[: len(content) // 2])
    assert road_matrix(ebike_block, nodes, cache_dir=tmp_path) == first
    assert cached.read_bytes() == content  # rewritten


# --- straight line -----------------------------------------------------------------------


def test_straight_line_matrix() -> None:
    north = 1000 / 6_371_008.8 * 180 / math.pi  # 1 km of latitude
    matrix = straight_line_matrix(
        [121.47, 121.47], [31.23, 31.23 + north], speed_kph=15, detour=1.35
    )
    assert matrix.distances_m.tolist() == [[0, 1350], [1350, 0]]
    assert matrix.durations_s.tolist() == [[0, 324], [324, 0]]  # 1350 m at 15 km/h
    assert matrix.method == "straight line × 1.35, no road network"


@pytest.mark.parametrize(("speed", "detour"), [(0, 1.35), (15, 0.9)])
def test_straight_line_rejects_bad_figures(speed: float, detour: float) -> None:
    with pytest.raises(ValueError, match="Expected"):
        straight_line_matrix([121.47], [31.23], speed_kph=speed, detour=detour)


# --- route shape -------------------------------------------------------------------------


def test_route_path_follows_the_one_way_detour(ebike_block: RoadNetwork) -> None:
    four, two = nodes_of(ebike_block, 4, 2)
    assert route_path(ebike_block, four, two) == [
        (121.471, 31.231),
        (121.47, 31.231),
        (121.47, 31.23),
        (121.471, 31.23),
    ]
    assert route_path(ebike_block, two, two) == [(121.471, 31.23)]


def test_route_path_uses_edge_geometry(kotka: RoadNetwork) -> None:
    main = kotka.component_nodes(kotka.largest_component)
    start, end = int(main[0]), int(main[-1])
    line = np.array(route_path(kotka, start, end))
    assert tuple(line[0]) == (kotka.lons[start], kotka.lats[start])
    assert tuple(line[-1]) == (kotka.lons[end], kotka.lats[end])
    along = haversine_m(line[:-1, 0], line[:-1, 1], line[1:, 0], line[1:, 1]).sum()
    assert along == pytest.approx(road_matrix(kotka, [start, end]).distances_m[0, 1], rel=0.01)


def test_route_path_unreachable(ebike_block: RoadNetwork) -> None:
    with pytest.raises(RoutingError, match="No ebike route"):
        route_path(ebike_block, *nodes_of(ebike_block, 8, 1))
