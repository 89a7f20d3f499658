"""``explore``: a plan on an interactive folium map in a notebook, as geopandas' ``explore()``.

One call picks the right map (one day, or a month with a layer per day or line) and
returns the ``folium.Map``, which a notebook shows as is; pass ``m=`` to add a plan's
layers to a map you already have.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import folium

from routing.maps.day import day_map
from routing.maps.month import month_map
from routing.maps.roads import BaseRoads
from routing.plan import Plan
from routing.retailers import Retailer

LonLat = tuple[float, float]


def explore(
    plan: Plan,
    retailers: Mapping[str, Retailer] | Iterable[Retailer] = (),
    *,
    day: int | date | None = None,
    paths: Mapping[date, Sequence[Sequence[LonLat]]] | None = None,
    roads: BaseRoads | None = None,
    tiles: str = "osm",
    group_by: str = "day",
    lang: str = "zh",
    m: folium.Map | None = None,
) -> folium.Map:
    """Return ``plan`` drawn on a folium map: a day map, or a month map for several days.

    Parameters
    ----------
    plan
        A day or month plan.
    retailers
        Retailer records (a mapping by id or any iterable), for names, classes and flags;
        without them stops show their ids.
    day
        Draw only this day (an index into ``plan.days`` or a date); by default a plan of
        one day gets the day map and a longer one the month map.
    paths
        Road polylines of each day's legs by date, ``(lon, lat)`` pairs (see
        :func:`~routing.maps.day_map`); straight lines where missing.
    roads
        The area's streets, drawn light under the routes.
    tiles
        The online tile layer offered, switched off: ``osm``, ``amap`` (all in GCJ-02) or
        ``none``.
    group_by
        For a month: ``day`` or ``line`` layers.
    lang
        ``zh`` (default) or ``en``.
    m
        A map to add the layers to; a new one if ``None``.

    Raises
    ------
    ValueError
        If ``day`` is a date the plan does not hold, or an argument of the map is invalid.
    IndexError
        If ``day`` is an index outside the plan.
    """
    by_id = retailers if isinstance(retailers, Mapping) else {r.id: r for r in retailers}
    given = paths or {}
    index = _day_index(plan, day)
    if index is None and len(plan.days) == 1:
        index = 0
    if index is not None:
        legs = given.get(plan.days[index].date) if 0 <= index < len(plan.days) else None
        return day_map(plan, index, by_id, paths=legs, roads=roads, tiles=tiles, lang=lang, m=m)
    return month_map(
        plan,
        by_id,
        paths=given or None,
        roads=roads,
        tiles=tiles,
        lang=lang,
        group_by=group_by,
        m=m,
    )


def _day_index(plan: Plan, day: int | date | None) -> int | None:
    if day is None or isinstance(day, int):
        return day
    dates = [d.date for d in plan.days]
    if day not in dates:
        msg = (
            f"Expected a date of the plan ({', '.join(d.isoformat() for d in dates)}), got {day}."
        )
        raise ValueError(msg)
    return dates.index(day)
