import itertools
import json

import numpy as np
import pytest

from routing.maps import BaseRoads
from routing.maps.roads import bounds_of, encode_lines

# A 3 x 3 block grid of 0.001 degree (~100 m) around (24.94, 60.17), 2 segments per block side.
WEST, SOUTH = 24.940, 60.170


def grid(blocks: int = 3) -> BaseRoads:
    segments = []
    for k in range(blocks + 1):
        for j in range(2 * blocks):
            lon0, lon1 = WEST + 0.0005 * j, WEST + 0.0005 * (j + 1)
            segments.append(((lon0, SOUTH + 0.001 * k), (lon1, SOUTH + 0.001 * k)))
            lat0, lat1 = SOUTH + 0.0005 * j, SOUTH + 0.0005 * (j + 1)
            segments.append(((WEST + 0.001 * k, lat0), (WEST + 0.001 * k, lat1)))
    return BaseRoads.from_segments(segments)


def test_segments_are_merged_between_junctions_and_simplified():
    lines = grid().lines_within((WEST, SOUTH, WEST + 0.003, SOUTH + 0.003), margin_m=50)
    # 8 streets of 3 blocks, each block side 2 segments; the 4 corners join two sides.
    assert len(lines) == 20
    assert sum(map(len, lines)) == 2 * 20 + 4  # straight: ends kept, and the corners


def test_streets_are_clipped_to_the_bounds_and_margin():
    box = (WEST + 0.0005, SOUTH + 0.0005, WEST + 0.0015, SOUTH + 0.0015)
    lines = grid().lines_within(box, margin_m=0)
    assert len(lines) == 4  # the two streets crossing in the box, cut at it and the junction
    assert bounds_of([p for line in lines for p in line]) == pytest.approx(box)


def test_a_margin_keeps_streets_around_the_bounds():
    tight = grid().lines_within(
        (WEST + 0.0012, SOUTH + 0.0012, WEST + 0.0018, SOUTH + 0.0018), margin_m=0
    )
    wide = grid().lines_within(
        (WEST + 0.0012, SOUTH + 0.0012, WEST + 0.0018, SOUTH + 0.0018), margin_m=200
    )
    assert tight == []  # the box lies inside one block
    assert len(wide) == 20


def test_nothing_nearby_gives_no_lines():
    assert grid().lines_within((0.0, 0.0, 0.001, 0.001)) == []


def test_too_many_points_raise_the_tolerance_until_they_fit():
    rng = np.random.default_rng(1)
    wiggly = [[(WEST + 0.0001 * k, SOUTH + 0.00002 * rng.standard_normal()) for k in range(200)]]
    roads = BaseRoads.from_segments((a, b) for line in wiggly for a, b in itertools.pairwise(line))
    box = (WEST, SOUTH - 0.001, WEST + 0.02, SOUTH + 0.001)
    full = roads.lines_within(box, tolerance_m=0.01)
    capped = roads.lines_within(box, tolerance_m=0.01, max_points=20)
    assert sum(map(len, full)) > 100
    assert sum(map(len, capped)) <= 20


def test_lines_are_delta_encoded_in_1e_5_degrees():
    encoded = json.loads(encode_lines([[(24.94, 60.17), (24.94012, 60.17003)]]))
    assert encoded == [[6017000, 2494000, 3, 12]]


def test_segments_must_be_pairs_of_points():
    with pytest.raises(ValueError, match=r"\(n, 2, 2\)"):
        BaseRoads(np.zeros((3, 3, 2)))
    with pytest.raises(ValueError, match="at least one point"):
        bounds_of([])
