"""Place inputs and titles show place names, never slugs or raw ``lon,lat``.

Route and Compose keep what the API takes (a slug or ``lon,lat``) in the input's
``data-value`` and show the place's name in the console's language: a site's
``name_vi``/``name_en``; for a map click, the site clicked on, else "gần <attraction>" /
"near <attraction>", else the district around, else formatted coordinates. A composed trip's
default tour title names its start ("Hành trình 1 ngày từ Vinh", "1-day trip from Vinh").
"""

from __future__ import annotations

import re
from typing import Any

import httpx2
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot
from tests.browser.ui import open_screen, tid, wait_map_ready

pytestmark = pytest.mark.browser

FROM, TO, VIA = "thanh-nha-ho", "kim-lien", "ham-rong"
VINH = (105.692, 18.673)  # the city centre, ~330 m from Hồ Chí Minh Square
SEA = (106.4, 18.9)  # the Gulf of Tonkin, tens of km from any site

_RAW = re.compile(r"\d+\.\d+\s*,\s*\d+\.\d+|\b[a-z0-9]+(-[a-z0-9]+)+\b")


def _site(api: httpx2.Client, slug: str) -> dict[str, Any]:
    site: dict[str, Any] = api.get(f"/v1/sites/{slug}").raise_for_status().json()
    return site


def _nearest(api: httpx2.Client, lon: float, lat: float, radius_m: int, **kw: str) -> Any:
    items = (
        api.get(
            "/v1/sites",
            params={"near": f"{lon},{lat}", "radius_m": radius_m, "limit": 1, **kw},
        )
        .raise_for_status()
        .json()["items"]
    )
    return items[0] if items else None


def _click_map_at(page: Page, lon: float, lat: float) -> None:
    """Centre the map on a point at street zoom (no clusters there) and click that pixel."""
    page.evaluate(
        """([lon, lat]) => new Promise((done) => {
            const m = window.tourrouteMap;
            m.once('idle', () => done(null));
            m.jumpTo({center: [lon, lat], zoom: 15});
        })""",
        [lon, lat],
    )
    box = tid(page, "map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_route_inputs_show_names_in_the_console_language(page: Page, api: httpx2.Client) -> None:
    sites = {slug: _site(api, slug) for slug in (FROM, TO, VIA)}
    open_screen(page, f"route?from={FROM}&to={TO}&via={VIA}")
    inputs = {"route-from": FROM, "route-to": TO, "route-via": VIA}
    for testid, slug in inputs.items():
        expect(tid(page, testid)).to_have_attribute("data-value", slug)
        expect(tid(page, testid)).to_have_value(sites[slug]["name_vi"])
    expect(tid(page, "route-summary")).to_be_visible()
    # The legs list names the places too.
    legs = page.locator(".route-summary .legs li")
    expect(legs.first).to_contain_text(sites[FROM]["name_vi"])
    expect(legs.last).to_contain_text(sites[TO]["name_vi"])
    tid(page, "lang-toggle").click()
    for testid, slug in inputs.items():
        expect(tid(page, testid)).to_have_value(sites[slug]["name_en"])
        expect(tid(page, testid)).to_have_attribute("data-value", slug)
    shot(page, "route-names-en")


def test_a_typed_slug_becomes_its_name_and_still_routes(page: Page, api: httpx2.Client) -> None:
    open_screen(page, "route")
    tid(page, "route-from").fill(FROM)
    tid(page, "route-to").fill("kim lien")  # free text: the best search hit
    tid(page, "route-submit").click()
    expect(tid(page, "route-summary")).to_be_visible()
    expect(tid(page, "route-from")).to_have_value(_site(api, FROM)["name_vi"])
    expect(tid(page, "route-to")).to_have_attribute("data-value", TO)
    expect(tid(page, "route-to")).to_have_value(_site(api, TO)["name_vi"])


def test_a_map_click_is_named_after_what_is_near(page: Page, api: httpx2.Client) -> None:
    # The premise, from the API: nothing within 150 m of the point, an attraction within 2 km.
    assert _nearest(api, *VINH, 150) is None
    square = _nearest(api, *VINH, 2000, kind="attraction")
    assert square is not None
    assert _nearest(api, *SEA, 20_000, kind="attraction") is None

    open_screen(page, "route")
    wait_map_ready(page)
    tid(page, "route-from").focus()
    _click_map_at(page, *VINH)
    start = tid(page, "route-from")
    expect(start).to_have_attribute("data-value", "105.692,18.673")
    expect(start).to_have_value(f"gần {square['name_vi']}")

    tid(page, "route-to").focus()
    _click_map_at(page, *SEA)
    end = tid(page, "route-to")
    expect(end).to_have_attribute("data-value", "106.4,18.9")
    expect(end).to_have_value("18.9000°B, 106.4000°Đ")
    tid(page, "lang-toggle").click()
    expect(start).to_have_value(f"near {square['name_en']}")
    expect(end).to_have_value("18.9000°N, 106.4000°E")
    shot(page, "route-map-click-names")


def test_a_trip_from_coordinates_gets_a_title_naming_its_town(page: Page) -> None:
    open_screen(page, f"compose?start={VINH[0]:.4f},{VINH[1]:.4f}")
    start = tid(page, "compose-start")
    expect(start).to_have_attribute("data-value", "105.6920,18.6730")
    expect(start).not_to_have_value(re.compile(r"105\.69"))
    expect(start).to_have_value(re.compile(r"^gần "))
    tid(page, "compose-days").fill("1")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith("/v1/itineraries"),
        timeout=180_000,
    ) as answer:
        tid(page, "compose-submit").click()
    assert answer.value.status == 201, answer.value.text()
    sent = answer.value.request.post_data_json
    assert sent["start"] == "105.6920,18.6730"
    expect(tid(page, "save-tour-title-vi")).to_have_value("Hành trình 1 ngày từ Vinh")
    expect(tid(page, "save-tour-title-en")).to_have_value("1-day trip from Vinh")
    expect(tid(page, "save-tour-slug")).to_have_value(re.compile(r"^vinh-[0-9a-f]{6}$"))
    # The timeline names the start too (no raw coordinates, no slugs).
    departure = page.locator(".tl-start").first
    expect(departure).to_contain_text("gần ")
    expect(departure).not_to_contain_text("105.69")
    shot(page, "compose-title-from-vinh")


def test_compose_template_shows_names_and_its_title_too(page: Page, api: httpx2.Client) -> None:
    """Compose's inputs after a template: names shown, slugs kept, no slug in any input."""
    tour = api.get("/v1/tours/di-san-thanh-hoa-nghe-an-ha-tinh").raise_for_status().json()
    open_screen(page, f"compose?tour={tour['slug']}")
    start = tid(page, "compose-start")
    expect(start).to_have_attribute("data-value", tour["sites"][0])
    expect(start).to_have_value(_site(api, tour["sites"][0])["name_vi"])
    must = tid(page, "compose-must-visit")
    expect(must).to_have_attribute("data-value", re.compile(r"\S"))
    slugs = (must.get_attribute("data-value") or "").split("; ")
    names = [_site(api, slug)["name_vi"] for slug in slugs]
    expect(must).to_have_value("; ".join(names))
    for testid in ("compose-start", "compose-end", "compose-must-visit"):
        shown = tid(page, testid).input_value()
        assert not _RAW.search(shown), (testid, shown)
