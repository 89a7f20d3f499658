"""The ``visitplan generate`` command: seeded synthetic retailers on a real road network.

Real retailer lists are confidential, so demos, benchmarks and acceptance runs use
generated ones; this command writes them as an ordinary retailer CSV that ``day``,
``month`` and ``check`` read.
"""

from __future__ import annotations

from pathlib import Path

import click

from routing.errors import InputError, Problem
from routing.generator import generate_retailers
from routing.network import load_network, street_segments
from routing.options import parse_lon_lat
from routing.readers import write_retailers_csv
from routing.rules import load_rules


@click.command()
@click.option(
    "--network",
    required=True,
    help="Road network the shops line: .osm/.osm.bz2/.pbf/.graphml file or bundled:helsinki.",
)
@click.option("--count", type=click.IntRange(min=1), required=True, help="Retailers to draw.")
@click.option("--seed", type=int, default=0, show_default=True, help="Generator seed.")
@click.option(
    "--center",
    default=None,
    help="LON,LAT of the territory (WGS-84); default: the centre of the streets.",
)
@click.option(
    "--radius-m",
    type=click.FloatRange(min=1),
    default=1500.0,
    show_default=True,
    help="Every retailer lies within this distance of the centre.",
)
@click.option(
    "--rural-share",
    type=click.FloatRange(min=0, max=1),
    default=0.0,
    show_default=True,
    help="Share of retailers, the farthest from the centre, in a rural area.",
)
@click.option(
    "--mode",
    default="ebike",
    show_default=True,
    help="Travel mode whose usable streets the shops stand on.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Retailer CSV to write.",
)
def generate_command(
    *,
    network: str,
    count: int,
    seed: int,
    center: str | None,
    radius_m: float,
    rural_share: float,
    mode: str,
    out: Path,
) -> None:
    """Write COUNT generated retailers along the network's streets (same seed, same file)."""
    rules = load_rules()
    roads = load_network(network, mode=rules.mode(mode))
    try:
        retailers = generate_retailers(
            street_segments(roads),
            count=count,
            seed=seed,
            center=None if center is None else parse_lon_lat(center, option="--center"),
            radius_m=radius_m,
            rural_share=rural_share,
        )
    except ValueError as error:
        msg = f"{error} Choose a --center on the network or a larger --radius-m."
        raise InputError([Problem(source="--center", message=msg)]) from error
    write_retailers_csv(retailers, out)
    click.echo(
        f"wrote {out}: {len(retailers)} GENERATED retailers (seed {seed}) on the streets of "
        f"{network}"
    )
