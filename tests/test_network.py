from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import numpy as np
import osmnx as ox
import pytest
import requests

from routing.errors import InputError, RoutingError
from routing.network import RoadNetwork, load_network, network_from_graph, street_segments
from routing.network_sources import place_cache_path
from routing.roads import road_class, usable
from routing.rules import Rules
from routing.snapping import CUT_OFF_REASON, Snapping, snap_points

OFFICE = {"office_lon": 121.4700, "office_lat": 31.2300}  # on node 1


@pytest.fixture(scope="module")
def ebike_block(tiny_osm: Path, rules: Rules) -> RoadNetwork:
    return load_network(tiny_osm, mode=rules.mode("ebike"))


@pytest.fixture(scope="module")
def walk_block(tiny_osm: Path, rules: Rules) -> RoadNetwork:
    return load_network(tiny_osm, mode=rules.mode("walk"))


def osm_ids(network: RoadNetwork) -> set[int]:
    return {int(node) for node in network.node_ids}


def classes(network: RoadNetwork) -> set[str]:
    return {road_class(data) for _, _, data in network.graph.edges(data=True)}


# --- loading -----------------------------------------------------------------------------


def test_xml_ebike_keeps_only_its_roads(ebike_block: RoadNetwork) -> None:
    assert classes(ebike_block) == {"residential"}
    # 7 hangs on a private road only; every other node keeps an e-bike road.
    assert osm_ids(ebike_block) == {1, 2, 3, 4, 5, 8, 10, 11, 12}
    assert ebike_block.mode.name == "ebike"
    assert ebike_block.source == "tiny.osm"


def test_walk_uses_footways_but_not_motorways(walk_block: RoadNetwork) -> None:
    assert classes(walk_block) == {"residential", "footway"}


def test_walk_ignores_oneway_but_ebike_does_not(
    ebike_block: RoadNetwork, walk_block: RoadNetwork
) -> None:
    assert ebike_block.graph.has_edge(2, 4)
    assert not ebike_block.graph.has_edge(4, 2)
    assert walk_block.graph.has_edge(4, 2)
    assert walk_block.graph.has_edge(8, 3)


def test_car_may_use_the_motorway(tiny_osm: Path, rules: Rules) -> None:
    assert "motorway" in classes(load_network(tiny_osm, mode=rules.mode("car")))


def test_travel_time_is_length_over_class_speed(ebike_block: RoadNetwork, rules: Rules) -> None:
    data = ebike_block.graph.edges[1, 2, 0]
    speed = rules.mode("ebike").speed_kph("residential")
    assert data["travel_time"] == pytest.approx(data["length"] / (speed / 3.6))
    assert data["length"] == pytest.approx(95.1, abs=0.5)


def test_cut_off_pieces_are_kept_and_labelled(ebike_block: RoadNetwork) -> None:
    label = {int(ebike_block.node_ids[i]): int(c) for i, c in enumerate(ebike_block.components)}
    main = {node for node, c in label.items() if c == ebike_block.largest_component}
    assert main == {1, 2, 3, 4, 5}
    assert label[10] == label[11] == label[12] != ebike_block.largest_component
    assert label[8] not in {label[10], ebike_block.largest_component}  # one-way stub


def test_arrays_match_the_graph(ebike_block: RoadNetwork) -> None:
    i = ebike_block.node_index[4]
    assert ebike_block.node_ids[i] == 4
    assert (ebike_block.lons[i], ebike_block.lats[i]) == (121.4710, 31.2310)
    two, four = ebike_block.node_index[2], ebike_block.node_index[4]
    assert ebike_block.lengths[two, four] == pytest.approx(111.2, abs=0.2)
    assert ebike_block.durations[four, two] == 0  # one-way: no edge back
    with pytest.raises(ValueError, match="read-only"):
        ebike_block.lons[0] = 0.0


def test_highway_list_uses_first_class_and_excludes_on_any(rules: Rules) -> None:
    ebike = rules.mode("ebike")
    assert road_class({"highway": ["tertiary", "residential"]}) == "tertiary"
    assert not usable({"highway": ["residential", "motorway"]}, ebike)
    assert not usable({"highway": "residential", "access": "no"}, ebike)
    assert usable({"highway": "residential", "access": "yes"}, ebike)


def test_bundled_kotka_pbf(rules: Rules) -> None:
    network = load_network("bundled:kotka", mode=rules.mode("ebike"))
    assert network.n_nodes > 500
    assert "kotka" in network.source
    assert classes(network).isdisjoint(rules.mode("ebike").excluded)
    assert np.all((network.lats > 60.4) & (network.lats < 60.6))  # lon/lat, not projected
    one_way = [(u, v) for u, v, d in network.graph.edges(data=True) if d.get("oneway")]
    assert one_way
    assert any(not network.graph.has_edge(v, u) for u, v in one_way)


def test_graphml_round_trip(ebike_block: RoadNetwork, tmp_path: Path, rules: Rules) -> None:
    path = tmp_path / "block.graphml"
    ox.save_graphml(ebike_block.graph, path)
    again = load_network(path, mode=rules.mode("ebike"))
    assert osm_ids(again) == osm_ids(ebike_block)
    assert again.fingerprint == ebike_block.fingerprint


def test_network_from_graph_leaves_its_input_alone(tiny_osm: Path, rules: Rules) -> None:
    raw = ox.graph_from_xml(tiny_osm, simplify=False, retain_all=True)
    edges = raw.number_of_edges()
    network_from_graph(raw, mode=rules.mode("ebike"), source="raw")
    assert raw.number_of_edges() == edges
    assert "travel_time" not in raw.edges[1, 2, 0]


def test_street_segments_once_per_street(ebike_block: RoadNetwork) -> None:
    main = street_segments(ebike_block)
    assert len(main) == 5  # 1-2, 2-3, 2-4, 4-5, 5-1
    assert ((121.47, 31.23), (121.471, 31.23)) in main
    assert len(street_segments(ebike_block, largest_component_only=False)) == 8


@pytest.mark.shared_data
def test_shared_shanghai_small(shared_data: Path, rules: Rules) -> None:
    network = load_network(
        shared_data / "geo" / "china_shanghai_jingan_small.osm.bz2", mode=rules.mode("ebike")
    )
    main = network.component_nodes(network.largest_component)
    assert len(main) > 300
    assert 121.4 < network.origin[0] < 121.5


# --- loading errors ----------------------------------------------------------------------


def problem_source(error: pytest.ExceptionInfo[InputError]) -> str:
    return error.value.problems[0].source


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.osm", None, "file not found"),
        ("garbage.osm", "not xml at all", "cannot read"),
        ("garbage.osm.bz2", "not bz2", "cannot read"),
        ("garbage.osm.pbf", "not a pbf", "cannot read"),
        ("garbage.graphml", "<graphml", "cannot read"),
        ("roads.txt", "whatever", "unknown kind"),
    ],
)
def test_unreadable_sources(
    tmp_path: Path, rules: Rules, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        load_network(path, mode=rules.mode("ebike"))
    assert problem_source(error) == str(path)


def test_no_usable_road_is_an_input_error(tmp_path: Path, rules: Rules) -> None:
    path = tmp_path / "footpaths.osm"
    path.write_text(
        '<osm version="0.6"><node id="1" lat="31.23" lon="121.47"/>'
        '<node id="2" lat="31.23" lon="121.471"/>'
        '<way id="9"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="no road that the travel mode 'ebike' may use"):
        load_network(path, mode=rules.mode("ebike"))
    assert load_network(path, mode=rules.mode("walk")).n_nodes == 2


def test_unknown_bundled_name(rules: Rules) -> None:
    with pytest.raises(InputError, match="bundled:helsinki, bundled:kotka"):
        load_network("bundled:beijing", mode=rules.mode("ebike"))


def test_projected_graph_is_refused(ebike_block: RoadNetwork, rules: Rules) -> None:
    projected = ox.project_graph(ebike_block.graph, to_crs="EPSG:32651")
    with pytest.raises(InputError, match="projected"):
        network_from_graph(projected, mode=rules.mode("ebike"), source="utm.graphml")


# --- places: never downloads in tests ----------------------------------------------------


def refuse_download(*args: object, **kwargs: object) -> nx.MultiDiGraph:
    raise requests.ConnectionError("no network in tests")


def test_place_offline_and_not_cached(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, rules: Rules
) -> None:
    monkeypatch.setattr(ox, "graph_from_place", refuse_download)
    with pytest.raises(InputError, match="connect to the internet") as error:
        load_network("place:黄浦区, 上海市", mode=rules.mode("ebike"), cache_dir=tmp_path)
    assert problem_source(error) == "place:黄浦区, 上海市"


def test_place_read_from_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny_osm: Path, rules: Rules
) -> None:
    monkeypatch.setattr(ox, "graph_from_place", refuse_download)
    ebike = rules.mode("ebike")
    cached = place_cache_path("Test town", mode=ebike, cache_dir=tmp_path)
    ox.save_graphml(ox.graph_from_xml(tiny_osm, simplify=False, retain_all=True), cached)
    network = load_network("place:Test town", mode=ebike, cache_dir=tmp_path)
    assert osm_ids(network) == {1, 2, 3, 4, 5, 8, 10, 11, 12}
    assert "cached" in network.source
    assert place_cache_path("Test town", mode=rules.mode("walk"), cache_dir=tmp_path) != cached


def test_place_downloaded_once_then_cached(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny_osm: Path, rules: Rules
) -> None:
    calls: list[str] = []

    def fake_download(name: str, **kwargs: object) -> nx.MultiDiGraph:
        calls.append(name)
        return ox.graph_from_xml(tiny_osm, simplify=False, retain_all=True)

    monkeypatch.setattr(ox, "graph_from_place", fake_download)
    for _ in range(2):
        network = load_network("place:Test town", mode=rules.mode("ebike"), cache_dir=tmp_path)
        assert network.n_nodes == 9
    assert calls == ["Test town"]


# --- snapping ----------------------------------------------------------------------------


def test_points_snap_to_nearest_node(ebike_block: RoadNetwork) -> None:
    snapping = snap_points(ebike_block, [121.4711], [31.2309], **OFFICE, max_snap_m=100)
    assert snapping.nodes == (ebike_block.node_index[4],)
    assert snapping.distances_m[0] == pytest.approx(14.6, abs=0.5)
    assert snapping.office_node == ebike_block.node_index[1]
    assert snapping.office_distance_m == pytest.approx(0.0, abs=1e-6)
    assert snapping.reasons == {}


def test_far_point_reports_distance_and_limit(ebike_block: RoadNetwork) -> None:
    # 0.004 deg north of node 5: about 445 m from it, farther from everything else.
    snapping = snap_points(ebike_block, [121.4700], [31.2350], **OFFICE, max_snap_m=100)
    assert snapping.nodes == (None,)
    found = re.fullmatch(
        r"(\d+) m from the nearest road usable by ebike \(limit 100 m\)", snapping.reasons[0]
    )
    assert found is not None
    assert int(found.group(1)) == pytest.approx(445, abs=2)


def test_point_on_a_cut_off_piece(ebike_block: RoadNetwork) -> None:
    # 20 m from node 11, on the piece 1 km north; and 50 m past the one-way stub's end 8.
    snapping = snap_points(
        ebike_block, [121.4710, 121.4720], [31.24018, 31.22855], **OFFICE, max_snap_m=100
    )
    assert snapping.nodes == (None, None)
    assert snapping.reasons == {0: CUT_OFF_REASON, 1: CUT_OFF_REASON}
    assert snapping.distances_m[0] == pytest.approx(20, abs=1)


def test_point_near_cut_off_node_takes_office_piece_in_reach(ebike_block: RoadNetwork) -> None:
    # 39 m from the stub's end 8 (cut off) but 72 m from node 3 (office's piece).
    snapping = snap_points(ebike_block, [121.4720], [31.22935], **OFFICE, max_snap_m=100)
    assert snapping.nodes == (ebike_block.node_index[3],)
    assert snapping.distances_m[0] == pytest.approx(72, abs=1)


def test_office_off_network_is_a_routing_error(ebike_block: RoadNetwork) -> None:
    with pytest.raises(RoutingError, match=r"office .* m from the nearest road"):
        snap_points(
            ebike_block, [121.47], [31.23], office_lon=121.5, office_lat=31.23, max_snap_m=300
        )


def test_office_prefers_the_largest_piece(ebike_block: RoadNetwork) -> None:
    # Nearer to the stub's end 8 (39 m) than to node 3 (72 m): the office still goes to 3.
    snapping = snap_points(
        ebike_block,
        [121.4700],
        [31.2300],
        office_lon=121.4720,
        office_lat=31.22935,
        max_snap_m=100,
    )
    assert snapping.office_node == ebike_block.node_index[3]
    assert snapping.reasons == {}


def test_office_on_a_cut_off_piece_when_the_main_one_is_out_of_reach(
    ebike_block: RoadNetwork, caplog: pytest.LogCaptureFixture
) -> None:
    snapping = snap_points(
        ebike_block,
        [121.4720, 121.4700],
        [31.2400, 31.2300],
        office_lon=121.4710,
        office_lat=31.2401,
        max_snap_m=100,
    )
    assert snapping.office_node == ebike_block.node_index[11]
    assert snapping.nodes == (ebike_block.node_index[12], None)
    assert snapping.reasons == {1: CUT_OFF_REASON}
    assert "cut off from its largest piece" in caplog.text


@pytest.mark.parametrize(
    ("lons", "lats", "limit", "message"),
    [
        ([121.47, 121.471], [31.23], 100, "equal length"),
        ([121.47], [31.23], 0, "positive max_snap_m"),
    ],
)
def test_snap_points_rejects_bad_arguments(
    ebike_block: RoadNetwork, lons: list[float], lats: list[float], limit: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        snap_points(ebike_block, lons, lats, **OFFICE, max_snap_m=limit)


def test_snapping_needs_a_reason_for_each_unusable_point() -> None:
    with pytest.raises(ValueError, match="reason"):
        Snapping(
            nodes=(None, 3),
            distances_m=(500.0, 1.0),
            reasons={},
            office_node=0,
            office_distance_m=0.0,
        )


def test_no_points_is_fine(ebike_block: RoadNetwork) -> None:
    snapping = snap_points(ebike_block, [], [], **OFFICE, max_snap_m=100)
    assert snapping.nodes == ()
    assert snapping.office_node == ebike_block.node_index[1]
