from __future__ import annotations

import math

import prcoords
import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.coords import Crs, from_wgs84, in_china, parse_crs, to_wgs84
from routing.errors import InputError

SHANGHAI = (121.4737, 31.2304)  # People's Square, WGS-84
CHINA = [
    SHANGHAI,
    (116.3975, 39.9087),
    (113.2644, 23.1291),
    (104.0657, 30.6595),
    (87.6168, 43.8256),
]
OUTSIDE = [(-0.1276, 51.5072), (2.3522, 48.8566), (-74.006, 40.7128), (151.2093, -33.8688)]


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the haversine distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


@pytest.mark.parametrize("point", CHINA)
@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_round_trip_within_half_a_metre(point, crs):
    there = from_wgs84(*point, crs)
    back = to_wgs84(*there, crs)

    assert metres(point, back) < 0.5


@given(
    lon=st.floats(min_value=75, max_value=134),
    lat=st.floats(min_value=18, max_value=53),
    crs=st.sampled_from(["gcj02", "bd09"]),
)
def test_round_trip_anywhere_in_china(lon, lat, crs):
    assert metres((lon, lat), to_wgs84(*from_wgs84(lon, lat, crs), crs)) < 0.5


def test_gcj02_offset_in_shanghai_is_a_few_hundred_metres():
    gcj = from_wgs84(*SHANGHAI, "gcj02")

    assert 300 < metres(SHANGHAI, gcj) < 600
    assert gcj[0] > SHANGHAI[0]  # east
    assert gcj[1] < SHANGHAI[1]  # and south


def test_bd09_offset_in_shanghai_is_about_a_kilometre():
    assert 800 < metres(SHANGHAI, from_wgs84(*SHANGHAI, "bd09")) < 1500


def test_known_gcj02_value_matches_prcoords():
    expected = prcoords.wgs_gcj(prcoords.Coords(SHANGHAI[1], SHANGHAI[0]))

    assert from_wgs84(*SHANGHAI, "gcj02") == pytest.approx((expected.lon, expected.lat), abs=1e-12)
    assert from_wgs84(*SHANGHAI, "gcj02") == pytest.approx((121.478223, 31.228458), abs=1e-6)


def test_to_wgs84_uses_the_precise_inverse():
    gcj = (121.478223, 31.228458)
    precise = prcoords.gcj_wgs_bored(prcoords.Coords(gcj[1], gcj[0]))

    assert to_wgs84(*gcj, "gcj02") == pytest.approx((precise.lon, precise.lat), abs=1e-12)


@pytest.mark.parametrize("point", CHINA + OUTSIDE)
def test_wgs84_is_unchanged(point):
    assert to_wgs84(*point, "wgs84") == point
    assert from_wgs84(*point, "wgs84") == point


@pytest.mark.parametrize("point", OUTSIDE)
def test_gcj02_outside_china_is_unchanged_and_does_not_warn(point):
    # prcoords warns (UserWarning) and returns the point as-is outside China; we check
    # first, so nothing is warned (pytest turns warnings into errors here).
    assert not in_china(*point)
    assert to_wgs84(*point, "gcj02") == point
    assert from_wgs84(*point, "gcj02") == point


@pytest.mark.parametrize("point", OUTSIDE)
def test_bd09_outside_china_only_removes_the_baidu_offset(point):
    bd = from_wgs84(*point, "bd09")

    assert 500 < metres(point, bd) < 2000
    assert metres(point, to_wgs84(*bd, "bd09")) < 0.5


@pytest.mark.parametrize(
    ("name", "expected"),
    [("wgs84", Crs.WGS84), ("WGS-84", Crs.WGS84), ("gcj_02", Crs.GCJ02), (" BD09 ", Crs.BD09)],
)
def test_parse_crs(name, expected):
    assert parse_crs(name) is expected


def test_unknown_crs():
    with pytest.raises(InputError) as caught:
        to_wgs84(*SHANGHAI, "epsg:3857")

    [problem] = caught.value.problems
    assert problem.source == "--crs"
    assert "use one of: wgs84, gcj02, bd09" in problem.message


def test_in_china():
    assert in_china(*SHANGHAI)
    assert not in_china(-0.1276, 51.5072)
