"""The typed plan document and its exports, on both backends: every stored itinerary and
tour validates against :class:`~tourroute.plans.Plan`, every export answers with the model
the OpenAPI document names, and every export carries an ETag and answers 304."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourroute.exports.geojson import PlanFeatureCollection
from tourroute.exports.jsonld import TouristTrip
from tourroute.itineraries.models import Itinerary
from tourroute.itineraries.schemas import ItineraryDocument
from tourroute.plans import Plan, StopWarning
from tourroute.tours.models import Tour

SMALL = {
    "start": "thanh-nha-ho",
    "start_date": "2026-12-04",
    "days": 1,
    "max_candidates": 10,
}
# Days laid out with breaks (a convoy's fuel stops, lunch), from a point given as lon,lat.
WITH_BREAKS = {
    "start": "105.77,19.80",
    "start_date": "2027-01-08",
    "days": 2,
    "max_candidates": 15,
    "convoy": {"cars": 3},
    "meals": {"lunch": {"earliest": "11:00", "latest": "13:30", "duration_min": 60}},
}
TOUR = "di-san-thanh-hoa-nghe-an-ha-tinh"


def _compose(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/itineraries", json=body)
    assert response.status_code == 201, response.text
    out: dict[str, Any] = response.json()
    return out


def test_stored_itineraries_and_tours_are_plans(client: TestClient, session: Session) -> None:
    composed = [_compose(client, SMALL), _compose(client, WITH_BREAKS)]
    rows = session.scalars(select(Itinerary)).all()
    assert {r.id for r in rows} >= {c["id"] for c in composed}
    plans = [Plan.model_validate(row.plan) for row in rows]
    assert any(day.breaks for plan in plans for day in plan.days)  # the break shape is met
    assert any(plan.convoy is not None and plan.meals is not None for plan in plans)
    for doc in composed:
        ItineraryDocument.model_validate(doc)
        ItineraryDocument.model_validate(client.get(doc["links"]["self"]).json())

    tours = session.scalars(select(Tour)).all()
    assert len(tours) >= 3  # the seeded promoted tours
    for tour in tours:
        plan = Plan.model_validate(tour.plan)
        assert plan.score is None
        assert plan.provinces
        assert all(isinstance(w, StopWarning) for w in plan.warnings)


def test_a_plan_that_drifts_is_caught(session: Session) -> None:
    tour = session.scalars(select(Tour).where(Tour.slug == TOUR)).one()
    drifted = dict(tour.plan)
    drifted["days"] = [dict(tour.plan["days"][0], weather="sunny"), *tour.plan["days"][1:]]
    with pytest.raises(ValueError, match="weather"):
        Plan.model_validate(drifted)


def test_exports_are_the_documented_models(client: TestClient) -> None:
    itinerary = _compose(client, WITH_BREAKS)
    geo = client.get(itinerary["links"]["geojson"])
    assert geo.headers["content-type"].startswith("application/geo+json")
    PlanFeatureCollection.model_validate(geo.json())
    for params in ({}, {"start_date": "2027-02-05"}):
        PlanFeatureCollection.model_validate(
            client.get(f"/v1/tours/{TOUR}.geojson", params=params).json()
        )
        for language in ("vi", "en"):
            ld = client.get(
                f"/v1/tours/{TOUR}.jsonld", params=params, headers={"Accept-Language": language}
            )
            assert ld.headers["content-type"].startswith("application/ld+json")
            trip = TouristTrip.model_validate(ld.json())
            assert trip.in_language == language
            assert "offers" not in ld.json()  # no price: left out, not null


def _export_links(client: TestClient) -> list[str]:
    itinerary = _compose(client, SMALL)
    links = itinerary["links"]
    tour = client.get(f"/v1/tours/{TOUR}").json()["links"]
    return [
        links["self"],
        links["geojson"],
        links["gpx"],
        links["ics"],
        tour["geojson"],
        tour["gpx"],
        tour["ics"],
        tour["jsonld"],
        tour["ics"] + "?start_date=2027-02-05",
    ]


def test_every_export_has_an_etag_and_answers_304(client: TestClient) -> None:
    for link in _export_links(client):
        first = client.get(link)
        assert first.status_code == 200, link
        etag = first.headers["etag"]
        assert etag.startswith('"'), link
        assert first.headers["cache-control"] == "no-cache"
        assert client.get(link).headers["etag"] == etag  # the same bytes, the same tag
        for match in (etag, "W/" + etag, f'"other", {etag}', "*"):
            again = client.get(link, headers={"If-None-Match": match})
            assert again.status_code == 304, (link, match)
            assert again.content == b""
            assert again.headers["etag"] == etag
        assert client.get(link, headers={"If-None-Match": '"other"'}).status_code == 200


def test_file_exports_are_downloads(client: TestClient) -> None:
    itinerary = _compose(client, SMALL)
    for link, media_type, filename in (
        (itinerary["links"]["gpx"], "application/gpx+xml", f"itinerary-{itinerary['id']}.gpx"),
        (itinerary["links"]["ics"], "text/calendar", f"itinerary-{itinerary['id']}.ics"),
        (f"/v1/tours/{TOUR}.gpx", "application/gpx+xml", f"tour-{TOUR}.gpx"),
        (f"/v1/tours/{TOUR}.ics", "text/calendar", f"tour-{TOUR}.ics"),
    ):
        response = client.get(link)
        assert response.headers["content-type"].startswith(media_type)
        assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'


def test_the_openapi_document_describes_every_export(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    expected = {
        ("post", "/v1/itineraries", "201", "application/json"): "ItineraryDocument",
        ("get", "/v1/itineraries/{itinerary_id}", "200", "application/json"): "ItineraryDocument",
        (
            "get",
            "/v1/itineraries/{itinerary_id}.geojson",
            "200",
            "application/geo+json",
        ): "PlanFeatureCollection",
        ("get", "/v1/tours/{slug}.geojson", "200", "application/geo+json"): (
            "PlanFeatureCollection"
        ),
        ("get", "/v1/tours/{slug}.jsonld", "200", "application/ld+json"): "TouristTrip",
        ("get", "/v1/itineraries/{itinerary_id}.gpx", "200", "application/gpx+xml"): None,
        ("get", "/v1/itineraries/{itinerary_id}.ics", "200", "text/calendar"): None,
        ("get", "/v1/tours/{slug}.gpx", "200", "application/gpx+xml"): None,
        ("get", "/v1/tours/{slug}.ics", "200", "text/calendar"): None,
    }
    for (method, path, status, media_type), model in expected.items():
        schema = paths[path][method]["responses"][status]["content"][media_type]["schema"]
        if model is None:
            assert schema == {"type": "string"}, path
        else:
            assert schema == {"$ref": f"#/components/schemas/{model}"}, path
            assert model in schemas
