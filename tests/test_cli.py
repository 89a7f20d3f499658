"""The command line as a user meets it: exit codes, messages, files written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bad_inputs import BAD_RETAILER_FILES, EXPECTED, HINTS, write_case
from routing.cli import main
from routing.errors import EXIT_INPUT, EXIT_ROUTING
from routing.options import EXIT_VIOLATIONS
from routing.readers import write_retailers_csv
from routing.retailers import Area, Retailer

OFFICE = "121.4700,31.2300"


def shops(count: int, *, lon0: float = 121.4700, step: float = 0.0003) -> list[Retailer]:
    """``count`` urban shops in a row east of the office, ``step`` degrees apart (~28 m)."""
    return [
        Retailer(
            id=f"S{i:02d}",
            name=f"烟酒店{i}",
            lon=lon0 + step * (i + 1),
            lat=31.2300,
            area=Area.URBAN,
            retailer_class="ABCDE"[i % 5],
        )
        for i in range(count)
    ]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def day_args(retailers: Path, out: Path, *extra: str | Path) -> list[str | Path]:
    return [
        "day",
        "--retailers",
        retailers,
        "--network",
        "none",
        "--office",
        OFFICE,
        "--date",
        "2027-01-05",
        "--out",
        out / "plan.json",
        "--map",
        out / "map.html",
        *extra,
    ]


@pytest.mark.parametrize(("case", "filename", "content"), BAD_RETAILER_FILES)
def test_every_malformed_retailer_file_exits_2_with_where_and_how(
    capsys, tmp_path, case, filename, content
):
    path = write_case(tmp_path, filename, content)
    code, _out, err = run(capsys, *day_args(path, tmp_path))
    assert code == EXIT_INPUT
    assert "Traceback" not in err
    assert str(path) in err
    row, field = EXPECTED[case]
    if row is not None:
        assert f"row {row}" in err
    if field is not None:
        assert f"field '{field}'" in err
    assert HINTS[case].lower() in err.lower()
    assert not (tmp_path / "plan.json").exists()


@pytest.fixture
def ten_shops(tmp_path: Path) -> Path:
    path = tmp_path / "shops.csv"
    write_retailers_csv(shops(10), path)
    return path


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--office", "121.47", "expected LON,LAT"),
        ("--office", "31.23,121.47", "out of range"),
        ("--date", "2027-13-01", "YYYY-MM-DD"),
        ("--mode", "rocket", "unknown travel mode"),
        ("--crs", "mars", "--crs"),
        ("--network", "missing.osm.bz2", "missing.osm.bz2"),
        ("--network", "roads.shp", "roads.shp"),
    ],
)
def test_bad_options_exit_2_naming_the_option(capsys, tmp_path, ten_shops, option, value, message):
    args = list(day_args(ten_shops, tmp_path))
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    code, _, err = run(capsys, *args)
    assert code == EXIT_INPUT
    assert message in err
    assert "Traceback" not in err


def test_a_broken_rules_file_exits_2(capsys, tmp_path, ten_shops):
    rules = tmp_path / "rules.toml"
    rules.write_text("[day\nmin_visits_urban = 30\n", encoding="utf-8")
    code, _, err = run(capsys, *day_args(ten_shops, tmp_path, "--rules", rules))
    assert code == EXIT_INPUT
    assert str(rules) in err


def test_network_and_place_together_are_refused(capsys, tmp_path, ten_shops):
    args = day_args(ten_shops, tmp_path, "--place", "Jing'an, Shanghai")
    code, _, err = run(capsys, *args)
    assert code == EXIT_INPUT
    assert "either --network or --place" in err


def test_an_impossible_quota_still_gives_a_plan_with_the_reason(capsys, tmp_path, ten_shops):
    code, out, _ = run(capsys, *day_args(ten_shops, tmp_path))
    assert code == 0
    day = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))["days"][0]
    assert len(day["stops"]) == 10
    assert day["quota"] == 30
    assert "only 10 retailers" in day["shortfall_reason"]
    assert "当日只给出 10 户客户" in out  # the reason in the reader's language


def test_day_writes_plan_schedules_and_map_that_check_passes(capsys, tmp_path, ten_shops):
    code, _, _ = run(
        capsys, *day_args(ten_shops, tmp_path, "--dump-instance", tmp_path / "instance.json")
    )
    assert code == 0
    for name in ("plan.json", "plan.xlsx", "plan.csv", "map.html", "instance.json"):
        assert (tmp_path / name).stat().st_size > 0
    code, out, _ = run(capsys, "check", tmp_path / "plan.json", "--retailers", ten_shops)
    assert code == 0
    assert out.startswith("OK")


def test_check_lists_violations_and_exits_4(capsys, tmp_path, ten_shops):
    run(capsys, *day_args(ten_shops, tmp_path))
    plan_path = tmp_path / "plan.json"
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    plan["days"][0]["stops"][-1]["end"] = "15:30"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    code, out, _ = run(capsys, "check", plan_path, "--retailers", ten_shops)
    assert code == EXIT_VIOLATIONS
    assert "field_end" in out


@pytest.mark.parametrize(
    "text", ["not json", '{"schema": "other"}', '{"schema": "visitplan/plan@1"}']
)
def test_check_refuses_a_file_that_is_not_a_plan(capsys, tmp_path, ten_shops, text):
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "check", plan_path, "--retailers", ten_shops)
    assert code == EXIT_INPUT
    assert str(plan_path) in err


def test_the_same_input_and_seed_give_the_same_plan_file(capsys, tmp_path, ten_shops):
    first, second = tmp_path / "a", tmp_path / "b"
    run(capsys, *day_args(ten_shops, first))
    run(capsys, *day_args(ten_shops, second))
    assert (first / "plan.json").read_bytes() == (second / "plan.json").read_bytes()


def test_a_shop_off_the_road_network_is_listed_not_routed(capsys, tmp_path, tiny_osm):
    # One shop on the street block, one 2 km away from any road.
    near = Retailer(
        id="NEAR", name="近", lon=121.4710, lat=31.2301, area=Area.URBAN, retailer_class="A"
    )
    far = Retailer(
        id="FAR", name="远", lon=121.4900, lat=31.2300, area=Area.URBAN, retailer_class="A"
    )
    path = tmp_path / "shops.csv"
    write_retailers_csv([near, far], path)
    args = day_args(path, tmp_path)
    args[args.index("--network") + 1] = str(tiny_osm)
    code, _, _ = run(capsys, *args)
    assert code == 0
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert [s["retailer_id"] for s in plan["days"][0]["stops"]] == ["NEAR"]
    (unplanned,) = plan["unplanned"]
    assert unplanned["retailer_id"] == "FAR"
    assert "m from the nearest" in unplanned["reason"]


def test_an_office_off_the_road_network_exits_3(capsys, tmp_path, tiny_osm, ten_shops):
    args = day_args(ten_shops, tmp_path)
    args[args.index("--network") + 1] = str(tiny_osm)
    args[args.index("--office") + 1] = "121.60,31.30"
    code, _, err = run(capsys, *args)
    assert code == EXIT_ROUTING
    assert "office" in err


def test_the_same_day_on_real_roads_gives_the_same_plan_file(capsys, tmp_path, rules):
    from routing.generator import generate_retailers
    from routing.network import load_network, street_segments

    network = load_network("bundled:kotka", mode=rules.mode("ebike"))
    office = (float(network.lons[0]), float(network.lats[0]))
    path = tmp_path / "shops.csv"
    write_retailers_csv(
        generate_retailers(
            street_segments(network), count=36, seed=5, center=office, radius_m=600
        ),
        path,
    )
    plans = []
    for run_dir in (tmp_path / "a", tmp_path / "b"):
        args = day_args(path, run_dir)
        args[args.index("--network") + 1] = "bundled:kotka"
        args[args.index("--office") + 1] = f"{office[0]},{office[1]}"
        assert run(capsys, *args)[0] == 0
        plans.append((run_dir / "plan.json").read_bytes())
    assert plans[0] == plans[1]


def test_an_output_named_like_the_retailer_file_is_refused_and_the_file_kept(tmp_path, capsys):
    retailers = tmp_path / "plan.csv"
    write_retailers_csv(shops(3), retailers)
    before = retailers.read_bytes()
    code, _, err = run(capsys, *day_args(retailers, tmp_path))
    assert code == EXIT_INPUT
    assert "would overwrite this input; give --out another name" in err
    assert "Traceback" not in err
    assert retailers.read_bytes() == before
