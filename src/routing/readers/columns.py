"""The columns of a retailer file: names, Chinese aliases, and finding them in a header."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from routing.errors import Problem
from routing.readers.tables import Table

logger = logging.getLogger(__name__)

REQUIRED = ("id", "name", "lon", "lat", "area", "class")
"""Columns every retailer file must have."""

OPTIONAL = (
    "service_min",
    "open",
    "close",
    "opening",
    "fluctuating",
    "enterprise",
    "must_visit",
    "forecast_sample",
    "brand_target",
    "visits_per_month",
    "address",
)
"""Columns a retailer file may have; an empty cell means the default."""

BOOLEAN_COLUMNS = ("fluctuating", "enterprise", "must_visit", "forecast_sample", "brand_target")

ALIASES: Mapping[str, tuple[str, ...]] = {
    "id": ("客户编码", "许可证号"),
    "name": ("客户名称",),
    "lon": ("经度", "longitude", "lng"),
    "lat": ("纬度", "latitude"),
    "area": ("区域", "市场类型"),
    "class": ("retailer_class", "档位", "客户分类", "分类"),
    "opening": ("营业时间",),
    "address": ("地址",),
    "service_min": ("拜访时长", "拜访时长(分钟)"),
    "fluctuating": ("波动大", "订单波动大"),
    "enterprise": ("企业级客户", "企业级"),
    "must_visit": ("必访",),
    "forecast_sample": ("需求预测样本", "预测样本"),
    "brand_target": ("重点品牌培育", "品牌培育"),
    "visits_per_month": ("月拜访次数",),
}
"""Other header names accepted for a column, in order of preference."""

# header key -> (column, rank); rank 0 is the column's own name, then its aliases in order.
_LOOKUP: dict[str, tuple[str, int]] = {name: (name, 0) for name in (*REQUIRED, *OPTIONAL)}
for _column, _aliases in ALIASES.items():
    _LOOKUP.update({alias: (_column, rank) for rank, alias in enumerate(_aliases, start=1)})


def header_key(name: str) -> str:
    """Return ``name`` as looked up: stripped, lower case, spaces and hyphens as ``_``."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def expected_columns() -> str:
    """Return the columns a file needs and may have, for messages."""
    return f"required: {', '.join(REQUIRED)}; optional: {', '.join(OPTIONAL)}"


def find_columns(table: Table) -> tuple[dict[str, str], list[Problem]]:
    """Return ``{column: header as written}`` for the columns in ``table``, and problems.

    When several headers name the same column (``客户编码`` and ``许可证号``), the column's
    own name wins, then the aliases in the order of :data:`ALIASES`. Two headers of the
    same rank (``id`` twice) are a problem.
    """
    candidates: dict[str, list[tuple[int, str]]] = {}
    for header in table.header:
        match = _LOOKUP.get(header_key(header))
        if match is None:
            if header:
                logger.debug("%s: ignoring column %r", table.source, header)
            continue
        column, rank = match
        candidates.setdefault(column, []).append((rank, header))
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for column, options in candidates.items():
        options.sort(key=lambda option: option[0])  # stable: file order among equals
        if len(options) > 1 and options[0][0] == options[1][0]:
            msg = (
                f"columns {options[0][1]!r} and {options[1][1]!r} both give {column!r}; "
                "delete or rename one of them"
            )
            problems.append(_header_problem(table, options[1][1], msg))
        found[column] = options[0][1]
    problems += [_missing(table, column) for column in REQUIRED if column not in found]
    return found, problems


def _missing(table: Table, column: str) -> Problem:
    aliases = ALIASES.get(column, ())
    also = f" (or {' / '.join(aliases)})" if aliases else ""
    where = "property" if table.header_row is None else "column"
    msg = f"missing required {where} {column!r}{also}; add it. Expected columns: "
    return _header_problem(table, column, msg + expected_columns())


def _header_problem(table: Table, field: str, message: str) -> Problem:
    return Problem(source=table.source, row=table.header_row, field=field, message=message)
