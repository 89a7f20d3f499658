"""Colours, marker shapes and the page CSS of the day map."""

from __future__ import annotations

from html import escape

from routing.labels import marker_flag_keys
from routing.retailers import Retailer

CLASS_COLOURS = {
    "A": "#b71c1c",
    "B": "#e65100",
    "C": "#1565c0",
    "D": "#2e7d32",
    "E": "#6a1b9a",
}
"""Fill colour of a stop marker by retailer class (档位)."""

OTHER_CLASS_COLOUR = "#455a64"
UNKNOWN_COLOUR = "#9e9e9e"

FLAG_COLOURS = {
    "must_visit": "#ff1744",
    "enterprise": "#ffc400",
    "fluctuating": "#00e5ff",
    "brand_target": "#d500f9",
    "forecast_sample": "#76ff03",
}
"""Ring colour of a stop marker by its most important flag.

必访 > 企业级 > 波动大 > 重点品牌 > 预测样本.
"""

NO_FLAG_COLOUR = "#ffffff"
ROUTE_COLOUR = "#1e88e5"
UNVISITED_COLOUR = "#757575"

CSS = """
.vp-stop .vp-num{width:20px;height:20px;border-radius:50%;border:3px solid #fff;color:#fff;
 font:bold 12px/20px sans-serif;text-align:center;box-shadow:0 0 3px rgba(0,0,0,.7)}
.vp-office .vp-box,.vp-lunch .vp-box{display:inline-block;padding:2px 5px;border-radius:3px;
 font:bold 12px/16px sans-serif;white-space:nowrap;box-shadow:0 0 3px rgba(0,0,0,.7)}
.vp-office .vp-box{background:#263238;color:#fff}
.vp-lunch .vp-box{background:#fff8e1;color:#6d4c41;border:1px solid #6d4c41}
.vp-panel{background:#fff;padding:6px 9px;font:12px/1.45 sans-serif;border-radius:4px;
 box-shadow:0 1px 5px rgba(0,0,0,.4);max-width:270px}
.vp-panel table{border-collapse:collapse}
.vp-panel th{text-align:left;font-weight:normal;color:#555;padding-right:8px}
.vp-panel .vp-title{font-weight:bold;font-size:13px;margin-bottom:3px;cursor:pointer}
.vp-panel .vp-legend{margin-top:4px;border-top:1px solid #ddd;padding-top:3px}
.vp-panel .vp-dot{display:inline-block;width:10px;height:10px;border-radius:50%;
 margin:0 2px 0 6px;vertical-align:-1px}
.vp-panel .vp-ring{display:inline-block;width:8px;height:8px;border-radius:50%;
 margin:0 2px 0 6px;border:2px solid;background:#9e9e9e;vertical-align:-1px}
.vp-panel .vp-line{display:inline-block;width:22px;border-top:3px solid;vertical-align:3px;
 margin-right:4px}
.vp-panel .vp-attr{margin-top:4px;color:#777;font-size:11px}
.vp-panel .vp-ok{color:#2e7d32;padding-left:6px}
.vp-panel .vp-late{color:#c62828;font-weight:bold;padding-left:6px}
.vp-panel .vp-sym{display:inline-block;margin:0 3px 0 6px;font:bold 10px/14px sans-serif;
 padding:0 3px;border-radius:2px}
.vp-panel .vp-sym.vp-o{background:#263238;color:#fff}
.vp-panel .vp-sym.vp-l{background:#fff8e1;color:#6d4c41;border:1px solid #6d4c41}
.vp-panel .vp-arr{display:inline-block;width:0;height:0;margin:0 4px 0 6px;
 border-top:5px solid transparent;border-bottom:5px solid transparent;
 border-left:9px solid #0d47a1}
.vp-arrow{pointer-events:none}
.vp-arrow svg{display:block}
.leaflet-container{background:#f4f3ef}
@media (max-width:480px){.vp-panel{max-width:190px;font-size:11px}}
"""


def class_colour(retailer: Retailer | None) -> str:
    """Return the fill colour of a stop marker for ``retailer``'s class."""
    if retailer is None:
        return UNKNOWN_COLOUR
    return CLASS_COLOURS.get(retailer.retailer_class, OTHER_CLASS_COLOUR)


def ring_colour(retailer: Retailer | None) -> str:
    """Return the ring colour of a stop marker for ``retailer``'s most important flag."""
    flags = marker_flag_keys(retailer) if retailer else ()
    return FLAG_COLOURS[flags[0]] if flags else NO_FLAG_COLOUR


def stop_icon_html(number: int, retailer: Retailer | None) -> str:
    """Return the HTML of the numbered round marker of stop ``number``."""
    style = f"background:{class_colour(retailer)};border-color:{ring_colour(retailer)}"
    return f'<div class="vp-num" style="{style}">{number}</div>'


def box_icon_html(text: str) -> str:
    """Return the HTML of a text box marker (office, lunch)."""
    return f'<div class="vp-box">{escape(text)}</div>'
