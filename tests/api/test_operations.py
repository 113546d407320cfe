"""Health, readiness and the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tourroute.app import create_app
from tourroute.config import Settings


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_when_the_database_answers(client: TestClient) -> None:
    body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert body["provinces"] == 3


def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    # Nothing listens on port 1; the connect attempt is refused at once.
    settings = Settings(
        database_url="postgresql://nobody:x@127.0.0.1:1/none", db_connect_timeout_s=1
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "database" in response.json()["detail"]
        assert client.get("/healthz").status_code == 200


def test_readyz_is_503_when_the_schema_is_missing(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path, database_url=""))) as client:
        assert client.get("/readyz").status_code == 503


def test_openapi_documents_the_endpoints_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/sites", "/v1/sites/{slug}", "/v1/provinces", "/healthz", "/readyz"} <= set(
        spec["paths"]
    )
    params = {p["name"]: p for p in spec["paths"]["/v1/sites"]["get"]["parameters"]}
    assert {
        "province",
        "kind",
        "category",
        "q",
        "bbox",
        "near",
        "radius_m",
        "limit",
        "cursor",
        "f",
    } <= set(params)
    assert params["q"]["examples"]
    assert params["near"]["examples"]
    assert (
        "application/geo+json" in spec["paths"]["/v1/sites"]["get"]["responses"]["200"]["content"]
    )
    assert client.get("/docs").status_code == 200


def test_provinces(client: TestClient) -> None:
    items = client.get("/v1/provinces").json()["items"]
    assert [p["code"] for p in items] == ["VN-21", "VN-22", "VN-23"]
    assert all(p["published_sites"] > 10 for p in items)
    thanh_hoa = items[0]
    minx, miny, maxx, maxy = thanh_hoa["bbox"]
    assert minx < 105.6047 < maxx
    assert miny < 20.0781 < maxy
    geo = client.get("/v1/provinces", params={"f": "geojson"}).json()
    assert geo["features"][1]["geometry"]["type"] == "MultiPolygon"
    assert client.get("/v1/provinces/ha-tinh").json()["code"] == "VN-23"
