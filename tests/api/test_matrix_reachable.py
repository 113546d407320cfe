"""Matrices, reachability, exclusion polygons and encoded polylines on the seeded network."""

from __future__ import annotations

import json
from typing import Any

import polyline
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point, box, shape

HEADLINE = ["thanh-nha-ho", "kim-lien", "thien-cam", "lam-kinh", "pu-luong"]


def _route(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/routes", params=params)
    assert response.status_code == 200, response.text
    best: dict[str, Any] = response.json()["routes"][0]
    return best


def _matrix(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/matrix", json=body)
    assert response.status_code == 200, response.text
    out: dict[str, Any] = response.json()
    return out


def test_matrix_agrees_with_single_routes(client: TestClient) -> None:
    body = _matrix(client, sources=HEADLINE, annotations=["duration", "distance"])
    durations, distances = body["durations"], body["distances"]
    assert len(durations) == len(HEADLINE)
    assert all(len(r) == len(HEADLINE) for r in durations)
    for i, a in enumerate(HEADLINE):
        assert durations[i][i] == 0
        assert distances[i][i] == 0
        for j, b in enumerate(HEADLINE):
            if i == j:
                continue
            route = _route(client, **{"from": a, "to": b})
            assert durations[i][j] == pytest.approx(route["duration_s"], rel=1e-6, abs=0.2)
            assert distances[i][j] == pytest.approx(route["distance_m"], rel=1e-6, abs=0.2)
    assert [s["site"] for s in body["sources"]] == HEADLINE


def test_matrix_durations_only_by_default_and_rectangular(client: TestClient) -> None:
    body = _matrix(client, sources=["kim-lien"], destinations=["thien-cam", [105.69, 18.67]])
    assert "distances" not in body
    assert len(body["durations"]) == 1
    assert len(body["durations"][0]) == 2
    assert body["destinations"][1]["site"] is None
    assert body["destinations"][1]["snap_distance_m"] < 1000


def test_matrix_motorbike_is_slower_and_respects_avoid(client: TestClient) -> None:
    sources = ["thanh-nha-ho", "kim-lien"]
    car = _matrix(client, sources=sources)["durations"][0][1]
    bike = _matrix(client, sources=sources, vehicle="motorbike")["durations"][0][1]
    no_expressway = _matrix(client, sources=sources, avoid=["expressway"])["durations"][0][1]
    assert bike > car
    assert no_expressway > car


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"sources": []}, "sources"),
        ({"sources": ["kim-lien"] * 101}, "sources"),
        ({"sources": ["kim-lien"], "destinations": ["kim-lien"] * 101}, "destinations"),
        ({"sources": ["kim-lien", "no-such-site"]}, "sources[1]"),
        ({"sources": ["kim-lien", "200,18"]}, "sources[1]"),
        ({"sources": ["kim-lien", [105.5, 95]]}, "sources"),
        ({"sources": ["kim-lien", "103.0,21.4"]}, "sources[1]"),  # in the bbox, far from roads
        ({"sources": ["kim-lien"], "vehicle": "tank"}, "vehicle"),
        ({"sources": ["kim-lien"], "avoid": ["ferries"]}, "avoid"),
        ({"sources": ["kim-lien"], "annotations": ["speed"]}, "annotations"),
        ({"sources": ["kim-lien"], "colour": "red"}, "colour"),
    ],
)
def test_matrix_bad_input_is_422(client: TestClient, body: dict[str, Any], needle: str) -> None:
    response = client.post("/v1/matrix", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert needle in response.text


def test_reachable_sites_and_area(client: TestClient) -> None:
    response = client.get("/v1/reachable", params={"from": "kim-lien", "minutes": 45})
    assert response.status_code == 200, response.text
    body = response.json()
    sites = {s["slug"]: s for s in body["sites"]}
    assert "kim-lien" in sites
    assert sites["kim-lien"]["duration_s"] < 60
    assert "quang-truong-hcm-vinh" in sites  # Vinh's square, ~15 km away
    assert "thanh-nha-ho" not in sites  # 2 h away
    assert all(s["duration_s"] <= 45 * 60 for s in body["sites"])
    durations = [s["duration_s"] for s in body["sites"]]
    assert durations == sorted(durations)
    area = shape(body["area"])
    assert area.is_valid
    assert area.contains(Point(body["from"]["location"]))
    # Each reported time is the fastest route's time to the site's road.
    for slug in ("quang-truong-hcm-vinh", "cua-lo-beach"):
        if slug in sites:
            route = _route(client, **{"from": "kim-lien", "to": slug})
            assert sites[slug]["duration_s"] == pytest.approx(route["duration_s"], abs=1.0)


def test_reachable_grows_with_the_budget(client: TestClient) -> None:
    def reached(minutes: int) -> tuple[set[str], Any]:
        body = client.get("/v1/reachable", params={"from": "kim-lien", "minutes": minutes}).json()
        return {s["slug"] for s in body["sites"]}, shape(body["area"])

    small, small_area = reached(20)
    large, large_area = reached(60)
    assert small < large
    assert large_area.area > small_area.area


@pytest.mark.parametrize(
    "params",
    [
        {"from": "kim-lien", "minutes": 0},
        {"from": "kim-lien", "minutes": 601},
        {"from": "kim-lien", "minutes": "soon"},
        {"from": "nowhere", "minutes": 30},
        {"from": "kim-lien", "minutes": 30, "vehicle": "boat"},
        {"from": "kim-lien", "minutes": 30, "avoid": "ferries"},
        {"from": "kim-lien"},
    ],
)
def test_reachable_bad_input_is_422(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get("/v1/reachable", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_exclusion_polygon_over_http(client: TestClient) -> None:
    base = _route(client, **{"from": "thanh-nha-ho", "to": "kim-lien"})
    assert "CT.01" in {r["ref"] for r in base["breakdown"]["by_ref"]}
    # A band across the coastal plain of northern Nghệ An where CT.01 runs (a flood).
    flood = box(105.50, 19.05, 105.60, 19.12)
    route = _route(
        client,
        **{
            "from": "thanh-nha-ho",
            "to": "kim-lien",
            "exclude": json.dumps(flood.__geo_interface__),
        },
    )
    line = shape(route["geometry"])
    assert not line.intersects(flood)
    assert route["duration_s"] > base["duration_s"]


@pytest.mark.parametrize(
    "exclude",
    [
        "not json",
        json.dumps({"type": "Point", "coordinates": [105.6, 19.0]}),
        json.dumps({"type": "Polygon", "coordinates": [[[105, 19], [106, 19]]]}),
        json.dumps(  # a bow tie: self-intersecting
            {
                "type": "Polygon",
                "coordinates": [[[105, 19], [106, 20], [106, 19], [105, 20], [105, 19]]],
            }
        ),
        json.dumps(
            {"type": "Polygon", "coordinates": [[[105, 19], [206, 19], [106, 20], [105, 19]]]}
        ),
    ],
)
def test_malformed_exclusion_polygon_is_422(client: TestClient, exclude: str) -> None:
    response = client.get(
        "/v1/routes", params={"from": "thanh-nha-ho", "to": "kim-lien", "exclude": exclude}
    )
    assert response.status_code == 422, response.text
    assert "exclude" in response.json()["detail"]


def test_everything_excluded_is_422_with_the_reason(client: TestClient) -> None:
    wall = box(105.0, 19.3, 106.5, 19.32)  # across the whole region between the two
    response = client.get(
        "/v1/routes",
        params={
            "from": "thanh-nha-ho",
            "to": "kim-lien",
            "exclude": json.dumps(wall.__geo_interface__),
        },
    )
    assert response.status_code == 422, response.text
    assert "no route" in response.json()["detail"].lower() or "cut off" in response.json()["detail"]


def test_encoded_polyline_matches_the_geojson(client: TestClient) -> None:
    plain = _route(client, **{"from": "kim-lien", "to": "thien-cam"})
    encoded = _route(client, **{"from": "kim-lien", "to": "thien-cam", "geometry": "polyline"})
    decoded = polyline.decode(encoded["geometry"], 5)
    coords = plain["geometry"]["coordinates"]
    assert len(decoded) == len(coords)
    for (lat, lon), (x, y) in zip(decoded, coords, strict=True):
        assert lon == pytest.approx(x, abs=1e-5)
        assert lat == pytest.approx(y, abs=1e-5)


def test_motorhome_from_pu_luong_finds_a_road_that_leads_somewhere(client: TestClient) -> None:
    route = _route(client, **{"from": "pu-luong", "to": "thanh-nha-ho", "vehicle": "motorhome"})
    assert route["distance_m"] > 10_000


def test_alternatives_with_via_points(client: TestClient) -> None:
    response = client.get(
        "/v1/routes",
        params={"from": "thanh-nha-ho", "via": "kim-lien", "to": "thien-cam", "alternatives": 3},
    )
    assert response.status_code == 200, response.text
    routes = response.json()["routes"]
    assert len(routes) >= 2
    for r in routes:
        assert [leg["to"] for leg in r["legs"]] == ["kim-lien", "thien-cam"]
        assert sum(leg["distance_m"] for leg in r["legs"]) == pytest.approx(r["distance_m"], abs=1)
    assert all(r["avoided"] for r in routes[1:])
    best_refs = {x["ref"] for x in routes[0]["breakdown"]["by_ref"]}
    assert all({x["ref"] for x in r["breakdown"]["by_ref"]} != best_refs for r in routes[1:])
