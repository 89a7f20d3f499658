import json
import re
from dataclasses import replace
from datetime import date
from itertools import pairwise

import folium
import pytest
from folium.plugins import Fullscreen

from helsinki_day import helsinki_day
from routing.coords import from_wgs84
from routing.geodesy import haversine_m
from routing.maps import BaseRoads, day_map, remote_sources, render_offline, save_map
from routing.plan import DayPlan, Lunch, Plan, Stop, Unplanned
from routing.retailers import Area, Retailer

MONDAY = date(2025, 3, 3)
TUESDAY = date(2025, 3, 4)
OFFICE = (113.300, 23.100)
STOP_MARKER = '"className": "vp-stop"'


def hm(hours: int, minutes: int) -> int:
    return hours * 3600 + minutes * 60


def shop(number: int, **fields: object) -> Retailer:
    values: dict[str, object] = {
        "id": f"R{number}",
        "name": f"{number}号烟酒店",
        "lon": OFFICE[0] + 0.002 * number,
        "lat": OFFICE[1] + 0.001,
        "area": Area.URBAN,
        "retailer_class": "ABCDE"[number % 5],
    }
    values.update(fields)
    return Retailer(**values)


def visit(retailer: Retailer, arrive: int) -> Stop:
    return Stop(
        retailer_id=retailer.id,
        lon=retailer.lon,
        lat=retailer.lat,
        arrive_s=arrive,
        start_s=arrive,
        end_s=arrive + 480,
        travel_s=300,
        travel_m=1200,
    )


def one_day(retailers: list[Retailer], *, day: date = MONDAY, after_stop: int = 2) -> DayPlan:
    return DayPlan(
        date=day,
        area="urban",
        depart_office_s=hm(9, 0),
        return_office_s=hm(15, 30),
        lunch=Lunch(start_s=hm(12, 0), end_s=hm(12, 30), after_stop=after_stop),
        stops=tuple(visit(r, hm(9, 20) + 900 * k) for k, r in enumerate(retailers)),
        travel_back_s=600,
        travel_back_m=2000,
        quota=30,
    )


@pytest.fixture
def retailers() -> dict[str, Retailer]:
    return sample_retailers()


@pytest.fixture
def plan(retailers: dict[str, Retailer]) -> Plan:
    return sample_plan(retailers)


def sample_retailers() -> dict[str, Retailer]:
    """Three shops on one street, and a fourth nobody visits."""
    shops = [
        shop(1, must_visit=True, enterprise=True, address="中山路1号"),
        shop(2),
        shop(3, fluctuating=True),
        shop(9, lat=OFFICE[1] - 0.003),
    ]
    return {r.id: r for r in shops}


def sample_plan(retailers: dict[str, Retailer]) -> Plan:
    """Three shops on one street, lunch after the second; shop 9 left out (closed)."""
    day = one_day([retailers["R1"], retailers["R2"], retailers["R3"]])
    return Plan(
        manager="王五",
        mode="ebike",
        office_lon=OFFICE[0],
        office_lat=OFFICE[1],
        days=(day,),
        retailers=(),
        unplanned=(
            Unplanned(retailer_id="R9", date=MONDAY, reason="营业时间不符"),
            Unplanned(retailer_id="NOT-IN-LIST", date=MONDAY, reason="坐标缺失"),
        ),
    )


def html_of(m: folium.Map) -> str:
    return render_offline(m)


def js(text: str) -> str:
    """``text`` as folium writes it in a JSON option (non-ASCII as \\u escapes)."""
    return json.dumps(text)[1:-1]


def road(
    start: tuple[float, float], end: tuple[float, float], points: int
) -> list[tuple[float, float]]:
    """A zig-zag 'road' of ``points`` (lon, lat) pairs from ``start`` to ``end``."""
    path = []
    for k in range(points):
        t = k / (points - 1)
        wiggle = 0.0003 * (k % 2) if 0 < k < points - 1 else 0.0
        path.append(
            (start[0] + t * (end[0] - start[0]) + wiggle, start[1] + t * (end[1] - start[1]))
        )
    return path


def roads(plan: Plan, points: int = 5) -> list[list[tuple[float, float]]]:
    """One zig-zag road per leg of the plan's first day."""
    places = [OFFICE, *((s.lon, s.lat) for s in plan.days[0].stops), OFFICE]
    return [road(a, b, points) for a, b in pairwise(places)]


def test_one_numbered_marker_per_stop(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    assert html.count(STOP_MARKER) == 3
    for number in (1, 2, 3):
        assert f"\\u003e{number}\\u003c/div\\u003e" in html


def test_stop_popup_has_name_id_class_times_and_flags(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    popup = next(
        line for line in html.splitlines() if "1. 1号烟酒店" in line and "bindPopup" in line
    )
    for text in (
        "R1",
        "档位: B",
        "到达 09:20",
        "开始 09:20",
        "结束 09:28",
        "必访、企业级",
        "中山路1号",
    ):
        assert text in popup
    assert "波动大" in html


def test_stop_colour_follows_class_and_ring_follows_flag(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    assert "background:#e65100;border-color:#ff1744" in html  # class B, must visit
    assert "background:#1565c0;border-color:#ffffff" in html  # class C, no flag
    assert "background:#2e7d32;border-color:#00e5ff" in html  # class D, fluctuating


def test_office_and_lunch_markers(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    assert html.count('"className": "vp-office"') == 1
    assert html.count('"className": "vp-lunch"') == 1
    assert "办公室\\u003c/b\\u003e\\u003cbr\\u003e出发 09:00 · 返回 15:30" in html
    lunch = re.search(r'"className": "vp-lunch"', html)
    assert lunch is not None
    stop_two = plan.days[0].stops[1]
    marker = html.rfind("L.marker(", 0, lunch.start())
    assert f"[{stop_two.lat}, {stop_two.lon}]" in html[marker : lunch.start()]
    assert "午餐 12:00–12:30\\u003c/b\\u003e\\u003cbr\\u003e第2户之后" in html


def test_lunch_before_any_stop_is_at_the_office(plan, retailers):
    day = replace(plan.days[0], lunch=Lunch(start_s=hm(11, 30), end_s=hm(12, 0), after_stop=0))
    html = html_of(day_map(replace(plan, days=(day,)), 0, retailers))
    lunch = html.index('"className": "vp-lunch"')
    marker = html.rfind("L.marker(", 0, lunch)
    assert f"[{OFFICE[1]}, {OFFICE[0]}]" in html[marker:lunch]


def test_totals_panel_and_attribution(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    panel = next(line for line in html.splitlines() if "div.innerHTML" in line)
    for text in (
        "拜访户数 / 定额",
        "3 / 30",
        "总里程(公里)",
        "5.6",
        "路上时间(分钟)",
        "25",
        "服务时间(分钟)",
        "24",
        "首访",
        "09:20",
        "外勤结束",
        "09:58",
        "09:00",
        "15:30",
        "12:00–12:30",
    ):
        assert text in panel, text
    assert "© OpenStreetMap contributors" in panel


def test_shortfall_reason_in_panel(plan, retailers):
    day = replace(plan.days[0], shortfall_reason="片区客户不足")
    html = html_of(day_map(replace(plan, days=(day,)), 0, retailers))
    assert "未达定额原因" in html
    assert "片区客户不足" in html


def test_route_without_paths_is_straight_and_says_so(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    assert html.count("L.polyline(") == 4
    assert '"dashArray": "6 8"' in html
    assert "直线示意（非实际道路）" in html
    assert "路线沿道路" not in html


def test_route_along_given_road_paths(plan, retailers):
    html = html_of(day_map(plan, 0, retailers, paths=roads(plan, points=5)))
    assert html.count("L.polyline(") == 4
    assert "路线沿道路" in html
    assert "直线示意" not in html
    lines = re.findall(r"L\.polyline\(\s*(\[\[.*?\]\])", html)
    assert [line.count("], [") + 1 for line in lines] == [5, 5, 5, 5]
    assert "办公室 → 1 · 1200 米 · 5 分钟" in html
    assert "3 → 办公室 · 2000 米 · 10 分钟" in html


def test_paths_are_lon_lat_pairs(plan, retailers):
    html = html_of(day_map(plan, 0, retailers, paths=roads(plan, points=2)))
    first = plan.days[0].stops[0]
    assert f"[[{OFFICE[1]}, {OFFICE[0]}], [{round(first.lat, 6)}, {round(first.lon, 6)}]]" in html


def test_wrong_number_of_paths_is_rejected(plan, retailers):
    with pytest.raises(ValueError, match="Expected 4 paths"):
        day_map(plan, 0, retailers, paths=roads(plan)[:3])


def test_unknown_day_is_rejected(plan, retailers):
    with pytest.raises(IndexError, match="day_index"):
        day_map(plan, 1, retailers)


def test_not_visited_retailers_are_grey_with_reason(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    assert html.count("L.circleMarker(") == 1
    assert '"color": "#757575"' in html
    assert "9号烟酒店: 营业时间不符" in html
    assert "坐标缺失" not in html
    assert "未拜访客户 (1)" in html


def test_not_visited_on_another_day_is_not_drawn(plan, retailers):
    plan = replace(plan, unplanned=(Unplanned(retailer_id="R9", date=TUESDAY, reason="x"),))
    html = html_of(day_map(plan, 0, retailers))
    assert "L.circleMarker(" not in html
    assert "未拜访客户" not in html


def test_map_fits_the_route(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    stops = plan.days[0].stops
    south_west = [OFFICE[1], OFFICE[0]]
    north_east = [max(s.lat for s in stops), max(s.lon for s in stops)]
    bounds = re.search(r"map_\w+\.fitBounds\(\s*(\[\[.*?\]\])", html)
    assert bounds is not None
    assert bounds.group(1).replace(" ", "") == str([south_west, north_east]).replace(" ", "")


def test_saved_map_needs_no_internet(plan, retailers, tmp_path):
    path = tmp_path / "maps" / "day.html"
    save_map(day_map(plan, 0, retailers), path)
    html = path.read_text(encoding="utf-8")
    assert remote_sources(html) == []
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "Leaflet 1.9.3" in html
    assert ".leaflet-container" in html
    assert "url(images/" not in html
    assert "jquery" not in html.lower()
    assert "bootstrap" not in html.lower()


def test_remote_sources_finds_cdn_links():
    html = (
        '<script src="https://cdn.example/x.js"></script>'
        '<link rel="stylesheet" href="//cdn/y.css"/>'
    )
    assert remote_sources(html) == ["https://cdn.example/x.js", "//cdn/y.css"]
    assert remote_sources('<script>var u = "https://tile/{z}.png";</script>') == []


def test_saving_a_map_with_a_cdn_plugin_fails_loudly(plan, retailers, tmp_path):
    m = day_map(plan, 0, retailers)
    Fullscreen().add_to(m)
    with pytest.raises(ValueError, match="internet"):
        save_map(m, tmp_path / "day.html")
    assert not (tmp_path / "day.html").exists()


def test_english_labels(plan, retailers):
    html = html_of(day_map(plan, 0, retailers, lang="en"))
    for text in ("Visits / Quota", "Total km", "First visit", "Straight lines", "must visit"):
        assert text in html, text
    assert "Arrive 09:20 · Start 09:20 · End 09:28" in html
    assert "Retailers not visited (1)" in html
    assert "拜访户数" not in html


def test_layers_are_added_to_a_given_map(plan, retailers):
    tuesday = one_day([retailers["R3"], retailers["R2"]], day=TUESDAY, after_stop=1)
    plan = replace(plan, days=(*plan.days, tuesday))
    m = folium.Map(location=(OFFICE[1], OFFICE[0]), zoom_start=13)
    assert day_map(plan, 0, retailers, m=m) is m
    assert day_map(plan, 1, retailers, m=m) is m
    html = html_of(m)
    assert html.count(STOP_MARKER) == 5
    assert html.count('"className": "vp-office"') == 2
    assert "2025-03-03" in html
    assert "2025-03-04" in html
    assert remote_sources(html) == []


def test_day_without_stops_draws_the_office_only(plan, retailers):
    day = replace(plan.days[0], stops=(), lunch=None, travel_back_s=0, travel_back_m=0)
    html = html_of(day_map(replace(plan, days=(day,)), 0, retailers))
    assert STOP_MARKER not in html
    assert html.count('"className": "vp-office"') == 1
    assert "0 / 30" in html


def test_names_are_escaped(plan, retailers):
    retailers = {**retailers, "R1": replace(retailers["R1"], name="<b>老王</b> & 子")}
    html = html_of(day_map(plan, 0, retailers))
    assert "<b>老王</b>" not in html
    assert "老王" in html


def test_a_35_stop_day_stays_small(tmp_path):
    shops = [
        shop(k, lon=OFFICE[0] + 0.001 * (k % 7), lat=OFFICE[1] + 0.001 * (k // 7))
        for k in range(35)
    ]
    day = replace(one_day(shops, after_stop=18), return_office_s=hm(16, 0))
    plan = Plan(
        manager="王五",
        mode="ebike",
        office_lon=OFFICE[0],
        office_lat=OFFICE[1],
        days=(day,),
        retailers=(),
        unplanned=tuple(
            Unplanned(retailer_id=f"R{k}", date=None, reason="x") for k in range(40, 50)
        ),
    )
    path = tmp_path / "day.html"
    save_map(day_map(plan, 0, {r.id: r for r in shops}, paths=roads(plan, points=120)), path)
    assert path.stat().st_size < 1_000_000


def test_a_map_rendered_before_is_made_offline_too(plan, retailers):
    m = folium.Map()
    assert remote_sources(m.get_root().render())  # folium links its CDNs by default
    html = html_of(day_map(plan, 0, retailers, m=m))
    assert remote_sources(html) == []
    assert html.count(STOP_MARKER) == 3


def test_other_folium_maps_keep_their_defaults(plan, retailers):
    day_map(plan, 0, retailers)
    assert any(name == "jquery" for name, _ in folium.Map.default_js)
    assert remote_sources(folium.Map().get_root().render())


# --- Direction, tooltips, limits --------------------------------------------------------


def arrows_in(html: str) -> list[list[float]]:
    """Return the ``[lat, lon, bearing]`` of every arrowhead drawn."""
    found = re.findall(r"(\[\[[-\d.,\[\]]*\]\])\.forEach\(function \(a\)", html)
    return [arrow for block in found for arrow in json.loads(block)]


def test_every_leg_has_an_arrow_pointing_the_way_travelled(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    arrows = arrows_in(html)
    assert len(arrows) == 5  # four legs of 200-250 m get one each, the 620 m way back two
    bearings = [bearing for _, _, bearing in arrows]
    assert 0 < bearings[0] < 90  # office to stop 1: north-east
    assert bearings[1:3] == [90, 90]  # stop 1 -> 2 -> 3 runs due east
    assert all(180 < bearing < 270 for bearing in bearings[3:])  # back: west-south-west
    assert '"vp-arrows"' in html
    assert "createPane" in html


def test_arrows_follow_long_roads_every_400_m(plan, retailers):
    far = replace(plan, office_lon=OFFICE[0] - 0.05)  # the office ~5 km west of the shops
    bearings = [bearing for _, _, bearing in arrows_in(html_of(day_map(far, 0, retailers)))]
    assert sum(bearing in (89, 90, 91) for bearing in bearings) >= 12  # out: east
    assert sum(bearing in (269, 270, 271) for bearing in bearings) >= 12  # back: west


def test_stop_tooltip_gives_times_class_and_flags(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    tooltip = next(
        line for line in html.splitlines() if "bindTooltip" in line and "1. 1号烟酒店" in line
    )
    for text in ("1. 1号烟酒店 (B)", "到达 09:20 · 开始 09:20 · 结束 09:28", "必访、企业级"):
        assert text in tooltip, text


def test_forecast_samples_and_key_brand_targets_are_flagged(plan, retailers):
    special = replace(retailers["R2"], forecast_sample=True, brand_target=True)
    html = html_of(day_map(plan, 0, {**retailers, "R2": special}))
    popup = next(
        line for line in html.splitlines() if "2. 2号烟酒店" in line and "bindPopup" in line
    )
    assert "重点品牌培育、需求预测样本" in popup


def test_panel_compares_times_with_the_rules(plan, retailers):
    late = replace(
        plan.days[0],
        stops=(*plan.days[0].stops[:2], replace(plan.days[0].stops[2], end_s=hm(15, 10))),
        return_office_s=hm(16, 5),
    )
    html = html_of(day_map(replace(plan, days=(late,)), 0, retailers))
    panel = next(line for line in html.splitlines() if "div.innerHTML" in line)
    assert "首访\\u003c/th\\u003e\\u003ctd\\u003e09:20\\u003c/td\\u003e" in panel
    assert 'class=\\"vp-ok\\" title=\\"符合\\"\\u003e≤ 09:30 ✓' in panel
    assert 'class=\\"vp-late\\" title=\\"超时\\"\\u003e≤ 15:00 ✗' in panel
    assert 'class=\\"vp-late\\" title=\\"超时\\"\\u003e≤ 16:00 ✗' in panel
    assert "3 / 30" in panel
    assert "30 ✗" in panel  # three visits against a quota of 30


def test_legend_explains_arrows_office_and_lunch(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    panel = next(line for line in html.splitlines() if "div.innerHTML" in line)
    for text in ("行驶方向", "vp-sym vp-o", "vp-sym vp-l", "未拜访客户 (1)", "需求预测样本"):
        assert text in panel, text


# --- Base layers ------------------------------------------------------------------------


def test_no_tiles_load_by_default_and_osm_is_offered_switched_off(plan, retailers):
    html = html_of(day_map(plan, 0, retailers))
    tiles = re.search(r"var (tile_layer_\w+) = L\.tileLayer\(\s*\"([^\"]+)\"", html)
    assert tiles is not None
    assert tiles.group(2) == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert f"{tiles.group(1)}.addTo(" not in html
    assert js("OpenStreetMap 在线地图（需联网）") in html
    assert html.count("L.control.layers(") == 1


def test_tiles_none_offers_no_tile_layer(plan, retailers):
    html = html_of(day_map(plan, 0, retailers, tiles="none"))
    assert "L.tileLayer(" not in html


def test_unknown_tiles_are_rejected(plan, retailers):
    with pytest.raises(ValueError, match="tiles"):
        day_map(plan, 0, retailers, tiles="google")


def street_grid() -> BaseRoads:
    """Streets every 0.001 degree around the office, and one far away (to be clipped off)."""
    segments = []
    for k in range(-5, 16):
        lon = OFFICE[0] + 0.001 * k
        segments.append(((lon, OFFICE[1] - 0.005), (lon, OFFICE[1] + 0.005)))
    segments.append(((OFFICE[0] + 1.0, OFFICE[1]), (OFFICE[0] + 1.001, OFFICE[1])))
    return BaseRoads.from_segments(segments)


def test_road_base_layer_is_drawn_clipped_with_attribution(plan, retailers):
    html = html_of(day_map(plan, 0, retailers, roads=street_grid()))
    data = re.search(r"vpDecodeLines\((\[\[.*?\]\])\)", html)
    assert data is not None
    lines = json.loads(data.group(1))
    lats = [line[0] / 1e5 for line in lines]
    lons = [line[1] / 1e5 for line in lines]
    assert max(lons) < OFFICE[0] + 0.02  # the far street is clipped away
    assert min(lats) >= OFFICE[1] - 0.005 - 1e-6
    assert f'"attribution": "{js("© OpenStreetMap contributors")}"' in html
    assert '"pane": "vp-roads"' in html
    assert "function vpDecodeLines" in html
    assert js("道路网（OpenStreetMap）") in html


def test_road_base_layer_is_added_once_to_a_shared_map(plan, retailers):
    m = day_map(plan, 0, retailers, roads=street_grid())
    html = html_of(day_map(plan, 0, retailers, roads=street_grid(), m=m))
    assert html.count("vpDecodeLines([[") == 1
    assert html.count("L.control.layers(") == 1


def test_amap_tiles_draw_everything_in_gcj02():
    shanghai = (121.4737, 31.2304)
    shops = {
        r.id: r
        for r in (
            shop(1, lon=shanghai[0] + 0.002, lat=shanghai[1] + 0.001),
            shop(2, lon=shanghai[0] + 0.004, lat=shanghai[1] + 0.001),
        )
    }
    day = one_day(list(shops.values()))
    plan = Plan(
        manager="",
        mode="ebike",
        office_lon=shanghai[0],
        office_lat=shanghai[1],
        days=(day,),
        retailers=(),
        unplanned=(),
    )
    wgs = html_of(day_map(plan, 0, shops))
    gcj = html_of(day_map(plan, 0, shops, tiles="amap"))
    lon, lat = from_wgs84(shops["R1"].lon, shops["R1"].lat, "gcj02")
    assert f"[{shops['R1'].lat}, {shops['R1'].lon}]" in wgs
    assert f"[{lat}, {lon}]" in gcj
    assert f"[{shops['R1'].lat}, {shops['R1'].lon}]" not in gcj
    assert 300 < haversine_m(shops["R1"].lon, shops["R1"].lat, lon, lat) < 700
    assert "autonavi.com" in gcj
    assert "tile.openstreetmap.org" not in gcj
    assert js("© 高德地图 AutoNavi") in gcj


def test_a_35_stop_day_on_real_streets_stays_under_2_mb(tmp_path):
    day = helsinki_day()
    path = tmp_path / "day.html"
    m = day_map(day.plan, 0, day.retailers, paths=day.paths, roads=day.roads)
    save_map(m, path)
    html = path.read_text(encoding="utf-8")
    assert html.count(STOP_MARKER) == 35
    assert "vpDecodeLines([[" in html
    assert path.stat().st_size <= 2_000_000
