"""Compose: a promoted tour as template → a multi-day timeline → a GPX download."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import gpxpy
import httpx2
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, shot
from tests.browser.ui import check_legs, open_screen, tid

pytestmark = pytest.mark.browser

HERITAGE = "di-san-thanh-hoa-nghe-an-ha-tinh"
CARAVAN = "caravan-duong-ho-chi-minh"


def _expected_date(tour_date: str) -> date:
    """A template's date, or the next one on its weekday at least 7 days from today."""
    wanted = date.fromisoformat(tour_date)
    earliest = date.today() + timedelta(days=7)
    if wanted >= earliest:
        return wanted
    return earliest + timedelta(days=(wanted.weekday() - earliest.weekday()) % 7)


def _compose_from_template(page: Page, api: httpx2.Client, slug: str) -> dict[str, Any]:
    """Pick the tour as template, check the prefilled form, submit; the API's answer."""
    tour: dict[str, Any] = api.get(f"/v1/tours/{slug}").raise_for_status().json()
    open_screen(page, "compose")
    template = tid(page, "compose-tour-template")
    expect(template.locator(f'option[value="{slug}"]')).to_be_attached()
    template.select_option(slug)

    # Selecting the template prefills the form from the tour.
    expect(tid(page, "compose-vehicle")).to_have_value(tour["vehicle"])
    expect(tid(page, "compose-days")).to_have_value(str(tour["duration_days"]))
    # The start shows the site's name; the slug the API takes is kept in data-value.
    first = api.get(f"/v1/sites/{tour['sites'][0]}").raise_for_status().json()
    expect(tid(page, "compose-start")).to_have_attribute("data-value", tour["sites"][0])
    expect(tid(page, "compose-start")).to_have_value(first["name_vi"])
    # The promoted tours' dates are past: the form moves them ahead, same weekday.
    expect(tid(page, "compose-date")).to_have_value(_expected_date(tour["start_date"]).isoformat())
    # The console keeps only the tour's ends as must-visit sites (forcing all is too many).
    must = tid(page, "compose-must-visit")
    expect(must).to_have_attribute("data-value", re.compile(r"\S"))
    must_visit = {s.strip() for s in (must.get_attribute("data-value") or "").split(";")}
    # …and shows their names, not their slugs.
    expect(must).not_to_have_value(must.get_attribute("data-value") or "")
    assert must_visit - {""}, "the template left must-visit empty"
    assert must_visit <= set(tour["sites"]), must_visit
    shot(page, f"compose-{slug}-form")

    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith("/v1/itineraries"),
        timeout=180_000,
    ) as answer:
        tid(page, "compose-submit").click()
    sent = answer.value.request.post_data_json
    assert isinstance(sent, dict), sent
    assert sent["vehicle"] == tour["vehicle"]
    assert date.fromisoformat(sent["start_date"]) >= date.today() + timedelta(days=7)
    # Either a timeline or a problem: whichever comes, without waiting out a timeout.
    problem = page.locator('[data-testid="problem"]:visible')
    outcome = page.locator('[data-testid="timeline-day"]:visible').or_(problem).first
    expect(outcome).to_be_visible()
    shot(page, f"compose-{slug}")
    assert problem.count() == 0, f"composing {slug} failed: {problem.first.inner_text()}"
    assert answer.value.status == 201, answer.value.text()
    plan: dict[str, Any] = answer.value.json()
    return plan


def _check_timeline(page: Page, plan: dict[str, Any]) -> None:
    """The timeline shows the plan the API answered, day by day, stop by stop."""
    days = tid(page, "timeline-day")
    expect(days).to_have_count(len(plan["days"]))
    assert days.count() >= 2
    for i, day in enumerate(plan["days"]):
        shown = days.nth(i)
        assert shown.get_attribute("data-day") == str(day["day"])
        slugs = tid(shown, "timeline-stop").evaluate_all("els => els.map(e => e.dataset.slug)")
        assert slugs == [stop["id"] for stop in day["stops"]], f"day {day['day']}"
        check_legs(shown, day)
        if day.get("overnight"):
            expect(tid(shown, "timeline-overnight")).to_be_visible()
            expect(tid(shown, "timeline-overnight")).to_contain_text(
                day["overnight"]["name_vi"]
                if page.evaluate("() => document.documentElement.lang") == "vi"
                else day["overnight"]["name_en"]
            )
    assert sum(len(day["stops"]) for day in plan["days"]) >= 3
    unplaced = tid(page, "unplaced")
    expect(unplaced).to_have_count(len(plan["unplaced"]))


def _download_gpx(page: Page, name: str) -> bytes:
    link = tid(page, "export-gpx")
    expect(link).to_be_visible()
    href = link.evaluate("a => a.href")
    assert ".gpx" in href or "gpx" in href.lower(), href
    if link.get_attribute("download") is not None:
        with page.expect_download() as info:
            link.click()
        download = info.value
        target = ARTIFACTS / f"{name}.gpx"
        download.save_as(target)
        return Path(target).read_bytes()
    answer = page.request.get(href)
    assert answer.ok, f"GET {href}: {answer.status}"
    return answer.body()


def _check_gpx(data: bytes, days: int) -> None:
    gpx = gpxpy.parse(data.decode("utf-8"))
    assert len([r for r in gpx.routes if r.type == "day"]) == days
    assert any(r.type == "directions" for r in gpx.routes)  # a leg's turn-by-turn steps
    assert all(len(route.points) >= 2 for route in gpx.routes)
    assert len(gpx.waypoints) >= 3
    for point in [*gpx.waypoints, *(p for r in gpx.routes for p in r.points)]:
        # Inside the region served (lon 102..108.5, lat 16.5..21.5).
        assert 102 <= point.longitude <= 108.5
        assert 16.5 <= point.latitude <= 21.5
    assert any(w.type == "visit" for w in gpx.waypoints)


def test_compose_the_heritage_tour_and_download_its_gpx(page: Page, api: httpx2.Client) -> None:
    plan = _compose_from_template(page, api, HERITAGE)
    _check_timeline(page, plan)
    expect(tid(page, "export-ics")).to_be_visible()
    expect(tid(page, "export-geojson")).to_be_visible()
    _check_gpx(_download_gpx(page, HERITAGE), len(plan["days"]))


def _check_breaks(page: Page, plan: dict[str, Any]) -> int:
    """Each day's breaks are in its timeline, interleaved with the visits by time."""
    days = tid(page, "timeline-day")
    total = 0
    for i, day in enumerate(plan["days"]):
        shown = days.nth(i)
        breaks = day.get("breaks") or []
        total += len(breaks)
        items = shown.locator('[data-testid="timeline-stop"], [data-testid="timeline-break"]')
        expect(tid(shown, "timeline-break")).to_have_count(len(breaks))
        seen = items.evaluate_all(
            "els => els.map(e => [e.dataset.testid, e.dataset.slug, e.dataset.start || ''])"
        )
        expected = sorted(
            [("timeline-stop", s["id"], s.get("arrival") or "", 0) for s in day["stops"]]
            + [
                ("timeline-break", (b.get("place") or {}).get("site") or "", b["start"], 1)
                for b in breaks
            ],
            key=lambda e: (e[2], e[3]),
        )
        assert [tuple(e[:2]) for e in seen] == [e[:2] for e in expected], f"day {day['day']}"
        in_time = sorted(breaks, key=lambda b: b["start"])
        for b, el in zip(in_time, tid(shown, "timeline-break").all(), strict=True):
            assert el.get_attribute("data-type") == b["type"]
            assert el.get_attribute("data-reason") == b["reason"]
            assert el.get_attribute("data-icon") == ("⛽" if b["type"] == "fuel" else "🍴")
    # The break places are on the map too.
    titles = [
        f"day {day['day']} {b['start']} {(b.get('place') or {}).get('site')}"
        for day in plan["days"]
        for b in day.get("breaks") or []
    ]
    expect(page.locator(".break-marker"), f"a marker per break: {titles}").to_have_count(total)
    return total


def test_compose_the_caravan_tour(page: Page, api: httpx2.Client) -> None:
    plan = _compose_from_template(page, api, CARAVAN)
    # The caravan template is a self-drive convoy of four cars with lunch, not a motorhome.
    expect(tid(page, "compose-convoy")).to_be_checked()
    expect(tid(page, "compose-convoy-cars")).to_have_value("4")
    expect(tid(page, "compose-lunch")).to_be_checked()
    assert plan["vehicle"] == "car"
    assert plan["convoy"]["cars"] == 4, plan["convoy"]
    assert plan["meals"]["lunch"], plan["meals"]
    expect(tid(page, "convoy-summary")).to_have_attribute("data-cars", "4")
    _check_timeline(page, plan)
    assert _check_breaks(page, plan) >= 1
    _check_gpx(_download_gpx(page, CARAVAN), len(plan["days"]))


def test_compose_a_convoy_with_meals_shows_its_breaks(page: Page) -> None:
    """A convoy of cars and motorbikes with lunch and dinner: fuel and meal breaks."""
    open_screen(page, "compose")
    tid(page, "compose-start").fill("lam-kinh")
    tid(page, "compose-end").fill("cua-lo-beach")
    tid(page, "compose-days").fill("2")
    tid(page, "compose-vehicle").select_option("coach")
    expect(tid(page, "compose-convoy-cars")).to_be_hidden()
    tid(page, "compose-convoy").check()
    # A convoy is routed as cars.
    expect(tid(page, "compose-vehicle")).to_have_value("car")
    expect(tid(page, "compose-vehicle")).to_be_disabled()
    tid(page, "compose-convoy-cars").fill("6")
    tid(page, "compose-convoy-motorbikes").fill("2")
    tid(page, "compose-lunch").check()
    tid(page, "compose-dinner").check()
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith("/v1/itineraries"),
        timeout=180_000,
    ) as answer:
        tid(page, "compose-submit").click()
    sent = answer.value.request.post_data_json
    assert isinstance(sent, dict), sent
    assert sent["vehicle"] == "car"
    assert sent["convoy"] == {"cars": 6, "motorbikes": 2}
    assert sent["meals"]["lunch"] == {"earliest": "11:00", "latest": "13:30", "duration_min": 60}
    assert sent["meals"]["dinner"] == {"earliest": "18:00", "latest": "20:30", "duration_min": 60}
    problem = page.locator('[data-testid="problem"]:visible')
    expect(page.locator('[data-testid="timeline-day"]:visible').or_(problem).first).to_be_visible()
    assert problem.count() == 0, problem.first.inner_text()
    assert answer.value.status == 201, answer.value.text()
    plan: dict[str, Any] = answer.value.json()
    assert plan["convoy"]["cars"] == 6
    assert plan["convoy"]["motorbikes"] == 2
    expect(tid(page, "convoy-summary")).to_contain_text("6")
    breaks = _check_breaks(page, plan)
    assert breaks >= 1, "a convoy with lunch got no break"
    assert any(b["type"] == "meal" for d in plan["days"] for b in d.get("breaks") or [])
    first = tid(page, "timeline-break").first
    first.scroll_into_view_if_needed()
    shot(page, "compose-convoy-breaks")
    tid(page, "lang-toggle").click()
    expect(page.locator('[data-testid="timeline-break"][data-type="meal"]').first).to_contain_text(
        "Meal"
    )


def _submit_expecting_422(page: Page) -> Any:
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith("/v1/itineraries"),
        timeout=60_000,
    ) as answer:
        tid(page, "compose-submit").click()
    assert answer.value.status == 422, answer.value.text()
    return answer.value


def test_a_refused_itinerary_is_explained_in_the_consoles_language(page: Page) -> None:
    """The API's 422 reads in Vietnamese in the Vietnamese console, in English in English."""
    open_screen(page, "compose")
    assert page.evaluate("() => document.documentElement.lang") == "vi"
    tid(page, "compose-start").fill("lam-kinh")
    tid(page, "compose-end").fill("cua-lo-beach")
    tid(page, "compose-days").fill("2")
    tid(page, "compose-must-visit").fill("khong-co-diem-nay")
    answer = _submit_expecting_422(page)
    assert answer.request.headers["accept-language"] == "vi"
    assert answer.headers["content-language"] == "vi"
    problem = page.locator('[data-testid="problem"]:visible')
    expect(problem).to_contain_text("422 · Dữ liệu không hợp lệ")
    expect(problem).to_contain_text(
        "Giá trị không hợp lệ cho trường dữ liệu điểm bắt buộc (must_visit)"
    )
    expect(problem.locator("li")).to_have_text(
        "must_visit: không phải slug của địa điểm đã công bố: khong-co-diem-nay"
    )
    problem.scroll_into_view_if_needed()
    shot(page, "compose-problem-vi")

    tid(page, "lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    answer = _submit_expecting_422(page)
    assert answer.request.headers["accept-language"] == "en"
    problem = page.locator('[data-testid="problem"]:visible')
    expect(problem).to_contain_text("422 · Invalid request parameter")
    expect(problem.locator("li")).to_have_text(
        "must_visit: not published site slugs: khong-co-diem-nay"
    )
