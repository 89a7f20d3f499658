"""Maps a customer manager and a market manager open in a browser, even offline.

:func:`day_map` draws one day of a plan on a folium map (numbered stops along the road
path with arrows, the office, lunch, retailers not visited, a totals panel);
:func:`month_map` draws a whole month plan, a layer per working day (or per line);
:func:`territory_map` draws every retailer coloured by group with each group's outline and
workload. :func:`save_map` writes any of them as one HTML file with Leaflet inlined, so it
opens and draws with no internet, on the area's road network (:class:`BaseRoads`) when the
tiles cannot load. :func:`explore` is the notebook entry point, and
:func:`write_schedule_page` writes the day's schedule as a page for a phone.
"""

from routing.maps.day import day_map
from routing.maps.explore import explore
from routing.maps.month import month_map
from routing.maps.offline import make_offline, remote_sources, render_offline, save_map
from routing.maps.roads import BaseRoads
from routing.maps.schedule_page import schedule_page, write_schedule_page
from routing.maps.territory import territory_map
from routing.maps.tiles import TILE_CHOICES

__all__ = [
    "TILE_CHOICES",
    "BaseRoads",
    "day_map",
    "explore",
    "make_offline",
    "month_map",
    "remote_sources",
    "render_offline",
    "save_map",
    "schedule_page",
    "territory_map",
    "write_schedule_page",
]
