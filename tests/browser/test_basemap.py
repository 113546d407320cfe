"""The base map: our vector tiles, our style and our glyphs, served by the service alone.

Every request the page makes to another origin is blocked (``page.route``) and recorded:
the map must draw its tiles and its Vietnamese labels without one. Labels are checked in
what MapLibre actually placed (``queryRenderedFeatures`` on the symbol layers) and in a
screenshot (``test-artifacts/browser/basemap-vinh-z12.png``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from tests.browser.conftest import Server, finish, new_context, shot, watch
from tests.browser.ui import open_screen, tid, wait_map_ready

pytestmark = pytest.mark.browser

VINH = (105.6813, 18.6734)
# Vietnamese letters outside ASCII: the tone and vowel marks a label must keep.
VIETNAMESE = re.compile(r"[à-ỹÀ-ỸđĐ]")


@dataclass
class Traffic:
    """What the page asked for: requests to other origins (blocked), tiles and glyphs."""

    origin: str
    blocked: list[str] = field(default_factory=list)
    tiles: dict[str, int] = field(default_factory=dict)
    glyphs: dict[str, int] = field(default_factory=dict)

    def route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def finished(self, request: Request) -> None:
        response = request.response()
        status = response.status if response is not None else 0
        path = request.url.removeprefix(self.origin)
        if path.startswith("/tiles/") and path.endswith(".mvt"):
            self.tiles[path] = status
        elif path.startswith("/glyphs/"):
            self.glyphs[path] = status


@pytest.fixture
def offline(
    browser: Browser, server: Server, request: pytest.FixtureRequest
) -> Iterator[tuple[Page, Traffic]]:
    """A page that can reach the service's origin and nothing else."""
    context = new_context(browser, server)
    traffic = Traffic(server.base_url)
    context.route("**/*", traffic.route)
    page = context.new_page()
    page.on("requestfinished", traffic.finished)
    log = watch(page)
    yield page, traffic
    try:
        finish(request, page, log)
        assert not [e for e in log.errors if "console.error" in e or "uncaught" in e], log.text()
    finally:
        context.close()


def _move_and_settle(page: Page, center: tuple[float, float], zoom: float) -> None:
    """Jump the map and wait until it drew every tile and label (MapLibre's ``idle``)."""
    page.evaluate(
        """([lon, lat, zoom]) => new Promise((resolve) => {
            const m = window.tourrouteMap;
            m.once("idle", () => resolve(true));
            m.jumpTo({ center: [lon, lat], zoom });
        })""",
        [center[0], center[1], zoom],
    )


def _placed_labels(page: Page, prefix: str) -> list[dict[str, Any]]:
    """The labels MapLibre placed on screen in the layers whose id starts with ``prefix``."""
    labels: list[dict[str, Any]] = page.evaluate(
        """(prefix) => {
            const m = window.tourrouteMap;
            const layers = m.getStyle().layers
                .filter((l) => l.id.startsWith(prefix))
                .map((l) => l.id);
            return m.queryRenderedFeatures({ layers }).map((f) => ({
                layer: f.layer.id,
                name: f.properties["name:latin"] ?? f.properties.name ?? null,
                count: f.properties.point_count_abbreviated ?? null,
            }));
        }""",
        prefix,
    )
    return labels


def test_labels_keep_their_diacritics_at_vinh_with_only_the_service_reachable(
    offline: tuple[Page, Traffic],
) -> None:
    page, traffic = offline
    open_screen(page, "explore")
    wait_map_ready(page)
    _move_and_settle(page, VINH, 12)
    path = shot(page, "basemap-vinh-z12")

    labels = _placed_labels(page, "base-label-")
    names = {label["name"] for label in labels if label["name"]}
    assert "Vinh" in names, sorted(names)
    accented = sorted(n for n in names if VIETNAMESE.search(n))
    assert len(accented) >= 3, f"too few Vietnamese labels placed: {accented}"

    assert traffic.blocked == [], f"the map needed other origins: {traffic.blocked}"
    assert traffic.tiles, "no base-map tile was requested"
    assert set(traffic.tiles.values()) <= {200, 204, 304}, traffic.tiles
    assert any(status == 200 for status in traffic.tiles.values())
    # Latin-1 and Latin Extended Additional (ệ, ố, ừ …) came from our glyph endpoint.
    ranges = {p.rsplit("/", 1)[1]: s for p, s in traffic.glyphs.items()}
    assert ranges.get("0-255.pbf") == 200, traffic.glyphs
    assert ranges.get("7680-7935.pbf") == 200, traffic.glyphs
    assert path.stat().st_size > 50_000  # a drawn map, not an empty canvas

    # The same view with the attractions only, so the town's own labels show between them.
    for layer in ("stay", "fuel", "meal"):
        tid(page, f"layer-{layer}").uncheck()
    expect(tid(page, "map")).to_have_attribute("data-layers", "attractions")
    _move_and_settle(page, VINH, 12.01)
    shot(page, "basemap-vinh-z12-attractions")


def test_site_clusters_show_their_counts(offline: tuple[Page, Traffic]) -> None:
    page, traffic = offline
    open_screen(page, "explore")
    wait_map_ready(page)
    _move_and_settle(page, (105.6, 19.2), 7.5)
    shot(page, "basemap-cluster-counts")

    counts = _placed_labels(page, "site-cluster-count")
    assert counts, "no cluster count was drawn"
    clusters = page.evaluate(
        """() => window.tourrouteMap.queryRenderedFeatures({ layers: ["site-clusters"] })
            .map((f) => String(f.properties.point_count_abbreviated))"""
    )
    # Each count drawn is the count of a cluster on screen.
    assert {str(c["count"]) for c in counts} <= set(clusters), (counts, clusters)
    assert all(int(str(c["count"]).rstrip("k")) >= 2 for c in counts)
    assert traffic.blocked == []
    assert any(p.endswith("/0-255.pbf") and "Bold" in p for p in traffic.glyphs)


@pytest.mark.parametrize("width", [390, 1280])
def test_openstreetmap_credit_is_visible_and_uncovered(
    browser: Browser, server: Server, request: pytest.FixtureRequest, width: int
) -> None:
    context = new_context(browser, server, viewport={"width": width, "height": 844})
    page = context.new_page()
    log = watch(page)
    try:
        open_screen(page, "explore")
        wait_map_ready(page)
        credit = page.locator(".maplibregl-ctrl-attrib")
        expect(credit).to_contain_text("© OpenStreetMap contributors")
        expect(credit).to_be_visible()
        # The legend open too: it must not grow over the credit either.
        page.locator(".legend summary").click()
        expect(page.locator(".legend")).to_have_attribute("open", "")
        shot(page, f"basemap-credit-{width}")
        # Nothing sits over the credit: the element at points along its text is the credit.
        covered = page.evaluate(
            """() => {
                const inner = document.querySelector(".maplibregl-ctrl-attrib-inner");
                const box = inner.getBoundingClientRect();
                const y = box.top + box.height / 2;
                const xs = [0.1, 0.5, 0.9].map((f) => box.left + box.width * f);
                return xs.filter((x) => !inner.contains(document.elementFromPoint(x, y))).length;
            }"""
        )
        assert covered == 0, "something covers the OpenStreetMap credit"
    finally:
        finish(request, page, log)
        context.close()
