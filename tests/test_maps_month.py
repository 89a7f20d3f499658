import json
import re
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import folium
import pytest

from routing.maps import month_map, remote_sources, render_offline, save_map
from routing.maps.month import PALETTE
from routing.plan import DayPlan, Plan, RetailerVisits, Stop, Unplanned
from routing.retailers import Area, Retailer

MONDAY = date(2025, 3, 3)
TUESDAY = date(2025, 3, 4)
THURSDAY = date(2025, 3, 6)
OFFICE = (113.300, 23.100)
STOP_MARKER = '"className": "vp-mstop"'


def hm(hours: int, minutes: int) -> int:
    return hours * 3600 + minutes * 60


def shop(number: int, **fields: object) -> Retailer:
    values: dict[str, object] = {
        "id": f"R{number}",
        "name": f"{number}号烟酒店",
        "lon": OFFICE[0] + 0.002 * number,
        "lat": OFFICE[1] + 0.001 * number,
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


def one_day(day: date, shops: list[Retailer]) -> DayPlan:
    return DayPlan(
        date=day,
        area="urban",
        depart_office_s=hm(9, 0),
        return_office_s=hm(15, 30),
        lunch=None,
        stops=tuple(visit(r, hm(9, 20) + 900 * k) for k, r in enumerate(shops)),
        travel_back_s=600,
        travel_back_m=2000,
        quota=30,
    )


@pytest.fixture
def retailers() -> dict[str, Retailer]:
    """Four shops the month visits, and a fifth it leaves out."""
    shops = [shop(1, must_visit=True, address="中山路1号"), shop(2), shop(3), shop(4), shop(9)]
    return {r.id: r for r in shops}


@pytest.fixture
def plan(retailers: dict[str, Retailer]) -> Plan:
    """Three days: R1 R2 R3 on Monday, R3 R4 on Tuesday, R1 R2 again on Thursday.

    Lines: R1 and R2 are line 0, R3 and R4 line 1; so Monday and Thursday work line 0 and
    Tuesday line 1. R9 gets no visit (closed).
    """
    r1, r2, r3, r4 = (retailers[f"R{k}"] for k in (1, 2, 3, 4))
    return Plan(
        manager="王五",
        mode="ebike",
        office_lon=OFFICE[0],
        office_lat=OFFICE[1],
        days=(
            one_day(MONDAY, [r1, r2, r3]),
            one_day(TUESDAY, [r3, r4]),
            one_day(THURSDAY, [r2, r1]),
        ),
        retailers=(
            RetailerVisits(id="R1", required_visits=2, dates=(MONDAY, THURSDAY)),
            RetailerVisits(id="R2", required_visits=2, dates=(MONDAY, THURSDAY)),
            RetailerVisits(id="R3", required_visits=2, dates=(MONDAY, TUESDAY)),
            RetailerVisits(id="R4", required_visits=2, dates=(TUESDAY,)),
            RetailerVisits(id="R9", required_visits=1, dates=()),
        ),
        unplanned=(
            Unplanned(retailer_id="R4", date=None, reason="周内已满"),
            Unplanned(retailer_id="R9", date=None, reason="停业"),
        ),
        extra={"planning": "lines", "lines": {"R1": 0, "R2": 0, "R3": 1, "R4": 1}},
    )


def overlays(html: str) -> dict[str, str]:
    """Return the layer control's overlays: layer name -> feature group variable."""
    block = re.search(r"overlays :\s*\{(.*?)\},\s*\};", html, re.DOTALL)
    assert block is not None
    pairs = re.findall(r'^\s*("(?:[^"\\]|\\.)*")\s*:\s*(\w+),', block.group(1), re.MULTILINE)
    return {json.loads(name): var for name, var in pairs}


def markers_in(html: str, group: str) -> int:
    """Return how many stop markers are added to the feature group ``group``."""
    return len(re.findall(rf"L\.marker\(\s*\[[^\]]*\],\s*\{{\s*\}}\s*\)\.addTo\({group}\)", html))


def polylines(html: str) -> list[tuple[list[list[float]], dict[str, object], str]]:
    """Return each route's points, options and the group it is added to."""
    found = re.findall(r"L\.polyline\(\s*(\[\[.*?\]\]),\s*(\{.*?\})\s*\)\.addTo\((\w+)\)", html)
    return [(json.loads(points), json.loads(options), to) for points, options, to in found]


def panel(html: str) -> str:
    return next(line for line in html.splitlines() if "div.innerHTML" in line)


DAY_NAMES = ["03-03 周一 · 3户 · 5.6km", "03-04 周二 · 2户 · 4.4km", "03-06 周四 · 2户 · 4.4km"]


OSM_TILES = "OpenStreetMap 在线地图（需联网）"


def test_a_layer_per_day_named_with_its_totals(plan, retailers):
    html = render_offline(month_map(plan, retailers))
    names = list(overlays(html))
    assert names == [*DAY_NAMES, "未拜访客户 (1)", OSM_TILES]
    assert "L.control.layers(" in html


def test_every_layer_but_the_online_tiles_is_on_at_first(plan, retailers):
    html = render_offline(month_map(plan, retailers))
    layers = overlays(html)
    tiles = layers.pop(OSM_TILES)
    for group in layers.values():
        assert f"{group}.addTo(map_" in html
    assert f"{tiles}.addTo(" not in html
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html


def test_the_layer_control_comes_after_every_layer(plan, retailers):
    m = month_map(plan, retailers)
    html = render_offline(month_map(plan, retailers, m=m))
    assert html.count("L.control.layers(") == 1
    control = html.index("L.control.layers(")
    for group in overlays(html).values():
        assert html.index(f"var {group} = ") < control


def test_each_days_route_tooltip_gives_its_totals(plan, retailers):
    html = render_offline(month_map(plan, retailers))
    assert "03-03 周一 · 3户 · 5.6km · 路上时间(分钟) 25 · 服务时间(分钟) 24 · 09:20–09:58" in html


def test_one_numbered_marker_per_stop_in_its_days_layer(plan, retailers):
    html = render_offline(month_map(plan, retailers))
    assert html.count(STOP_MARKER) == sum(len(day.stops) for day in plan.days) == 7
    groups = overlays(html)
    assert [markers_in(html, groups[name]) for name in DAY_NAMES] == [3, 2, 2]
    for number in (1, 2, 3):
        assert f"\\u003e{number}\\u003c/div\\u003e" in html


def test_each_layer_has_its_own_colour_from_the_palette(plan, retailers):
    html = render_offline(month_map(plan, retailers))
    groups = overlays(html)
    lines = polylines(html)
    assert [to for _, _, to in lines] == [groups[name] for name in DAY_NAMES]
    assert [options["color"] for _, options, _ in lines] == list(PALETTE[:3])
    for colour, count in zip(PALETTE[:3], (3, 2, 2), strict=True):
        assert html.count(f'background:{colour}\\"') == count


def test_colours_are_the_same_every_time(plan, retailers):
    first = polylines(render_offline(month_map(plan, retailers)))
    second = polylines(render_offline(month_map(plan, retailers)))
    assert [o["color"] for _, o, _ in first] == [o["color"] for _, o, _ in second]


def test_straight_routes_go_office_stops_office(plan, retailers):
    html = render_offline(month_map(plan, retailers))
    points, options, _ = polylines(html)[1]
    r3, r4 = retailers["R3"], retailers["R4"]
    office = [OFFICE[1], OFFICE[0]]
    stops = [[round(r.lat, 6), round(r.lon, 6)] for r in (r3, r4)]
    assert points == [office, *stops, office]
    assert options["dashArray"] == "6 8"
    assert "直线示意（非实际道路）" in panel(html)


def test_road_paths_are_drawn_rounded_and_without_repeated_points(plan, retailers):
    tuesday = plan.days[1]
    places = [OFFICE, *((s.lon, s.lat) for s in tuesday.stops), OFFICE]
    legs = [
        [a, (a[0] + 0.0001234567, a[1]), (a[0] + 0.0001234567, a[1]), b]
        for a, b in pairwise(places)
    ]
    html = render_offline(month_map(plan, retailers, paths={TUESDAY: legs}))
    lines = polylines(html)
    points, options, _ = lines[1]
    assert len(points) == 1 + 3 * 2  # each leg adds 2: its repeated point and start dropped
    assert points[1] == [OFFICE[1], round(OFFICE[0] + 0.0001234567, 6)]
    assert options["dashArray"] is None
    assert lines[0][1]["dashArray"] == "6 8"  # Monday has no road path
    assert "路线沿道路" in panel(html)
    assert "直线示意" in panel(html)


def test_wrong_paths_are_rejected(plan, retailers):
    with pytest.raises(ValueError, match=r"Expected 3 paths .* 2025-03-04, got 1"):
        month_map(plan, retailers, paths={TUESDAY: [[OFFICE, OFFICE]]})
    with pytest.raises(ValueError, match="2025-03-05"):
        month_map(plan, retailers, paths={date(2025, 3, 5): []})


def test_a_retailers_popup_lists_all_its_visit_dates(plan, retailers):
    html = render_offline(month_map(plan, retailers))
    popups = [line for line in html.splitlines() if "bindPopup" in line and "1号烟酒店" in line]
    assert len(popups) == 2  # R1 is visited on Monday and Thursday
    for popup in popups:
        assert "拜访日期: 03-03 周一、03-06 周四" in popup
        assert "客户编码: R1" in popup
        assert "线路: 线路1" in popup
        assert "标记: 必访" in popup
    assert "日期: 03-03 周一 09:20–09:28" in popups[0]
    assert "日期: 03-06 周四 09:35–09:43" in popups[1]


def test_popup_of_a_retailer_short_of_visits_gives_the_reason(plan, retailers):
    html = render_offline(month_map(plan, retailers))
    popup = next(line for line in html.splitlines() if "bindPopup" in line and "4号烟酒店" in line)
    assert "拜访日期: 03-04 周二" in popup
    assert "未排原因: 周内已满" in popup


def test_retailers_left_out_of_the_month_are_grey(plan, retailers):
    html = render_offline(month_map(plan, retailers))
    assert html.count("L.circleMarker(") == 1
    assert "9号烟酒店: 停业" in html


def test_office_marker_is_always_on_the_map_not_in_a_switchable_layer(plan, retailers):
    html = render_offline(month_map(plan, retailers))
    assert html.count('"className": "vp-office"') == 1
    office = re.search(
        r"L\.marker\(\s*\[([^\]]*)\],\s*\{[^}]*zIndexOffset[^}]*\}\s*\)\.addTo\((\w+)\)", html
    )
    assert office is not None
    assert office.group(1) == f"{OFFICE[1]}, {OFFICE[0]}"
    group = office.group(2)
    assert group not in overlays(html).values()
    assert f"{group}.addTo(map_" in html


def test_month_totals_panel_and_attribution(plan, retailers):
    text = panel(render_offline(month_map(plan, retailers)))
    for expected in (
        "月度拜访计划 · 2025-03 · 王五",
        "工作日\\u003c/th\\u003e\\u003ctd\\u003e3",
        "拜访户数 / 定额\\u003c/th\\u003e\\u003ctd\\u003e7 / 90",
        "总里程(公里)\\u003c/th\\u003e\\u003ctd\\u003e14.4",
        "路上时间(小时)\\u003c/th\\u003e\\u003ctd\\u003e1.1",  # 3 900 s
        "服务时间(小时)\\u003c/th\\u003e\\u003ctd\\u003e0.9",  # 7 x 480 s
        "未拜访客户\\u003c/th\\u003e\\u003ctd\\u003e1",
        "© OpenStreetMap contributors",
    ):
        assert expected in text, expected


def test_saved_month_map_needs_no_internet(plan, retailers, tmp_path):
    path = tmp_path / "maps" / "month.html"
    save_map(month_map(plan, retailers, group_by="line"), path)
    html = path.read_text(encoding="utf-8")
    assert remote_sources(html) == []
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "Leaflet 1.9.3" in html
    assert "jquery" not in html.lower()


def test_english_labels(plan, retailers):
    html = render_offline(month_map(plan, retailers, lang="en"))
    assert list(overlays(html))[:3] == [
        "03-03 Mon · 3 visits · 5.6 km",
        "03-04 Tue · 2 visits · 4.4 km",
        "03-06 Thu · 2 visits · 4.4 km",
    ]
    text = panel(html)
    for expected in ("Monthly visit plan", "Working days", "Travel hours", "Straight lines"):
        assert expected in text, expected
    assert "Visit dates: 03-03 Mon, 03-06 Thu" in html
    assert "拜访" not in html


def test_layers_by_line_hold_their_retailers_and_days(plan, retailers):
    html = render_offline(month_map(plan, retailers, group_by="line"))
    groups = overlays(html)
    assert list(groups) == [
        "线路1 · 2天 · 3户 · 10.0km",  # Monday (R1 R2 R3) and Thursday (R2 R1)
        "线路2 · 1天 · 2户 · 4.4km",  # Tuesday (R3 R4)
        "未拜访客户 (1)",
        OSM_TILES,
    ]
    first, second = (groups[name] for name in list(groups)[:2])
    assert (markers_in(html, first), markers_in(html, second)) == (3, 2)
    routes = [(options["color"], to) for _, options, to in polylines(html)]
    assert routes == [(PALETTE[0], first), (PALETTE[0], first), (PALETTE[1], second)]
    popup = next(line for line in html.splitlines() if "bindPopup" in line and "2号烟酒店" in line)
    assert "拜访日期: 03-03 周一、03-06 周四" in popup
    assert "1. 2号烟酒店" not in html  # numbered in the order of the line's first day
    assert "2. 2号烟酒店" in html


def test_days_of_no_line_get_a_layer_of_their_own(plan, retailers):
    extra = {"lines": {"R3": 1, "R4": 1}}
    html = render_offline(month_map(replace(plan, extra=extra), retailers, group_by="line"))
    assert list(overlays(html))[:2] == [
        "线路2 · 2天 · 4户 · 10.0km",
        "未分线路 · 1天 · 2户 · 4.4km",
    ]


def test_group_by_line_needs_lines(plan, retailers):
    with pytest.raises(ValueError, match=r"plan\.extra"):
        month_map(replace(plan, extra={}), retailers, group_by="line")
    with pytest.raises(ValueError, match="'week'"):
        month_map(plan, retailers, group_by="week")


def test_a_plan_without_days_is_rejected(plan, retailers):
    with pytest.raises(ValueError, match="at least one day"):
        month_map(replace(plan, days=()), retailers)


def test_layers_are_added_to_a_given_map(plan, retailers):
    m = folium.Map(location=(OFFICE[1], OFFICE[0]), zoom_start=13)
    assert month_map(plan, retailers, m=m) is m
    html = render_offline(m)
    assert html.count(STOP_MARKER) == 7
    assert remote_sources(html) == []


def test_a_day_without_stops_has_a_layer_but_no_route(plan, retailers):
    empty = replace(plan.days[1], stops=(), travel_back_s=0, travel_back_m=0)
    plan = replace(plan, days=(plan.days[0], empty, plan.days[2]))
    html = render_offline(month_map(plan, retailers))
    assert "03-04 周二 · 0户 · 0.0km" in overlays(html)
    assert len(polylines(html)) == 2


def test_names_are_escaped(plan, retailers):
    retailers = {**retailers, "R1": replace(retailers["R1"], name="<b>老王</b> & 子")}
    html = render_offline(month_map(plan, retailers))
    assert "<b>老王</b>" not in html
    assert "老王" in html


def road(a: tuple[float, float], b: tuple[float, float], points: int) -> list[tuple[float, float]]:
    """A zig-zag 'road' of ``points`` (lon, lat) pairs from ``a`` to ``b``."""
    return [
        (
            a[0] + (b[0] - a[0]) * i / (points - 1) + 0.0003 * (0 < i < points - 1) * (i % 2),
            a[1] + (b[1] - a[1]) * i / (points - 1),
        )
        for i in range(points)
    ]


def month_of(days: int, stops: int, points: int) -> tuple[Plan, dict[str, Retailer], dict]:
    """``days`` working days of ``stops`` stops; 11 lines worked twice; roads of ``points``."""
    shops: dict[str, Retailer] = {}
    plan_days, paths, dates = [], {}, {}
    day = MONDAY
    for k in range(days):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        line = [
            shop(
                100 * (k % 11) + j,
                lon=OFFICE[0] + 0.01 * (k % 11) + 0.0013 * j,
                lat=OFFICE[1] + 0.0017 * (j % 7),
                address=f"中山路{j}号",
            )
            for j in range(stops)
        ]
        shops.update((r.id, r) for r in line)
        for r in line:
            dates.setdefault(r.id, []).append(day)
        plan_days.append(one_day(day, line))
        places = [OFFICE, *((r.lon, r.lat) for r in line), OFFICE]
        paths[day] = [road(a, b, points) for a, b in pairwise(places)]
        day += timedelta(days=1)
    plan = Plan(
        manager="王五",
        mode="ebike",
        office_lon=OFFICE[0],
        office_lat=OFFICE[1],
        days=tuple(plan_days),
        retailers=tuple(
            RetailerVisits(id=key, required_visits=2, dates=tuple(value))
            for key, value in dates.items()
        ),
        unplanned=(),
    )
    return plan, shops, paths


def test_a_22_day_month_of_30_stops_stays_under_3_mb(tmp_path):
    plan, shops, paths = month_of(22, 30, points=120)
    path = tmp_path / "month.html"
    save_map(month_map(plan, shops, paths=paths), path)
    assert path.stat().st_size < 3_000_000
    assert path.read_text(encoding="utf-8").count(STOP_MARKER) == 660
