"""The web console served at ``/``: index.html when built, a 503 problem when not."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.conftest import Accounts


def _serve_console_from(client: TestClient, directory: Path) -> None:
    """Point the running app's settings at another console build (or at none)."""
    app = cast(FastAPI, client.app)
    app.state.settings = app.state.settings.model_copy(update={"console_dir": directory})


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A fake console build: index.html plus one hashed asset."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="vi"><script src="/assets/index-abc123.js"></script></html>',
        encoding="utf-8",
    )
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1);", encoding="utf-8")
    return tmp_path


@pytest.fixture
def console(client: TestClient, built: Path) -> TestClient:
    _serve_console_from(client, built)
    return client


def test_index_is_served_uncached(console: TestClient) -> None:
    response = console.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "/assets/index-abc123.js" in response.text


def test_hashed_assets_are_cached_for_long(console: TestClient) -> None:
    response = console.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "immutable" in response.headers["cache-control"]
    assert console.get("/assets/missing.js").status_code == 404
    assert console.get("/assets/..%2Findex.html").status_code == 404


def test_missing_build_is_a_503_problem(client: TestClient, tmp_path: Path) -> None:
    _serve_console_from(client, tmp_path / "none")
    response = client.get("/")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "console not built: run make console" in response.json()["detail"]


def test_api_routes_are_not_shadowed(console: TestClient) -> None:
    assert console.get("/healthz").json() == {"status": "ok"}
    sites = console.get("/v1/sites", params={"limit": 1})
    assert sites.status_code == 200
    assert sites.headers["content-type"].startswith("application/json")
    assert console.get("/v1/provinces").json()["items"]
    assert console.get("/openapi.json").status_code == 200
    assert console.get("/docs").status_code == 200
    assert console.get("/ogc").status_code == 200
    assert console.get("/v1/sites/no-such-site").status_code == 404


def test_config_has_no_tile_url_by_default(console: TestClient) -> None:
    assert console.get("/console-config.json").json() == {
        "tile_url": None,
        "tile_attribution": "",
        "basemap_style": "/tiles/style.json",
        "glyphs": "/glyphs/{fontstack}/{range}.pbf",
    }


def test_corridors_are_listed_in_both_languages(console: TestClient) -> None:
    response = console.get("/v1/corridors")
    assert response.status_code == 200
    assert response.headers["etag"]
    items = response.json()["items"]
    slugs = {c["slug"] for c in items}
    assert {"ql1a", "hcm-road", "coastal-road"} <= slugs
    assert all(c["name_vi"] and c["name_en"] for c in items)


def test_me_needs_a_token(console: TestClient) -> None:
    response = console.get("/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_me_names_the_principal(console: TestClient, accounts: Accounts) -> None:
    body = console.get("/v1/me", headers=accounts.headers("curator-own")).json()
    assert body["role"] == "curator"
    assert body["province"] == "VN-21"
    assert body["agency"] is None
    agency = console.get("/v1/me", headers=accounts.headers("agency")).json()
    assert agency["role"] == "agency"
    assert agency["agency"] == "du-lich-xu-thanh"
    assert agency["province"] is None
    assert console.get("/v1/me", headers=accounts.headers("revoked")).status_code == 401
