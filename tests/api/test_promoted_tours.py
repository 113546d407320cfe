"""The three promoted tours (seed/tours/promoted.yaml) compose into feasible plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.api.test_itineraries import _check_plan
from tourroute.itineraries.schemas import DEFAULT_DRIVING_H, ItineraryRequest
from tourroute.sites.domain import SiteKind
from tourroute.sites.models import Site

TOURS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "seed" / "tours" / "promoted.yaml").read_text()
)["tours"]


def test_definitions_are_valid_requests() -> None:
    assert len(TOURS) == 3
    for tour in TOURS:
        ItineraryRequest.model_validate(tour["request"])
        assert tour["source"]


# What keeps a tour from composing today, with the data it needs (issue 2's lodging gap).
BLOCKED = {
    "caravan-duong-ho-chi-minh": "the seed has no caravan-suitable overnight place yet",
    "ve-nguon-pu-luong-pu-xai-lai-leng-hai-thuong": (
        "the Pu Xai Lai Leng trek (2,880 min) now composes as a multi-day visit with two nights "
        "on site, but Pù Luông is left out: an 8 h visit at the start leaves day 1 no time to "
        "reach a place to stay (the seeded ones are all on the coast), and later days cannot "
        "drive there within the car's 6 h cap; needs homestays in Pù Luông and Kỳ Sơn"
    ),
}


@pytest.mark.parametrize(
    "tour",
    [
        pytest.param(
            t,
            id=t["slug"],
            marks=[pytest.mark.xfail(strict=True, reason=BLOCKED[t["slug"]])]
            if t["slug"] in BLOCKED
            else [],
        )
        for t in TOURS
    ],
)
def test_promoted_tour_composes(client: TestClient, tour: dict[str, Any]) -> None:
    request = tour["request"]
    response = client.post("/v1/itineraries", json=request)
    assert response.status_code == 201, response.text
    plan = response.json()
    placed = {s["site"] for d in plan["days"] for s in d["stops"]}
    ends = {plan["days"][0]["start"].get("site"), plan["days"][-1]["end"].get("site")}
    for slug in request["must_visit"]:
        assert slug in placed or slug in ends or any(u["site"] == slug for u in plan["unplaced"])
    assert plan["unplaced"] == []
    cap = (
        request.get("max_driving_hours")
        or DEFAULT_DRIVING_H[ItineraryRequest.model_validate(request).vehicle]
    )
    _check_plan(client, plan, cap_h=cap)


def test_caravan_tour_composes_once_motorhome_overnight_places_exist(
    client: TestClient, session: Session
) -> None:
    """The caravan tour is blocked by data, not by the composer.

    Counterfactual, inside this test's rolled-back transaction only (the seed is not
    changed): the seeded places to stay are flagged as taking a motorhome overnight.  The
    tour's own seed request must then compose into a feasible caravan plan whose every
    night is at such a place.  When real caravan-overnight places arrive (``tourroute
    import osm-places``), the strict xfail above turns into a pass.
    """
    session.execute(
        update(Site)
        .where(Site.kind == SiteKind.lodging)
        .values(motorhome_overnight=True, motorhome_parking=True)
    )
    session.flush()
    motorhome_ok = set(session.scalars(select(Site.slug).where(Site.motorhome_overnight)))
    assert len(motorhome_ok) >= 2

    (tour,) = [t for t in TOURS if t["slug"] == "caravan-duong-ho-chi-minh"]
    request = tour["request"]
    response = client.post("/v1/itineraries", json=request)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert plan["unplaced"] == []
    assert plan["days"][0]["start"]["site"] == plan["days"][-1]["end"]["site"] == "lam-kinh"
    for day in plan["days"][:-1]:
        assert day["overnight"]["site"] in motorhome_ok
    _check_plan(
        client, plan, cap_h=DEFAULT_DRIVING_H[ItineraryRequest.model_validate(request).vehicle]
    )
