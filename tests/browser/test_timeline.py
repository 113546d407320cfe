"""The day timeline shows every leg of every day, in order, with totals that add up.

It used to pair legs with stops by index (``legs.find(l => l.to === s.id) ?? legs[i]``): a day
starting at its first visit showed its first drive twice and never its last (the drive to the
night's place). The three promoted tours of ``seed/tours/promoted.yaml`` are checked day by
day against the API's legs: count, order (from → to), distance and duration, and the day's
totals as their sum.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot
from tests.browser.ui import check_legs, open_screen, tid

pytestmark = pytest.mark.browser

PROMOTED = [
    tour["slug"]
    for tour in yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "seed" / "tours" / "promoted.yaml").read_text()
    )["tours"]
]


def test_three_tours_are_promoted() -> None:
    assert len(PROMOTED) == 3, PROMOTED


@pytest.mark.parametrize("slug", PROMOTED)
def test_tour_timeline_shows_every_leg_of_every_day(
    page: Page, api: httpx2.Client, slug: str
) -> None:
    tour: dict[str, Any] = api.get(f"/v1/tours/{slug}").raise_for_status().json()
    days = tour["itinerary"]["days"]
    assert days, slug
    assert all(day["legs"] for day in days), slug
    open_screen(page, f"tours/{slug}")
    expect(tid(page, "tour-title")).to_be_visible()
    shown = tid(page, "timeline-day")
    expect(shown).to_have_count(len(days))
    for i, day in enumerate(days):
        check_legs(shown.nth(i), day)
    # No leg twice anywhere (the old pairing repeated the first drive of a day).
    pairs = tid(page, "timeline-leg").evaluate_all(
        "els => els.map(e => e.closest('[data-day]').dataset.day + ':' + e.dataset.from"
        " + '>' + e.dataset.to)"
    )
    assert len(pairs) == len(set(pairs)) == sum(len(day["legs"]) for day in days)
    shot(page, f"timeline-{slug}")


def test_the_last_drive_of_a_day_comes_before_its_night(page: Page, api: httpx2.Client) -> None:
    """The heritage tour's day 1: from its last visit to the night's place, just above the night."""
    slug = PROMOTED[0]
    day = api.get(f"/v1/tours/{slug}").raise_for_status().json()["itinerary"]["days"][0]
    last = day["legs"][-1]
    assert day["overnight"], day
    assert last["to"] == day["overnight"]["id"], last
    open_screen(page, f"tours/{slug}")
    first_day = tid(page, "timeline-day").first
    leg = first_day.locator(f'[data-testid="timeline-leg"][data-to="{last["to"]}"]')
    expect(leg).to_have_count(1)
    # In the document: after the last stop, before the overnight line.
    order = first_day.evaluate(
        """(day) => {
            const all = [...day.querySelectorAll(
                '[data-testid="timeline-stop"], [data-testid="timeline-leg"],'
                + ' [data-testid="timeline-overnight"]')];
            return all.map(e => e.dataset.testid + ':' + (e.dataset.to || e.dataset.slug || ''));
        }"""
    )
    assert order[-2:] == [f"timeline-leg:{last['to']}", f"timeline-overnight:{last['to']}"], order
