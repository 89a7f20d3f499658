"""Retailers to a CSV file that Excel opens (UTF-8 with BOM) and that reads back unchanged."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from routing.readers.fields import show_windows
from routing.retailers import Retailer

COLUMNS = (
    "id",
    "name",
    "lon",
    "lat",
    "area",
    "class",
    "service_min",
    "opening",
    "fluctuating",
    "enterprise",
    "must_visit",
    "forecast_sample",
    "brand_target",
    "visits_per_month",
    "address",
)
"""Columns written, in order."""


def write_retailers_csv(retailers: Iterable[Retailer], path: Path) -> None:
    """Write ``retailers`` to a CSV file that :func:`read_retailers` reads back unchanged.

    The file is UTF-8 with a byte-order mark, so that Excel shows Chinese names; booleans
    are ``1``/``0``; opening windows are one ``opening`` cell like ``07:00-12:00;14:00-22:00``.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with Path(path).open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows(_row(retailer) for retailer in retailers)


def _row(retailer: Retailer) -> list[str]:
    return [
        retailer.id,
        retailer.name,
        repr(retailer.lon),
        repr(retailer.lat),
        retailer.area.value,
        retailer.retailer_class,
        "" if retailer.service_s is None else _minutes(retailer.service_s),
        show_windows(retailer.opening),
        _flag(retailer.fluctuating),
        _flag(retailer.enterprise),
        _flag(retailer.must_visit),
        _flag(retailer.forecast_sample),
        _flag(retailer.brand_target),
        "" if retailer.visits_per_month is None else str(retailer.visits_per_month),
        retailer.address,
    ]


def _minutes(seconds: int) -> str:
    minutes = seconds / 60
    return str(int(minutes)) if minutes.is_integer() else repr(minutes)


def _flag(value: bool) -> str:
    return "1" if value else "0"
