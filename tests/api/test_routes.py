"""Routes over a small network written into the test's transaction, on both backends."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import LineString
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tourroute.db.spatial import to_element
from tourroute.network.models import RoadSegment, SegmentCorridor

NORTH, SOUTH = (105.70, 19.60), (105.70, 19.00)  # Nghi Sơn area (VN-21) → Diễn Châu (VN-22)
KIM_LIEN = (105.552, 18.6799)


def _segment(session: Session, key: str, coords: list[tuple[float, float]], **attrs: Any) -> None:
    corridors = attrs.pop("corridors", [])
    row = RoadSegment(key=key, geom=to_element(LineString(coords)), source="test", **attrs)
    row.corridor_rows = [SegmentCorridor(corridor_slug=c) for c in corridors]
    session.add(row)


@pytest.fixture
def network(session: Session) -> Session:
    """Only these three roads: the seeded network is deleted inside the test's transaction
    (points snap onto the largest connected network, which would otherwise be the seed)."""
    session.execute(delete(SegmentCorridor))
    session.execute(delete(RoadSegment))
    _segment(
        session,
        "t-ct01",
        [NORTH, (105.68, 19.30), SOUTH],
        ref="CT.01",
        road_class="motorway",
        toll=True,
        motorbike_forbidden=True,
        maxspeed_kph=120,
        corridors=["expressway-north-south-east"],
    )
    _segment(
        session,
        "t-ql1a",
        [NORTH, (105.75, 19.30), SOUTH],
        ref="QL1A",
        road_class="trunk",
        corridors=["ql1a"],
    )
    _segment(
        session,
        "t-ql46",
        [SOUTH, (105.60, 18.80), (105.552, 18.6805)],
        ref="QL46",
        road_class="primary",
        corridors=["ql46"],
        scenic=2,
    )
    session.flush()
    return session


def _route(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/routes", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_car_takes_the_expressway_and_reports_the_breakdown(
    client: TestClient, network: Session
) -> None:
    body = _route(client, **{"from": "105.70,19.60", "to": "105.70,19.00"})
    best = body["routes"][0]
    corridors = {row["corridor"]: row["distance_m"] for row in best["breakdown"]["by_corridor"]}
    assert set(corridors) == {"expressway-north-south-east"}
    assert corridors["expressway-north-south-east"] == pytest.approx(best["distance_m"], rel=1e-3)
    provinces = {row["province"] for row in best["breakdown"]["by_province"]}
    assert provinces == {"VN-21", "VN-22"}
    assert any(
        "km on the North–South Expressway" in s and "in Nghe An" in s
        for s in best["breakdown"]["summary"]
    )
    assert best["geometry"]["type"] == "LineString"
    assert 60_000 < best["distance_m"] < 75_000
    assert best["duration_s"] > 0


def test_breakdown_summary_follows_accept_language(client: TestClient, network: Session) -> None:
    params = {"from": "105.70,19.60", "to": "105.70,19.00"}
    vi = client.get("/v1/routes", params=params, headers={"Accept-Language": "vi, en;q=0.5"})
    assert vi.status_code == 200, vi.text
    lines = vi.json()["routes"][0]["breakdown"]["summary"]
    assert lines
    assert all(" km trên " in s and " ở " in s for s in lines)
    assert any("Nghệ An" in s for s in lines)
    en = _route(client, **params)["routes"][0]["breakdown"]["summary"]
    assert all(" km on the " in s for s in en)


def test_motorbike_never_uses_the_expressway(client: TestClient, network: Session) -> None:
    body = _route(client, **{"from": "105.70,19.60", "to": "105.70,19.00", "vehicle": "motorbike"})
    refs = {row["ref"] for row in body["routes"][0]["breakdown"]["by_ref"]}
    assert refs == {"QL1A"}


def test_alternatives_differ_by_corridor(client: TestClient, network: Session) -> None:
    body = _route(client, **{"from": "105.70,19.60", "to": "105.70,19.00", "alternatives": 2})
    assert len(body["routes"]) == 2
    second = body["routes"][1]
    assert second["avoided"] == ["expressway-north-south-east"]
    assert {r["ref"] for r in second["breakdown"]["by_ref"]} == {"QL1A"}


def test_site_slug_endpoints_and_via(client: TestClient, network: Session) -> None:
    body = _route(client, **{"from": "105.70,19.60", "to": "kim-lien", "via": "105.70,19.00"})
    best = body["routes"][0]
    assert [leg["to"] for leg in best["legs"]] == ["105.70,19.00", "kim-lien"]
    assert best["legs"][1]["snap_distance_m"][1] < 100
    assert best["distance_m"] == pytest.approx(sum(leg["distance_m"] for leg in best["legs"]))


def test_avoid_toll_leaves_no_route_for_a_car_only_on_expressway(
    client: TestClient, network: Session
) -> None:
    body = _route(client, **{"from": "105.70,19.60", "to": "105.70,19.00", "avoid": "toll"})
    assert {r["ref"] for r in body["routes"][0]["breakdown"]["by_ref"]} == {"QL1A"}


def test_graph_follows_edits_of_the_network(client: TestClient, network: Session) -> None:
    _route(client, **{"from": "105.70,19.60", "to": "105.70,19.00", "vehicle": "motorbike"})
    network.delete(network.scalars(select(RoadSegment).where(RoadSegment.key == "t-ql1a")).one())
    network.flush()
    response = client.get(
        "/v1/routes", params={"from": "105.70,19.60", "to": "105.70,19.00", "vehicle": "motorbike"}
    )
    # t-ql1a was the motorbike's only way along the test corridor: no route any more.
    assert response.status_code == 422
    assert response.json()["type"] in {"/problems/no-route", "/problems/invalid-parameter"}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"vehicle": "tank"}, "vehicle"),
        ({"preference": "quickest"}, "preference"),
        ({"avoid": "ferries"}, "avoid"),
        ({"prefer": "route-66"}, "prefer"),
        ({"to": "no-such-site"}, "to"),
        ({"to": "2.35,48.85"}, "to"),
        ({"alternatives": "9"}, "alternatives"),
    ],
)
def test_bad_route_requests(
    client: TestClient, network: Session, params: dict[str, str], parameter: str
) -> None:
    query = {"from": "105.70,19.60", "to": "105.70,19.00", **params}
    response = client.get("/v1/routes", params=query)
    assert response.status_code == 422, response.text
    assert parameter in {e["name"] for e in response.json()["errors"]}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"from": "104.3,19.9", "to": "105.70,19.00"}, "from"),
        ({"from": "105.70,19.00", "to": "104.3,19.9"}, "to"),
        ({"from": "105.70,19.60", "via": "104.3,19.9", "to": "105.70,19.00"}, "via"),
        ({"from": "105.70,19.60", "via": "105.70,19.30", "to": "104.3,19.9"}, "to"),
    ],
    ids=["from", "to", "via", "to-after-via"],
)
def test_point_far_from_any_road_is_422_naming_that_point(
    client: TestClient, network: Session, params: dict[str, str], parameter: str
) -> None:
    """The error names the point that cannot be snapped, not the first point of its leg."""
    response = client.get("/v1/routes", params=params)
    assert response.status_code == 422
    body = response.json()
    assert "no usable road" in body["detail"]
    assert [e["name"] for e in body["errors"]] == [parameter]


def test_roads_geojson(client: TestClient, network: Session) -> None:
    body = client.get("/v1/roads", params={"corridor": "ql1a"}).json()
    assert "t-ql1a" in [f["id"] for f in body["features"]]
    assert "t-ct01" not in [f["id"] for f in body["features"]]
    assert all("ql1a" in f["properties"]["corridors"] for f in body["features"])
    assert client.get("/v1/roads", params={"corridor": "nope"}).status_code == 422


# --- the seeded regional network (seed/roads) -------------------------------------------


def test_seeded_network_citadel_to_kim_lien(client: TestClient) -> None:
    car = _route(client, **{"from": "thanh-nha-ho", "to": "kim-lien"})["routes"][0]
    bike = _route(client, **{"from": "thanh-nha-ho", "to": "kim-lien", "vehicle": "motorbike"})
    bike_refs = {r["ref"] for r in bike["routes"][0]["breakdown"]["by_ref"]}
    assert "CT.01" in {r["ref"] for r in car["breakdown"]["by_ref"]}
    assert "CT.01" not in bike_refs
    assert "QL1A" in bike_refs
    # ~155 km as the crow flies; the road is longer but not absurdly so
    assert 155_000 < car["distance_m"] < 260_000
    assert {p["province"] for p in car["breakdown"]["by_province"]} >= {"VN-21", "VN-22"}


def test_seeded_network_offers_corridor_alternatives(client: TestClient) -> None:
    body = _route(client, **{"from": "kim-lien", "to": "thien-cam", "alternatives": 3})
    assert len(body["routes"]) >= 2
    refs = [frozenset(r["ref"] for r in rt["breakdown"]["by_ref"]) for rt in body["routes"]]
    assert len(set(refs)) == len(refs)
