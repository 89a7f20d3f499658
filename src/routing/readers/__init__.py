"""Retailer files in: CSV (UTF-8 or GBK), XLSX, GeoJSON; validated, converted to WGS-84.

Every problem in a file is collected and reported at once as one
:class:`~routing.errors.InputError`, each naming the file, the row as the user sees it
(spreadsheet row with the header as row 1; GeoJSON feature number), the column and the fix.

Columns (headers case-insensitive; Chinese aliases in :data:`ALIASES`):

* required: ``id, name, lon, lat, area, class``;
* optional: ``service_min`` (at least the rules' minimum), ``opening``
  (``07:00-12:00;14:00-22:00``) or ``open`` + ``close`` (``HH:MM``), the yes/no flags
  ``fluctuating, enterprise, must_visit, forecast_sample, brand_target``,
  ``visits_per_month``, ``address``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from routing.coords import parse_crs
from routing.readers.columns import ALIASES, OPTIONAL, REQUIRED
from routing.readers.tables import read_table
from routing.readers.validate import retailers_from_table
from routing.readers.writer import COLUMNS, write_retailers_csv
from routing.retailers import Retailer
from routing.rules import Rules

__all__ = [
    "ALIASES",
    "COLUMNS",
    "OPTIONAL",
    "REQUIRED",
    "read_retailers",
    "write_retailers_csv",
]

logger = logging.getLogger(__name__)


def read_retailers(path: Path, *, rules: Rules, crs: str = "wgs84") -> tuple[Retailer, ...]:
    """Return the retailers in the file at ``path``, in file order, in WGS-84.

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8, UTF-8 with BOM, or GBK/GB18030), ``.xlsx`` (first sheet, header
        in row 1), or ``.geojson``/``.json`` (FeatureCollection of Points) file.
    rules
        Give the known classes and the minimum service time.
    crs
        The file's coordinate system: ``wgs84``, ``gcj02`` (AMap/Tencent) or ``bd09`` (Baidu).

    Raises
    ------
    InputError
        With every problem found, if the file is missing, unreadable or has any bad cell,
        or if ``crs`` is unknown.
    """
    system = parse_crs(crs)
    table = read_table(Path(path))
    retailers = retailers_from_table(table, rules=rules, crs=system)
    logger.info("read %d retailers from %s (%s)", len(retailers), path, system.value)
    return retailers
