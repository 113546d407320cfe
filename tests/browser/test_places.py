"""Explore: the layer toggle (attractions / places to stay / fuel / meals), a symbol per kind,
the type-of-stay filter, the ticket-price wording, OSM credits and generated names."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server, finish, new_context, shot, watch
from tests.browser.ui import open_screen, tid, wait_map_ready

pytestmark = pytest.mark.browser

LAYERS = ("attractions", "stay", "fuel", "meal")
SYMBOLS = {"stay": "sym-stay", "camp": "sym-camp", "fuel": "sym-fuel", "meal": "sym-meal"}


def _all_sites(api: httpx2.Client, **params: str) -> list[dict[str, Any]]:
    """Every published site matching ``params`` (following the ``next`` links)."""
    items: list[dict[str, Any]] = []
    url: str | None = "/v1/sites"
    query: dict[str, Any] | None = {**params, "limit": 500}
    while url:
        page = api.get(url, params=query).raise_for_status().json()
        items += page["items"]
        url, query = page.get("next"), None
    return items


def _layer(site: dict[str, Any]) -> str:
    if site["kind"] in ("lodging", "campsite"):
        return "stay"
    if site["kind"] == "service":
        return "meal" if site.get("subtype") == "meal" else "fuel"
    return "attractions"


def _map_features(page: Page) -> list[dict[str, Any]]:
    """The properties of the sites the map's source holds (after the layer toggle)."""
    features: list[dict[str, Any]] = page.evaluate(
        "() => window.tourrouteSites().features.map(f => ({slug: f.properties.slug, "
        "kind: f.properties.kind, subtype: f.properties.subtype, icon: f.properties.icon, "
        "layer: f.properties.layer}))"
    )
    return features


def test_layer_toggle_filters_the_map_and_the_list_with_a_symbol_per_kind(
    page: Page, api: httpx2.Client
) -> None:
    sites = _all_sites(api)
    per_layer = {layer: [s for s in sites if _layer(s) == layer] for layer in LAYERS}
    assert per_layer["attractions"], "no attractions published"
    open_screen(page, "explore")
    wait_map_ready(page)
    the_map = tid(page, "map")

    # Every layer on at first; each says how many sites it holds.
    expect(the_map).to_have_attribute("data-layers", ",".join(LAYERS))
    expect(the_map).to_have_attribute("data-sites", str(len(sites)))
    for layer in LAYERS:
        expect(tid(page, f"layer-{layer}")).to_be_checked()
        count = page.locator(f'[data-testid="layer-toggle"] .layer-count[data-layer="{layer}"]')
        expect(count).to_have_attribute("data-count", str(len(per_layer[layer])))

    # One symbol per kind, fuel and meal apart; attractions stay circles (no icon).
    features = _map_features(page)
    assert len(features) == len(sites)
    for f in features:
        expected = {
            "attraction": "",
            "lodging": SYMBOLS["stay"],
            "campsite": SYMBOLS["camp"],
        }.get(f["kind"])
        if f["kind"] == "service":
            expected = SYMBOLS["meal"] if f["subtype"] == "meal" else SYMBOLS["fuel"]
        assert f["icon"] == expected, f
    assert page.evaluate(
        "names => names.every(n => window.tourrouteMap.hasImage(n))", list(SYMBOLS.values())
    )
    legend = {
        el.get_attribute("data-symbol"): el.locator("img").get_attribute("src")
        for el in tid(page, "legend-symbol").all()
    }
    assert set(legend) >= {"stay", "fuel", "meal"}, legend
    assert legend["fuel"] != legend["meal"]

    if per_layer["fuel"]:
        # A fuel station is drawn with the fuel symbol where it is.
        fuel = per_layer["fuel"][0]
        drawn = page.evaluate(
            """([lon, lat, slug]) => new Promise(resolve => {
                const m = window.tourrouteMap;
                m.once('idle', () => resolve(m.queryRenderedFeatures({layers: ['site-icons']})
                  .filter(f => f.properties.slug === slug).map(f => f.properties.icon)));
                m.jumpTo({center: [lon, lat], zoom: 15});
            })""",
            [*fuel["location"]["coordinates"], fuel["slug"]],
        )
        assert drawn, f"{fuel['slug']} not drawn"
        assert set(drawn) == {SYMBOLS["fuel"]}, drawn
        shot(page, "explore-fuel-symbol")
        page.evaluate("() => window.tourrouteMap.jumpTo({center: [105.2, 19.3], zoom: 7})")

    # Only attractions: the map and the list follow.
    for layer in ("stay", "fuel", "meal"):
        tid(page, f"layer-{layer}").uncheck()
    expect(the_map).to_have_attribute("data-layers", "attractions")
    expect(the_map).to_have_attribute("data-sites", str(len(per_layer["attractions"])))
    assert {f["layer"] for f in _map_features(page)} == {"attractions"}
    results = tid(page, "search-result")
    expect(results.first).to_be_visible()
    expect(
        page.locator('[data-testid="search-result"]:not([data-layer="attractions"])')
    ).to_have_count(0)

    # Only meals: every result is a meal stop with the meal symbol.
    tid(page, "layer-attractions").uncheck()
    tid(page, "layer-meal").check()
    expect(the_map).to_have_attribute("data-layers", "meal")
    expect(the_map).to_have_attribute("data-sites", str(len(per_layer["meal"])))
    if per_layer["meal"]:
        expect(results.first).to_have_attribute("data-type", "meal")
        expect(page.locator('[data-testid="search-result"]:not([data-type="meal"])')).to_have_count(
            0
        )
        expect(results.first.locator("img.symbol")).to_have_attribute("data-symbol", "meal")
    shot(page, "explore-layer-meal")

    # The type of stay turns the places to stay on, with that type only.
    hotels = [s for s in per_layer["stay"] if s.get("subtype") == "hotel"]
    tid(page, "layer-meal").uncheck()
    tid(page, "filter-type").select_option("hotel")
    expect(tid(page, "layer-stay")).to_be_checked()
    expect(the_map).to_have_attribute("data-sites", str(len(hotels)))
    assert {(f["kind"], f["subtype"]) for f in _map_features(page)} <= {("lodging", "hotel")}
    if hotels:
        expect(results.first).to_have_attribute("data-type", "hotel")
        expect(
            page.locator('[data-testid="search-result"]:not([data-type="hotel"])')
        ).to_have_count(0)
    shot(page, "explore-layer-hotels")


def _site_with(api: httpx2.Client, check: Any, **params: str) -> dict[str, Any]:
    for site in _all_sites(api, **params):
        if check(site):
            return site
    pytest.fail(f"no published site {params} for this check")


def _open_site(page: Page, slug: str) -> None:
    page.goto(f"/#/explore?site={slug}")
    expect(tid(page, "site-panel", slug)).to_be_visible()


def test_ticket_price_says_free_for_zero_and_unknown_for_null(
    page: Page, api: httpx2.Client
) -> None:
    """0 is "Miễn phí"/"Free"; null is "chưa rõ giá"/"price unknown" — never one for the other."""
    free = _site_with(api, lambda s: s["ticket_price_vnd"] == 0, kind="attraction")
    unknown = _site_with(api, lambda s: s["ticket_price_vnd"] is None, kind="attraction")
    paid = _site_with(api, lambda s: (s["ticket_price_vnd"] or 0) > 0, kind="attraction")
    open_screen(page, "explore")

    expected = {
        "vi": {free["slug"]: "Miễn phí", unknown["slug"]: "chưa rõ giá"},
        "en": {free["slug"]: "Free", unknown["slug"]: "price unknown"},
    }
    for lang in ("vi", "en"):
        if page.evaluate("() => document.documentElement.lang") != lang:
            tid(page, "lang-toggle").click()
            expect(page.locator("html")).to_have_attribute("lang", lang)
        for slug, text in expected[lang].items():
            _open_site(page, slug)
            ticket = tid(page, "site-ticket")
            expect(ticket).to_have_text(text)
            shot(page, f"explore-ticket-{lang}-{slug}")
        _open_site(page, paid["slug"])
        price = paid["ticket_price_vnd"]
        expect(tid(page, "site-ticket")).to_contain_text(f"{price:,}".replace(",", "."))
        expect(tid(page, "site-ticket")).to_have_attribute("data-price", str(price))
    # Never the old "free or not known" wording, and neither reads as the other.
    for slug in (free["slug"], unknown["slug"]):
        _open_site(page, slug)
        expect(tid(page, "site-panel")).not_to_contain_text("/ chưa rõ")
        expect(tid(page, "site-panel")).not_to_contain_text("Free / not known")
    _open_site(page, unknown["slug"])
    expect(tid(page, "site-ticket")).not_to_contain_text("Free")
    expect(tid(page, "site-ticket")).to_have_attribute("data-price", "")
    _open_site(page, free["slug"])
    expect(tid(page, "site-ticket")).not_to_contain_text("unknown")
    expect(tid(page, "site-ticket")).to_have_attribute("data-price", "0")


def test_site_panel_credits_openstreetmap_and_marks_generated_names(
    page: Page, api: httpx2.Client
) -> None:
    generated = _site_with(api, lambda s: s.get("name_generated") and s.get("attribution"))
    curated = _site_with(api, lambda s: not s.get("attribution") and not s.get("name_generated"))
    open_screen(page, "explore")
    _open_site(page, generated["slug"])
    panel = tid(page, "site-panel")
    expect(tid(panel, "site-attribution")).to_contain_text(generated["attribution"])
    expect(tid(panel, "site-name-generated")).to_have_text("(tên tự đặt)")
    shot(page, "explore-generated-name")
    tid(page, "lang-toggle").click()
    expect(tid(panel, "site-name-generated")).to_have_text("(generated name)")

    _open_site(page, curated["slug"])
    expect(tid(page, "site-attribution")).to_have_count(0)
    expect(tid(page, "site-name-generated")).to_have_count(0)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_openstreetmap_credit_is_always_visible(
    browser: Browser, server: Server, request: pytest.FixtureRequest, width: int, height: int
) -> None:
    phone = width < 500
    context = new_context(
        browser,
        server,
        viewport={"width": width, "height": height},
        **({"device_scale_factor": 2, "is_mobile": True, "has_touch": True} if phone else {}),
    )
    page = context.new_page()
    log = watch(page)
    try:
        open_screen(page, "explore")
        wait_map_ready(page)
        credit = page.locator(".maplibregl-ctrl-attrib")
        expect(credit).to_be_visible()
        expect(credit).to_contain_text("© OpenStreetMap contributors")
        # Not folded into the compact "i" button, inside the screen, and on top.
        inner = page.locator(".maplibregl-ctrl-attrib-inner")
        expect(inner).to_be_visible()
        box = inner.bounding_box()
        assert box is not None
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= width + 1, box
        assert box["y"] >= 0, box
        assert box["y"] + box["height"] <= height + 1, box
        on_top = page.evaluate(
            """([x, y]) => !!document.elementFromPoint(x, y)?.closest('.maplibregl-ctrl-attrib')""",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert on_top, "something covers the OpenStreetMap credit"
        # Dragging the map (which folds a compact attribution) leaves it shown.
        page.evaluate("() => window.tourrouteMap.panBy([40, 30], {duration: 0})")
        expect(inner).to_be_visible()
        shot(page, f"osm-credit-{width}")
    finally:
        try:
            finish(request, page, log)
        finally:
            context.close()
