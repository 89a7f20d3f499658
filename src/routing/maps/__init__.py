"""The day map a customer manager and a market manager open in a browser, even offline.

:func:`day_map` draws one day of a plan on a folium map (numbered stops, the office, lunch,
the route, retailers not visited and a totals panel); :func:`save_map` writes it as one HTML
file with Leaflet's JavaScript and CSS inlined, so it opens and draws with no internet.
:func:`month_map` draws a whole month plan, a layer per working day (or per line) to switch
on and off.
"""

from routing.maps.day import day_map
from routing.maps.month import month_map
from routing.maps.offline import make_offline, remote_sources, render_offline, save_map

__all__ = [
    "day_map",
    "make_offline",
    "month_map",
    "remote_sources",
    "render_offline",
    "save_map",
]
