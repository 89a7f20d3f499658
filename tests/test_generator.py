from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from routing.generator import Segment, generate_retailers
from routing.retailers import Area, Retailer
from routing.rules import load_rules

LON0, LAT0 = 121.47, 31.23
BLOCK = 200.0  # metres
M_PER_DEG_LAT = math.radians(1) * 6_371_008.8
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(LAT0))


def grid(blocks: int = 15) -> list[Segment]:
    """Return a square street grid of ``blocks`` x ``blocks`` blocks of 200 m, 3 km across."""
    dlon, dlat = BLOCK / M_PER_DEG_LON, BLOCK / M_PER_DEG_LAT
    segments: list[Segment] = []
    for i in range(blocks + 1):
        for j in range(blocks):
            segments.append(
                ((LON0 + i * dlon, LAT0 + j * dlat), (LON0 + i * dlon, LAT0 + (j + 1) * dlat))
            )
            segments.append(
                ((LON0 + j * dlon, LAT0 + i * dlat), (LON0 + (j + 1) * dlon, LAT0 + i * dlat))
            )
    return segments


STREETS = grid()
CENTER = (LON0 + 7.5 * BLOCK / M_PER_DEG_LON, LAT0 + 7.5 * BLOCK / M_PER_DEG_LAT)


def xy(lon: float, lat: float) -> np.ndarray:
    return np.array([(lon - CENTER[0]) * M_PER_DEG_LON, (lat - CENTER[1]) * M_PER_DEG_LAT])


def distance_to_streets(retailer: Retailer) -> float:
    p = xy(retailer.lon, retailer.lat)
    best = math.inf
    for a_ll, b_ll in STREETS:
        a, b = xy(*a_ll), xy(*b_ll)
        t = np.clip(np.dot(p - a, b - a) / np.dot(b - a, b - a), 0, 1)
        best = min(best, float(np.hypot(*(a + t * (b - a) - p))))
    return best


def from_center(retailer: Retailer, center: tuple[float, float] = CENTER) -> float:
    return float(np.hypot(*(xy(retailer.lon, retailer.lat) - xy(*center))))


@pytest.fixture(scope="module")
def retailers() -> tuple[Retailer, ...]:
    return generate_retailers(STREETS, count=200, seed=7, rural_share=0.2)


def test_same_seed_same_retailers(retailers):
    assert generate_retailers(STREETS, count=200, seed=7, rural_share=0.2) == retailers


def test_different_seed_different_retailers(retailers):
    other = generate_retailers(STREETS, count=200, seed=8, rural_share=0.2)

    assert [(r.lon, r.lat) for r in other] != [(r.lon, r.lat) for r in retailers]
    assert [r.name for r in other] != [r.name for r in retailers]


def test_count_and_ids(retailers):
    assert len(retailers) == 200
    assert [r.id for r in retailers[:2]] == ["R0001", "R0002"]
    assert len({r.id for r in retailers}) == 200


def test_prefix_and_wide_ids():
    many = generate_retailers(STREETS, count=10_001, seed=1, prefix="SH")

    assert (many[0].id, many[-1].id) == ("SH00001", "SH10001")


def test_zero_count():
    assert generate_retailers(STREETS, count=0, seed=1) == ()


def test_within_radius_of_the_default_center(retailers):
    # the default center is the centroid of the grid
    assert max(from_center(r) for r in retailers) <= 1500


def test_within_radius_of_a_given_center():
    center = (LON0 + 300 / M_PER_DEG_LON, LAT0 + 300 / M_PER_DEG_LAT)

    small = generate_retailers(STREETS, count=100, seed=2, center=center, radius_m=500)

    assert max(from_center(r, center) for r in small) <= 500


def test_near_streets(retailers):
    assert max(distance_to_streets(r) for r in retailers) <= 30
    assert sum(distance_to_streets(r) > 0.5 for r in retailers) > 150  # jittered off the line


def test_clustered(retailers):
    """Shops cluster: the busiest tenth of 200 m cells hold far more than a tenth of them."""
    cells = Counter(tuple(np.floor(xy(r.lon, r.lat) / 200).astype(int)) for r in retailers)
    busiest = sorted(cells.values(), reverse=True)[: max(1, len(cells) // 10)]

    assert sum(busiest) > 0.3 * len(retailers)  # about 0.2 if spread evenly along streets


def test_neighbours_are_close(retailers):
    points = np.array([xy(r.lon, r.lat) for r in retailers])
    gaps = np.hypot(*(points[:, None] - points[None]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)

    assert np.median(gaps.min(axis=1)) < 35  # about 70 m if spread evenly along streets


def test_class_mix(retailers):
    counts = Counter(r.retailer_class for r in retailers)

    assert counts == {"A": 20, "B": 40, "C": 70, "D": 50, "E": 20}
    assert set(counts) <= set(load_rules().classes)


@pytest.mark.parametrize("count", [1, 7, 33])
def test_class_mix_of_small_counts_adds_up(count):
    small = generate_retailers(STREETS, count=count, seed=count)

    assert len(small) == count
    assert {r.retailer_class for r in small} <= set(load_rules().classes)


def test_flags(retailers):
    assert sum(r.fluctuating for r in retailers) == 20
    assert sum(r.enterprise for r in retailers) == 10
    assert sum(r.must_visit for r in retailers) == 6
    assert sum(r.forecast_sample for r in retailers) == 10
    assert all(r.service_s is None and r.visits_per_month is None for r in retailers)


def test_opening_hours(retailers):
    with_hours = [r for r in retailers if r.opening]

    assert len(with_hours) == 20
    assert any(len(r.opening) == 2 for r in with_hours)  # a midday break
    # every shop with hours is open for a good part of the field day (09:30-15:00)
    for r in with_hours:
        open_s = sum(min(w.end_s, 15 * 3600) - max(w.start_s, 9 * 3600 + 1800) for w in r.opening)
        assert open_s >= 3 * 3600


def test_rural_ones_are_the_outer_ones(retailers):
    rural = [from_center(r) for r in retailers if r.area is Area.RURAL]
    urban = [from_center(r) for r in retailers if r.area is Area.URBAN]

    assert len(rural) == 40
    assert min(rural) >= max(urban)


def test_urban_by_default():
    assert {r.area for r in generate_retailers(STREETS, count=50, seed=1)} == {Area.URBAN}


def test_chinese_names_and_addresses(retailers):
    suffixes = ("便利店", "烟酒店", "超市", "商行", "副食店", "烟酒行", "小卖部", "商店")

    assert len({r.name for r in retailers}) == len(retailers)
    assert all(r.name.endswith(suffixes) for r in retailers)
    assert all(r.address.endswith("号") for r in retailers)


def test_names_stay_unique_beyond_the_combinations():
    many = generate_retailers(STREETS, count=500, seed=4)

    assert len({r.name for r in many}) == 500


def test_zero_length_segments_are_ignored():
    point = (LON0, LAT0)
    streets = [(point, point), *STREETS]

    assert len(generate_retailers(streets, count=20, seed=1)) == 20


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": -1}, "count"),
        ({"radius_m": 0}, "radius_m"),
        ({"rural_share": 1.5}, "rural_share"),
        ({"center": (0.0, 0.0)}, "within radius_m"),
    ],
)
def test_bad_arguments(kwargs, message):
    arguments = {"count": 10, "seed": 1, **kwargs}

    with pytest.raises(ValueError, match=message):
        generate_retailers(STREETS, **arguments)


def test_no_streets():
    with pytest.raises(ValueError, match="street"):
        generate_retailers([], count=10, seed=1)
