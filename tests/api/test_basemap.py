"""The base map over HTTP: tiles from the shipped PMTiles archive, TileJSON, style, glyphs.

These endpoints read no database, so the app here is built on settings of its own (one
backend is enough). Tiles are decoded with ``mapbox-vector-tile``; glyphs with the
protobuf decoder of ``tests/glyph_proto.py``.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient

from tests.builders import assert_problem
from tests.conftest import SEED_DIR
from tests.glyph_proto import decode_glyphs
from tourroute.app import create_app
from tourroute.basemap import sdf_glyphs
from tourroute.config import Settings

VINH = (105.6813, 18.6734)
MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile (web mercator) holding lon,lat at zoom z."""
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    phi = math.radians(lat)
    y = int((1 - math.asinh(math.tan(phi)) / math.pi) / 2 * n)
    return x, y


@pytest.fixture(scope="module")
def glyphs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("glyphs")
    sdf_glyphs.build(out, starts=sdf_glyphs.VIETNAMESE_RANGES)
    return out


def _client(tmp_path: Path, **settings: Any) -> Iterator[TestClient]:
    app = create_app(
        Settings(data_dir=tmp_path, seed_dir=SEED_DIR, rate_limit_enabled=False, **settings)
    )
    with TestClient(app) as client:
        yield client


@pytest.fixture
def client(tmp_path: Path, glyphs_dir: Path) -> Iterator[TestClient]:
    yield from _client(tmp_path, glyphs_dir=glyphs_dir)


def test_the_vinh_tile_at_zoom_12_is_a_vector_tile_naming_vinh(client: TestClient) -> None:
    x, y = tile_of(*VINH, 12)
    response = client.get(f"/tiles/12/{x}/{y}.mvt")
    assert response.status_code == 200
    assert response.headers["content-type"] == MVT
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert "Accept-Encoding" in response.headers["vary"]
    etag = response.headers["etag"]
    assert etag.startswith('"')  # strong
    assert int(response.headers["content-length"]) < len(response.content)  # sent gzipped

    layers = mapbox_vector_tile.decode(response.content)
    assert {"place", "water", "transportation", "landuse"} <= set(layers)
    places = {f["properties"].get("name:latin") for f in layers["place"]["features"]}
    assert "Vinh" in places
    assert "Bến Thủy" in places  # names keep their diacritics

    again = client.get(f"/tiles/12/{x}/{y}.mvt", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


def test_a_client_without_gzip_gets_the_plain_tile_with_its_own_etag(client: TestClient) -> None:
    x, y = tile_of(*VINH, 12)
    zipped = client.get(f"/tiles/12/{x}/{y}.mvt")
    plain = client.get(f"/tiles/12/{x}/{y}.mvt", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers
    assert int(plain.headers["content-length"]) == len(plain.content)
    assert plain.content == zipped.content  # httpx unzipped the first
    assert plain.headers["etag"] != zipped.headers["etag"]
    with client.stream("GET", f"/tiles/12/{x}/{y}.mvt") as raw:
        assert gzip.decompress(b"".join(raw.iter_raw())) == plain.content


def test_an_empty_place_in_the_archive_is_204_and_outside_its_zooms_404(client: TestClient) -> None:
    # Zoom 12 over the Pacific: a valid tile the archive does not hold.
    empty = client.get("/tiles/12/0/0.mvt")
    assert empty.status_code == 204
    assert empty.content == b""
    assert empty.headers["cache-control"].startswith("public")
    # Deeper than the archive's zoom 14.
    assert_problem(client.get("/tiles/15/26000/14650.mvt"), 404)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/tiles/12/4096/0.mvt", "x"),
        ("/tiles/12/0/-1.mvt", "y"),
        ("/tiles/31/0/0.mvt", "z"),
        ("/tiles/12/a/0.mvt", "x"),
        ("/tiles/1.5/0/0.mvt", "z"),
    ],
)
def test_coordinates_no_tile_can_have_are_422_problems(
    client: TestClient, path: str, parameter: str
) -> None:
    assert_problem(client.get(path), 422, parameter)


def test_tilejson_describes_the_archive(client: TestClient) -> None:
    response = client.get("/tiles/tiles.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == ["http://testserver/tiles/{z}/{x}/{y}.mvt"]
    assert (doc["minzoom"], doc["maxzoom"]) == (0, 14)
    min_lon, min_lat, max_lon, max_lat = doc["bounds"]
    assert min_lon < VINH[0] < max_lon
    assert min_lat < VINH[1] < max_lat
    assert "OpenStreetMap contributors" in doc["attribution"]
    layers = {layer["id"]: layer for layer in doc["vector_layers"]}
    assert "name:latin" in layers["place"]["fields"]
    assert {"water", "landcover", "park", "boundary", "transportation"} <= set(layers)
    assert response.headers["cache-control"].startswith("public")
    etag = response.headers["etag"]
    assert client.get("/tiles/tiles.json", headers={"If-None-Match": etag}).status_code == 304


def test_style_uses_only_the_archive_and_our_glyphs(client: TestClient) -> None:
    style = client.get("/tiles/style.json").json()
    assert style["version"] == 8
    assert style["glyphs"] == "http://testserver/glyphs/{fontstack}/{range}.pbf"
    (source,) = style["sources"].values()
    assert source["url"] == "http://testserver/tiles/tiles.json"
    assert "OpenStreetMap contributors" in source["attribution"]
    known = {layer["id"] for layer in client.get("/tiles/tiles.json").json()["vector_layers"]}
    fonts: set[str] = set()
    for layer in style["layers"]:
        assert layer["id"].startswith("base-")
        if "source-layer" in layer:
            assert layer["source-layer"] in known, layer["id"]
        if layer["type"] == "symbol":
            assert layer["id"].startswith("base-label-")
            fonts.add(",".join(layer["layout"]["text-font"]))
            assert "name:latin" in str(layer["layout"]["text-field"])
    # Labels come after every other layer (the console slides its layers in before them).
    kinds = [layer["type"] == "symbol" for layer in style["layers"]]
    assert kinds == sorted(kinds)
    # Every font the style names is served, with the ranges Vietnamese needs.
    for font in fonts:
        for glyph_range in ("0-255", "256-511", "7680-7935"):
            assert client.get(f"/glyphs/{font}/{glyph_range}.pbf").status_code == 200
    for layer_id in ("base-water", "base-park", "base-boundary-province", "base-label-city"):
        assert layer_id in {layer["id"] for layer in style["layers"]}


def test_glyphs_are_served_with_caching_headers(client: TestClient) -> None:
    response = client.get("/glyphs/DejaVu Sans Book/7680-7935.pbf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-protobuf"
    assert response.headers["cache-control"].startswith("public, max-age=")
    stack = decode_glyphs(response.content).stacks[0]
    assert (stack.name, stack.range) == ("DejaVu Sans Book", "7680-7935")
    e = next(g for g in stack.glyphs if g.id == ord("ệ"))
    assert len(e.bitmap) == (e.width + 6) * (e.height + 6) > 36
    etag = response.headers["etag"]
    again = client.get("/glyphs/DejaVu Sans Book/7680-7935.pbf", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_a_font_stack_list_is_answered_by_its_first_font_we_have(client: TestClient) -> None:
    response = client.get("/glyphs/Open Sans Regular,DejaVu Sans Bold/0-255.pbf")
    assert response.status_code == 200
    assert decode_glyphs(response.content).stacks[0].name == "DejaVu Sans Bold"
    assert_problem(client.get("/glyphs/Open Sans Regular/0-255.pbf"), 404)


def test_a_range_the_font_lacks_is_an_empty_stack(client: TestClient) -> None:
    # Hangul: no glyph in DejaVu Sans; an honest empty answer, not an error MapLibre logs.
    response = client.get("/glyphs/DejaVu Sans Book/44032-44287.pbf")
    assert response.status_code == 200
    stack = decode_glyphs(response.content).stacks[0]
    assert (stack.range, len(stack.glyphs)) == ("44032-44287", 0)


@pytest.mark.parametrize("glyph_range", ["0-256", "1-256", "256-255", "65536-65791", "a-b", "0"])
def test_a_malformed_range_is_a_422_problem(client: TestClient, glyph_range: str) -> None:
    assert_problem(client.get(f"/glyphs/DejaVu Sans Book/{glyph_range}.pbf"), 422, "range")


def test_missing_archive_and_missing_glyphs_are_503_problems(tmp_path: Path) -> None:
    for client in _client(
        tmp_path, basemap_archive=tmp_path / "none.pmtiles", glyphs_dir=tmp_path / "none"
    ):
        assert (
            "no base map archive" in assert_problem(client.get("/tiles/0/0/0.mvt"), 503)["detail"]
        )
        assert_problem(client.get("/tiles/tiles.json"), 503)
        body = assert_problem(client.get("/glyphs/DejaVu Sans Book/0-255.pbf"), 503)
        assert "make console" in body["detail"]
        # The console then draws the service's own layers alone.
        assert client.get("/console-config.json").json()["basemap_style"] is None


def test_console_config_names_the_base_map_unless_a_tile_url_overrides_it(
    tmp_path: Path, client: TestClient
) -> None:
    config = client.get("/console-config.json").json()
    assert config["basemap_style"] == "/tiles/style.json"
    assert config["glyphs"] == "/glyphs/{fontstack}/{range}.pbf"
    for other in _client(tmp_path, console_tile_url="https://tiles.example/{z}/{x}/{y}.png"):
        overridden = other.get("/console-config.json").json()
        assert overridden["basemap_style"] is None
        assert overridden["tile_url"] == "https://tiles.example/{z}/{x}/{y}.png"
