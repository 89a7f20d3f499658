"""Fixtures shared by several test modules."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from routing.problem import DayProblem
from routing.rules import LunchRule, Rules, load_rules
from routing.timeofday import parse_clock as t

REPO = Path(__file__).resolve().parents[1]

# A hand-made street block (lon 121.470-121.473, lat 31.229-31.240) that is easy to reason
# about; node n sits at the coordinates below, 0.001 deg lon ~ 95 m, 0.001 deg lat ~ 111 m.
#
#   10 -- 11 -- 12          a piece ~1 km north, not connected to the rest
#
#    5 -- 4                 4 -> 2 is one-way (2 to 4 only); 4 .. 3 is a footway
#    |    ^  \
#    1 -- 2 -- 3 -- 7       3 -- 7 is a private service road; 5 .. 3 a motorway
#              v
#              8            3 -> 8 is a one-way stub: you can ride in but not out
TINY_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="visitplan tests">
  <node id="1" lat="31.2300" lon="121.4700"/>
  <node id="2" lat="31.2300" lon="121.4710"/>
  <node id="3" lat="31.2300" lon="121.4720"/>
  <node id="4" lat="31.2310" lon="121.4710"/>
  <node id="5" lat="31.2310" lon="121.4700"/>
  <node id="7" lat="31.2300" lon="121.4730"/>
  <node id="8" lat="31.2290" lon="121.4720"/>
  <node id="10" lat="31.2400" lon="121.4700"/>
  <node id="11" lat="31.2400" lon="121.4710"/>
  <node id="12" lat="31.2400" lon="121.4720"/>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/></way>
  <way id="101"><nd ref="2"/><nd ref="4"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
  <way id="102"><nd ref="4"/><nd ref="5"/><nd ref="1"/>
    <tag k="highway" v="residential"/></way>
  <way id="103"><nd ref="5"/><nd ref="3"/>
    <tag k="highway" v="motorway"/></way>
  <way id="104"><nd ref="4"/><nd ref="3"/>
    <tag k="highway" v="footway"/></way>
  <way id="105"><nd ref="3"/><nd ref="7"/>
    <tag k="highway" v="service"/><tag k="access" v="private"/></way>
  <way id="106"><nd ref="3"/><nd ref="8"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
  <way id="107"><nd ref="10"/><nd ref="11"/><nd ref="12"/>
    <tag k="highway" v="residential"/></way>
</osm>
"""


@pytest.fixture(scope="session")
def rules() -> Rules:
    """The default rules."""
    return load_rules()


@pytest.fixture(scope="session")
def tiny_osm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made street block above, as an OSM XML file."""
    path = tmp_path_factory.mktemp("osm") / "tiny.osm"
    path.write_text(TINY_OSM, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (or ``$VISITPLAN_SHARED_DATA``); skips the test when absent."""
    path = Path(os.environ.get("VISITPLAN_SHARED_DATA", REPO.parent / "shared" / "data"))
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path}")
    return path


LUNCH = LunchRule(earliest_start_s=t("11:30"), latest_start_s=t("13:00"), duration_s=1800)


def street(
    n: int,
    *,
    leg_s: int = 120,
    service_s: int = 480,
    lunch: LunchRule | None = LUNCH,
    **fields: object,
) -> DayProblem:
    """``n`` shops in a row along one street, ``leg_s`` apart; the office at one end."""
    positions = np.arange(n + 1)
    durations = (np.abs(positions[:, None] - positions[None, :]) * leg_s).astype(np.int64)
    values: dict[str, object] = {
        "retailer_ids": tuple(f"S{i + 1}" for i in range(n)),
        "durations_s": durations,
        "distances_m": durations * 4,
        "service_s": (service_s,) * n,
        "windows": ((),) * n,
        "drop_penalty": (100_000,) * n,
        "depart_after_s": t("08:30"),
        "first_visit_by_s": t("09:30"),
        "field_end_s": t("15:00"),
        "return_by_s": t("16:00"),
        "lunch": lunch,
    }
    values.update(fields)
    return DayProblem(**values)  # type: ignore[arg-type]
