import re
from dataclasses import replace
from pathlib import Path

import pytest

from routing.cli import main
from routing.maps import schedule_page, write_schedule_page
from routing.maps.offline import remote_sources
from routing.outputs import link_from
from routing.plan import Plan
from routing.retailers import Retailer
from test_maps import hm, sample_plan, sample_retailers


@pytest.fixture
def retailers() -> dict[str, Retailer]:
    return sample_retailers()


@pytest.fixture
def plan(retailers: dict[str, Retailer]) -> Plan:
    return sample_plan(retailers)


def items(html: str) -> list[str]:
    block = re.search(r'<ol class="schedule">(.*?)</ol>', html, re.DOTALL)
    assert block is not None
    return re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), re.DOTALL)


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_day_in_order_office_stops_lunch_office(plan, retailers):
    rows = [text(row) for row in items(schedule_page(plan, 0, retailers))]
    assert len(rows) == 1 + 3 + 1 + 1
    assert rows[0] == "09:00 办公室出发"
    assert rows[1].startswith("109:20–09:28 1号烟酒店")
    assert rows[3] == "12:00–12:30 午餐"  # lunch after the second stop
    assert rows[4].startswith("309:50–09:58 3号烟酒店")
    assert rows[5] == "15:30 返回办公室"


def test_a_stop_shows_class_flags_leg_address_and_coordinates(plan, retailers):
    first = items(schedule_page(plan, 0, retailers))[1]
    for expected in (
        "客户编码 R1 · 档位 B · 路程 1200 米 · 5 分钟",
        '<span class="flag">必访</span><span class="flag">企业级</span>',
        "中山路1号",
        'href="geo:23.101000,113.302000"',
        "坐标 113.302000, 23.101000",
    ):
        assert expected in first, expected


def test_waiting_for_opening_shows_the_arrival(plan, retailers):
    stop = plan.days[0].stops[0]
    waits = replace(stop, arrive_s=stop.start_s - 600)
    day = replace(plan.days[0], stops=(waits, *plan.days[0].stops[1:]))
    first = items(schedule_page(replace(plan, days=(day,)), 0, retailers))[1]
    assert "(到达 09:10)" in first


def test_totals_are_held_against_the_rules(plan, retailers):
    day = replace(plan.days[0], return_office_s=hm(16, 10))
    html = schedule_page(replace(plan, days=(day,)), 0, retailers)
    assert '<small>首访 (≤ 09:30)</small><b class="ok">09:20</b>' in html
    assert '<small>返回 (≤ 16:00)</small><b class="late">16:10</b>' in html
    assert '<b class="late">3 / 30</b>' in html


def test_retailers_not_visited_are_listed_with_the_reason(plan, retailers):
    html = schedule_page(plan, 0, retailers)
    assert "未拜访客户 (2)" in html
    assert "9号烟酒店" in html
    assert "原因: 营业时间不符" in html
    assert "NOT-IN-LIST" in html  # no record, but still listed by id


def test_a_phone_page_needing_nothing_from_the_network(plan, retailers):
    html = schedule_page(plan, 0, retailers, map_href="2025-03-03.html")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<a class="maplink" href="2025-03-03.html">打开地图</a>' in html
    assert remote_sources(html) == []
    assert "<script" not in html
    assert "http" not in html


def test_no_map_no_link(plan, retailers):
    assert "maplink" not in schedule_page(plan, 0, retailers).split("</style>")[1]


def test_english(plan, retailers):
    html = schedule_page(plan, 0, retailers, lang="en")
    assert "Visit schedule" in html
    assert "Leave the office" in html
    assert "First visit (≤ 09:30)" in html
    assert '<html lang="en">' in html


def test_unknown_day_is_rejected(plan, retailers):
    with pytest.raises(IndexError, match="day_index"):
        schedule_page(plan, 3, retailers)


def test_written_as_utf8_in_a_new_folder(plan, retailers, tmp_path):
    path = tmp_path / "pages" / "day.html"
    write_schedule_page(plan, 0, retailers, path)
    assert "1号烟酒店" in path.read_text(encoding="utf-8")


def test_links_are_relative_and_quoted(tmp_path):
    page = tmp_path / "pages" / "day.html"
    assert link_from(page, tmp_path / "maps" / "日 1.html") == "../maps/%E6%97%A5%201.html"
    assert link_from(page, tmp_path / "pages" / "map.html") == "map.html"


def test_visitplan_day_html_writes_the_page_linking_to_the_map(tmp_path, capsys):
    shops = tmp_path / "shops.csv"
    rows = [f"S{k},烟酒店{k},{121.4700 + 0.0003 * (k + 1):.4f},31.2300,urban,C" for k in range(4)]
    shops.write_text("id,name,lon,lat,area,class\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code = main(
        [
            "day",
            "--retailers",
            str(shops),
            "--network",
            "none",
            "--office",
            "121.4700,31.2300",
            "--date",
            "2027-01-05",
            "--out",
            str(tmp_path / "plans" / "day.json"),
            "--map",
            str(tmp_path / "maps" / "day.html"),
            "--html",
            str(tmp_path / "phone" / "day.html"),
            "--tiles",
            "amap",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    page = (tmp_path / "phone" / "day.html").read_text(encoding="utf-8")
    assert len(items(page)) == 4 + 2  # four visits, leaving and coming back (no lunch)
    assert 'href="../maps/day.html"' in page
    assert "autonavi.com" in (tmp_path / "maps" / "day.html").read_text(encoding="utf-8")
    assert str(Path(tmp_path / "phone" / "day.html")) in out
