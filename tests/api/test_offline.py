"""Offline packs over HTTP, on both backends, with the committed base-map fixture
(tests/data/basemap-sam-son.pmtiles: every tile of a 4 × 4 km box around Sầm Sơn beach and
Độc Cước temple at zooms 0–14) in place of the region archive.

The tour planned here drives from one to the other; the tests check the zip's members,
the headers, that the map holds every tile of the trip's roads at zooms 9–14 and none
beyond its corridor (measured in UTM metres, another projection than the pack's own),
that zooms 0–8 are whole, the cache (same bytes, 304) and the 404s.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient
from pmtiles.reader import MmapSource, Reader, all_tiles
from pyproj import Transformer
from sqlalchemy import Connection

from tests.api.conftest import Accounts
from tests.api.tour_fixtures import published, tour_body
from tests.conftest import Database, client_of

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "basemap-sam-son.pmtiles"
CORRIDOR_KM, SITE_RADIUS_KM = 0.5, 0.3
SLUG = "sam-son-offline"
DAYS = [{"stops": [{"site": "sam-son-beach", "arrive": "08:30"}, {"site": "doc-cuoc-trong-mai"}]}]
PLAN_FILES = {"plan.json", "plan.geojson", "plan.gpx", "plan.ics", "manifest.json"}


@pytest.fixture
def offline_client(
    database: Database, connection: Connection, tmp_path: Path
) -> Iterator[TestClient]:
    """The test client, with the fixture as base map and a fresh pack cache."""
    settings = database.settings.model_copy(
        update={
            "data_dir": tmp_path,
            "basemap_archive": FIXTURE,
            "offline_corridor_km": CORRIDOR_KM,
            "offline_site_radius_km": SITE_RADIUS_KM,
        }
    )
    if database.backend == "spatialite":  # the database file stays where it is
        settings = settings.model_copy(
            update={"database_url": database.settings.effective_database_url}
        )
    yield from client_of(settings, database, connection)


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def _tile_polygon(z: int, x: int, y: int) -> shapely.Polygon:
    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / 2**z))))

    west, east = x / 2**z * 360 - 180, (x + 1) / 2**z * 360 - 180
    box = shapely.box(west, lat(y + 1), east, lat(y))
    return shapely.segmentize(box, 0.001)


def _unzip(body: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(body))


def _pack_tiles(archive: zipfile.ZipFile, tmp_path: Path) -> tuple[dict[str, Any], set[Any]]:
    path = tmp_path / "basemap.pmtiles"
    path.write_bytes(archive.read("basemap.pmtiles"))
    with path.open("rb") as f:
        header = Reader(MmapSource(f)).header()
        tiles = {zxy for zxy, _ in all_tiles(MmapSource(f))}
    return dict(header), tiles


def _fixture_tiles() -> set[tuple[int, int, int]]:
    with FIXTURE.open("rb") as f:
        return {zxy for zxy, _ in all_tiles(MmapSource(f))}


@pytest.fixture
def tour(offline_client: TestClient, accounts: Accounts) -> dict[str, Any]:
    published(offline_client, accounts, SLUG, days=DAYS)
    doc: dict[str, Any] = offline_client.get(f"/v1/tours/{SLUG}").json()
    return doc


def test_a_tour_pack(offline_client: TestClient, tour: dict[str, Any], tmp_path: Path) -> None:
    assert tour["links"]["offline"].endswith(f"/v1/tours/{SLUG}/offline")
    response = offline_client.get(tour["links"]["offline"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="tour-{SLUG}-offline.zip"'
    )
    assert int(response.headers["content-length"]) == len(response.content)
    archive = _unzip(response.content)
    names = set(archive.namelist())
    assert names == PLAN_FILES | {
        "sites/sam-son-beach.json",
        "sites/doc-cuoc-trong-mai.json",
        "basemap.pmtiles",
    }
    # The plan files are the tour's own exports.
    assert json.loads(archive.read("plan.json"))["slug"] == SLUG
    assert archive.read("plan.gpx") == offline_client.get(tour["links"]["gpx"]).content
    assert archive.read("plan.ics") == offline_client.get(tour["links"]["ics"]).content
    geojson = offline_client.get(tour["links"]["geojson"]).json()
    assert json.loads(archive.read("plan.geojson")) == geojson
    site = json.loads(archive.read("sites/sam-son-beach.json"))
    assert site == offline_client.get("/v1/sites/sam-son-beach").json()

    header, tiles = _pack_tiles(archive, tmp_path)
    assert int(response.headers["x-offline-tiles"]) == len(tiles)
    assert (
        int(response.headers["x-offline-tile-bytes"])
        == archive.getinfo("basemap.pmtiles").file_size
    )
    assert (header["min_zoom"], header["max_zoom"]) == (0, 14)
    source = _fixture_tiles()
    assert tiles <= source
    # Zooms 0–8: every tile the fixture has (its whole box).
    assert {t for t in tiles if t[0] <= 8} == {t for t in source if t[0] <= 8}

    legs = [
        leg["geometry"]["coordinates"] for day in tour["itinerary"]["days"] for leg in day["legs"]
    ]
    stops = [stop["location"] for day in tour["itinerary"]["days"] for stop in day["stops"]]
    assert legs
    assert all(len(leg) >= 2 for leg in legs)
    # Every leg vertex's tile at zooms 9–14 is in the pack.
    for z in range(9, 15):
        for leg in legs:
            for lon, lat in leg:
                assert (z, *_tile(lon, lat, z)) in tiles, (z, lon, lat)
    # Every tile from zoom 9 lies within the corridor of a leg or the radius of a stop.
    utm = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
    roads = shapely.MultiLineString(
        [shapely.transform(shapely.LineString(leg), _projector(utm)) for leg in legs]
    )
    places = shapely.MultiPoint([utm.transform(*p) for p in stops])
    high = {t for t in tiles if t[0] >= 9}
    for z, x, y in high:
        box = shapely.transform(_tile_polygon(z, x, y), _projector(utm))
        near_road = box.distance(roads) <= CORRIDOR_KM * 1000 * 1.01
        near_place = box.distance(places) <= SITE_RADIUS_KM * 1000 * 1.01
        assert near_road or near_place, (z, x, y)
    # ... so the pack leaves out some of the fixture's street-level tiles.
    assert len(high) < len({t for t in source if t[0] >= 9})
    assert int(response.headers["content-length"]) < FIXTURE.stat().st_size


def _projector(transformer: Transformer) -> Any:
    def project(xy: Any) -> Any:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    return project


def test_a_pack_is_cached_and_revalidated(offline_client: TestClient, tour: dict[str, Any]) -> None:
    url = tour["links"]["offline"]
    first = offline_client.get(url)
    again = offline_client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["x-offline-tiles"] == first.headers["x-offline-tiles"]
    not_modified = offline_client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    other = offline_client.get(url, headers={"If-None-Match": '"offline-0"'})
    assert other.status_code == 200


def test_an_itinerary_pack(offline_client: TestClient) -> None:
    body = {"start": "sam-son-beach", "start_date": "2026-12-04", "days": 1, "max_candidates": 6}
    composed = offline_client.post("/v1/itineraries", json=body)
    assert composed.status_code == 201, composed.text
    doc = composed.json()
    response = offline_client.get(doc["links"]["offline"])
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="itinerary-{doc["id"]}-offline.zip"'
    )
    archive = _unzip(response.content)
    visited = {stop["site"] for day in doc["days"] for stop in day["stops"]}
    visited |= {day["overnight"]["site"] for day in doc["days"] if day.get("overnight")}
    assert visited
    assert set(archive.namelist()) == PLAN_FILES | {"basemap.pmtiles"} | {
        f"sites/{slug}.json" for slug in visited
    }
    assert json.loads(archive.read("plan.json"))["id"] == doc["id"]
    assert archive.read("plan.gpx") == offline_client.get(doc["links"]["gpx"]).content
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["basemap"]["tiles"] == int(response.headers["x-offline-tiles"]) > 0
    etag = response.headers["etag"]
    assert (
        offline_client.get(doc["links"]["offline"], headers={"If-None-Match": etag}).status_code
        == 304
    )


@pytest.mark.parametrize(
    "url",
    [
        "/v1/itineraries/0123456789abcdef0123456789abcdef/offline",
        "/v1/itineraries/not-an-id/offline",
        "/v1/tours/no-such-tour/offline",
    ],
)
def test_unknown_trips_are_404(offline_client: TestClient, url: str) -> None:
    response = offline_client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


def test_a_draft_tour_has_no_pack(offline_client: TestClient, accounts: Accounts) -> None:
    body = tour_body("sam-son-draft", days=DAYS)
    created = offline_client.post("/v1/tours", json=body, headers=accounts.headers("admin"))
    assert created.status_code == 201, created.text
    assert offline_client.get("/v1/tours/sam-son-draft/offline").status_code == 404


def test_without_a_base_map_the_pack_has_none(
    database: Database, offline_client: TestClient, tour: dict[str, Any], tmp_path: Path
) -> None:
    app: Any = offline_client.app
    settings = app.state.settings
    app.state.settings = settings.model_copy(
        update={"basemap_archive": tmp_path / "missing.pmtiles"}
    )
    try:
        response = offline_client.get(tour["links"]["offline"])
    finally:
        app.state.settings = settings
    assert response.status_code == 200
    assert "basemap.pmtiles" not in _unzip(response.content).namelist()
    assert response.headers["x-offline-tiles"] == "0"


def test_the_bundle_links_the_region_base_map(offline_client: TestClient) -> None:
    basemap = offline_client.get("/v1/bundle").json()["basemap"]
    assert basemap["type"] == "application/vnd.pmtiles"
    assert basemap["bytes"] == FIXTURE.stat().st_size
    whole = offline_client.get(basemap["href"])
    assert whole.status_code == 200
    assert whole.content == FIXTURE.read_bytes()
    head = offline_client.get(basemap["href"], headers={"Range": "bytes=0-126"})
    assert head.status_code == 206
    assert head.content[:7] == b"PMTiles"
    assert len(head.content) == 127
    etag = whole.headers["etag"]
    again = offline_client.get(basemap["href"], headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_without_a_base_map_the_bundle_links_none(
    offline_client: TestClient, tmp_path: Path
) -> None:
    app: Any = offline_client.app
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"basemap_archive": tmp_path / "none.pmtiles"})
    try:
        assert offline_client.get("/v1/bundle").json()["basemap"] is None
        missing = offline_client.get("/v1/offline/region.pmtiles")
    finally:
        app.state.settings = settings
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
