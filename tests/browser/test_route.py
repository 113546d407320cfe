"""Route: motorbikes keep off the expressway, cars take it — seen in the console's breakdown."""

from __future__ import annotations

import re
from typing import Any

import httpx2
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot
from tests.browser.ui import int_attr, open_screen, tid

pytestmark = pytest.mark.browser

FROM, TO = "thanh-nha-ho", "kim-lien"
# The North–South expressway as the API names it: its road ref and its corridor slug.
EXPRESSWAY_REF = "CT.01"
EXPRESSWAY_CORRIDOR = "expressway-north-south-east"


def _api_route(api: httpx2.Client, vehicle: str) -> dict[str, Any]:
    answer = api.get("/v1/routes", params={"from": FROM, "to": TO, "vehicle": vehicle})
    route: dict[str, Any] = answer.raise_for_status().json()["routes"][0]
    return route


def _uses_expressway(route: dict[str, Any]) -> bool:
    refs = {row["ref"] for row in route["breakdown"]["by_ref"]}
    corridors = {row["corridor"] for row in route["breakdown"]["by_corridor"]}
    return EXPRESSWAY_REF in refs or EXPRESSWAY_CORRIDOR in corridors


def _keys(page: Page, group: str) -> set[str]:
    rows = tid(page, "breakdown-row").and_(page.locator(f'[data-group="{group}"]'))
    return {key for key in rows.evaluate_all("els => els.map(e => e.dataset.key)") if key}


def _submit(page: Page, vehicle: str) -> None:
    tid(page, "route-vehicle").select_option(vehicle)
    tid(page, "route-submit").click()


def test_motorbike_avoids_the_expressway_the_car_takes_it(page: Page, api: httpx2.Client) -> None:
    # The premise, straight from the API: the car route uses the expressway, the motorbike's not.
    by_car, by_motorbike = _api_route(api, "car"), _api_route(api, "motorbike")
    assert _uses_expressway(by_car)
    assert not _uses_expressway(by_motorbike)

    open_screen(page, "route")
    tid(page, "route-from").fill(FROM)
    tid(page, "route-to").fill(TO)
    _submit(page, "motorbike")

    summary = tid(page, "route-summary")
    expect(summary).to_be_visible()
    # Wait for the motorbike route itself (its distance), not any summary.
    expect(summary).to_have_attribute("data-distance-m", _near(by_motorbike["distance_m"]))
    expect(tid(page, "route-breakdown")).to_be_visible()
    expect(tid(page, "breakdown-row").first).to_be_visible()
    roads, corridors = _keys(page, "road"), _keys(page, "corridor")
    shot(page, "route-motorbike")
    assert roads, "no road rows in the motorbike breakdown"
    assert corridors, "no corridor rows in the motorbike breakdown"
    assert EXPRESSWAY_REF not in roads
    assert EXPRESSWAY_CORRIDOR not in corridors
    assert {row["ref"] for row in by_motorbike["breakdown"]["by_ref"]} <= roads
    assert int_attr(summary, "data-duration-s") == pytest.approx(
        by_motorbike["duration_s"], rel=0.01
    )

    _submit(page, "car")
    expect(summary).to_have_attribute("data-distance-m", _near(by_car["distance_m"]))
    expect(
        tid(page, "breakdown-row").and_(page.locator(f'[data-key="{EXPRESSWAY_REF}"]'))
    ).to_have_count(1)
    roads, corridors = _keys(page, "road"), _keys(page, "corridor")
    # The car's alternatives include one that keeps off the expressway.
    expect(tid(page, "route-alternative").first).to_be_visible()
    shot(page, "route-car")
    assert EXPRESSWAY_REF in roads
    assert EXPRESSWAY_CORRIDOR in corridors
    assert int_attr(summary, "data-distance-m") < by_motorbike["distance_m"]


def _near(metres: float) -> re.Pattern[str]:
    """The summary's distance is the API's, rounded or not."""
    whole = int(metres)
    return re.compile(rf"^({whole}(\.\d+)?|{whole + 1})$")


def test_directions_listed_for_a_route(page: Page, api: httpx2.Client) -> None:
    answer = api.get(
        "/v1/routes",
        params={"from": FROM, "to": TO, "steps": "true"},
        headers={"Accept-Language": "vi"},
    )
    steps = answer.raise_for_status().json()["routes"][0]["legs"][0]["steps"]

    open_screen(page, "route")
    tid(page, "route-from").fill(FROM)
    tid(page, "route-to").fill(TO)
    _submit(page, "car")

    card = tid(page, "route-directions")
    expect(card).to_be_visible()
    items = tid(card, "direction")
    expect(items).to_have_count(len(steps))
    card.scroll_into_view_if_needed()
    shot(page, "route-directions")
    # In order, in Vietnamese (the console's default language): depart first, arrive last.
    types = items.evaluate_all("els => els.map(e => e.dataset.type)")
    assert types == [s["type"] for s in steps]
    assert types[0] == "depart"
    assert types[-1] == "arrive"
    texts = tid(card, "direction").locator(".dir-text").all_inner_texts()
    assert texts == [s["instruction_vi"] for s in steps]
    assert texts[0].startswith("Khởi hành trên ")
    assert texts[-1] == "Đến nơi"
    assert any(
        t.startswith(("Rẽ ", "Chếch ", "Giữ ", "Đi thẳng ", "Vào vòng xuyến")) for t in texts
    )
    # The steps' distances are the route's.
    summary = tid(page, "route-summary")
    metres = [float(m) for m in items.evaluate_all("els => els.map(e => e.dataset.distanceM)")]
    assert sum(metres) == pytest.approx(int_attr(summary, "data-distance-m"), abs=len(metres))

    # In English after switching the language, same order.
    tid(page, "lang-toggle").click()
    expect(tid(card, "direction").first.locator(".dir-text")).to_have_text(
        steps[0]["instruction_en"]
    )
