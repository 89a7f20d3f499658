"""The maps and the schedule page in a real browser: headless Chromium with no network.

Debian's ``chromium`` and ``chromium-driver`` drive it through selenium (nothing is
downloaded: the driver is the system one). The pages are opened from files, as a manager
opens them; every request that would leave the machine fails, and the tests check that the
pages load, draw what they should, answer clicks, log no console error and load fast.
Screenshots and the measured load times go to ``test-artifacts/`` (gitignored).

Skips, saying why, where Chromium or its driver is missing
(``apt-get install -y chromium chromium-driver``).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from helsinki_day import helsinki_day
from routing.maps import day_map, month_map, save_map, territory_map, write_schedule_page
from routing.plan import Plan

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the dev extra")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = REPO / "test-artifacts"
LOAD_LIMIT_S = 2.0
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # No name resolves, so nothing could be fetched even if a page asked.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--window-size=1200,800",
)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="no headless Chromium here: apt-get install -y chromium chromium-driver "
    "(the browser tests need the chromium and chromedriver commands)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module, with a new empty profile and the network off."""
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="visitplan-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    offline = {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0}
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def month_plan(plan: Plan) -> Plan:
    """The 35-stop day cut into three days of a month, on consecutive dates."""
    (day,) = plan.days
    cuts = ((0, 12), (12, 24), (24, 35))
    days = tuple(
        replace(
            day,
            date=day.date.replace(day=day.date.day + k),
            stops=day.stops[a:b],
            lunch=None,
        )
        for k, (a, b) in enumerate(cuts)
    )
    return replace(plan, days=days)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The day map of a 35-stop day on Helsinki's streets, a month map, its territory and
    the day's schedule page, written as a user gets them."""
    folder = tmp_path_factory.mktemp("browser")
    day = helsinki_day()
    files = {name: folder / f"{name}.html" for name in ("day", "month", "territory", "schedule")}
    save_map(day_map(day.plan, 0, day.retailers, paths=day.paths, roads=day.roads), files["day"])
    month = month_plan(day.plan)
    save_map(month_map(month, day.retailers, roads=day.roads), files["month"])
    groups = {stop.retailer_id: k for k, d in enumerate(month.days) for stop in d.stops}
    save_map(territory_map(day.retailers.values(), groups, roads=day.roads), files["territory"])
    write_schedule_page(day.plan, 0, day.retailers, files["schedule"], map_href="day.html")
    return files


def open_page(browser: Any, path: Path, ready: str) -> float:
    """Open ``path``; return the seconds until the JavaScript condition ``ready`` holds."""
    browser.get_log("browser")  # forget what earlier pages logged
    start = time.perf_counter()
    browser.get(path.as_uri())
    while not browser.execute_script(f"return Boolean({ready});"):
        if time.perf_counter() - start > 10 * LOAD_LIMIT_S:
            pytest.fail(f"{path.name} never became ready ({ready})")
        time.sleep(0.02)
    return time.perf_counter() - start


def count(browser: Any, selector: str) -> int:
    return int(browser.execute_script(f"return document.querySelectorAll({selector!r}).length;"))


def text_of(browser: Any, selector: str) -> str:
    """Return the text of the first element matching ``selector`` (visible or fading in)."""
    return str(browser.find_element("css selector", selector).get_attribute("textContent"))


def console_errors(browser: Any) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def remote_requests(browser: Any) -> list[str]:
    names = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; });"
    )
    return [name for name in names if not name.startswith(("file:", "data:", "blob:"))]


def keep(browser: Any, name: str, seconds: float | None = None) -> None:
    """Save a screenshot (and the load time) under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    if seconds is not None:
        with (ARTIFACTS / "load-times.txt").open("a", encoding="utf-8") as log:
            log.write(f"{name}: {seconds:.3f} s\n")


def test_the_day_map_opens_offline_in_under_2_s_with_every_stop_and_leg(
    browser, pages, record_property
):
    seconds = open_page(
        browser, pages["day"], "window.L && document.querySelectorAll('.vp-stop').length === 35"
    )
    record_property("day_map_load_s", round(seconds, 3))
    keep(browser, "day-map", seconds)
    assert browser.execute_script("return L.version;") == "1.9.3"
    assert count(browser, ".vp-stop") == 35
    assert count(browser, "path.vp-route") == 36  # office, 35 stops, office
    assert count(browser, ".vp-arrow") >= 36
    assert count(browser, "path.vp-roads") == 1
    assert count(browser, ".vp-office") == 1
    assert count(browser, ".vp-lunch") == 1
    assert "© OpenStreetMap contributors" in text_of(browser, ".vp-panel")
    assert count(browser, "img.leaflet-tile") == 0  # no tiles asked for
    assert remote_requests(browser) == []
    assert console_errors(browser) == []
    assert pages["day"].stat().st_size <= 2_000_000
    assert seconds < LOAD_LIMIT_S


def test_a_click_on_a_stop_opens_its_popup_and_hover_its_tooltip(browser, pages):
    open_page(browser, pages["day"], "document.querySelectorAll('.vp-stop').length === 35")
    browser.execute_script("document.querySelectorAll('.vp-stop')[0].click();")
    popup = text_of(browser, ".leaflet-popup-content")
    assert popup.startswith("1. 赫尔辛基1号便利店")
    assert "到达" in popup
    assert "开始" in popup
    # Stops lie close together, so hover the second one by its own event, not the pointer.
    browser.execute_script(
        "document.querySelectorAll('.vp-stop')[1]"
        ".dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));"
    )
    tooltips = browser.execute_script(
        "return Array.from(document.querySelectorAll('.leaflet-tooltip'))"
        ".map(function (t) { return t.textContent; }).join(' | ');"
    )
    assert "2. 赫尔辛基2号便利店 (C)到达" in tooltips
    assert console_errors(browser) == []


def test_switching_a_month_layer_off_hides_its_markers(browser, pages):
    seconds = open_page(
        browser, pages["month"], "window.L && document.querySelectorAll('.vp-mstop').length"
    )
    keep(browser, "month-map", seconds)
    assert count(browser, ".vp-mstop") == 35
    assert count(browser, "path.vp-route") == 3
    first_day = """
        var labels = document.querySelectorAll('.leaflet-control-layers-overlays label');
        for (var i = 0; i < labels.length; i++) {
            if (labels[i].textContent.indexOf('12户') >= 0) {
                labels[i].querySelector('input').click();
                return labels[i].textContent;
            }
        }
        return null;
    """
    toggled = browser.execute_script(first_day)
    assert toggled is not None
    assert "01-05" in toggled
    assert count(browser, ".vp-mstop") == 35 - 12
    assert count(browser, "path.vp-route") == 2
    browser.execute_script(first_day)
    assert count(browser, ".vp-mstop") == 35
    assert remote_requests(browser) == []
    assert console_errors(browser) == []


def test_the_territory_map_outlines_each_group(browser, pages):
    seconds = open_page(
        browser, pages["territory"], "window.L && document.querySelectorAll('.vp-retailer').length"
    )
    keep(browser, "territory-map", seconds)
    assert count(browser, "path.vp-retailer") == 35
    assert count(browser, "path.vp-outline") == 3
    assert console_errors(browser) == []


def test_the_schedule_page_reads_on_a_phone_and_links_to_the_map(browser, pages):
    browser.set_window_size(375, 800)
    try:
        seconds = open_page(browser, pages["schedule"], "document.querySelector('ol.schedule')")
        keep(browser, "schedule-page", seconds)
        width = browser.execute_script("return document.documentElement.scrollWidth;")
        assert width <= 375  # nothing wider than the phone: no sideways scrolling
        assert count(browser, "ol.schedule li") == 35 + 1 + 2  # stops, lunch, office twice
        assert console_errors(browser) == []
        browser.find_element("css selector", "a.maplink").click()
        assert browser.current_url.endswith("/day.html")
        browser.execute_script("return document.querySelectorAll('.vp-stop').length;")
        assert count(browser, ".vp-stop") == 35
    finally:
        browser.set_window_size(1200, 800)
