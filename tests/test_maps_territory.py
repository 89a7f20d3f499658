import json
import re
from datetime import date

import folium
import pytest
import shapely

from routing.maps import render_offline, save_map, territory_map
from routing.maps.month import PALETTE
from routing.maps.territory import GroupWorkload, estimate_workloads
from routing.retailers import Area, Retailer
from routing.rules import load_rules

OFFICE = (113.300, 23.100)


def shop(number: int, lon: float, lat: float, cls: str = "C", **fields: object) -> Retailer:
    return Retailer(
        id=f"R{number}",
        name=f"{number}号烟酒店",
        lon=lon,
        lat=lat,
        area=Area.URBAN,
        retailer_class=cls,
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def shops() -> list[Retailer]:
    """Two lines of four shops each (west: line 0, east: line 1), and one shop of no line."""
    west = [
        shop(k, OFFICE[0] - 0.01 + 0.002 * (k % 2), OFFICE[1] + 0.002 * (k // 2)) for k in range(4)
    ]
    east = [
        shop(k, OFFICE[0] + 0.01 + 0.002 * (k % 2), OFFICE[1] + 0.002 * (k // 2), cls="A")
        for k in range(4, 8)
    ]
    return [*west, *east, shop(9, OFFICE[0], OFFICE[1] - 0.01, must_visit=True)]


@pytest.fixture
def groups() -> dict[str, int]:
    return {f"R{k}": 0 if k < 4 else 1 for k in range(8)}


NAMES = {0: "线路1 (周一)", 1: "线路2 (周二)"}
LOADS = {
    0: GroupWorkload(retailers=4, visits=8, minutes=120),
    1: GroupWorkload(retailers=4, visits=16, minutes=300),
}


def overlays(html: str) -> dict[str, str]:
    block = re.search(r"overlays :\s*\{(.*?)\},\s*\};", html, re.DOTALL)
    assert block is not None
    pairs = re.findall(r'^\s*("(?:[^"\\]|\\.)*")\s*:\s*(\w+),', block.group(1), re.MULTILINE)
    return {json.loads(name): var for name, var in pairs}


def outlines(html: str) -> list[tuple[shapely.Polygon, dict[str, object]]]:
    found = re.findall(r"L\.polygon\(\s*(\[\[.*?\]\]),\s*(\{.*?\})\s*\)", html, re.DOTALL)
    return [
        (shapely.Polygon([(lon, lat) for lat, lon in json.loads(points)]), json.loads(options))
        for points, options in found
    ]


def html_of(shops, groups, **options) -> str:
    return render_offline(territory_map(shops, groups, names=NAMES, workloads=LOADS, **options))


def test_a_layer_per_group_named_with_its_workload(shops, groups):
    names = list(overlays(html_of(shops, groups)))
    assert names[:3] == [
        "线路1 (周一) · 4户 · 8 月拜访次数 · 120 预计分钟",
        "线路2 (周二) · 4户 · 16 月拜访次数 · 300 预计分钟",
        "未分组 · 1户 · 0 月拜访次数 · 0 预计分钟",
    ]


@pytest.mark.parametrize("hull", ["concave", "convex"])
def test_each_line_has_an_outline_around_all_its_retailers(shops, groups, hull):
    html = html_of(shops, groups, hull=hull)
    drawn = outlines(html)
    assert len(drawn) == 2  # the shop of no line gets none
    for (polygon, options), members, colour in zip(
        drawn, (shops[:4], shops[4:8]), PALETTE[:2], strict=True
    ):
        assert options["color"] == colour
        assert all(polygon.contains(shapely.Point(r.lon, r.lat)) for r in members)
        assert not polygon.contains(shapely.Point(shops[8].lon, shops[8].lat))


def test_retailers_take_their_group_colour_or_their_class_colour(shops, groups):
    by_group = html_of(shops, groups)
    by_class = html_of(shops, groups, colour_by="class")
    assert by_group.count(f'"fillColor": "{PALETTE[1]}"') == 4 + 1  # 4 shops and the outline
    assert by_class.count('"fillColor": "#b71c1c"') == 4  # class A in the east
    assert "档位:" in by_class


def test_popup_lists_group_visit_dates_and_flags(shops, groups):
    dates = {"R9": (date(2027, 1, 4), date(2027, 1, 18)), "R1": ()}
    html = html_of(shops, groups, visit_dates=dates)
    popup = next(line for line in html.splitlines() if "bindPopup" in line and "9号烟酒店" in line)
    assert "分组: 未分组" in popup
    assert "拜访日期: 01-04 周一、01-18 周一" in popup
    assert "标记: 必访" in popup
    popup = next(line for line in html.splitlines() if "bindPopup" in line and "1号烟酒店" in line)
    assert "分组: 线路1 (周一)" in popup
    assert "拜访日期: —" in popup


def test_panel_totals_and_attribution(shops, groups):
    html = html_of(shops, groups, office=OFFICE)
    panel = next(line for line in html.splitlines() if "div.innerHTML" in line)
    assert "合计" in panel
    assert "\\u003cb\\u003e9\\u003c/b\\u003e" in panel  # 4 + 4 + 1 retailers
    assert "\\u003cb\\u003e24\\u003c/b\\u003e" in panel  # 8 + 16 visits
    assert "\\u003cb\\u003e420\\u003c/b\\u003e" in panel
    assert "© OpenStreetMap contributors" in panel
    assert html.count('"className": "vp-office"') == 1


def test_workloads_are_estimated_from_classes_when_not_given(shops, groups):
    rules = load_rules()
    loads = estimate_workloads(shops, groups, rules)
    a, c = rules.classes["A"].visits_per_month, rules.classes["C"].visits_per_month
    assert loads[0] == GroupWorkload(
        retailers=4, visits=4 * c, minutes=4 * c * rules.service_s // 60
    )
    assert loads[1].visits == 4 * a
    html = render_offline(territory_map(shops, groups))
    assert f"· {4 * a} 月拜访次数" in next(iter(list(overlays(html))[1:2]))


def test_string_keys_take_the_palette_in_sorted_order(shops):
    html = render_offline(territory_map(shops, {r.id: r.retailer_class for r in shops}))
    assert [options["color"] for _, options in outlines(html)] == list(PALETTE[:2])  # A, C


def test_saved_territory_map_needs_no_internet_and_layers_add_to_a_map(shops, groups, tmp_path):
    m = folium.Map()
    assert territory_map(shops, groups, m=m) is m
    save_map(m, tmp_path / "territory.html")
    assert "Leaflet 1.9.3" in (tmp_path / "territory.html").read_text(encoding="utf-8")


def test_english_labels(shops, groups):
    html = render_offline(territory_map(shops, groups, lang="en"))
    assert "Territory" in html
    assert any(name.startswith("No group · 1 retailers") for name in overlays(html))


def test_bad_arguments_are_rejected(shops, groups):
    with pytest.raises(ValueError, match="at least one retailer"):
        territory_map([], groups)
    with pytest.raises(ValueError, match="colour_by"):
        territory_map(shops, groups, colour_by="size")
    with pytest.raises(ValueError, match="hull"):
        territory_map(shops, groups, hull="alpha")
