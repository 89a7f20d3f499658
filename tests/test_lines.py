from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from routing.generator import generate_retailers
from routing.matrix import road_matrix
from routing.network import load_network, street_segments
from routing.rules import Rules
from routing.snapping import snap_points
from territory.lines import Line, LinePlan, build_lines, line_compactness
from territory.lines_kmedoids import Balance, Partition
from territory.lines_moves import improve

SPEED_MPS = 4  # an e-bike in town, roughly


def matrix_of(points: Sequence[tuple[float, float]], *, one_way_s: int = 0) -> NDArray[np.int64]:
    """Travel times between points in metres (office first); ``one_way_s`` extra uphill."""
    xy = np.array(points, dtype=float)
    metres = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    times = np.rint(metres / SPEED_MPS).astype(np.int64)
    result: NDArray[np.int64] = times + np.triu(np.full_like(times, one_way_s), k=1)
    return result


# Office at the origin, three shops 5 km west (W1..W3) and three 5 km east (E1..E3).
CLUSTERS = [(0, 0), (-5000, 0), (-5100, 80), (-4950, -60), (5000, 0), (5080, 90), (4900, 40)]
CLUSTER_IDS = ["W1", "W2", "W3", "E1", "E2", "E3"]
WORK = [600] * 6


@pytest.fixture
def clusters() -> NDArray[np.int64]:
    """Two obvious clusters of three shops, asymmetric travel times."""
    return matrix_of(CLUSTERS, one_way_s=30)


@pytest.fixture(scope="module")
def kotka_shops(rules: Rules) -> tuple[list[str], NDArray[np.int64], list[int]]:
    """200 generated shops in Kotka: ids, road travel times (office first), workloads."""
    network = load_network("bundled:kotka", mode=rules.mode("ebike"))
    shops = generate_retailers(street_segments(network), count=200, seed=3)
    lons, lats = [s.lon for s in shops], [s.lat for s in shops]
    snapped = snap_points(
        network,
        lons,
        lats,
        office_lon=float(np.mean(lons)),
        office_lat=float(np.mean(lats)),
        max_snap_m=500,
    )
    nodes = [snapped.office_node, *(n for n in snapped.nodes if n is not None)]
    assert len(nodes) == 201
    durations = road_matrix(network, nodes).durations_s
    workloads = [int(w) for w in np.random.default_rng(0).integers(8, 20, size=200) * 60]
    return [s.id for s in shops], durations, workloads


def loads_within(plan: LinePlan, tolerance: float) -> bool:
    loads = np.array([line.workload_s for line in plan.lines])
    mean = loads.sum() / len(loads)
    return bool(((loads >= mean * (1 - tolerance)) & (loads <= mean * (1 + tolerance))).all())


def random_balanced_plan(ids: list[str], durations: NDArray[np.int64], count: int) -> LinePlan:
    """Deal shuffled retailers round-robin onto ``count`` lines; medoids as build_lines."""
    order = np.random.default_rng(1).permutation(len(ids))
    sym = durations + durations.T
    lines = []
    for index in range(count):
        members = np.sort(order[index::count])
        medoid = members[np.argmin(sym[np.ix_(members + 1, members + 1)].sum(axis=1))]
        lines.append(
            Line(
                index=index,
                retailer_ids=tuple(ids[i] for i in members),
                workload_s=0,
                medoid=ids[medoid],
            )
        )
    return LinePlan(lines=tuple(lines), retailer_ids=tuple(ids))


def test_two_obvious_clusters_are_split_exactly(clusters: NDArray[np.int64]) -> None:
    plan = build_lines(CLUSTER_IDS, clusters, count=2, workload_s=WORK)
    assert {line.retailer_ids for line in plan.lines} == {("W1", "W2", "W3"), ("E1", "E2", "E3")}
    assert [line.workload_s for line in plan.lines] == [1800, 1800]
    assert {line.medoid for line in plan.lines} == {"W1", "E1"}
    assert plan.moved == ()


def test_compactness_is_the_mean_time_to_the_medoid(clusters: NDArray[np.int64]) -> None:
    plan = build_lines(CLUSTER_IDS, clusters, count=2, workload_s=WORK)
    west = plan.line_of("W1")
    sym = (clusters + clusters.T) / 2
    expected = (0 + sym[1, 2] + sym[1, 3]) / 3
    assert line_compactness(plan, clusters)[west] == pytest.approx(expected)


def test_a_full_cluster_sends_the_extra_shop_to_the_other_line(
    clusters: NDArray[np.int64],
) -> None:
    # Four shops west, two east: balance (ceiling 3.3 shops) forces one west shop east.
    points = [*CLUSTERS, (-5050, 30)]
    ids = [*CLUSTER_IDS, "W4"]
    plan = build_lines(ids, matrix_of(points), count=2, workload_s=[600] * 7)
    assert sorted(len(line.retailer_ids) for line in plan.lines) == [3, 4]
    assert loads_within(plan, 0.2)


@pytest.mark.parametrize("count", [5, 10])
def test_lines_are_balanced_within_tolerance(
    kotka_shops: tuple[list[str], NDArray[np.int64], list[int]], count: int
) -> None:
    ids, durations, workloads = kotka_shops
    plan = build_lines(ids, durations, count=count, workload_s=workloads)
    assert len(plan.lines) == count
    assert loads_within(plan, 0.10)
    assert sum(len(line.retailer_ids) for line in plan.lines) == 200


def test_a_tighter_tolerance_is_kept(
    kotka_shops: tuple[list[str], NDArray[np.int64], list[int]],
) -> None:
    ids, durations, workloads = kotka_shops
    plan = build_lines(ids, durations, count=5, workload_s=workloads, tolerance=0.03)
    assert loads_within(plan, 0.03)
    assert not loads_within(build_lines(ids, durations, count=5, workload_s=workloads), 0.03)


def test_same_input_gives_the_same_lines(
    kotka_shops: tuple[list[str], NDArray[np.int64], list[int]],
) -> None:
    ids, durations, workloads = kotka_shops
    first = build_lines(ids, durations, count=5, workload_s=workloads)
    again = build_lines(list(ids), durations.copy(), count=5, workload_s=list(workloads))
    assert again == first


def test_the_lines_do_not_depend_on_the_hash_seed() -> None:
    script = (
        "import numpy as np; from territory.lines import build_lines\n"
        "rng = np.random.default_rng(2); xy = rng.normal(0, 2000, size=(61, 2))\n"
        "t = np.rint(np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1)) / 4)\n"
        "ids = [f'S{i}' for i in range(60)]\n"
        "plan = build_lines(ids, t.astype(np.int64), count=5, workload_s=[600] * 60)\n"
        "print([line.retailer_ids for line in plan.lines])\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_improve_swaps_a_straggler_back(clusters: NDArray[np.int64]) -> None:
    sym = (clusters + clusters.T)[1:, 1:]
    part = Partition(sym, np.full(6, 600, dtype=np.int64), 2)
    for retailer, line in enumerate([0, 0, 1, 1, 1, 0]):  # W3 and E3 swapped
        part.place(retailer, line)
    part.update_medoids()
    before = part.total_cost()
    improve(part, Balance(floor=1800, ceiling=1800))
    assert part.line.tolist() == [0, 0, 0, 1, 1, 1]
    assert part.total_cost() < before


def test_lines_are_more_compact_than_a_random_balanced_split(
    kotka_shops: tuple[list[str], NDArray[np.int64], list[int]],
) -> None:
    ids, durations, workloads = kotka_shops
    plan = build_lines(ids, durations, count=5, workload_s=workloads)
    ours = np.mean(line_compactness(plan, durations))
    random = np.mean(line_compactness(random_balanced_plan(ids, durations, 5), durations))
    assert ours < 0.5 * random


def test_previous_equal_to_the_output_moves_nobody(
    kotka_shops: tuple[list[str], NDArray[np.int64], list[int]],
) -> None:
    ids, durations, workloads = kotka_shops
    plan = build_lines(ids, durations, count=5, workload_s=workloads)
    previous = {rid: plan.line_of(rid) for rid in ids}
    again = build_lines(ids, durations, count=5, workload_s=workloads, previous=previous)
    assert again.moved == ()
    assert again.lines == plan.lines


def test_new_retailers_leave_every_old_one_on_its_line(
    kotka_shops: tuple[list[str], NDArray[np.int64], list[int]],
) -> None:
    ids, durations, workloads = kotka_shops
    old = build_lines(ids[:195], durations[:196, :196], count=5, workload_s=workloads[:195])
    previous = {rid: old.line_of(rid) for rid in ids[:195]}
    plan = build_lines(ids, durations, count=5, workload_s=workloads, previous=previous)
    assert all(plan.line_of(rid) == line for rid, line in previous.items())
    assert plan.moved == ()
    assert {plan.line_of(rid) for rid in ids[195:]} <= set(range(5))


def test_a_new_retailer_goes_to_the_nearest_line_with_room() -> None:
    ids = [*CLUSTER_IDS, "E4"]
    durations = matrix_of([*CLUSTERS, (5020, -50)])
    previous = {rid: 0 if rid.startswith("W") else 1 for rid in CLUSTER_IDS}
    # Mean 2100 s, ceiling 2520 s: the east line (1800 s) has room for E4.
    roomy = build_lines(
        ids, durations, count=2, workload_s=[600] * 7, previous=previous, tolerance=0.2
    )
    assert roomy.line_of("E4") == 1
    assert roomy.moved == ()
    # Mean 2550 s, ceiling 2805 s: the east line (2700 s) is full, so E4 goes west.
    busy_east = [600, 600, 600, 900, 900, 900, 600]
    full = build_lines(ids, durations, count=2, workload_s=busy_east, previous=previous)
    assert full.line_of("E4") == 0
    assert full.moved == ()


def test_cancelled_retailers_are_ignored(clusters: NDArray[np.int64]) -> None:
    previous = {"W1": 0, "W2": 0, "W3": 0, "E1": 1, "E2": 1, "E3": 1, "GONE": 1}
    plan = build_lines(CLUSTER_IDS, clusters, count=2, workload_s=WORK, previous=previous)
    assert [line.retailer_ids for line in plan.lines] == [("W1", "W2", "W3"), ("E1", "E2", "E3")]


def test_an_overloaded_previous_line_is_rebalanced(
    kotka_shops: tuple[list[str], NDArray[np.int64], list[int]],
) -> None:
    ids, durations, workloads = kotka_shops
    plan = build_lines(ids, durations, count=5, workload_s=workloads)
    # 60 % of the retailers on line 0, the rest where they were.
    previous = {rid: 0 if i < 120 else plan.line_of(rid) for i, rid in enumerate(ids)}
    again = build_lines(ids, durations, count=5, workload_s=workloads, previous=previous)
    assert sorted(again.retailer_ids) == sorted(ids)
    ceiling = sum(workloads) / 5 * 1.10
    assert max(line.workload_s for line in again.lines) <= ceiling
    moved = {rid: (source, target) for rid, source, target, _ in again.moved}
    assert moved
    assert all(source == 0 and target != 0 for source, target in moved.values())
    assert all("ceiling" in reason for *_, reason in again.moved)
    for rid in ids:
        assert again.line_of(rid) == moved.get(rid, (0, previous[rid]))[1]


def test_a_balanced_previous_plan_is_kept_even_if_not_compact(
    kotka_shops: tuple[list[str], NDArray[np.int64], list[int]],
) -> None:
    ids, durations, _ = kotka_shops
    random = random_balanced_plan(ids, durations, 5)
    previous = {rid: random.line_of(rid) for rid in ids}
    equal = [600] * len(ids)
    plan = build_lines(ids, durations, count=5, workload_s=equal, previous=previous)
    assert plan.moved == ()
    assert all(plan.line_of(rid) == line for rid, line in previous.items())


def test_more_lines_than_retailers_leaves_lines_empty(clusters: NDArray[np.int64]) -> None:
    plan = build_lines(CLUSTER_IDS, clusters, count=8, workload_s=WORK)
    sizes = sorted(len(line.retailer_ids) for line in plan.lines)
    assert sizes == [0, 0, 1, 1, 1, 1, 1, 1]
    assert all((line.medoid is None) == (not line.retailer_ids) for line in plan.lines)
    compactness = line_compactness(plan, clusters)
    assert sum(math.isnan(value) for value in compactness) == 2


def test_no_retailers_gives_empty_lines() -> None:
    plan = build_lines([], np.zeros((1, 1), dtype=np.int64), count=3, workload_s=[])
    assert [line.retailer_ids for line in plan.lines] == [(), (), ()]


def test_a_retailer_heavier_than_the_ceiling_still_gets_a_line(
    clusters: NDArray[np.int64],
) -> None:
    plan = build_lines(CLUSTER_IDS, clusters, count=2, workload_s=[600] * 5 + [9000])
    assert sum(len(line.retailer_ids) for line in plan.lines) == 6
    assert plan.lines[plan.line_of("E3")].workload_s >= 9000


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"count": 0}, "count >= 1"),
        ({"workload_s": [600] * 5}, "one workload per retailer"),
        ({"workload_s": [600] * 5 + [-1]}, "workloads >= 0"),
        ({"durations_s": np.zeros((6, 6), dtype=np.int64)}, "7×7 durations_s"),
        ({"durations_s": -np.ones((7, 7), dtype=np.int64)}, "travel times >= 0"),
        ({"retailer_ids": ["W1"] * 6}, "unique retailer ids"),
        ({"tolerance": -0.1}, "tolerance >= 0"),
        ({"previous": {"W1": 2}}, "outside \\[0, 2\\)"),
    ],
)
def test_bad_inputs_are_refused(
    clusters: NDArray[np.int64], changes: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {
        "retailer_ids": CLUSTER_IDS,
        "durations_s": clusters,
        "count": 2,
        "workload_s": WORK,
        **changes,
    }
    with pytest.raises(ValueError, match=message):
        build_lines(**arguments)  # type: ignore[arg-type]


def test_every_input_problem_is_reported_at_once(clusters: NDArray[np.int64]) -> None:
    with pytest.raises(ValueError, match=r"count >= 1.*tolerance >= 0.*one workload") as error:
        build_lines(CLUSTER_IDS, clusters, count=0, workload_s=[1], tolerance=-1)
    assert "durations_s" not in str(error.value)


def test_a_plan_refuses_a_retailer_twice_or_missing() -> None:
    lines = (
        Line(index=0, retailer_ids=("A", "B"), workload_s=2, medoid="A"),
        Line(index=1, retailer_ids=("B",), workload_s=1, medoid="B"),
    )
    with pytest.raises(ValueError, match=r"more than one line.*'B'.*on no line.*'C'"):
        LinePlan(lines=lines, retailer_ids=("A", "B", "C"))


def test_a_plan_refuses_a_move_that_does_not_match() -> None:
    lines = (
        Line(index=0, retailer_ids=("A",), workload_s=1, medoid="A"),
        Line(index=1, retailer_ids=("B",), workload_s=1, medoid="B"),
    )
    assert LinePlan(lines=lines, retailer_ids=("A", "B"), moved=(("B", 0, 1, "r"),))
    with pytest.raises(ValueError, match="move of 'A'"):
        LinePlan(lines=lines, retailer_ids=("A", "B"), moved=(("A", 0, 1, "r"),))


def test_a_line_needs_a_member_medoid() -> None:
    with pytest.raises(ValueError, match="medoid"):
        Line(index=0, retailer_ids=("A",), workload_s=1, medoid="Z")
    with pytest.raises(ValueError, match="medoid"):
        Line(index=0, retailer_ids=(), workload_s=0, medoid="Z")


def test_line_of_an_unknown_retailer(clusters: NDArray[np.int64]) -> None:
    plan = build_lines(CLUSTER_IDS, clusters, count=2, workload_s=WORK)
    with pytest.raises(KeyError, match="on no line"):
        plan.line_of("NOPE")


def test_compactness_needs_the_plan_matrix(clusters: NDArray[np.int64]) -> None:
    plan = build_lines(CLUSTER_IDS, clusters, count=2, workload_s=WORK)
    with pytest.raises(ValueError, match="7×7"):
        line_compactness(plan, clusters[:3, :3])


def test_300_retailers_in_ten_lines_take_well_under_a_second(rules: Rules) -> None:
    rng = np.random.default_rng(5)
    points = [(0.0, 0.0), *map(tuple, rng.normal(0, 3000, size=(300, 2)))]
    durations = matrix_of(points, one_way_s=20)
    ids = [f"S{i:03d}" for i in range(300)]
    start = time.perf_counter()
    plan = build_lines(ids, durations, count=10, workload_s=[900] * 300)
    assert time.perf_counter() - start < 2.0
    assert loads_within(plan, 0.10)
