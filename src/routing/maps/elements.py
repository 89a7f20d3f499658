"""Small folium elements that need no library besides Leaflet (folium's ``Popup`` needs jQuery)."""

from __future__ import annotations

import json
from typing import Any

from branca.element import Element, MacroElement
from folium.template import Template


def js_string(text: str) -> str:
    r"""Return ``text`` as a JavaScript string literal that is safe inside ``<script>``.

    Chinese stays readable (no ``\uXXXX`` escapes); ``<``, ``>`` and ``&`` are escaped.
    """
    literal = json.dumps(text, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        literal = literal.replace(char, escaped)
    return literal.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class RawHtml(Element):
    """A piece of HTML written out as is (no template processing)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawHtml"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the HTML unchanged."""
        return self.text


class Bindings(MacroElement):
    """A popup and a tooltip (HTML, either may be ``None``) bound to the parent marker or line."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {%- if this.popup %}
            {{ this._parent.get_name() }}.bindPopup({{ this.popup }}, {"maxWidth": 320});
            {%- endif %}
            {%- if this.tooltip %}
            {{ this._parent.get_name() }}.bindTooltip({{ this.tooltip }});
            {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, popup: str | None, tooltip: str | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Bindings"
        self.popup = js_string(popup) if popup else None
        self.tooltip = js_string(tooltip) if tooltip else None


class InfoPanel(MacroElement):
    """A Leaflet control showing an HTML panel in a corner of the parent map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control({"position": {{ this.position }}});
            {{ this.get_name() }}.onAdd = function () {
                var div = L.DomUtil.create("div", "vp-panel");
                div.innerHTML = {{ this.html }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, position: str = "topright") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "InfoPanel"
        self.html = js_string(html)
        self.position = js_string(position)
