"""Explore: accent-insensitive search, the site panel, the phone layout, the language toggle."""

from __future__ import annotations

import re

import httpx2
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import Server, finish, new_context, shot, watch
from tests.browser.ui import open_screen, tid, wait_map_ready

pytestmark = pytest.mark.browser

CITADEL = "thanh-nha-ho"


def _search(page: Page, query: str, slug: str) -> None:
    """Type a query and wait until the debounced search lists ``slug``."""
    box = tid(page, "search-input")
    # First a query that cannot match, so a result left from an earlier query cannot pass.
    box.fill("qqqxxzz")
    expect(tid(page, "search-result", slug)).to_have_count(0)
    box.fill(query)
    expect(tid(page, "search-result", slug)).to_be_visible()


def test_search_with_and_without_diacritics_opens_the_site_panel(
    page: Page, api: httpx2.Client
) -> None:
    site = api.get(f"/v1/sites/{CITADEL}").raise_for_status().json()
    open_screen(page, "explore")
    wait_map_ready(page)

    _search(page, "thanh nha ho", CITADEL)
    _search(page, "Thành nhà Hồ", CITADEL)
    shot(page, "explore-search")

    tid(page, "search-result", CITADEL).click()
    panel = tid(page, "site-panel")
    expect(panel).to_be_visible()
    expect(tid(panel, "site-name-vi")).to_contain_text(site["name_vi"])
    expect(tid(panel, "site-name-en")).to_contain_text(site["name_en"])
    expect(tid(panel, "site-visit-duration")).to_be_visible()
    expect(tid(panel, "site-hours")).to_be_attached()
    expect(tid(panel, "plan-from")).to_be_visible()
    expect(tid(panel, "plan-to")).to_be_visible()
    expect(tid(panel, "site-visit-duration")).to_have_attribute(
        "data-minutes", str(site["visit_duration_min"])
    )
    shot(page, "explore-site-panel")

    # "Plan to here" hands the site to the Route screen: its name shown, its slug kept.
    tid(panel, "plan-to").click()
    expect(tid(page, "route-to")).to_have_attribute("data-value", CITADEL)
    expect(tid(page, "route-to")).to_have_value(site["name_vi"])


def test_phone_layout_shows_map_and_panel_without_horizontal_scroll(
    browser: Browser, server: Server, request: pytest.FixtureRequest
) -> None:
    context = new_context(
        browser,
        server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    log = watch(page)
    try:
        open_screen(page, "explore")
        wait_map_ready(page)
        _search(page, "thanh nha ho", CITADEL)
        tid(page, "search-result", CITADEL).click()
        expect(tid(page, "site-panel")).to_be_visible()

        map_box = tid(page, "map").bounding_box()
        assert map_box is not None
        assert map_box["width"] > 200
        assert map_box["height"] > 150
        assert map_box["x"] >= 0
        assert map_box["x"] + map_box["width"] <= 390 + 1
        panel_box = tid(page, "site-panel").bounding_box()
        assert panel_box is not None
        assert panel_box["width"] <= 390 + 1
        assert panel_box["x"] >= -1

        scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
        shot(page, "phone-explore")
        assert scroll_width <= 390, f"horizontal scrollbar: scrollWidth {scroll_width} > 390"
    finally:
        try:
            finish(request, page, log)
        finally:
            context.close()


_ENGLISH_EXPLORE = re.compile(r"explore", re.IGNORECASE)


def _other(lang: str) -> str:
    return "en" if lang == "vi" else "vi"


def test_language_toggle_switches_visible_strings(page: Page) -> None:
    open_screen(page, "explore")
    wait_map_ready(page)
    expect(tid(page, "search-result").first).to_be_visible()
    html = page.locator("html")
    first = page.evaluate("() => document.documentElement.lang")
    assert first in ("vi", "en"), f"<html lang> is {first!r}, expected vi or en"
    nav, search = tid(page, "nav-explore"), tid(page, "search-input")
    labels = {first: nav.inner_text().strip()}
    placeholders = {first: search.get_attribute("placeholder")}

    tid(page, "lang-toggle").click()
    second = _other(first)
    expect(html).to_have_attribute("lang", second)
    expect(nav).not_to_have_text(labels[first])
    expect(search).not_to_have_attribute("placeholder", placeholders[first] or "")
    labels[second] = nav.inner_text().strip()
    placeholders[second] = search.get_attribute("placeholder")
    expect(tid(page, "search-result").first).to_be_visible()
    shot(page, f"lang-{second}")

    assert _ENGLISH_EXPLORE.search(labels["en"]), labels
    assert not _ENGLISH_EXPLORE.search(labels["vi"]), labels
    assert labels["vi"] != labels["en"]

    tid(page, "lang-toggle").click()
    expect(html).to_have_attribute("lang", first)
    expect(nav).to_have_text(labels[first])
    expect(search).to_have_attribute("placeholder", placeholders[first] or "")
    shot(page, f"lang-{first}")


def _site_list(url: str) -> bool:
    """The Explore list's request (not the map's GeoJSON of the sites)."""
    return "/v1/sites?" in url and "limit=500" in url and "f=geojson" not in url


def test_results_say_loading_until_the_first_answer(page: Page) -> None:
    """Before the site list has arrived the list says it is loading, never "no results"."""
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route(_site_list, hold)
    open_screen(page, "explore")
    results = tid(page, "search-results")
    expect(results).to_have_attribute("aria-busy", "true")
    expect(results).to_contain_text("Đang tải")
    expect(results).not_to_contain_text("Không tìm thấy")
    assert held, "the site list was not requested"
    for route in held:
        route.continue_()
    page.unroute(_site_list)
    expect(tid(page, "search-result").first).to_be_visible()
    expect(results).not_to_have_attribute("aria-busy", "true")
    expect(results).not_to_contain_text("Đang tải")


def test_language_toggle_stays_readable_on_hover(page: Page) -> None:
    """On hover the toggle's text and background must not both be (near) white."""
    open_screen(page, "explore")
    toggle = tid(page, "lang-toggle")
    toggle.hover()
    colours = toggle.evaluate(
        "el => { const s = getComputedStyle(el); return [s.color, s.backgroundColor]; }"
    )
    text, background = (_rgb(c) for c in colours)
    assert _contrast(text, background) >= 4.5, f"lang-toggle on hover: {colours}"


def _rgb(css: str) -> tuple[float, float, float]:
    parts = [float(x) for x in re.findall(r"[\d.]+", css)[:3]]
    return parts[0], parts[1], parts[2]


def _contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    def luminance(rgb: tuple[float, float, float]) -> float:
        lin = [
            c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
            for c in rgb
        ]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
