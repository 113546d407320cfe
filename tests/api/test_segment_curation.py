"""Curation of road segments: who may write where, If-Match, audit, and the routing graph."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Accounts

SEGMENTS = "/v1/roads/segments"
# A node of the seeded network in Thanh Hóa (VN-21): ct01-0001 meets ct01-0002 there.
TH_NODE = [105.81108, 20.093315]
# About 3.5 km from any seeded road, in Thanh Hóa.
TH_OFF_ROAD = [105.78, 20.10]
NA_LINE = [[105.68, 18.67], [105.70, 18.69]]  # around Vinh, Nghệ An (VN-22)
BORDER_LINE = [[105.643664, 19.625021], [105.572146, 19.381075]]  # Thanh Hóa → Nghệ An


def body(key: str, coordinates: list[list[float]], **changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": key,
        "name": "Đường thử",
        "road_class": "tertiary",
        "source": "test fixture",
        "coordinates": coordinates,
    }
    out.update(changes)
    return out


TH_BODY = body("test-th-link", [TH_NODE, TH_OFF_ROAD])


def create(
    client: TestClient, accounts: Accounts, data: dict[str, Any], role: str = "admin"
) -> Any:
    return client.post(SEGMENTS, json=data, headers=accounts.headers(role))


def created(client: TestClient, accounts: Accounts, data: dict[str, Any]) -> str:
    response = create(client, accounts, data)
    assert response.status_code == 201, response.text
    etag: str = response.headers["etag"]
    return etag


def write(
    client: TestClient, accounts: Accounts, role: str, key: str, verb: str, etag: str | None
) -> Any:
    headers = accounts.headers(role, **({"If-Match": etag} if etag else {}))
    if verb == "patch":
        return client.patch(f"{SEGMENTS}/{key}", json={"scenic": 4}, headers=headers)
    return client.post(f"{SEGMENTS}/{key}/{verb}", headers=headers)


def audit(client: TestClient, accounts: Accounts, key: str) -> list[dict[str, Any]]:
    response = client.get(
        "/v1/audit", params={"resource": f"segment:{key}"}, headers=accounts.headers("admin")
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


# --- creating: the authorization matrix --------------------------------------------------


@pytest.mark.parametrize(
    ("role", "data", "status"),
    [
        ("anonymous", TH_BODY, 401),
        ("admin", TH_BODY, 201),
        ("curator-own", TH_BODY, 201),
        ("curator-other", TH_BODY, 403),
        ("agency", TH_BODY, 403),
        ("curator-other", body("test-na", NA_LINE), 201),
        ("curator-own", body("test-na", NA_LINE), 403),
        ("curator-own", body("test-border", BORDER_LINE), 403),
        ("curator-other", body("test-border", BORDER_LINE), 403),
        ("admin", body("test-border", BORDER_LINE), 201),
    ],
)
def test_who_may_create_where(
    client: TestClient, accounts: Accounts, role: str, data: dict[str, Any], status: int
) -> None:
    response = create(client, accounts, data, role)
    assert response.status_code == status, response.text
    if status == 201:
        segment = response.json()
        assert segment["status"] == "draft"
        assert segment["id"] == data["id"]
        assert response.headers["location"] == f"{SEGMENTS}/{data['id']}"
        got = client.get(response.headers["location"], headers=accounts.headers(role))
        assert got.status_code == 200
        assert got.headers["etag"] == response.headers["etag"]
    else:
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("admin", 200),
        ("curator-own", 200),
        ("curator-other", 403),
        ("agency", 403),
    ],
)
@pytest.mark.parametrize("verb", ["patch", "publish", "archive"])
def test_who_may_edit_publish_archive(
    client: TestClient, accounts: Accounts, role: str, status: int, verb: str
) -> None:
    etag = created(client, accounts, TH_BODY)
    response = write(client, accounts, role, "test-th-link", verb, etag)
    assert response.status_code == status, response.text
    if status == 200:
        assert response.headers["etag"] != etag
        expected = {"patch": "draft", "publish": "published", "archive": "archived"}[verb]
        assert response.json()["status"] == expected


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("curator-own", 403)])
def test_border_segments_are_for_admins(
    client: TestClient, accounts: Accounts, role: str, status: int
) -> None:
    etag = created(client, accounts, body("test-border", BORDER_LINE))
    assert client.get(f"{SEGMENTS}/test-border", headers=accounts.headers(role)).status_code == (
        status
    )
    assert write(client, accounts, role, "test-border", "publish", etag).status_code == status
    # Nor may a curator move a segment of their own across the border.
    own = created(client, accounts, TH_BODY)
    moved = client.patch(
        f"{SEGMENTS}/test-th-link",
        json={"coordinates": BORDER_LINE},
        headers=accounts.headers(role, **{"If-Match": own}),
    )
    assert moved.status_code == status, moved.text


def test_a_seeded_segment_can_be_read_and_edited(client: TestClient, accounts: Accounts) -> None:
    got = client.get(f"{SEGMENTS}/ct01-0002", headers=accounts.headers("curator-own"))
    assert got.status_code == 200, got.text
    segment = got.json()
    assert (segment["status"], segment["provinces"]) == ("published", ["VN-21"])
    response = client.patch(
        f"{SEGMENTS}/ct01-0002",
        json={"maxspeed_kph": 50},
        headers=accounts.headers("curator-own", **{"If-Match": got.headers["etag"]}),
    )
    assert response.status_code == 200, response.text
    assert response.json()["maxspeed_kph"] == 50
    assert response.json()["version"] == segment["version"] + 1


# --- If-Match, validation, state --------------------------------------------------------


@pytest.mark.parametrize("verb", ["patch", "publish", "archive"])
def test_writes_need_a_current_if_match(client: TestClient, accounts: Accounts, verb: str) -> None:
    etag = created(client, accounts, TH_BODY)
    assert write(client, accounts, "admin", "test-th-link", verb, None).status_code == 428
    assert write(client, accounts, "admin", "test-th-link", verb, "*").status_code == 428
    stale = etag.replace('"v1-', '"v7-')
    assert write(client, accounts, "admin", "test-th-link", verb, stale).status_code == 412
    assert write(client, accounts, "admin", "test-th-link", verb, etag).status_code == 200
    # The ETag just used is stale now.
    assert write(client, accounts, "admin", "test-th-link", verb, etag).status_code == 412


def test_patch_is_a_merge_patch_revalidated(client: TestClient, accounts: Accounts) -> None:
    etag = created(client, accounts, TH_BODY)
    headers = accounts.headers("admin", **{"If-Match": etag})
    url = f"{SEGMENTS}/test-th-link"
    for bad in (
        {"coordinates": [[105.8, 20.0]]},  # one position
        {"coordinates": [[105.8, 20.0], [105.8, 20.0]]},  # no length
        {"road_class": None},
        {"corridors": ["no-such-corridor"]},
        {"id": "renamed"},
    ):
        response = client.patch(url, json=bad, headers=headers)
        assert response.status_code == 422, (bad, response.text)
    line = [TH_NODE, [105.79, 20.098], TH_OFF_ROAD]
    response = client.patch(
        url, json={"coordinates": line, "name": None, "ref": "ĐT.test"}, headers=headers
    )
    assert response.status_code == 200, response.text
    segment = response.json()
    assert segment["coordinates"] == line
    assert (segment["name"], segment["ref"], segment["road_class"]) == (None, "ĐT.test", "tertiary")
    # A patch that changes nothing keeps the version.
    same = client.patch(
        url,
        json={"ref": "ĐT.test"},
        headers=accounts.headers("admin", **{"If-Match": response.headers["etag"]}),
    )
    assert same.status_code == 200
    assert same.headers["etag"] == response.headers["etag"]


def test_workflow_states(client: TestClient, accounts: Accounts) -> None:
    etag = created(client, accounts, TH_BODY)
    assert create(client, accounts, TH_BODY).status_code == 409  # the id is taken
    etag = write(client, accounts, "admin", "test-th-link", "publish", etag).headers["etag"]
    assert write(client, accounts, "admin", "test-th-link", "publish", etag).status_code == 409
    etag = write(client, accounts, "admin", "test-th-link", "archive", etag).headers["etag"]
    for verb in ("patch", "publish", "archive"):
        assert write(client, accounts, "admin", "test-th-link", verb, etag).status_code == 409
    assert client.get(f"{SEGMENTS}/no-such", headers=accounts.headers("admin")).status_code == 404


def test_every_write_is_audited(client: TestClient, accounts: Accounts) -> None:
    response = create(client, accounts, TH_BODY, "curator-own")
    etag = response.headers["etag"]
    etag = write(client, accounts, "curator-own", "test-th-link", "patch", etag).headers["etag"]
    etag = write(client, accounts, "curator-own", "test-th-link", "publish", etag).headers["etag"]
    write(client, accounts, "curator-own", "test-th-link", "archive", etag)
    entries = audit(client, accounts, "test-th-link")
    actions = [e["action"] for e in reversed(entries)]
    assert actions == ["segment.create", "segment.update", "segment.publish", "segment.archive"]
    assert {e["principal"] for e in entries} == {"curator-th"}
    assert {e["province"] for e in entries} == {"VN-21"}
    create_entry, update_entry = entries[-1], entries[-2]
    assert create_entry["before"] is None
    assert create_entry["after"]["status"] == "draft"
    assert (update_entry["before"]["scenic"], update_entry["after"]["scenic"]) == (0, 4)
    # The curator reads the entries of their province; the other curator does not see them.
    own = client.get(
        "/v1/audit", params={"resource": "segment"}, headers=accounts.headers("curator-own")
    ).json()
    assert {e["resource"]["id"] for e in own["items"]} == {"test-th-link"}
    other = client.get(
        "/v1/audit", params={"resource": "segment"}, headers=accounts.headers("curator-other")
    ).json()
    assert other["items"] == []
    # A refused write leaves no entry.
    create(client, accounts, body("test-na", NA_LINE), "curator-own")
    assert audit(client, accounts, "test-na") == []


# --- the routing graph and /v1/roads ------------------------------------------------------


def route_from_off_road(client: TestClient) -> dict[str, Any]:
    response = client.get(
        "/v1/routes",
        params={"from": ",".join(map(str, TH_OFF_ROAD)), "to": "105.771474,19.997111"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def road_ids(client: TestClient) -> set[str]:
    return {f["id"] for f in client.get("/v1/roads").json()["features"]}


def test_only_published_segments_are_routed_and_mapped(
    client: TestClient, accounts: Accounts
) -> None:
    before = route_from_off_road(client)
    assert before["routes"][0]["legs"][0]["snap_distance_m"][0] > 1000

    etag = created(client, accounts, TH_BODY)
    draft = route_from_off_road(client)
    assert draft["routes"][0]["legs"][0]["snap_distance_m"][0] > 1000  # a draft is not used
    assert "test-th-link" not in road_ids(client)

    etag = write(client, accounts, "admin", "test-th-link", "publish", etag).headers["etag"]
    after = route_from_off_road(client)
    assert after["network_version"] != draft["network_version"]
    assert after["routes"][0]["legs"][0]["snap_distance_m"][0] < 1
    assert "test-th-link" in road_ids(client)

    write(client, accounts, "admin", "test-th-link", "archive", etag)
    archived = route_from_off_road(client)
    assert archived["network_version"] != after["network_version"]
    assert archived["routes"][0]["legs"][0]["snap_distance_m"][0] > 1000
    assert "test-th-link" not in road_ids(client)
