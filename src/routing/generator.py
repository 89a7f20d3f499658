"""Realistic synthetic retailers along a street network, reproducible from a seed.

Licensed tobacco retailers are small shops that cluster along commercial streets: a few
dense stretches (a market street, the blocks around a school or a station) and a thinner
scatter elsewhere. :func:`generate_retailers` imitates that inside one customer manager's
compact territory (a disc of ``radius_m``, 2-3 km across in a city):

* about 80% of the shops are placed around a few cluster centres along the streets, the
  rest anywhere along the streets in the disc;
* every shop stands within 15 m of a street centreline (a few metres of jitter);
* the outermost ``rural_share`` of the shops are rural, the others urban;
* classes A-E in the mix 10/20/35/25/10%, about 10% fluctuating, 5% enterprise-level,
  3% must-visit, 5% forecast samples, 10% key-brand targets and 10% with opening hours
  (some with a midday break), each share met exactly (largest remainder) and assigned at
  random;
* deterministic Chinese shop names (``鑫源便利店``) and addresses (``人民路128号``),
  ids ``R0001``...

All randomness comes from one ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from routing.readers.fields import windows
from routing.retailers import Area, Retailer, TimeWindow

Point = tuple[float, float]
Segment = tuple[Point, Point]
FloatArray = npt.NDArray[np.float64]

CLASS_MIX = (("A", 0.10), ("B", 0.20), ("C", 0.35), ("D", 0.25), ("E", 0.10))
"""Share of each class (classes of the default rules)."""

FLAG_SHARES = (
    ("fluctuating", 0.10),
    ("enterprise", 0.05),
    ("must_visit", 0.03),
    ("forecast_sample", 0.05),
)
"""Share of retailers with each flag."""

BRAND_TARGET_SHARE = 0.10
"""Share of key-brand targets; drawn last, so adding it left every earlier draw as it was."""

OPENING_SHARE = 0.10
OPENING_HOURS = (
    "10:00-21:00",
    "08:00-22:00",
    "07:30-11:30;13:30-21:00",
    "08:30-12:00;14:00-22:00",
    "09:00-21:30",
)

MAX_OFFSET_M = 15.0
"""Farthest a shop stands from the street centreline."""

_EARTH_R = 6_371_008.8
_CLUSTERED_SHARE = 0.8
_SHOPS_PER_CLUSTER = 20
_MAX_CLUSTERS = 15
_CLUSTER_SD_M = 80.0
_CLUSTER_REACH_M = 250.0
_SIDE_STREET_M = 40.0
_JITTER_SD_M = 5.0

_NAME_WORDS = (
    "人民", "解放", "建设", "中山", "和平", "幸福", "光明", "新华", "东风", "文化",
    "胜利", "青年", "朝阳", "团结", "长江", "黄河", "友谊", "红旗", "振兴", "兴业",
    "鑫源", "万家", "惠民", "福满多", "金叶", "好邻居", "便民", "佳佳", "明珠", "华联",
    "张记", "老王", "李记", "刘家", "陈氏", "阿强", "小芳", "宏达", "永盛", "聚福",
)  # fmt: skip
_NAME_SUFFIXES = ("便利店", "烟酒店", "超市", "商行", "副食店", "烟酒行", "小卖部", "商店")
_ROADS = (
    "人民路", "解放路", "建设路", "中山路", "和平街", "幸福路", "光明街", "新华路",
    "东风路", "文化路", "胜利街", "青年路", "朝阳路", "团结路", "长江路", "育才街",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Attributes:
    """The classes, flagged retailers and opening hours drawn for a set of retailers."""

    classes: list[str]
    flagged: dict[str, set[int]]
    opening: dict[int, tuple[TimeWindow, ...]]


@dataclass(frozen=True, slots=True)
class _Streets:
    """Street pieces inside the disc, in metres around its centre (``start + t * step``)."""

    start: FloatArray
    step: FloatArray
    length: FloatArray
    origin: npt.NDArray[np.int64]


def generate_retailers(
    streets: Sequence[Segment],
    *,
    count: int,
    seed: int,
    center: Point | None = None,
    radius_m: float = 1500,
    rural_share: float = 0.0,
    prefix: str = "R",
) -> tuple[Retailer, ...]:
    """Return ``count`` synthetic retailers along ``streets``, the same for the same seed.

    Parameters
    ----------
    streets
        Street segments ``((lon1, lat1), (lon2, lat2))`` in WGS-84.
    count
        Number of retailers.
    seed
        Seed of the random generator.
    center
        ``(lon, lat)`` of the territory; default: the length-weighted centroid of ``streets``.
    radius_m
        Every retailer lies within this distance of ``center``.
    rural_share
        Share of retailers, the farthest from ``center``, in a rural area.
    prefix
        Start of the ids (``R0001``...).

    Raises
    ------
    ValueError
        If an argument is out of range or no street passes within ``radius_m`` of ``center``.
    """
    _check(streets, count, radius_m, rural_share)
    if count == 0:
        return ()
    rng = np.random.default_rng(seed)
    lon0, lat0 = center if center is not None else _centroid(streets)
    inside = _clip(_to_metres(streets, lon0, lat0), radius_m - MAX_OFFSET_M)
    xy, origin = _place(inside, count, rng)
    lonlat = _to_degrees(xy, lon0, lat0)
    drawn = _attributes(count, rng)
    rural = _outermost(xy, round(rural_share * count))
    names = _names(count, rng)
    house_numbers = rng.integers(1, 400, size=count)
    brand = {
        int(i) for i in rng.choice(count, size=round(BRAND_TARGET_SHARE * count), replace=False)
    }
    width = max(4, len(str(count)))
    return tuple(
        Retailer(
            id=f"{prefix}{i + 1:0{width}d}",
            name=names[i],
            lon=float(lonlat[i, 0]),
            lat=float(lonlat[i, 1]),
            area=Area.RURAL if i in rural else Area.URBAN,
            retailer_class=drawn.classes[i],
            opening=drawn.opening.get(i, ()),
            fluctuating=i in drawn.flagged["fluctuating"],
            enterprise=i in drawn.flagged["enterprise"],
            must_visit=i in drawn.flagged["must_visit"],
            forecast_sample=i in drawn.flagged["forecast_sample"],
            brand_target=i in brand,
            address=f"{_ROADS[origin[i] % len(_ROADS)]}{house_numbers[i]}号",
        )
        for i in range(count)
    )


def _check(streets: Sequence[Segment], count: int, radius_m: float, rural_share: float) -> None:
    if count < 0:
        msg = "Expected count >= 0."
        raise ValueError(msg)
    if not radius_m > MAX_OFFSET_M:
        msg = f"Expected radius_m > {MAX_OFFSET_M:g}."
        raise ValueError(msg)
    if not 0 <= rural_share <= 1:
        msg = "Expected rural_share in [0, 1]."
        raise ValueError(msg)
    if not streets:
        msg = "Expected at least one street segment."
        raise ValueError(msg)


def _centroid(streets: Sequence[Segment]) -> Point:
    ends = np.asarray(streets, dtype=np.float64)  # (n, 2 ends, lon/lat)
    middles = ends.mean(axis=1)
    lengths = np.hypot(*(ends[:, 1] - ends[:, 0]).T)
    if lengths.sum() == 0:
        return float(middles[:, 0].mean()), float(middles[:, 1].mean())
    lon, lat = np.average(middles, axis=0, weights=lengths)
    return float(lon), float(lat)


def _to_metres(streets: Sequence[Segment], lon0: float, lat0: float) -> FloatArray:
    """Return the segments as an ``(n, 2, 2)`` array of metres east/north of the centre."""
    ends = np.asarray(streets, dtype=np.float64)
    metres: FloatArray = (ends - np.array([lon0, lat0])) * _scale(lat0)
    return metres


def _to_degrees(xy: FloatArray, lon0: float, lat0: float) -> FloatArray:
    degrees: FloatArray = xy / _scale(lat0) + np.array([lon0, lat0])
    return degrees


def _scale(lat0: float) -> FloatArray:
    """Return metres per degree of longitude and latitude near ``lat0`` (equirectangular)."""
    return np.array([math.cos(math.radians(lat0)), 1.0]) * math.radians(1) * _EARTH_R


def _clip(segments: FloatArray, radius: float) -> _Streets:
    """Return the parts of ``segments`` inside the disc of ``radius`` around the origin."""
    start, step = segments[:, 0], segments[:, 1] - segments[:, 0]
    a = (step * step).sum(axis=1)
    b = 2 * (start * step).sum(axis=1)
    c = (start * start).sum(axis=1) - radius**2
    disc = b * b - 4 * a * c
    keep = (a > 0) & (disc > 0)
    root = np.sqrt(np.where(keep, disc, 0.0))
    safe_a = np.where(keep, a, 1.0)
    low = np.clip((-b - root) / (2 * safe_a), 0, 1)
    high = np.clip((-b + root) / (2 * safe_a), 0, 1)
    keep &= high > low
    if not keep.any():
        msg = "Expected at least one street within radius_m of center."
        raise ValueError(msg)
    clipped_start = start + low[:, None] * step
    clipped_step = (high - low)[:, None] * step
    return _Streets(
        start=clipped_start[keep],
        step=clipped_step[keep],
        length=np.hypot(*clipped_step[keep].T),
        origin=np.flatnonzero(keep),
    )


def _place(
    streets: _Streets, count: int, rng: np.random.Generator
) -> tuple[FloatArray, list[int]]:
    """Return ``(count, 2)`` shop positions in metres and each one's original segment."""
    weights = streets.length / streets.length.sum()
    clusters = _cluster_centres(streets, count, weights, rng)
    cluster_weights = rng.uniform(0.5, 2.0, size=len(clusters))
    cluster_weights /= cluster_weights.sum()
    positions = np.empty((count, 2))
    origin = []
    for i in range(count):
        if rng.uniform() < _CLUSTERED_SHARE:
            centre = clusters[rng.choice(len(clusters), p=cluster_weights)]
            segment, t = _near(streets, centre, rng)
        else:
            segment, t = int(rng.choice(len(weights), p=weights)), float(rng.uniform())
        positions[i] = _off_street(streets, segment, t, rng)
        origin.append(int(streets.origin[segment]))
    return positions, origin


def _cluster_centres(
    streets: _Streets, count: int, weights: FloatArray, rng: np.random.Generator
) -> FloatArray:
    k = max(1, min(_MAX_CLUSTERS, round(count / _SHOPS_PER_CLUSTER)))
    segments = rng.choice(len(weights), size=k, p=weights)
    t = rng.uniform(size=k)
    return streets.start[segments] + t[:, None] * streets.step[segments]


def _near(streets: _Streets, centre: FloatArray, rng: np.random.Generator) -> tuple[int, float]:
    """Return a segment near ``centre`` and a position on it, close to ``centre``."""
    squared = np.maximum(streets.length**2, 1e-9)
    t0 = np.clip(((centre - streets.start) * streets.step).sum(axis=1) / squared, 0, 1)
    distance = np.hypot(*(streets.start + t0[:, None] * streets.step - centre).T)
    near = np.flatnonzero(distance <= _CLUSTER_REACH_M)
    # mostly the cluster's own street, sometimes a side street close by
    weights = np.exp(-distance[near] / _SIDE_STREET_M) * (streets.length[near] + 1.0)
    segment = int(near[rng.choice(len(near), p=weights / weights.sum())])
    spread = rng.normal(0, _CLUSTER_SD_M) / max(float(streets.length[segment]), 1e-9)
    return segment, _reflect(float(t0[segment]) + spread)


def _reflect(t: float) -> float:
    """Return ``t`` folded back into [0, 1] (no pile-up of shops at street corners)."""
    t = abs(t) % 2
    return 2 - t if t > 1 else t


def _off_street(streets: _Streets, segment: int, t: float, rng: np.random.Generator) -> FloatArray:
    step = streets.step[segment]
    normal = np.array([-step[1], step[0]]) / max(float(streets.length[segment]), 1e-9)
    offset = float(np.clip(rng.normal(0, _JITTER_SD_M), -MAX_OFFSET_M, MAX_OFFSET_M))
    point: FloatArray = streets.start[segment] + t * step + offset * normal
    return point


def _outermost(xy: FloatArray, n: int) -> set[int]:
    if n == 0:
        return set()
    order = np.argsort(-np.hypot(*xy.T), kind="stable")
    return {int(i) for i in order[:n]}


def _exact_counts(shares: Sequence[float], count: int) -> list[int]:
    """Return counts in proportion to ``shares`` summing to ``count`` (largest remainder)."""
    total = sum(shares)
    quotas = [share / total * count for share in shares]
    counts = [math.floor(quota) for quota in quotas]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - quotas[i])
    for i in by_remainder[: count - sum(counts)]:
        counts[i] += 1
    return counts


def _attributes(count: int, rng: np.random.Generator) -> _Attributes:
    """Return each retailer's class, the retailers with each flag and opening hours."""
    names = [name for name, _ in CLASS_MIX]
    counts = _exact_counts([share for _, share in CLASS_MIX], count)
    classes = [str(name) for name in rng.permutation(np.repeat(names, counts))]
    flagged = {
        flag: {int(i) for i in rng.choice(count, size=round(share * count), replace=False)}
        for flag, share in FLAG_SHARES
    }
    chosen = rng.choice(count, size=round(OPENING_SHARE * count), replace=False)
    templates = rng.integers(len(OPENING_HOURS), size=len(chosen))
    opening = {
        int(i): windows(OPENING_HOURS[template])
        for i, template in zip(chosen, templates, strict=True)
    }
    return _Attributes(classes, flagged, opening)


def _names(count: int, rng: np.random.Generator) -> list[str]:
    """Return ``count`` distinct shop names (a branch number once the combinations run out)."""
    combos = [w + s for w, s in itertools.product(_NAME_WORDS, _NAME_SUFFIXES)]
    order = rng.permutation(len(combos))
    return [
        combos[order[i % len(combos)]] + ("" if i < len(combos) else f"{i // len(combos) + 1}店")
        for i in range(count)
    ]
