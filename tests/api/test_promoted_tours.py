"""The three promoted tours (seed/tours/promoted.yaml) compose into feasible plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.builders import _check_plan
from tourroute.itineraries.schemas import DEFAULT_DRIVING_H, ItineraryRequest

TOURS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "seed" / "tours" / "promoted.yaml").read_text()
)["tours"]


def test_definitions_are_valid_requests() -> None:
    assert len(TOURS) == 3
    for tour in TOURS:
        ItineraryRequest.model_validate(tour["request"])
        assert tour["source"]


@pytest.mark.parametrize("tour", TOURS, ids=[t["slug"] for t in TOURS])
def test_promoted_tour_composes_with_real_overnights(
    client: TestClient, tour: dict[str, Any]
) -> None:
    request = tour["request"]
    response = client.post("/v1/itineraries", json=request)
    assert response.status_code == 201, response.text
    plan = response.json()
    placed = {s["site"] for d in plan["days"] for s in d["stops"]}
    ends = {plan["days"][0]["start"].get("site"), plan["days"][-1]["end"].get("site")}
    for slug in request["must_visit"]:
        assert slug in placed or slug in ends, slug
    assert plan["unplaced"] == []
    # Every night at a real, published place to stay — or on the site of a multi-day visit
    # that ends the day (the Pu Xai Lai Leng climb's night on the mountain).
    for day in plan["days"][:-1]:
        night = day["overnight"]["site"]
        if day["stops"] and day["stops"][-1]["site"] == night:
            assert night in request["must_visit"]
            continue
        site = client.get(f"/v1/sites/{night}").json()
        assert site["kind"] in {"lodging", "campsite"}, (day["day"], night)
        assert site["status"] == "published"
    parsed = ItineraryRequest.model_validate(request)
    cap = request.get("max_driving_hours") or DEFAULT_DRIVING_H[parsed.route_vehicle]
    _check_plan(client, plan, cap_h=cap, day_start=request.get("day_start", "08:00"))


def test_the_roots_tour_sleeps_near_pu_luong_and_in_muong_xen(client: TestClient) -> None:
    (tour,) = [t for t in TOURS if t["slug"].startswith("ve-nguon")]
    plan = client.post("/v1/itineraries", json=tour["request"]).json()
    nights = [d["overnight"] for d in plan["days"][:-1]]
    pu_luong = client.get("/v1/sites/pu-luong").json()["location"]["coordinates"]
    muong_xen = [104.1517, 19.3990]

    def km(a: list[float], b: list[float]) -> float:
        return float(((a[0] - b[0]) * 105.3) ** 2 + ((a[1] - b[1]) * 110.6) ** 2) ** 0.5

    assert km(nights[0]["location"], pu_luong) <= 20, nights[0]
    assert km(nights[1]["location"], muong_xen) <= 15, nights[1]
    assert nights[2]["site"] == "pu-xai-lai-leng"  # the night on the mountain
    assert km(nights[3]["location"], muong_xen) <= 15, nights[3]
    assert [s["site"] for s in plan["days"][2]["stops"]] == ["pu-xai-lai-leng"]
    assert plan["days"][-1]["stops"][-1]["site"] == "hai-thuong-lan-ong"


def test_a_night_bound_to_a_place_with_none_near_is_a_clear_422(client: TestClient) -> None:
    (tour,) = [t for t in TOURS if t["slug"].startswith("ve-nguon")]
    body = tour["request"] | {"nights_near": [{"night": 1, "near": "pu-luong", "within_km": 0.1}]}
    response = client.post("/v1/itineraries", json=body)
    assert response.status_code == 422
    assert "nights_near" in response.text
    late = tour["request"] | {"nights_near": [{"night": 5, "near": "pu-luong"}]}
    assert client.post("/v1/itineraries", json=late).status_code == 422
