from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import zipfile
from pathlib import Path
from types import MappingProxyType

import pytest
from openpyxl import Workbook

from bad_inputs import BAD_RETAILER_FILES, CASES, EXPECTED, HINTS, write_case
from routing.coords import to_wgs84
from routing.errors import InputError
from routing.generator import generate_retailers
from routing.readers import read_retailers, write_retailers_csv
from routing.retailers import Area, Retailer, TimeWindow
from routing.rules import RetailerClass, Rules, load_rules

HEADER = "id,name,lon,lat,area,class"


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def read_csv(tmp_path: Path, text: str, rules: Rules, **kwargs: str) -> tuple[Retailer, ...]:
    return read_retailers(write(tmp_path / "r.csv", text), rules=rules, **kwargs)


def problems_of(path: Path, rules: Rules, **kwargs: str) -> list[tuple[int | None, str | None]]:
    with pytest.raises(InputError) as caught:
        read_retailers(path, rules=rules, **kwargs)
    return [(problem.row, problem.field) for problem in caught.value.problems]


# Malformed files -----------------------------------------------------------------------


def test_there_are_at_least_30_bad_cases():
    assert len(BAD_RETAILER_FILES) >= 30
    assert len({name for name, _, _ in BAD_RETAILER_FILES}) == len(BAD_RETAILER_FILES)


@pytest.mark.parametrize(
    ("case", "filename", "content"), BAD_RETAILER_FILES, ids=[c[0] for c in BAD_RETAILER_FILES]
)
def test_bad_file_reports_where_and_how_to_fix(tmp_path, rules, case, filename, content):
    path = write_case(tmp_path, filename, content)

    with pytest.raises(InputError) as caught:
        read_retailers(path, rules=rules)

    assert caught.value.exit_code == 2
    [problem] = caught.value.problems
    assert problem.source == str(path)
    assert (problem.row, problem.field) == EXPECTED[case]
    assert HINTS[case].lower() in problem.message.lower()
    assert str(path) in str(caught.value)


def test_bad_cases_are_described():
    for case in CASES:
        assert case.hint
        assert case.row is None or case.row >= 1


def test_every_problem_is_reported_at_once(tmp_path, rules):
    text = "\n".join(
        [
            HEADER,
            "R1,张记烟酒店,121.4737,31.2304,urban,A",
            "R2,b,abc,31.23,urban,A",  # row 3: lon not a number
            "R3,c,121.47,31.23,urban,Z",  # row 4: unknown class
            "R4,d,121.47,31.23,suburb,A",  # row 5: unknown area
        ]
    )
    path = write(tmp_path / "three.csv", text)

    assert problems_of(path, rules) == [(3, "lon"), (4, "class"), (5, "area")]


def test_several_problems_in_one_row_are_all_reported(tmp_path, rules):
    path = write(tmp_path / "row.csv", f"{HEADER},fluctuating\n,,0,0,x,Z,maybe\n")

    found = problems_of(path, rules)

    assert found == [(2, f) for f in ("id", "name", "lon", "area", "class", "fluctuating")]


def test_a_latitude_out_of_range_is_reported_beside_a_missing_longitude(tmp_path, rules):
    path = write(tmp_path / "half.csv", f"{HEADER}\nR3,王记,,95,rural,B\n")

    assert problems_of(path, rules) == [(2, "lon"), (2, "lat")]


def test_missing_columns_are_reported_once_not_per_row(tmp_path, rules):
    rows = "\n".join(f"R{i},n,121.47,urban,A" for i in range(5))
    path = write(tmp_path / "nolat.csv", f"id,name,lon,area,class\n{rows}\n")

    assert problems_of(path, rules) == [(1, "lat")]


def test_duplicate_id_names_both_rows(tmp_path, rules):
    rows = ["R1,a,121.47,31.23,urban,A", "R2,b,121.47,31.23,urban,A", "R1,c,121.4,31.2,urban,A"]
    text = "\n".join([HEADER, *rows])
    path = write(tmp_path / "dup.csv", text)

    with pytest.raises(InputError) as caught:
        read_retailers(path, rules=rules)

    [problem] = caught.value.problems
    assert (problem.row, problem.field) == (4, "id")
    assert "rows 2 and 4" in problem.message


def test_row_numbers_count_blank_lines(tmp_path, rules):
    text = f"{HEADER}\nR1,a,121.47,31.23,urban,A\n,,,,,\nR2,b,121.47,31.23,urban,Q\n"
    path = write(tmp_path / "blank.csv", text)

    assert problems_of(path, rules) == [(4, "class")]


def test_geojson_file_problems_and_row_problems_together(tmp_path, rules):
    features = [
        {"type": "Feature", "geometry": None, "properties": {"id": "R1"}},
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [121.47, 31.23]},
            "properties": {"id": "R2", "name": "b", "area": "urban", "class": "Z"},
        },
    ]
    path = write(
        tmp_path / "two.geojson", json.dumps({"type": "FeatureCollection", "features": features})
    )

    assert problems_of(path, rules) == [(1, "geometry"), (2, "class")]


def test_unknown_crs_is_an_input_error_on_the_option(tmp_path, rules):
    path = write(tmp_path / "r.csv", f"{HEADER}\nR1,a,121.47,31.23,urban,A\n")

    with pytest.raises(InputError) as caught:
        read_retailers(path, rules=rules, crs="utm50")

    [problem] = caught.value.problems
    assert problem.source == "--crs"
    assert "wgs84, gcj02, bd09" in problem.message


def test_service_minimum_follows_the_rules(tmp_path, rules):
    strict = dataclasses.replace(rules, service_s=600)
    text = f"{HEADER},service_min\nR1,a,121.47,31.23,urban,A,9\n"

    with pytest.raises(InputError, match="rule minimum of 10 minutes"):
        read_csv(tmp_path, text, strict)
    assert read_csv(tmp_path, text, rules)[0].service_s == 540


# Good files ----------------------------------------------------------------------------


def test_reads_minimal_csv_in_file_order(tmp_path, rules):
    text = f"{HEADER}\nR2,b,121.475,31.231,rural,C\nR1,a,121.4737,31.2304,urban,A\n"

    retailers = read_csv(tmp_path, text, rules)

    assert [r.id for r in retailers] == ["R2", "R1"]
    assert retailers[1] == Retailer(
        id="R1", name="a", lon=121.4737, lat=31.2304, area=Area.URBAN, retailer_class="A"
    )
    assert retailers[0].area is Area.RURAL


def test_ids_keep_leading_zeros(tmp_path, rules):
    [retailer] = read_csv(tmp_path, f"{HEADER}\n00123,a,121.47,31.23,urban,A\n", rules)

    assert retailer.id == "00123"


def test_headers_are_case_insensitive_and_stripped(tmp_path, rules):
    text = " ID , Name,LON,Lat , AREA,Class, Must Visit \nR1,a,121.47,31.23,Urban,a,YES\n"

    [retailer] = read_csv(tmp_path, text, rules)

    assert (retailer.id, retailer.area, retailer.retailer_class) == ("R1", Area.URBAN, "A")
    assert retailer.must_visit


def test_unknown_columns_are_ignored(tmp_path, rules):
    text = f"{HEADER},业态,remarks\nR1,a,121.47,31.23,urban,A,便利店,ok\n"

    assert len(read_csv(tmp_path, text, rules)) == 1


def test_gbk_csv_with_chinese_names(tmp_path, rules):
    text = "客户编码,客户名称,经度,纬度,区域,档位,地址\n"
    text += "3101,张记烟酒店,121.47,31.23,城区,A,人民路1号\n"
    path = write(tmp_path / "gbk.csv", text, encoding="gbk")

    [retailer] = read_retailers(path, rules=rules)

    assert (retailer.name, retailer.address) == ("张记烟酒店", "人民路1号")


def test_gb18030_csv(tmp_path, rules):
    text = f"{HEADER}\nR1,䶮记商行,121.47,31.23,urban,A\n"  # 䶮 is outside GBK
    path = write(tmp_path / "gb18030.csv", text, encoding="gb18030")

    assert read_retailers(path, rules=rules)[0].name == "䶮记商行"


def test_utf8_with_bom(tmp_path, rules):
    path = write(tmp_path / "bom.csv", f"{HEADER}\nR1,便利店,121.47,31.23,urban,A\n", "utf-8-sig")

    assert read_retailers(path, rules=rules)[0].id == "R1"


@pytest.mark.parametrize("separator", ["\t", ";"])
def test_tab_and_semicolon_separated(tmp_path, rules, separator):
    rows = [HEADER.split(","), ["R1", "a", "121.47", "31.23", "urban", "A"]]
    text = "\n".join(separator.join(row) for row in rows)

    assert read_csv(tmp_path, text, rules)[0].lat == 31.23


def test_quoted_values_with_commas_and_newlines(tmp_path, rules):
    text = f'{HEADER},address\nR1,"张记, 老店",121.47,31.23,urban,A,"人民路1号\n2楼"\n'

    [retailer] = read_csv(tmp_path, text, rules)

    assert (retailer.name, retailer.address) == ("张记, 老店", "人民路1号\n2楼")


@pytest.mark.parametrize(
    ("header", "area"),
    [
        ("客户编码,客户名称,经度,纬度,区域,档位", "城区"),
        ("许可证号,客户名称,经度,纬度,市场类型,分类", "农村"),
        ("客户编码,客户名称,经度,纬度,区域,客户分类", "乡村"),
    ],
)
def test_chinese_headers_and_areas(tmp_path, rules, header, area):
    [retailer] = read_csv(tmp_path, f"{header}\n310101,张记,121.47,31.23,{area},B\n", rules)

    assert retailer.id == "310101"
    assert retailer.retailer_class == "B"
    assert retailer.area is (Area.URBAN if area == "城区" else Area.RURAL)


def test_chinese_headers_of_the_optional_columns(tmp_path, rules):
    header = "客户编码,客户名称,经度,纬度,区域,档位,拜访时长,波动大,企业级客户,必访,需求预测样本"
    header += ",重点品牌培育,月拜访次数"
    text = f"{header}\n310101,张记,121.47,31.23,城区,B,10,是,否,是,否,是,2\n"

    [retailer] = read_csv(tmp_path, text, rules)

    assert retailer.service_s == 600
    assert (retailer.fluctuating, retailer.enterprise, retailer.must_visit) == (True, False, True)
    assert (retailer.forecast_sample, retailer.brand_target) == (False, True)
    assert retailer.visits_per_month == 2


def test_a_bad_brand_target_flag_names_row_and_field(tmp_path, rules):
    text = f"{HEADER},brand_target\nR1,a,121.47,31.23,urban,A,maybe\n"

    with pytest.raises(InputError) as caught:
        read_csv(tmp_path, text, rules)

    [problem] = caught.value.problems
    assert (problem.row, problem.field) == (2, "brand_target")


def test_the_column_name_beats_its_aliases(tmp_path, rules):
    text = "客户编码,许可证号,客户名称,经度,纬度,区域,档位\nC1,L1,a,121.47,31.23,城区,A\n"

    assert read_csv(tmp_path, text, rules)[0].id == "C1"


def test_optional_columns(tmp_path, rules):
    header = f"{HEADER},service_min,opening,fluctuating,enterprise,must_visit,forecast_sample"
    header += ",visits_per_month,address"
    text = f"{header}\nR1,a,121.47,31.23,urban,A,12.5,07:00-22:00,1,yes,是,TRUE,3,人民路1号\n"

    [retailer] = read_csv(tmp_path, text, rules)

    assert retailer.service_s == 750
    assert retailer.opening == (TimeWindow(start_s=7 * 3600, end_s=22 * 3600),)
    assert retailer.fluctuating
    assert retailer.enterprise
    assert retailer.must_visit
    assert retailer.forecast_sample
    assert retailer.visits_per_month == 3
    assert retailer.address == "人民路1号"


def test_empty_optional_cells_mean_defaults(tmp_path, rules):
    header = f"{HEADER},service_min,opening,open,close,fluctuating,visits_per_month"
    [retailer] = read_csv(tmp_path, f"{header}\nR1,a,121.47,31.23,urban,A,,,,,,\n", rules)

    assert retailer == Retailer(
        id="R1", name="a", lon=121.47, lat=31.23, area=Area.URBAN, retailer_class="A"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("False", False),
        ("yes", True),
        ("no", False),
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("", False),
    ],
)
def test_booleans(tmp_path, rules, text, expected):
    csv = f"{HEADER},fluctuating\nR1,a,121.47,31.23,urban,A,{text}\n"

    assert read_csv(tmp_path, csv, rules)[0].fluctuating is expected


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("07:00-12:00;14:00-22:00", [("07:00", "12:00"), ("14:00", "22:00")]),
        ("7:00 - 12:00；14:00～22:00", [("07:00", "12:00"), ("14:00", "22:00")]),
        ("14:00-22:00;07:00-12:00", [("07:00", "12:00"), ("14:00", "22:00")]),
        ("07:00-12:00;12:00-22:00", [("07:00", "12:00"), ("12:00", "22:00")]),
        (
            "07:00-11:30, 13:30-21:00, 22:00-24:00",
            [("07:00", "11:30"), ("13:30", "21:00"), ("22:00", "24:00")],
        ),
        ("08：30至21：00", [("08:30", "21:00")]),
    ],
)
def test_opening_windows(tmp_path, rules, opening, expected):
    csv = f'{HEADER},opening\nR1,a,121.47,31.23,urban,A,"{opening}"\n'

    [retailer] = read_csv(tmp_path, csv, rules)

    assert retailer.opening == tuple(TimeWindow(start_s=hm(a), end_s=hm(b)) for a, b in expected)


def test_open_close_pair(tmp_path, rules):
    csv = f"{HEADER},open,close\nR1,a,121.47,31.23,urban,A,7:30,21:00\n"

    [retailer] = read_csv(tmp_path, csv, rules)

    assert retailer.opening == (TimeWindow(start_s=hm("07:30"), end_s=hm("21:00")),)


def test_custom_classes_from_rules(tmp_path, rules):
    classes = {
        name: RetailerClass(name=name, visits_per_month=4, priority=1) for name in ("一档", "二档")
    }
    custom = dataclasses.replace(rules, classes=MappingProxyType(classes))

    [retailer] = read_csv(tmp_path, f"{HEADER}\nR1,a,121.47,31.23,urban,二档\n", custom)

    assert retailer.retailer_class == "二档"


def test_gcj02_is_converted_to_wgs84(tmp_path, rules):
    text = f"{HEADER}\nR1,a,121.4737,31.2304,urban,A\n"

    [retailer] = read_csv(tmp_path, text, rules, crs="gcj02")

    assert (retailer.lon, retailer.lat) == pytest.approx(to_wgs84(121.4737, 31.2304, "gcj02"))
    assert retailer.lon < 121.4737  # the GCJ-02 offset in Shanghai is to the east...
    assert retailer.lat > 31.2304  # ... and to the south


def test_bd09_is_converted_to_wgs84(tmp_path, rules):
    text = f"{HEADER}\nR1,a,121.4737,31.2304,urban,A\n"

    [retailer] = read_csv(tmp_path, text, rules, crs="BD-09")

    assert (retailer.lon, retailer.lat) == pytest.approx(to_wgs84(121.4737, 31.2304, "bd09"))


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.create_sheet("notes").append(["this sheet is not read"])
    book.save(path)
    return path


def test_xlsx_numbers_times_and_booleans(tmp_path, rules):
    header = [
        "客户编码",
        "客户名称",
        "经度",
        "纬度",
        "区域",
        "档位",
        "open",
        "close",
        "enterprise",
    ]
    row = [
        12345.0,
        "张记烟酒店",
        121.4737,
        31.2304,
        "城区",
        "A",
        dt.time(7, 30),
        dt.time(21),
        True,
    ]
    path = write_xlsx(tmp_path / "r.xlsx", [header, row, [None] * 9])

    [retailer] = read_retailers(path, rules=rules)

    assert retailer.id == "12345"
    assert (retailer.name, retailer.lon, retailer.lat) == ("张记烟酒店", 121.4737, 31.2304)
    assert retailer.opening == (TimeWindow(start_s=hm("07:30"), end_s=hm("21:00")),)
    assert retailer.enterprise


def test_xlsx_text_ids_keep_leading_zeros(tmp_path, rules):
    path = write_xlsx(
        tmp_path / "r.xlsx", [HEADER.split(","), ["007", "a", 121.47, 31.23, "urban", "A"]]
    )

    assert read_retailers(path, rules=rules)[0].id == "007"


def test_xlsx_without_styles_reads_and_logs_openpyxl_warnings(tmp_path, rules, caplog):
    """Some exporters write an empty stylesheet; openpyxl warns, the reader only logs."""
    plain = write_xlsx(
        tmp_path / "plain.xlsx", [HEADER.split(","), ["R1", "a", 121.47, 31.23, "urban", "A"]]
    )
    path = tmp_path / "styleless.xlsx"
    empty_styles = (
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    )
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, empty_styles if item.filename == "xl/styles.xml" else data)

    with caplog.at_level(logging.DEBUG, logger="routing.readers"):
        [retailer] = read_retailers(path, rules=rules)

    assert retailer.id == "R1"
    assert "contains no stylesheet" in caplog.text  # a UserWarning from openpyxl, logged


def test_geojson(tmp_path, rules):
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [121.4737, 31.2304]},
        "properties": {
            "id": 101,
            "name": "张记",
            "area": "城区",
            "class": "B",
            "must_visit": True,
        },
    }
    data = {"type": "FeatureCollection", "features": [feature]}
    path = write(tmp_path / "r.geojson", json.dumps(data, ensure_ascii=False))

    [retailer] = read_retailers(path, rules=rules)

    assert (retailer.id, retailer.lon, retailer.lat) == ("101", 121.4737, 31.2304)
    assert retailer.must_visit


def test_json_extension_is_geojson(tmp_path, rules):
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [121.4737, 31.2304]},
        "properties": {"id": "R1", "name": "a", "area": "rural", "class": "E"},
    }
    path = write(
        tmp_path / "r.json", json.dumps({"type": "FeatureCollection", "features": [feature]})
    )

    assert read_retailers(path, rules=rules)[0].area is Area.RURAL


# Writing -------------------------------------------------------------------------------


def test_write_then_read_round_trips(tmp_path, rules):
    retailers = (
        Retailer(
            id="007",
            name='张记, "老店"',
            lon=121.473712345678,
            lat=31.230412345678,
            area=Area.RURAL,
            retailer_class="C",
            service_s=750,
            opening=(TimeWindow(start_s=hm("07:30"), end_s=hm("11:30") + 15),),
            fluctuating=True,
            must_visit=True,
            visits_per_month=0,
            address="人民路1号\n2楼",
        ),
        Retailer(id="R2", name="b", lon=-0.12, lat=51.5, area=Area.URBAN, retailer_class="A"),
    )
    path = tmp_path / "out.csv"

    write_retailers_csv(retailers, path)

    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    assert read_retailers(path, rules=rules) == retailers


def test_generated_retailers_round_trip(tmp_path, rules):
    streets = [((121.47, 31.23), (121.48, 31.23)), ((121.475, 31.225), (121.475, 31.235))]
    retailers = generate_retailers(streets, count=60, seed=3, rural_share=0.2)
    path = tmp_path / "generated.csv"

    write_retailers_csv(retailers, path)

    assert read_retailers(path, rules=rules) == retailers
