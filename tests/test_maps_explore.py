from dataclasses import replace

import folium
import pytest

from routing.maps import explore, render_offline
from routing.plan import Plan
from routing.retailers import Retailer
from test_maps import MONDAY, TUESDAY, one_day, roads, sample_plan, sample_retailers


@pytest.fixture
def retailers() -> dict[str, Retailer]:
    return sample_retailers()


@pytest.fixture
def plan(retailers: dict[str, Retailer]) -> Plan:
    return sample_plan(retailers)


def test_a_day_plan_explores_as_a_day_map(plan, retailers):
    m = explore(plan, retailers)
    assert isinstance(m, folium.Map)
    html = render_offline(m)
    assert html.count('"className": "vp-stop"') == 3
    assert "vp-arrows" in html


def test_retailers_may_be_any_iterable(plan, retailers):
    html = render_offline(explore(plan, list(retailers.values())))
    assert "1号烟酒店" in html


def test_several_days_explore_as_a_month_map_and_one_can_be_picked(plan, retailers):
    tuesday = one_day([retailers["R3"], retailers["R2"]], day=TUESDAY, after_stop=1)
    two = replace(plan, days=(*plan.days, tuesday))
    month = render_offline(explore(two, retailers))
    assert month.count('"className": "vp-mstop"') == 5
    by_date = render_offline(explore(two, retailers, day=TUESDAY))
    assert by_date.count('"className": "vp-stop"') == 2
    with pytest.raises(ValueError, match="date of the plan"):
        explore(two, retailers, day=MONDAY.replace(day=20))


def test_paths_by_date_are_drawn_along_the_roads(plan, retailers):
    html = render_offline(explore(plan, retailers, paths={MONDAY: roads(plan)}))
    assert "路线沿道路" in html


def test_layers_go_on_the_map_given(plan, retailers):
    m = folium.Map(location=(23.1, 113.3), zoom_start=13)
    assert explore(plan, retailers, m=m) is m
    assert explore(plan, retailers, m=m, lang="en") is m
    assert render_offline(m).count('"className": "vp-stop"') == 6
