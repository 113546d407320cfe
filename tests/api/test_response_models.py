"""The answers of the routing, map, OGC, sync and operations endpoints match the response
models the OpenAPI document declares for them (the console's types are generated from it).

These handlers build their bodies themselves and return a ``Response``, which FastAPI does
not re-serialise through ``response_model``: so each body, on the seeded database, is
validated here against its model. The models forbid members they do not know, so a body
that grows a member the document does not declare fails here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.conftest import OWN, Accounts
from tests.builders import etag_of
from tourroute.api.http import GEOJSON
from tourroute.health import Readiness
from tourroute.network.schemas import CorridorList, RoadCollection
from tourroute.ogc.schemas import OgcCollection, OgcCollections, OgcConformance, OgcLandingPage
from tourroute.routes.schemas import MatrixResponse, ReachableResponse, RouteResponse
from tourroute.sites.domain import SiteStatus
from tourroute.sites.models import Site
from tourroute.sync.router import settle_window
from tourroute.sync.schemas import SyncBundle, SyncPage

JSON = "application/json"


@dataclass(frozen=True)
class Case:
    """One request to an endpoint, the model its answer must validate against, and the
    OpenAPI operation (path template, method) that declares that model."""

    path: str
    model: type[BaseModel]
    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    operation: str | None = None  # the path template, when it differs from ``path``
    media_type: str = JSON

    @property
    def method(self) -> str:
        return "post" if self.body is not None else "get"


CASES = {
    "readyz": Case("/readyz", Readiness),
    "route": Case("/v1/routes", RouteResponse, {"from": "thanh-nha-ho", "to": "kim-lien"}),
    "route-alternatives-vi": Case(
        "/v1/routes",
        RouteResponse,
        {"from": "kim-lien", "to": "thien-cam", "alternatives": 3},
        headers={"Accept-Language": "vi"},
    ),
    "route-polyline-via": Case(
        "/v1/routes",
        RouteResponse,
        {"from": "thanh-nha-ho", "to": "kim-lien", "via": "105.69,18.67", "geometry": "polyline"},
    ),
    "matrix-both": Case(
        "/v1/matrix",
        MatrixResponse,
        body={
            "sources": ["thanh-nha-ho", "kim-lien"],
            "destinations": ["thien-cam", "105.69,18.67"],
            "annotations": ["duration", "distance"],
        },
    ),
    "matrix-square-durations": Case(
        "/v1/matrix",
        MatrixResponse,
        body={"sources": ["thanh-nha-ho", [105.69, 18.67]], "vehicle": "motorbike"},
    ),
    "matrix-distances": Case(
        "/v1/matrix",
        MatrixResponse,
        body={"sources": ["kim-lien"], "destinations": ["thien-cam"], "annotations": ["distance"]},
    ),
    "reachable": Case("/v1/reachable", ReachableResponse, {"from": "kim-lien", "minutes": 45}),
    "reachable-motorhome-vi": Case(
        "/v1/reachable",
        ReachableResponse,
        {"from": "thanh-nha-ho", "minutes": 30, "vehicle": "motorhome"},
        headers={"Accept-Language": "vi"},
    ),
    "corridors": Case("/v1/corridors", CorridorList),
    "roads": Case("/v1/roads", RoadCollection, media_type=GEOJSON),
    "roads-of-a-corridor": Case(
        "/v1/roads", RoadCollection, {"corridor": "hcm-road"}, media_type=GEOJSON
    ),
    "ogc-landing": Case("/ogc", OgcLandingPage),
    "ogc-conformance": Case("/ogc/conformance", OgcConformance),
    "ogc-collections": Case("/ogc/collections", OgcCollections),
    "ogc-collection-sites": Case(
        "/ogc/collections/sites", OgcCollection, operation="/ogc/collections/{collectionId}"
    ),
    "ogc-collection-tours": Case(
        "/ogc/collections/tours",
        OgcCollection,
        {"f": "json"},
        operation="/ogc/collections/{collectionId}",
    ),
    "sync-first-page": Case("/v1/sync", SyncPage, {"limit": 50}),
    "bundle": Case("/v1/bundle", SyncBundle, media_type=GEOJSON),
    "bundle-vi": Case(
        "/v1/bundle",
        SyncBundle,
        headers={"Accept-Language": "vi", "Accept-Encoding": "identity"},
        media_type=GEOJSON,
    ),
}


def _call(client: TestClient, case: Case) -> Any:
    response = client.request(
        case.method, case.path, params=case.params, json=case.body, headers=case.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == case.media_type
    return response.json()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_answer_matches_its_declared_model(client: TestClient, case: Case) -> None:
    body = _call(client, case)
    model = case.model.model_validate(body)
    # The document declares this very model, under the media type the answer comes in.
    document = cast(FastAPI, client.app).openapi()
    operation = document["paths"][case.operation or case.path][case.method]
    schema = operation["responses"]["200"]["content"][case.media_type]["schema"]
    assert schema == {"$ref": f"#/components/schemas/{case.model.__name__}"}
    # Written by alias and without absent members, the model gives back the same members.
    assert model.model_dump(mode="json", by_alias=True, exclude_unset=True).keys() == body.keys()


def test_matrix_leaves_out_what_was_not_asked_for(client: TestClient) -> None:
    durations = _call(client, CASES["matrix-square-durations"])
    assert "durations" in durations
    assert "distances" not in durations
    distances = _call(client, CASES["matrix-distances"])
    assert "distances" in distances
    assert "durations" not in distances


def test_route_geometry_is_a_line_or_a_polyline(client: TestClient) -> None:
    line = RouteResponse.model_validate(_call(client, CASES["route"]))
    assert not isinstance(line.routes[0].geometry, str)
    assert line.routes[0].geometry.type == "LineString"
    encoded = RouteResponse.model_validate(_call(client, CASES["route-polyline-via"]))
    assert isinstance(encoded.routes[0].geometry, str)
    assert [leg.from_ for leg in encoded.routes[0].legs] == ["thanh-nha-ho", "105.69,18.67"]


def test_ogc_links_leave_out_a_missing_title(client: TestClient) -> None:
    page = OgcLandingPage.model_validate(_call(client, CASES["ogc-landing"]))
    assert {link.rel for link in page.links} >= {"self", "conformance", "data"}
    collections = OgcCollections.model_validate(_call(client, CASES["ogc-collections"]))
    assert {c.id for c in collections.collections} == {"sites", "tours"}
    assert all(c.extent is not None for c in collections.collections)


def test_every_sync_page_and_the_bundle_match_their_models(client: TestClient) -> None:
    """The whole snapshot, page by page: sites and tours, with and without geometry."""
    kinds: set[str] = set()
    since: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 500}
        if since is not None:
            params["since"] = since
        response = client.get("/v1/sync", params=params)
        assert response.status_code == 200, response.text
        page = SyncPage.model_validate(response.json())
        kinds |= {f.feature_type for f in page.created}
        since = page.next
        if not page.more:
            break
    assert kinds == {"site", "tour"}
    bundle = SyncBundle.model_validate(_call(client, CASES["bundle"]))
    assert bundle.number_returned == len(bundle.features)
    assert {f.feature_type for f in bundle.features} == {"site", "tour"}


def test_sync_changes_match_the_model(
    client: TestClient, session: Session, accounts: Accounts
) -> None:
    """``updated`` and ``deleted`` entries too: an edit and an archived site since a token."""
    cast(FastAPI, client.app).dependency_overrides[settle_window] = lambda: timedelta(0)
    bundle = SyncBundle.model_validate(_call(client, CASES["bundle"]))
    edited, archived = session.scalars(
        select(Site.slug)
        .where(Site.status == SiteStatus.published, Site.province_code == OWN)
        .order_by(Site.slug)
        .limit(2)
    ).all()
    curator = "curator-own"
    response = client.patch(
        f"/v1/sites/{edited}",
        json={"interest_score": 77},
        headers=accounts.headers(curator, **{"If-Match": etag_of(client, accounts, edited)}),
    )
    assert response.status_code == 200, response.text
    response = client.post(
        f"/v1/sites/{archived}/archive",
        headers=accounts.headers(curator, **{"If-Match": etag_of(client, accounts, archived)}),
    )
    assert response.status_code == 200, response.text
    response = client.get("/v1/sync", params={"since": bundle.sync.next})
    assert response.status_code == 200, response.text
    page = SyncPage.model_validate(response.json())
    assert [f.id for f in page.updated] == [edited]
    assert [(d.type, d.id) for d in page.deleted] == [("site", archived)]


def test_metrics_are_declared_as_text(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    operation = cast(FastAPI, client.app).openapi()["paths"]["/metrics"]["get"]
    assert operation["responses"]["200"]["content"]["text/plain"]["schema"] == {"type": "string"}
