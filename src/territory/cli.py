"""The ``visitplan month`` command and the month part of ``visitplan demo``.

Registered through entry points (``visitplan.commands`` / ``visitplan.demos``), so that
``routing`` never imports this package.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import click

from routing.commands import map_options, tiles_option
from routing.errors import InputError, Problem
from routing.generator import generate_retailers
from routing.network import RoadNetwork, load_network, street_segments
from routing.options import parse_lon_lat
from routing.outputs import refuse_overwriting
from routing.plan import read_plan
from routing.readers import read_retailers, write_retailers_csv
from routing.rules import load_rules
from territory.calendar import (
    CalendarOverrides,
    WorkCalendar,
    next_month,
    read_calendar_overrides,
    working_calendar,
)
from territory.month import (
    MONTH_DAY_SEARCH,
    PLANNING_MODES,
    WEEKLY_LINES,
    MonthRequest,
    MonthResult,
    MonthSettings,
    plan_month,
)
from territory.month_rules import load_month_rules
from territory.orders import read_order_history
from territory.outputs import MonthOutputs, write_month_outputs

DEMO_NETWORK = "bundled:helsinki"
DEMO_RETAILERS = 150


def parse_month(text: str | None, *, today: date | None = None) -> tuple[int, int]:
    """Return ``(year, month)`` of ``YYYY-MM``; the month after today when ``None``."""
    if text is None:
        return next_month(today or date.today())
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
    except ValueError:
        msg = f"expected a month as YYYY-MM (e.g. 2027-01), got {text!r}"
        raise InputError([Problem(source="--month", message=msg)]) from None
    return year, month


@click.command()
@click.option(
    "--retailers",
    "retailers_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Retailer file: CSV (UTF-8/GBK), XLSX or GeoJSON.",
)
@click.option(
    "--network",
    default=None,
    help="Road network file, bundled:helsinki / bundled:kotka, or 'none'.",
)
@click.option("--office", required=True, help="Office position LON,LAT (WGS-84).")
@click.option(
    "--month", "month_text", default=None, help="Month YYYY-MM (default: the month after today)."
)
@click.option(
    "--planning",
    type=click.Choice(PLANNING_MODES),
    default="lines",
    show_default=True,
    help="Fixed weekday lines, or free choice of days.",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    default=None,
    help="Last month's plan JSON: lines mode keeps retailers on their lines.",
)
@click.option(
    "--calendar",
    "calendar_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Days off / extra working days (CSV or TOML); wins over the holiday data.",
)
@click.option(
    "--orders",
    "orders_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Order history (retailer_id, date, quantity) to find fluctuating orders.",
)
@click.option("--mode", default="ebike", show_default=True, help="Travel mode.")
@click.option("--crs", default="wgs84", show_default=True, help="Retailer file coordinates.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Plan JSON (default plans/YYYY-MM.json).",
)
@click.option(
    "--xlsx",
    type=click.Path(path_type=Path),
    default=None,
    help="Workbook (default beside --out).",
)
@click.option(
    "--maps",
    "maps_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the month map and day maps (default maps/YYYY-MM/).",
)
@click.option(
    "--search-steps",
    type=click.IntRange(min=1),
    default=MONTH_DAY_SEARCH.max_solutions,
    show_default=True,
    help="Day solver search steps (deterministic effort).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Processes routing days in parallel (the plan does not depend on it).",
)
@click.option("--manager", default="", help="Customer manager's name.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    default=Path("data/geo/cache"),
    show_default=True,
)
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Rules TOML overriding the defaults (day and [month] rules).",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@tiles_option
def month_command(
    *,
    retailers_path: Path,
    network: str | None,
    office: str,
    month_text: str | None,
    planning: str,
    previous: Path | None,
    calendar_path: Path | None,
    orders_path: Path | None,
    mode: str,
    crs: str,
    out: Path | None,
    xlsx: Path | None,
    maps_dir: Path | None,
    search_steps: int,
    workers: int,
    manager: str,
    cache_dir: Path,
    rules_path: Path | None,
    lang: str,
    tiles: str,
) -> None:
    """Plan next month's visits (次月月度拜访计划): every working day routed and timed."""
    rules = load_rules(rules_path)
    month_rules = load_month_rules(rules_path)
    retailers = read_retailers(retailers_path, rules=rules, crs=crs)
    year, month = parse_month(month_text)
    calendar = _calendar(year, month, calendar_path)
    road_network = _network(network, mode, rules_path, cache_dir)
    request = MonthRequest(
        retailers=retailers,
        office=parse_lon_lat(office),
        year=year,
        month=month,
        mode=mode,
        manager=manager,
        planning=planning,
        previous_lines=_previous_lines(previous),
        history=None if orders_path is None else read_order_history(orders_path),
    )
    settings = MonthSettings(
        day=dataclasses.replace(MONTH_DAY_SEARCH, max_solutions=search_steps), workers=workers
    )
    result = plan_month(
        request,
        rules=rules,
        month_rules=month_rules,
        calendar=calendar,
        network=road_network,
        settings=settings,
        cache_dir=cache_dir,
    )
    stem = f"{year:04d}-{month:02d}"
    plan_path = out or Path("plans") / f"{stem}.json"
    outputs = MonthOutputs(
        plan=plan_path,
        xlsx=xlsx or plan_path.with_suffix(".xlsx"),
        csv=plan_path.with_suffix(".csv"),
        maps=maps_dir or Path("maps") / stem,
    )
    inputs = [p for p in (retailers_path, previous, orders_path) if p is not None]
    refuse_overwriting(inputs, [outputs.plan, outputs.xlsx, outputs.csv])
    maps = map_options(road_network, lang=lang, tiles=tiles, rules=rules)
    write_month_outputs(result, retailers, outputs, maps=maps)
    echo_month(result)
    click.echo(f"  wrote {plan_path}, {outputs.xlsx}, {outputs.csv} and maps in {outputs.maps}/")


def _calendar(year: int, month: int, path: Path | None) -> WorkCalendar:
    overrides: CalendarOverrides | None = None
    if path is not None:
        overrides = read_calendar_overrides(path)
    calendar = working_calendar(year, month, overrides=overrides)
    if not calendar.working_days:
        msg = f"{year}-{month:02d} has no working day; check the calendar file"
        raise InputError([Problem(source=str(path or "--month"), message=msg)])
    return calendar


def _network(
    source: str | None, mode: str, rules_path: Path | None, cache_dir: Path
) -> RoadNetwork | None:
    if source is None:
        msg = "no road network: pass --network FILE or --network none"
        raise InputError([Problem(source="--network", message=msg)])
    if source.lower() == "none":
        click.echo("note: no road network; travel is straight-line distance x detour factor")
        return None
    return load_network(source, mode=load_rules(rules_path).mode(mode), cache_dir=cache_dir)


def _previous_lines(path: Path | None) -> dict[str, int] | None:
    if path is None:
        return None
    lines = read_plan(path).extra.get("lines")
    if not isinstance(lines, dict) or not lines:
        msg = "the previous plan has no lines; pass a month plan made with --planning lines"
        raise InputError([Problem(source=str(path), message=msg, field="lines")])
    bad = [
        rid
        for rid, line in lines.items()
        if isinstance(line, bool) or not isinstance(line, int) or not 0 <= line < WEEKLY_LINES
    ]
    if bad:
        shown = ", ".join(f"{rid}={lines[rid]!r}" for rid in sorted(bad)[:5])
        msg = (
            f"lines must be whole numbers 0-{WEEKLY_LINES - 1} (Monday-Friday), got {shown}; "
            "regenerate the previous plan with 'visitplan month'"
        )
        raise InputError([Problem(source=str(path), message=msg, field="lines")])
    return {str(rid): int(line) for rid, line in lines.items()}


def echo_month(result: MonthResult) -> None:
    """Print a month's summary: calendar warnings, per-day totals, what is unplanned."""
    plan = result.plan
    for warning in result.calendar.warnings:
        click.echo(f"warning: {warning}")
    visits = sum(len(day.stops) for day in plan.days)
    km = sum(day.travel_m for day in plan.days) / 1000
    click.echo(
        f"{plan.extra.get('month')} ({plan.extra.get('planning')}): {len(plan.days)} working "
        f"days, {visits} visits, {km:.1f} km, {len(plan.unplanned)} unplanned"
    )
    for day in plan.days:
        short = f"  ({day.shortfall_reason})" if day.shortfall_reason else ""
        km = day.travel_m / 1000
        click.echo(f"  {day.date} {len(day.stops):>2}/{day.quota} visits {km:5.1f} km{short}")
    for item in plan.unplanned:
        when = item.date.isoformat() if item.date else "month"
        click.echo(f"  unplanned {item.retailer_id} ({when}): {item.reason}")


def month_demo(*, out_dir: Path, seed: int, lang: str) -> None:
    """Plan next month for generated retailers on the bundled roads (part of ``demo``)."""
    rules = load_rules()
    network = load_network(DEMO_NETWORK, mode=rules.mode("ebike"))
    office = (float(network.lons.mean()), float(network.lats.mean()))
    nearest = int(((network.lons - office[0]) ** 2 + (network.lats - office[1]) ** 2).argmin())
    office = (float(network.lons[nearest]), float(network.lats[nearest]))
    retailers = generate_retailers(
        street_segments(network), count=DEMO_RETAILERS, seed=seed, center=office, radius_m=800
    )
    year, month = next_month(date.today())
    retailers_csv = out_dir / "demo-month-retailers.csv"
    write_retailers_csv(retailers, retailers_csv)
    request = MonthRequest(
        retailers=retailers, office=office, year=year, month=month, manager="demo 演示"
    )
    result = plan_month(
        request,
        rules=rules,
        month_rules=load_month_rules(),
        calendar=working_calendar(year, month),
        network=network,
    )
    outputs = MonthOutputs(
        plan=out_dir / "demo-month.json",
        xlsx=out_dir / "demo-month.xlsx",
        csv=out_dir / "demo-month.csv",
        maps=out_dir / "demo-month",
    )
    maps = map_options(network, lang=lang, tiles="osm", rules=rules)
    write_month_outputs(result, retailers, outputs, maps=maps)
    click.echo(f"Month demo: {DEMO_RETAILERS} generated retailers, next month on the same roads.")
    echo_month(result)
    click.echo(
        f"  wrote {retailers_csv}, {outputs.plan}, {outputs.xlsx}, {outputs.csv}; "
        f"open {outputs.month_map()} or {outputs.territory_map()} in a browser. Check with: "
        "visitplan check "
        f"{outputs.plan} --retailers {retailers_csv}"
    )
