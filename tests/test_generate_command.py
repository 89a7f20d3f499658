"""``visitplan generate``: seeded retailers a user can feed straight back to ``day``."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.cli import main
from routing.errors import EXIT_INPUT
from routing.readers import read_retailers


def generate(tiny_osm: Path, out: Path, *extra: str) -> int:
    args = ["generate", "--network", str(tiny_osm), "--count", "6", "--out", str(out)]
    return main([*args, *extra])


def test_generated_retailers_read_back_as_a_valid_retailer_file(tiny_osm, tmp_path, rules):
    out = tmp_path / "shops.csv"
    assert generate(tiny_osm, out, "--seed", "3", "--radius-m", "400") == 0
    retailers = read_retailers(out, rules=rules)
    assert len(retailers) == 6
    assert all(121.469 < r.lon < 121.474 and 31.228 < r.lat < 31.241 for r in retailers)


def test_the_same_seed_writes_the_same_file_and_another_seed_another(tiny_osm, tmp_path):
    first, again, other = (tmp_path / f"{name}.csv" for name in ("first", "again", "other"))
    for path, seed in ((first, "5"), (again, "5"), (other, "6")):
        assert generate(tiny_osm, path, "--seed", seed) == 0
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_a_centre_far_from_every_street_is_an_input_error(tiny_osm, tmp_path, capsys):
    code = generate(tiny_osm, tmp_path / "shops.csv", "--center", "10,10")
    assert code == EXIT_INPUT
    err = capsys.readouterr().err
    assert "--center" in err
    assert "larger --radius-m" in err
    assert "Traceback" not in err
    assert not (tmp_path / "shops.csv").exists()


@pytest.mark.parametrize("count", ["0", "many"])
def test_a_bad_count_is_refused_by_the_option_parser(tiny_osm, tmp_path, count):
    out = tmp_path / "shops.csv"
    args = ["generate", "--network", str(tiny_osm), "--count", count, "--out", str(out)]
    assert main(args) == 2
    assert not out.exists()
