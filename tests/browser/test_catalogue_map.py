"""The Catalogue screen shows the tours it lists on the map: each route, its start numbered.

The catalogue's map used to be empty. Now every tour listed (up to 24) is drawn from its
document's legs in its own colour, with a numbered marker at its start (the same number as
its card); a marker opens the tour's page.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot
from tests.browser.ui import open_screen, tid, wait_map_ready

pytestmark = pytest.mark.browser


def _overlay(page: Page) -> list[dict[str, Any]]:
    """The lines the map draws over its base (id and length of each)."""
    lines: list[dict[str, Any]] = page.evaluate(
        "() => window.tourrouteMap.getSource('overlay-lines')._data.features.map(f => "
        "({id: f.properties.id, points: f.geometry.coordinates.length, "
        "first: f.geometry.coordinates[0], last: f.geometry.coordinates.at(-1)}))"
    )
    return lines


def test_catalogue_map_shows_every_tour_listed(page: Page, api: httpx2.Client) -> None:
    tours = api.get("/v1/tours", params={"limit": 100}).raise_for_status().json()["items"]
    slugs = [t["slug"] for t in tours]
    assert len(slugs) >= 3, slugs
    open_screen(page, "catalogue")
    wait_map_ready(page)
    expect(tid(page, "tour-card")).to_have_count(len(slugs))
    listed = tid(page, "tour-list")
    expect(listed).to_have_attribute("data-on-map", ",".join(slugs))

    lines = _overlay(page)
    assert sorted(line["id"] for line in lines) == sorted(slugs)
    markers = tid(page, "catalogue-tour-start")
    expect(markers).to_have_count(len(slugs))
    map_box = tid(page, "map").bounding_box()
    assert map_box is not None
    for i, slug in enumerate(slugs):
        doc = api.get(f"/v1/tours/{slug}").raise_for_status().json()["itinerary"]
        legs = [leg for day in doc["days"] for leg in day["legs"]]
        line = next(line for line in lines if line["id"] == slug)
        assert line["points"] == sum(len(leg["geometry"]["coordinates"]) for leg in legs)
        assert line["first"] == legs[0]["geometry"]["coordinates"][0]
        assert line["last"] == legs[-1]["geometry"]["coordinates"][-1]
        marker = tid(page, "catalogue-tour-start", slug)
        expect(marker).to_have_text(str(i + 1))
        # The numbers match the cards', and the map was fitted: every start is in view.
        expect(tid(page, "tour-card", slug).locator(".tour-num")).to_have_text(str(i + 1))
        box = marker.bounding_box()
        assert box is not None
        assert map_box["x"] <= box["x"] + box["width"] / 2 <= map_box["x"] + map_box["width"]
        assert map_box["y"] <= box["y"] + box["height"] / 2 <= map_box["y"] + map_box["height"]
    shot(page, "catalogue-map")

    # A filter that keeps one tour keeps only its route on the map.
    tid(page, "tour-filter-vehicle").select_option(tours[0]["vehicle"])
    same_vehicle = [t["slug"] for t in tours if t["vehicle"] == tours[0]["vehicle"]]
    expect(listed).to_have_attribute("data-on-map", ",".join(same_vehicle))
    assert sorted(line["id"] for line in _overlay(page)) == sorted(same_vehicle)
    expect(markers).to_have_count(len(same_vehicle))

    # A start marker opens the tour's page.
    markers.first.click()
    expect(tid(page, "tour-page", same_vehicle[0])).to_be_visible()
