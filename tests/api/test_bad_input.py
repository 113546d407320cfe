"""Bad input gets a clear problem+json naming the parameter, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.builders import assert_problem


def test_unknown_slug_is_404(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/sites/no-such-site"), 404)
    assert "no-such-site" in body["detail"]


def test_unknown_province_is_404(client: TestClient) -> None:
    assert_problem(client.get("/v1/provinces/VN-99"), 404)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"bbox": "106,18,105,19"}, "bbox"),  # minLon > maxLon
        ({"bbox": "105,19,106,18"}, "bbox"),  # minLat > maxLat
        ({"bbox": "105,18,105,19"}, "bbox"),  # empty width
        ({"bbox": "-190,18,105,19"}, "bbox"),  # out of range
        ({"bbox": "105,18,106,95"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),  # non-numeric
        ({"bbox": "105,18,106"}, "bbox"),  # too few
        ({"bbox": "105,18,106,nan"}, "bbox"),
        ({"near": "105.6"}, "near"),
        ({"near": "x,y"}, "near"),
        ({"near": "20.07,105.6"}, "near"),  # lat,lon swapped: latitude out of range
        ({"near": "2.35,48.85"}, "near"),  # Paris: far outside the served region
        ({"near": "105.6,20.0", "radius_m": "0"}, "radius_m"),
        ({"near": "105.6,20.0", "radius_m": "-5"}, "radius_m"),
        ({"near": "105.6,20.0", "radius_m": "1e12"}, "radius_m"),
        ({"near": "105.6,20.0", "radius_m": "far"}, "radius_m"),
        ({"radius_m": "1000"}, "radius_m"),  # radius without near
        ({"limit": "501"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "forged"}, "cursor"),
        ({"cursor": "eyJvIjo1LCJxIjoiMTIzIn0.AAAAAAAAAAAAAAAA"}, "cursor"),
        ({"province": "VN-99"}, "province"),
        ({"province": "quang-binh"}, "province"),
        ({"category": "casino"}, "category"),
        ({"kind": "castle"}, "kind"),
        ({"f": "kml"}, "f"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_list_parameters_are_422(
    client: TestClient, params: dict[str, str], parameter: str
) -> None:
    assert_problem(client.get("/v1/sites", params=params), 422, parameter)


def test_cursor_from_another_query_is_rejected(client: TestClient) -> None:
    next_url = client.get("/v1/sites", params={"limit": 2, "province": "VN-21"}).json()["next"]
    cursor = next_url.split("cursor=")[1]
    assert_problem(
        client.get("/v1/sites", params={"province": "VN-22", "cursor": cursor}), 422, "cursor"
    )


def test_tampered_cursor_is_rejected(client: TestClient) -> None:
    next_url = client.get("/v1/sites", params={"limit": 2}).json()["next"]
    body, signature = next_url.split("cursor=")[1].split(".")
    tampered = body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    assert_problem(
        client.get("/v1/sites", params={"cursor": f"{tampered}.{signature}"}), 422, "cursor"
    )


def test_bad_slug_shape_is_422_not_500(client: TestClient) -> None:
    assert_problem(client.get("/v1/sites/" + "a" * 300), 422)
    assert_problem(client.get("/v1/sites/Bad%20Slug"), 422)


def test_unknown_route_is_problem_json(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404)
