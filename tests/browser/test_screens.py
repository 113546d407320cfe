"""Every screen at desktop (1280 px) and phone (390 px) width: its main element is shown,
nothing overflows sideways on the phone, and a screenshot is left for a person to look at
(``test-artifacts/browser/screen-<screen>-<width>.png``)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CURATOR_NGHE_AN, Server, finish, new_context, shot, watch
from tests.browser.ui import open_screen, sign_in, tid, wait_map_ready

pytestmark = pytest.mark.browser

WIDTHS = {1280: 860, 390: 844}


def _explore(page: Page, server: Server) -> str:
    open_screen(page, "explore")
    expect(tid(page, "search-result").first).to_be_visible()
    return "search-results"


def _route(page: Page, server: Server) -> str:
    open_screen(page, "route?from=thanh-nha-ho&to=kim-lien")
    expect(tid(page, "route-summary")).to_be_visible()
    # Opened from a link the route comes before the map is ready: it is drawn all the same.
    page.wait_for_function(
        "() => window.tourrouteMap?.getSource('overlay-lines')?._data.features.length > 0"
    )
    return "route-submit"


def _compose(page: Page, server: Server) -> str:
    open_screen(page, "compose?tour=di-san-thanh-hoa-nghe-an-ha-tinh")
    expect(tid(page, "compose-start")).to_have_attribute("data-value", "thanh-nha-ho")
    expect(tid(page, "compose-submit")).to_be_enabled()
    # Composed: the timeline is the widest thing this screen shows.
    tid(page, "compose-submit").click()
    expect(page.locator('[data-testid="timeline-day"]:visible').first).to_be_visible(
        timeout=180_000
    )
    return "timeline"


def _catalogue(page: Page, server: Server) -> str:
    open_screen(page, "catalogue")
    expect(tid(page, "tour-list")).to_have_attribute("data-on-map", re.compile(r"\S"))
    return "tour-list"


def _tour(page: Page, server: Server) -> str:
    open_screen(page, "tours/caravan-duong-ho-chi-minh")
    expect(tid(page, "timeline-leg").first).to_be_visible()
    return "tour-page"


def _curate(page: Page, server: Server) -> str:
    sign_in(page, server.tokens[CURATOR_NGHE_AN], CURATOR_NGHE_AN)
    expect(tid(page, "curate-site").first).to_be_visible()
    return "curate-site-list"


SCREENS: dict[str, Callable[[Page, Server], str]] = {
    "explore": _explore,
    "route": _route,
    "compose": _compose,
    "catalogue": _catalogue,
    "tour": _tour,
    "curate": _curate,
}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_at_width(
    browser: Browser, server: Server, request: pytest.FixtureRequest, screen: str, width: int
) -> None:
    phone = width < 600
    context = new_context(
        browser,
        server,
        viewport={"width": width, "height": WIDTHS[width]},
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    log = watch(page)
    try:
        main = SCREENS[screen](page, server)
        wait_map_ready(page)
        expect(tid(page, main)).to_be_visible()
        tid(page, main).scroll_into_view_if_needed()
        expect(tid(page, "map")).to_be_visible()
        # Let the map finish drawing (a repaint, then its next idle) before the screenshot.
        page.evaluate(
            "() => new Promise(r => { const m = window.tourrouteMap;"
            " m.once('idle', () => r(null)); m.triggerRepaint(); })"
        )
        shot(page, f"screen-{screen}-{width}")
        overflow = page.evaluate(
            """(width) => {
                const doc = document.scrollingElement.scrollWidth;
                const wide = [...document.querySelectorAll('body *')]
                    .filter(e => e.getClientRects().length
                                 && getComputedStyle(e).visibility !== 'hidden')
                    .filter(e => { const r = e.getBoundingClientRect();
                                   return r.width > 0 && (r.right > width + 1 || r.left < -1); })
                    .filter(e => !e.closest('.maplibregl-canvas-container, .maplibregl-marker'))
                    .map(e => (e.dataset.testid || e.className || e.tagName) + '');
                return {doc, wide: wide.slice(0, 10)};
            }""",
            width,
        )
        assert overflow["doc"] <= width, f"horizontal scroll: {overflow}"
        if phone:
            assert not overflow["wide"], f"wider than the phone: {overflow['wide']}"
    finally:
        try:
            finish(request, page, log)
        finally:
            context.close()
