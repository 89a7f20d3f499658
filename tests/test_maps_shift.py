from dataclasses import replace
from datetime import date

import pytest

from routing.coords import from_wgs84
from routing.errors import InputError
from routing.maps.shift import Shift
from routing.maps.tiles import display_crs
from routing.plan import DayPlan, Plan, Stop
from routing.retailers import Area, Retailer

SHANGHAI = (121.4737, 31.2304)


def shanghai_plan() -> Plan:
    stop = Stop(
        retailer_id="R1",
        lon=SHANGHAI[0] + 0.01,
        lat=SHANGHAI[1],
        arrive_s=34_000,
        start_s=34_000,
        end_s=34_480,
        travel_s=60,
        travel_m=900,
    )
    day = DayPlan(
        date=date(2027, 1, 5),
        area="urban",
        depart_office_s=33_000,
        return_office_s=36_000,
        lunch=None,
        stops=(stop,),
        travel_back_s=60,
        travel_back_m=900,
        quota=30,
    )
    return Plan(
        manager="",
        mode="ebike",
        office_lon=SHANGHAI[0],
        office_lat=SHANGHAI[1],
        days=(day,),
        retailers=(),
        unplanned=(),
    )


def test_amap_tiles_are_gcj02_and_the_others_wgs84():
    assert display_crs("amap") == "gcj02"
    assert display_crs("osm") == "wgs84"
    assert display_crs("none") == "wgs84"


def test_wgs84_moves_nothing():
    plan = shanghai_plan()
    assert Shift("wgs84").plan(plan) is plan
    assert Shift().point(*SHANGHAI) == SHANGHAI


def test_gcj02_moves_the_office_every_stop_and_every_line_point():
    shift = Shift("gcj02")
    moved = shift.plan(shanghai_plan())
    stop = moved.days[0].stops[0]
    assert (moved.office_lon, moved.office_lat) == from_wgs84(*SHANGHAI, "gcj02")
    assert (stop.lon, stop.lat) == from_wgs84(SHANGHAI[0] + 0.01, SHANGHAI[1], "gcj02")
    assert replace(stop, lon=0.0, lat=0.0) == replace(
        shanghai_plan().days[0].stops[0], lon=0.0, lat=0.0
    )
    assert shift.lines([[SHANGHAI]]) == [[from_wgs84(*SHANGHAI, "gcj02")]]


def test_gcj02_moves_retailers():
    shop = Retailer(
        id="R1", name="店", lon=SHANGHAI[0], lat=SHANGHAI[1], area=Area.URBAN, retailer_class="A"
    )
    moved = Shift("gcj02").retailers({"R1": shop})["R1"]
    assert (moved.lon, moved.lat) == from_wgs84(*SHANGHAI, "gcj02")
    assert moved.name == "店"


def test_unknown_crs_is_rejected():
    with pytest.raises(InputError, match="unknown coordinate system"):
        Shift("mars")
