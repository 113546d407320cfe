"""One leg builder behind routes, itineraries and tours (tourroute.routes.legs), on the seed.

The three build their legs through :class:`~tourroute.routes.legs.LegBuilder`: the same pair
of places by the same vehicle is the same drive in all three, and a point with no usable
road near it is reported the way each caller names it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.tour_fixtures import tour_body
from tests.builders import add_site, assert_problem
from tests.conftest import Database
from tourroute.errors import InvalidParameter, NoRouteFound
from tourroute.plans import plan_document
from tourroute.routes.legs import ErrorNames, LegBuilder
from tourroute.sites.domain import SiteStatus
from tourroute.sites.models import Site
from tourroute.tours.plan import PlanRejected, build_plan
from tourroute.tours.schemas import TourDefinition

FROM, TO = "thanh-nha-ho", "lam-kinh"
NOWHERE = (104.3, 19.9)  # inside the region, over 20 km from any road


def _tour_plan(session: Session, database: Database, *slugs: str) -> dict[str, Any]:
    """The plan of a one-day tour by car through ``slugs``, as the catalogue builds it."""
    definition = TourDefinition.model_validate(
        tour_body("leg-check", days=[{"stops": [{"site": s} for s in slugs]}])
    )
    sites = {s.slug: s for s in session.scalars(select(Site).where(Site.slug.in_(slugs)))}
    plan = build_plan(definition, date(2026, 12, 4), sites, database.graph_cache.get(session))
    return plan_document(plan)


def test_routes_itineraries_and_tours_time_a_leg_alike(
    client: TestClient, session: Session, database: Database
) -> None:
    response = client.get("/v1/routes", params={"from": FROM, "to": TO})
    assert response.status_code == 200, response.text
    (route_leg,) = response.json()["routes"][0]["legs"]

    response = client.post(
        "/v1/itineraries",
        json={
            "start": FROM,
            "end": TO,
            "start_date": "2026-12-04",
            "days": 1,
            "must_visit": [TO],
            "max_candidates": 1,
        },
    )
    assert response.status_code == 201, response.text
    itinerary_leg, stay = response.json()["days"][0]["legs"]
    assert (itinerary_leg["from"], itinerary_leg["to"]) == ("start", TO)
    assert (stay["from"], stay["to"], stay["distance_m"], stay["breakdown"]) == (TO, "end", 0, None)

    (tour_leg,) = _tour_plan(session, database, FROM, TO)["days"][0]["legs"]
    assert (tour_leg["from"], tour_leg["to"]) == (FROM, TO)

    assert route_leg["distance_m"] > 1000
    for leg in (itinerary_leg, tour_leg):
        assert leg["distance_m"] == route_leg["distance_m"]
        assert leg["duration_s"] == route_leg["duration_s"]
    assert itinerary_leg["geometry"] == tour_leg["geometry"]
    assert itinerary_leg["breakdown"] == tour_leg["breakdown"]

    graph = database.graph_cache.get(session)
    site_of = {s.slug: s for s in session.scalars(select(Site).where(Site.slug.in_([FROM, TO])))}
    a, b = (tuple(itinerary_leg["geometry"]["coordinates"][i]) for i in (0, -1))
    leg = LegBuilder.of(graph).leg(
        _coord(site_of[FROM]), _coord(site_of[TO]), ErrorNames.leg("from a to b")
    )
    assert leg.coords[0] == a
    assert leg.coords[-1] == b
    assert round(leg.distance_m, 1) == route_leg["distance_m"]


def _coord(site: Site) -> tuple[float, float]:
    p = to_shape(site.geom)
    return (float(p.x), float(p.y))


def test_an_unsnappable_point_is_named_by_each_route_caller(
    client: TestClient, session: Session, database: Database
) -> None:
    point = f"{NOWHERE[0]},{NOWHERE[1]}"
    # /v1/routes: the point's parameter, in the query.
    response = client.get("/v1/routes", params={"from": point, "to": TO})
    body = assert_problem(response, 422, "from")
    assert body["errors"][0]["in"] == "query"
    assert "no usable road within 20 km" in body["errors"][0]["reason"]

    # An itinerary: its body field.
    response = client.post(
        "/v1/itineraries",
        json={"start": point, "end": TO, "start_date": "2026-12-04", "days": 1},
    )
    body = assert_problem(response, 422, "start")
    assert body["errors"][0]["in"] == "body"
    assert "no usable road within 20 km" in body["errors"][0]["reason"]

    # A tour: the stop that cannot be reached, with both places in the reason.
    add_site(session, "xa-moi-con-duong", SiteStatus.published, lon_lat=NOWHERE)
    with pytest.raises(PlanRejected) as rejected:
        _tour_plan(session, database, FROM, "xa-moi-con-duong")
    (error,) = rejected.value.errors
    assert error.name == "days.0.stops.1.site"
    assert error.location == "body"
    assert error.reason.startswith(
        f"no route usable by a car from {FROM} to xa-moi-con-duong: no usable road within 20 km"
    )

    # The builder itself: a parameter to blame, or no route.
    legs = LegBuilder.of(database.graph_cache.get(session))
    with pytest.raises(InvalidParameter, match="'via'"):
        legs.leg((105.7, 19.6), NOWHERE, ErrorNames.leg("from x to y", parameter="via"))
    with pytest.raises(NoRouteFound, match=r"^no route from x to y: no usable road"):
        legs.leg((105.7, 19.6), NOWHERE, ErrorNames.leg("from x to y"))
