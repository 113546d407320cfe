"""Turn-by-turn steps on the legs of itineraries and tours (``steps=true``) and in their GPX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gpxpy
import pytest
import yaml
from fastapi.testclient import TestClient

ITINERARY = {
    "start": "thanh-nha-ho",
    "end": "thien-cam",
    "start_date": "2026-12-04",
    "days": 2,
    "must_visit": ["kim-lien"],
    "max_candidates": 20,
}
TOUR = "di-san-thanh-hoa-nghe-an-ha-tinh"
PROMOTED = Path(__file__).resolve().parents[2] / "seed" / "tours" / "promoted.yaml"


def _legs(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [leg for day in plan["days"] for leg in day["legs"]]


def _check_steps(leg: dict[str, Any]) -> None:
    steps = leg["steps"]
    assert steps[0]["type"] == "depart"
    assert steps[-1]["type"] == "arrive"
    assert steps[0]["location"] == pytest.approx(leg["geometry"]["coordinates"][0], abs=1e-6)
    assert steps[-1]["location"] == pytest.approx(leg["geometry"]["coordinates"][-1], abs=1e-6)
    total = sum(s["distance_m"] for s in steps)
    assert total == pytest.approx(leg["distance_m"], abs=0.05 * len(steps) + 0.1)
    assert all(s["instruction_vi"] and s["instruction_en"] for s in steps)
    assert "instruction" not in steps[0]  # stored in both languages, none chosen


def test_itinerary_legs_carry_steps_only_when_asked(client: TestClient) -> None:
    response = client.post("/v1/itineraries", json=ITINERARY)
    assert response.status_code == 201, response.text
    plain = response.json()
    assert all("steps" not in leg for leg in _legs(plain))

    asked = client.get(f"/v1/itineraries/{plain['id']}", params={"steps": "true"})
    assert asked.status_code == 200
    legs = _legs(asked.json())
    driven = [leg for leg in legs if leg["distance_m"] > 0]
    assert driven
    for leg in driven:
        _check_steps(leg)
    # The same plan otherwise, and a smaller answer without.
    stored = client.get(f"/v1/itineraries/{plain['id']}")
    assert stored.json() == plain
    assert len(stored.content) < len(asked.content)
    assert stored.headers["etag"] != asked.headers["etag"]
    # POST answers the steps too when asked.
    again = client.post("/v1/itineraries", params={"steps": "true"}, json=ITINERARY)
    assert again.status_code == 201
    assert all("steps" in leg for leg in _legs(again.json()) if leg["distance_m"] > 0)


def test_itinerary_gpx_has_a_directions_route_per_leg(client: TestClient) -> None:
    plan = client.post("/v1/itineraries", json=ITINERARY).json()
    legs = [
        leg
        for leg in _legs(client.get(plan["links"]["self"], params={"steps": "true"}).json())
        if "steps" in leg
    ]
    for lang in ("en", "vi"):
        response = client.get(plan["links"]["gpx"], headers={"Accept-Language": lang})
        assert response.status_code == 200
        assert "Accept-Language" in response.headers["vary"]
        gpx = gpxpy.parse(response.text)  # parsed back: a well-formed GPX 1.1 document
        directions = [r for r in gpx.routes if r.type == "directions"]
        assert len(directions) == len(legs)
        for route, leg in zip(directions, legs, strict=True):
            steps = leg["steps"]
            assert [p.name for p in route.points] == [s[f"instruction_{lang}"] for s in steps]
            assert [p.type for p in route.points] == [s["type"] for s in steps]
            for point, step in zip(route.points, steps, strict=True):
                assert (point.longitude, point.latitude) == pytest.approx(step["location"])
                assert point.description.startswith(step[f"instruction_{lang}"])
        first = directions[0]
        if lang == "vi":
            assert first.name.startswith("Ngày 1: ")
            assert first.points[0].name.startswith("Khởi hành trên ")
            assert ", rồi đi " in first.points[0].description
            assert " km" in first.points[0].description or " m" in first.points[0].description
            assert first.points[-1].name == "Đến nơi"
        else:
            assert first.name.startswith("Day 1: ")
            assert ", then drive " in first.points[0].description
            assert first.points[-1].name == "Arrive at your destination"


def test_tour_legs_carry_steps_only_when_asked(client: TestClient) -> None:
    plain = client.get(f"/v1/tours/{TOUR}")
    assert plain.status_code == 200
    assert all("steps" not in leg for leg in _legs(plain.json()["itinerary"]))
    asked = client.get(f"/v1/tours/{TOUR}", params={"steps": "true"})
    assert asked.status_code == 200
    driven = [leg for leg in _legs(asked.json()["itinerary"]) if leg["distance_m"] > 0]
    assert driven
    for leg in driven:
        _check_steps(leg)
    gpx = gpxpy.parse(client.get(f"/v1/tours/{TOUR}.gpx").text)
    assert len([r for r in gpx.routes if r.type == "directions"]) == len(driven)


def test_a_convoys_legs_have_steps_timed_like_them(client: TestClient) -> None:
    """The caravan tour's request: fuel and meal stops between the visits, times slowed by
    the convoy; every leg's steps add up to its metres and to its (convoy) seconds.  A leg
    cut by a stop by the road is in tests/unit/test_legs.py (part_steps)."""
    caravan = next(
        t["request"]
        for t in yaml.safe_load(PROMOTED.read_text(encoding="utf-8"))["tours"]
        if t["slug"] == "caravan-duong-ho-chi-minh"
    )
    response = client.post("/v1/itineraries", params={"steps": "true"}, json=caravan)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert plan["convoy"]["factor"] > 1
    assert any(day["breaks"] for day in plan["days"])
    driven = [leg for leg in _legs(plan) if leg["distance_m"] > 0]
    assert len(driven) > 10
    for leg in driven:
        _check_steps_of_part(leg)


def _check_steps_of_part(leg: dict[str, Any]) -> None:
    """A laid-out leg (or part of one): its own depart and arrive, its metres and seconds."""
    steps = leg["steps"]
    assert steps[0]["type"] == "depart"
    assert steps[-1]["type"] == "arrive"
    assert all(s["type"] not in {"depart", "arrive"} for s in steps[1:-1])
    total = sum(s["distance_m"] for s in steps)
    assert total == pytest.approx(leg["distance_m"], abs=0.05 * len(steps) + 0.1)
    seconds = sum(s["duration_s"] for s in steps)
    assert seconds == pytest.approx(leg["duration_s"], abs=0.05 * len(steps) + 0.1)
