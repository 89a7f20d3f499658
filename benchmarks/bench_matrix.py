"""Time ``road_matrix`` against a networkx Dijkstra loop on the central Shanghai extract.

Usage::

    python benchmarks/bench_matrix.py [--shared-data PATH] [--out benchmarks/results/matrix.md]

Loads ``geo/china_shanghai_center.osm.bz2`` from the shared data, picks random nodes of the
largest strongly connected piece with a fixed seed, checks that both methods give the same
duration matrix, and writes a Markdown table. A synthetic 100k-node grid shows how the
matrix scales to a whole district (skip it with ``--no-synthetic``).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import networkx as nx
import numpy as np

from routing.matrix import road_matrix
from routing.network import RoadNetwork, load_network, network_from_graph
from routing.rules import TravelMode, load_rules

REPO = Path(__file__).resolve().parents[1]
EXTRACT = Path("geo") / "china_shanghai_center.osm.bz2"
T = TypeVar("T")
# Ours is cheap to repeat, so its best of 3 is reported; the networkx loop runs once.
REPEATS = 3


def timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def networkx_durations(network: RoadNetwork, nodes: np.ndarray) -> np.ndarray:
    ids = [int(network.node_ids[i]) for i in nodes]
    rows = []
    for source in ids:
        seconds = nx.single_source_dijkstra_path_length(
            network.graph, source, weight="travel_time"
        )
        rows.append([seconds[target] for target in ids])
    return np.rint(np.array(rows)).astype(np.int64)


def best_of(repeats: int, work: Callable[[], T]) -> tuple[T, float]:
    runs = [timed(work) for _ in range(repeats)]
    return runs[0][0], min(seconds for _, seconds in runs)


def compare(network: RoadNetwork, nodes: np.ndarray) -> list[str]:
    ours, ours_s = best_of(REPEATS, lambda: road_matrix(network, nodes.tolist()))
    reference, nx_s = timed(lambda: networkx_durations(network, nodes))
    if not np.array_equal(ours.durations_s, reference):
        differing = int((ours.durations_s != reference).sum())
        sys.exit(f"FAILED: {differing} durations differ from networkx")
    print(f"{len(nodes)}x{len(nodes)}: ours {ours_s:.2f} s, networkx {nx_s:.1f} s, identical")
    median_min = float(np.median(ours.durations_s)) / 60
    return [
        "| points | ours (s) | networkx loop (s) | speed-up | durations identical |",
        "|---|---|---|---|---|",
        f"| {len(nodes)} x {len(nodes)} | {ours_s:.2f} | {nx_s:.1f} | "
        f"{nx_s / ours_s:.0f}x | yes (median pair {median_min:.1f} min, "
        f"max {ours.durations_s.max() / 60:.1f} min) |",
    ]


def growth(
    network: RoadNetwork, pool: np.ndarray, sizes: list[int], seed: int, repeats: int = REPEATS
) -> list[str]:
    lines = ["| points | ours (s) | per source (ms) |", "|---|---|---|"]
    for size in sizes:
        nodes = np.random.default_rng(seed).choice(pool, size, replace=False)
        _, seconds = best_of(repeats, lambda nodes=nodes: road_matrix(network, nodes.tolist()))
        print(f"  {size} points: {seconds:.2f} s")
        lines.append(f"| {size} x {size} | {seconds:.2f} | {1000 * seconds / size:.1f} |")
    return lines


def grid_network(side: int, mode: TravelMode, seed: int) -> RoadNetwork:
    """A perturbed street grid: 90 % two-way, 10 % one-way, three road classes."""
    rng = np.random.default_rng(seed)
    graph = nx.MultiDiGraph(crs="epsg:4326")
    step = 0.001
    for i in range(side):
        for j in range(side):
            graph.add_node(i * side + j, x=121.0 + j * step, y=31.0 + i * step)
    classes = ["residential", "tertiary", "primary"]
    for i in range(side):
        for j in range(side):
            here = i * side + j
            for there in ([here + 1] if j + 1 < side else []) + (
                [here + side] if i + 1 < side else []
            ):
                data = {"highway": classes[rng.integers(3)], "length": float(rng.uniform(95, 140))}
                graph.add_edge(here, there, **data)
                if rng.random() > 0.1:
                    graph.add_edge(there, here, **data)
    return network_from_graph(graph, mode=mode, source=f"synthetic {side}x{side} grid")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = os.environ.get("VISITPLAN_SHARED_DATA", str(REPO.parent / "shared" / "data"))
    parser.add_argument("--shared-data", type=Path, default=Path(default_shared))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "matrix.md")
    parser.add_argument("--mode", default="ebike")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--no-synthetic", action="store_true")
    args = parser.parse_args(argv)

    path = args.shared_data / EXTRACT
    if not path.is_file():
        print(f"{path} not found; pass --shared-data", file=sys.stderr)
        return 2
    mode = load_rules().mode(args.mode)
    network, load_s = timed(lambda: load_network(path, mode=mode))
    pool = network.component_nodes(network.largest_component)
    print(f"{path.name}: {network.n_nodes} nodes, {network.durations.nnz} arcs, {load_s:.1f} s")
    nodes = np.random.default_rng(args.seed).choice(pool, 300, replace=False)

    lines = [
        "# Travel-matrix benchmark",
        "",
        f"`python benchmarks/bench_matrix.py`, seed {args.seed}, mode `{mode.name}`, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs.",
        "",
        f"Network: `{path.name}` unsimplified, {network.n_nodes} nodes "
        f"({len(pool)} in the largest strongly connected piece), {network.durations.nnz} "
        f"arcs; loaded and filtered in {load_s:.1f} s.",
        "",
        "## road_matrix (scipy Dijkstra, no cache) vs networkx single_source_dijkstra loop",
        "",
        f"Ours: best of {REPEATS} runs (no cache); networkx: one run. Same graph, same weights.",
        "",
        *compare(network, nodes),
        "",
        "## road_matrix on growing sizes (same network, best of 3)",
        "",
        *growth(network, pool, [100, 300, 1000], args.seed),
    ]
    if not args.no_synthetic:
        grid, build_s = timed(lambda: grid_network(317, mode, args.seed))
        print(f"synthetic grid: {grid.n_nodes} nodes, {grid.durations.nnz} arcs, {build_s:.1f} s")
        lines += [
            "",
            f"## road_matrix on a synthetic grid: {grid.n_nodes} nodes, {grid.durations.nnz} arcs",
            "",
            *growth(grid, grid.component_nodes(grid.largest_component), [300, 1000], args.seed, 1),
        ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
