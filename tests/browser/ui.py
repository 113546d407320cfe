"""Small helpers over the console's ``data-testid`` contract (src/web/TESTIDS.md)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect


def tid(page: Page | Locator, name: str, slug: str | None = None) -> Locator:
    """``[data-testid=name]``, optionally narrowed to ``[data-slug=slug]``."""
    selector = f'[data-testid="{name}"]'
    if slug is not None:
        selector += f'[data-slug="{slug}"]'
    return page.locator(selector)


def open_screen(page: Page, route: str) -> None:
    """Load the console at a hash route (``explore``, ``route``, …) and wait for its shell."""
    page.goto(f"/#/{route}")
    expect(tid(page, "nav-explore")).to_be_visible()


def wait_map_ready(page: Page) -> None:
    """The map loaded its sources and drew them (``data-error`` says WebGL or data failed)."""
    the_map = tid(page, "map")
    expect(the_map).to_have_attribute("data-ready", "true")
    error = the_map.get_attribute("data-error")
    assert error is None, f"map ready with data-error={error!r}"


def sign_in(page: Page, token: str, name: str) -> None:
    """Curate screen: paste a bearer token, sign in, wait for the principal's name."""
    open_screen(page, "curate")
    tid(page, "token-input").fill(token)
    tid(page, "sign-in").click()
    expect(tid(page, "signed-in-as")).to_contain_text(name)


def int_attr(locator: Locator, name: str) -> float:
    value = locator.get_attribute(name)
    assert value is not None, f"{name} missing on {locator}"
    return float(value)


def km_text(metres: float) -> str:
    """How the console writes a distance (``fmtKm``): whole km from 100 km, else one decimal."""
    km = metres / 1000
    return f"{km:.0f} km" if km >= 100 else f"{km:.1f} km"


def check_legs(day_el: Locator, day: dict[str, Any]) -> None:
    """A timeline day shows every leg of the API's day, once, in order, and their sum as totals."""
    legs = day["legs"]
    shown = tid(day_el, "timeline-leg")
    expect(shown).to_have_count(len(legs))
    seen = shown.evaluate_all(
        "els => els.map(e => [e.dataset.from, e.dataset.to, Number(e.dataset.distanceM),"
        " Number(e.dataset.durationS), e.textContent])"
    )
    where = f"day {day['day']}"
    assert [(s[0], s[1]) for s in seen] == [(leg["from"], leg["to"]) for leg in legs], where
    for (_, _, metres, seconds, text), leg in zip(seen, legs, strict=True):
        assert metres == pytest.approx(leg["distance_m"], abs=0.01), where
        assert seconds == pytest.approx(leg["duration_s"], abs=0.01), where
        assert km_text(leg["distance_m"]) in text, (where, text)
    totals = tid(day_el, "timeline-day-totals")
    total_m = sum(leg["distance_m"] for leg in legs)
    total_s = sum(leg["duration_s"] for leg in legs)
    assert int_attr(totals, "data-distance-m") == pytest.approx(total_m, abs=0.5), where
    assert int_attr(totals, "data-duration-s") == pytest.approx(total_s, abs=0.5), where
    assert km_text(total_m) in totals.inner_text(), where
    # …which are the API's own day totals.
    assert total_m == pytest.approx(day["totals"]["distance_m"], abs=1.0), where
    assert total_s == pytest.approx(day["totals"]["driving_s"], abs=1.0), where
