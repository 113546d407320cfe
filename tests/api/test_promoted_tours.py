"""The three promoted tours (seed/tours/promoted.yaml) compose into feasible plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.api.test_itineraries import _check_plan
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
    # (the Pu Xai Lai Leng trek's nights on the mountain).
    multi_day = {s["site"] for d in plan["days"] for s in d["stops"] if s["visit_s"] >= 24 * 3600}
    for day in plan["days"][:-1]:
        night = day["overnight"]["site"]
        if night in multi_day:
            continue
        site = client.get(f"/v1/sites/{night}").json()
        assert site["kind"] in {"lodging", "campsite"}, (day["day"], night)
        assert site["status"] == "published"
    parsed = ItineraryRequest.model_validate(request)
    cap = request.get("max_driving_hours") or DEFAULT_DRIVING_H[parsed.route_vehicle]
    _check_plan(client, plan, cap_h=cap)


def test_the_roots_tour_sleeps_near_pu_luong_and_in_ky_son(client: TestClient) -> None:
    (tour,) = [t for t in TOURS if t["slug"].startswith("ve-nguon")]
    plan = client.post("/v1/itineraries", json=tour["request"]).json()
    nights = [d["overnight"] for d in plan["days"][:-1]]
    pu_luong = client.get("/v1/sites/pu-luong").json()["geometry"]["coordinates"]
    trek = client.get("/v1/sites/pu-xai-lai-leng").json()["geometry"]["coordinates"]

    def km(a: list[float], b: list[float]) -> float:
        return float(((a[0] - b[0]) * 105.3) ** 2 + ((a[1] - b[1]) * 110.6) ** 2) ** 0.5

    assert km(nights[0]["location"], pu_luong) < 25, nights[0]
    before_trek = [
        n for n in nights if n["site"] != "pu-xai-lai-leng" and km(n["location"], trek) < 40
    ]
    assert before_trek, nights  # a night in Kỳ Sơn (Mường Xén) by the trek
