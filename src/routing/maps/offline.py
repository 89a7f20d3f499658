"""Leaflet inlined into the page, so a saved map needs no internet to load and draw.

The Leaflet 1.9.3 files (the version folium 0.20 links to) come from the ``XStatic-Leaflet``
package on PyPI, which ships Leaflet's ``dist`` files and nothing else. folium's other
default assets (jQuery, Bootstrap, Font Awesome, awesome-markers) are dropped: the day map
uses only Leaflet's own markers, popups and controls.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources
from pathlib import Path

import folium
from branca.element import CssLink, Figure, JavascriptLink

from routing.maps.elements import RawHtml

_LEAFLET_PACKAGE = "xstatic.pkg.leaflet"
_CSS_IMAGE = re.compile(r"url\(images/([\w.-]+\.png)\)")
_REMOTE = re.compile(
    r"<(?:script\b[^>]*?\bsrc|link\b[^>]*?\bhref)\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)
_FOLIUM_ASSETS = frozenset(name for name, _ in (*folium.Map.default_js, *folium.Map.default_css))


@cache
def leaflet_assets() -> tuple[str, str]:
    """Return Leaflet's JavaScript and CSS, with the CSS images as ``data:`` URIs.

    Raises
    ------
    ImportError
        If the ``XStatic-Leaflet`` package is not installed.
    """
    try:
        data = resources.files(_LEAFLET_PACKAGE).joinpath("data")
    except ModuleNotFoundError as error:
        msg = "Offline maps need Leaflet from the XStatic-Leaflet package; pip install it."
        raise ImportError(msg) from error
    script = data.joinpath("leaflet.js").read_text(encoding="utf-8")
    css = data.joinpath("leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        image = data.joinpath("images").joinpath(match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(image).decode('ascii')})"

    return script, _CSS_IMAGE.sub(inline, css)


def make_offline(m: folium.Map) -> folium.Map:
    """Make ``m`` render with Leaflet inlined instead of folium's CDN links; return ``m``.

    Calling it again is harmless. Layers that need other libraries (``folium.Icon``,
    ``folium.Popup``, most plugins) do not work on such a map: use ``DivIcon`` markers and
    the popups of :mod:`routing.maps.elements`.
    """
    m.default_js = []
    m.default_css = []
    header = figure_of(m).header
    for name, child in list(header._children.items()):
        if name in _FOLIUM_ASSETS and isinstance(child, JavascriptLink | CssLink):
            del header._children[name]
    script, css = leaflet_assets()
    header.add_child(RawHtml(f"<style>{css}</style>"), name="vp_leaflet_css")
    header.add_child(RawHtml(f"<script>{script}</script>"), name="vp_leaflet_js")
    header.add_child(RawHtml(f"<script>{default_icon_script()}</script>"), name="vp_icon_js")
    return m


@cache
def default_icon_script() -> str:
    """Return JavaScript giving Leaflet's default marker its images as ``data:`` URIs.

    Leaflet finds the default icon's folder from a CSS ``url()``, which fails on inlined
    CSS, and would then ask for ``marker-icon.png`` beside the page. folium even draws
    every ``DivIcon`` marker with the default icon for a moment before setting its own.
    """
    data = resources.files(_LEAFLET_PACKAGE).joinpath("data").joinpath("images")

    def uri(name: str) -> str:
        encoded = base64.b64encode(data.joinpath(name).read_bytes()).decode("ascii")
        return f"data:image/png;base64,{encoded}"

    icons = {
        "icon": uri("marker-icon.png"),
        "iconRetina": uri("marker-icon-2x.png"),
        "shadow": uri("marker-shadow.png"),
    }
    table = ",".join(f'"{name}":"{value}"' for name, value in icons.items())
    return (
        f"(function(){{var u={{{table}}};L.Icon.Default.include({{_getIconUrl:function(n){{"
        "return L.Browser.retina&&n==='icon'?u.iconRetina:u[n];}});})();"
    )


def figure_of(m: folium.Map) -> Figure:
    """Return the figure (the HTML page) that ``m`` is drawn in.

    Raises
    ------
    TypeError
        If ``m`` is not part of a page (folium puts every new map in one).
    """
    root = m.get_root()
    if not isinstance(root, Figure):
        msg = "Expected the map to be inside a branca Figure; create it with folium.Map()."
        raise TypeError(msg)
    return root


def remote_sources(html: str) -> list[str]:
    """Return the URLs of scripts and stylesheets that ``html`` loads from the network."""
    return _REMOTE.findall(html)


def render_offline(m: folium.Map) -> str:
    """Return the whole HTML page of ``m`` with Leaflet inlined.

    Raises
    ------
    ValueError
        If a layer on the map still loads a script or stylesheet from the network.
    """
    make_offline(m)
    html = figure_of(m).render()
    remote = remote_sources(html)
    if remote:
        msg = (
            f"The map would need the internet for {', '.join(remote)}; remove the layers "
            "or plugins that link to them (the day map uses only Leaflet)."
        )
        raise ValueError(msg)
    return html


def save_map(m: folium.Map, path: Path) -> None:
    """Write ``m`` as one self-contained UTF-8 HTML file that opens with no internet.

    Map tiles still come from the tile server when online; offline the route, markers and
    panel draw on a blank background.

    Raises
    ------
    ValueError
        If a layer on the map still loads a script or stylesheet from the network.
    """
    html = render_offline(m)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
