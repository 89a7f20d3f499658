"""The daily acceptance run on real data: 40 generated shops on central Shanghai.

Reads ``../shared/data`` (or ``$VISITPLAN_SHARED_DATA``) and skips when it is absent.
"""

from __future__ import annotations

import json

import pytest

from routing.cli import main
from routing.generator import generate_retailers
from routing.network import load_network, street_segments
from routing.readers import write_retailers_csv

pytestmark = pytest.mark.shared_data

OFFICE = (121.4737, 31.2304)  # People's Square


def test_forty_shops_on_shanghai_roads_give_a_plan_that_check_passes(
    tmp_path, shared_data, rules, capsys
):
    extract = shared_data / "geo" / "china_shanghai_center.osm.bz2"
    network = load_network(extract, mode=rules.mode("ebike"))
    shops = generate_retailers(
        street_segments(network), count=40, seed=11, center=OFFICE, radius_m=1200
    )
    retailers = tmp_path / "shops.csv"
    write_retailers_csv(shops, retailers)
    plan = tmp_path / "plans" / "2027-01-05.json"
    code = main(
        [
            "day",
            "--retailers",
            str(retailers),
            "--network",
            str(extract),
            "--office",
            f"{OFFICE[0]},{OFFICE[1]}",
            "--date",
            "2027-01-05",
            "--mode",
            "ebike",
            "--out",
            str(plan),
            "--map",
            str(tmp_path / "maps" / "2027-01-05.html"),
            "--cache-dir",
            str(tmp_path / "cache"),
        ]
    )
    assert code == 0
    for path in (
        plan,
        plan.with_suffix(".xlsx"),
        plan.with_suffix(".csv"),
        tmp_path / "maps" / "2027-01-05.html",
    ):
        assert path.stat().st_size > 0
    assert main(["check", str(plan), "--retailers", str(retailers)]) == 0
    day = json.loads(plan.read_text(encoding="utf-8"))["days"][0]
    assert len(day["stops"]) >= 30
    assert "road network" in json.loads(plan.read_text(encoding="utf-8"))["travel_matrix"]
    capsys.readouterr()
