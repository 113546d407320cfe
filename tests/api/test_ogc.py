"""OGC API – Features at /ogc, on both backends: over HTTP, and through OWSLib's client."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml
from fastapi.testclient import TestClient
from owslib.ogcapi.features import Features
from sqlalchemy.orm import Session

from tests.api.conftest import Accounts
from tests.api.tour_fixtures import created
from tests.api.tour_fixtures import published as published_tour
from tests.builders import add_site
from tests.conftest import Database
from tests.seeddata import identity, published, published_everything, served_identity
from tourroute.app import create_app
from tourroute.sites.domain import SiteStatus

GEOJSON = "application/geo+json"
CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
ITEMS = "/ogc/collections/sites/items"
TOURS = "/ogc/collections/tours/items"
NGHE_AN_HA_TINH = (105.5, 18.5, 105.8, 18.8)  # around Vinh and Nghi Xuân
# The seed loads these promoted tours as published official tours (tourroute.tours.seed).
SEED_TOURS = {
    entry["slug"]
    for entry in yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "seed" / "tours" / "promoted.yaml").read_text()
    )["tours"]
    if "catalogue" in entry
}


def in_box(record: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    return bbox[0] <= record["lon"] <= bbox[2] and bbox[1] <= record["lat"] <= bbox[3]


# The published sites: the curated ones (known by slug) and the seed's OpenStreetMap places
# to stay and services (known by kind, province, position and name): tests.seeddata.
def expected(records: list[dict[str, Any]]) -> list[Any]:
    return sorted(identity(r) for r in records)


def served(features: list[dict[str, Any]]) -> list[Any]:
    return sorted(served_identity(f) for f in features)


def rels(body: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Links by relation (the last one of each, which is enough for these checks)."""
    return {entry["rel"]: entry for entry in body["links"]}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


# How the OGC tests name the sites they add (no category).
OGC_SITE: dict[str, Any] = {
    "name_vi": "Điểm thử OGC",
    "name_en": "OGC test place",
    "categories": (),
}


# --- landing page, conformance, collections ---------------------------------------------


@pytest.mark.parametrize("path", ["/ogc", "/ogc/"])
def test_landing_page_links_the_api_conformance_and_data(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["title"]
    assert "Thanh Hóa" in body["description"]
    links = rels(body)
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(links)
    assert links["self"]["href"] == "http://testserver/ogc"
    assert links["conformance"]["href"] == "http://testserver/ogc/conformance"
    assert links["data"]["href"] == "http://testserver/ogc/collections"
    assert links["service-desc"]["href"] == "http://testserver/openapi.json"
    # The link's media type names the OpenAPI version the document really has.
    api = client.get("/openapi.json").json()
    version = ".".join(api["openapi"].split(".")[:2])
    assert links["service-desc"]["type"] == f"application/vnd.oai.openapi+json;version={version}"
    items = api["paths"]["/ogc/collections/{collectionId}/items"]["get"]
    assert {"200", "400", "404"} <= set(items["responses"])
    assert "422" not in items["responses"]  # the standard's 400 instead


def test_conformance_declares_core_and_geojson(client: TestClient) -> None:
    response = client.get("/ogc/conformance")
    assert response.status_code == 200
    assert set(response.json()["conformsTo"]) == {CONF + "core", CONF + "geojson"}


def test_collections_describe_sites_with_its_extent(client: TestClient) -> None:
    body = client.get("/ogc/collections").json()
    assert rels(body)["self"]["href"] == "http://testserver/ogc/collections"
    assert [c["id"] for c in body["collections"]] == ["sites", "tours"]
    sites = body["collections"][0]
    assert sites == client.get("/ogc/collections/sites").json()
    assert sites["itemType"] == "feature"
    assert sites["title"]
    assert sites["crs"] == [CRS84]
    records = published_everything()
    expected = [
        min(r["lon"] for r in records),
        min(r["lat"] for r in records),
        max(r["lon"] for r in records),
        max(r["lat"] for r in records),
    ]
    assert sites["extent"]["spatial"]["crs"] == CRS84
    assert sites["extent"]["spatial"]["bbox"] == [pytest.approx(expected, abs=1e-9)]
    assert "temporal" not in sites["extent"]  # sites have no time dimension
    items = [link for link in sites["links"] if link["rel"] == "items"]
    assert {link["type"] for link in items} == {GEOJSON, "application/json"}
    assert "http://testserver" + ITEMS in {link["href"] for link in items}


def test_extent_ignores_unpublished_sites(client: TestClient, session: Session) -> None:
    add_site(session, "ogc-draft-far-east", SiteStatus.draft, lon_lat=(107.9, 21.2), **OGC_SITE)
    bbox = client.get("/ogc/collections/sites").json()["extent"]["spatial"]["bbox"][0]
    assert bbox[2] == pytest.approx(max(r["lon"] for r in published_everything()))


def test_unknown_collection_is_404(client: TestClient) -> None:
    for path in ("/ogc/collections/tours-x", "/ogc/collections/tours-x/items"):
        assert "sites" in problem(client.get(path), 404)["detail"]
    problem(client.get("/ogc/collections/tours-x/items/thanh-nha-ho"), 404)


# --- items ---------------------------------------------------------------------------------


def walk(
    client: TestClient, url: str, collection: str = "sites", **params: Any
) -> list[dict[str, Any]]:
    """Every page from ``url`` by following ``next`` links, checking each page's shape."""
    pages = []
    response = client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == GEOJSON
        body = response.json()
        pages.append(body)
        assert body["type"] == "FeatureCollection"
        assert body["numberReturned"] == len(body["features"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timeStamp"])
        links = rels(body)
        assert links["self"]["type"] == GEOJSON
        assert links["alternate"]["type"] == "application/json"
        assert links["collection"]["href"] == f"http://testserver/ogc/collections/{collection}"
        assert ("prev" in links) == (len(pages) > 1)
        if "next" not in links:
            return pages
        assert links["next"]["type"] == GEOJSON
        response = client.get(links["next"]["href"])


def test_paging_serves_every_published_site_exactly_once(client: TestClient) -> None:
    pages = walk(client, ITEMS, limit=7)
    records = published_everything()
    features = [f for page in pages for f in page["features"]]
    assert served(features) == expected(records)  # none missing, none extra
    assert len({f["id"] for f in features}) == len(features)  # each once
    assert len(pages) == -(-len(records) // 7)
    assert {page["numberMatched"] for page in pages} == {len(records)}
    assert [page["numberReturned"] for page in pages[:-1]] == [7] * (len(pages) - 1)


def test_default_page_is_ten_and_prev_goes_back(client: TestClient) -> None:
    first = client.get(ITEMS).json()
    assert first["numberReturned"] == 10
    second = client.get(rels(first)["next"]["href"]).json()
    back = client.get(rels(second)["prev"]["href"]).json()
    assert [f["id"] for f in back["features"]] == [f["id"] for f in first["features"]]
    past_the_end = client.get(ITEMS, params={"offset": 1000}).json()
    assert past_the_end["features"] == []
    assert past_the_end["numberMatched"] == len(published_everything())
    assert "next" not in rels(past_the_end)


def test_unpublished_sites_are_not_features(client: TestClient, session: Session) -> None:
    for slug, status in (
        ("ogc-draft", SiteStatus.draft),
        ("ogc-in-review", SiteStatus.in_review),
        ("ogc-archived", SiteStatus.archived),
    ):
        add_site(session, slug, status, lon_lat=(105.78, 19.81), **OGC_SITE)
        problem(client.get(f"{ITEMS}/{slug}"), 404)
    features = client.get(ITEMS, params={"limit": 1000}).json()["features"]
    assert served(features) == expected(published_everything())
    add_site(session, "ogc-published", SiteStatus.published, lon_lat=(105.78, 19.81), **OGC_SITE)
    assert client.get(f"{ITEMS}/ogc-published").status_code == 200


def test_bbox_matches_the_sites_api_and_the_seed(client: TestClient) -> None:
    bbox = ",".join(map(str, NGHE_AN_HA_TINH))
    features = [f for page in walk(client, ITEMS, bbox=bbox, limit=3) for f in page["features"]]
    v1 = client.get("/v1/sites", params={"bbox": bbox, "limit": 500}).json()
    assert v1["next"] is None
    inside = [r for r in published_everything() if in_box(r, NGHE_AN_HA_TINH)]
    assert len([r for r in inside if "slug" in r]) > 3  # curated sites, and places too
    assert len(inside) > len([r for r in inside if "slug" in r])
    assert {f["id"] for f in features} == {s["slug"] for s in v1["items"]}
    assert served(features) == expected(inside)
    assert len(features) == len(inside)
    # A 3D box (heights ignored) selects the same sites.
    box3d = "105.5,18.5,-100,105.8,18.8,3000"
    body = client.get(ITEMS, params={"bbox": box3d, "limit": 1000}).json()
    assert served(body["features"]) == expected(inside)
    assert body["numberMatched"] == len(inside)


def test_limit_above_the_maximum_is_served_as_the_maximum(client: TestClient) -> None:
    body = client.get(ITEMS, params={"limit": 50_000}).json()
    assert body["numberReturned"] == len(published_everything()) <= 1000
    assert "next" not in rels(body)


def test_datetime_filter_matches_no_site(client: TestClient) -> None:
    for value in ("2025-04-30T00:00:00Z", "2025-01-01T00:00:00+07:00/..", "../2030-01-01"):
        body = client.get(ITEMS, params={"datetime": value}).json()
        assert (body["numberMatched"], body["features"]) == (0, [])


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"bbox": "105.5,18.5,105.8"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "105.8,18.5,105.5,18.8"}, "bbox"),  # min > max
        ({"bbox": "105.5,95,105.8,96"}, "bbox"),  # latitude out of range
        ({"limit": "0"}, "limit"),
        ({"limit": "-3"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "x"}, "offset"),
        ({"datetime": "yesterday"}, "datetime"),
        ({"datetime": "2025-02-01T00:00:00Z/2025-01-01T00:00:00Z"}, "datetime"),
        ({"f": "html"}, "f"),
    ],
)
def test_invalid_parameter_values_are_400(
    client: TestClient, params: dict[str, str], name: str
) -> None:
    body = problem(client.get(ITEMS, params=params), 400)
    assert body["type"] == "/problems/invalid-parameter"
    assert [e["name"] for e in body["errors"]] == [name]


@pytest.mark.parametrize(
    "url",
    [
        f"{ITEMS}?bbox-crs=EPSG:4326",
        f"{ITEMS}?filter=name='x'",
        f"{ITEMS}/thanh-nha-ho?limit=5",
        "/ogc/collections?bbox=1,2,3,4",
        "/ogc?foo=bar",
    ],
)
def test_unknown_parameters_are_400(client: TestClient, url: str) -> None:
    body = problem(client.get(url), 400)
    assert body["type"] == "/problems/unknown-parameter"
    assert body["errors"][0]["reason"].startswith("not a parameter of this operation")


def test_f_json_is_accepted_on_every_resource(client: TestClient) -> None:
    for path in ("/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/sites"):
        response = client.get(path, params={"f": "json"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("accept", "f", "expected"),
    [
        (None, None, GEOJSON),
        ("*/*", None, GEOJSON),
        ("application/geo+json", None, GEOJSON),
        ("application/json", None, "application/json"),
        ("application/geo+json;q=0.5, application/json", None, "application/json"),
        ("application/json;q=0.5, application/geo+json", None, GEOJSON),
        ("application/*", None, GEOJSON),
        ("text/html", None, GEOJSON),  # neither: the default rather than a 406
        ("application/geo+json", "json", "application/json"),
        ("application/json", "geojson", GEOJSON),
    ],
)
def test_feature_encodings_follow_accept_and_f(
    client: TestClient, accept: str | None, f: str | None, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    params = {"f": f} if f else {}
    for url in (ITEMS, f"{ITEMS}/thanh-nha-ho"):
        response = client.get(url, headers=headers, params=params)
        assert response.status_code == 200
        assert response.headers["content-type"] == expected
        links = rels(response.json())
        assert links["self"]["type"] == expected
        assert links["alternate"]["type"] != expected
        other = client.get(links["alternate"]["href"])
        assert other.headers["content-type"] == links["alternate"]["type"]


def test_one_feature_is_the_site_as_geojson(client: TestClient) -> None:
    response = client.get(f"{ITEMS}/thanh-nha-ho")
    assert response.status_code == 200
    assert response.headers["content-type"] == GEOJSON
    feature = response.json()
    record = next(r for r in published() if r["slug"] == "thanh-nha-ho")
    assert feature["type"] == "Feature"
    assert feature["id"] == "thanh-nha-ho"
    assert feature["geometry"] == {"type": "Point", "coordinates": [record["lon"], record["lat"]]}
    assert feature["properties"]["name_vi"] == record["name_vi"]
    assert feature["properties"]["province"]["code"] == "VN-21"
    links = rels(feature)
    assert links["self"]["href"] == "http://testserver" + ITEMS + "/thanh-nha-ho"
    assert links["collection"]["href"] == "http://testserver/ogc/collections/sites"
    # The same serialisation as the sites API's GeoJSON, links aside.
    v1 = client.get("/v1/sites/thanh-nha-ho", headers={"Accept": GEOJSON}).json()
    assert {k: v for k, v in feature.items() if k != "links"} == v1
    # And each item of a page is that same feature.
    page = client.get(ITEMS, params={"limit": 1000}).json()
    listed = next(f for f in page["features"] if f["id"] == "thanh-nha-ho")
    assert listed == v1


def test_name_follows_accept_language(client: TestClient) -> None:
    vi = client.get(f"{ITEMS}/thanh-nha-ho", headers={"Accept-Language": "vi"}).json()
    en = client.get(f"{ITEMS}/thanh-nha-ho", headers={"Accept-Language": "en"}).json()
    assert vi["properties"]["name"] == "Thành nhà Hồ (Thành Tây Đô)"
    assert en["properties"]["name"].startswith("Citadel of the Hồ Dynasty")


def test_absent_feature_is_404(client: TestClient) -> None:
    body = problem(client.get(f"{ITEMS}/no-such-site"), 404)
    assert "no-such-site" in body["detail"]
    problem(client.get(f"{ITEMS}/Not A Slug"), 404)
    problem(client.get(f"{ITEMS}/{'x' * 500}"), 404)
    problem(client.get(f"/ogc/collections/{'x' * 500}"), 404)


def test_conditional_get_answers_304_despite_the_timestamp(client: TestClient) -> None:
    for url in (ITEMS, f"{ITEMS}/thanh-nha-ho", "/ogc/collections/sites", "/ogc"):
        first = client.get(url)
        etag = first.headers["etag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.headers["etag"] == etag
    # A different page is a different representation.
    other = client.get(ITEMS, params={"offset": 10}, headers={"If-None-Match": etag})
    assert other.status_code == 200


# --- tours ---------------------------------------------------------------------------------


def lines_of(feature: dict[str, Any]) -> list[list[list[float]]]:
    assert feature["geometry"]["type"] == "MultiLineString"
    lines: list[list[list[float]]] = feature["geometry"]["coordinates"]
    assert lines
    assert all(len(line) >= 2 for line in lines)
    return lines


def test_tours_collection_has_the_extent_of_its_legs(client: TestClient) -> None:
    tours = client.get("/ogc/collections/tours").json()
    assert tours == client.get("/ogc/collections").json()["collections"][1]
    assert tours["id"] == "tours"
    assert tours["itemType"] == "feature"
    assert tours["title"]
    assert "temporal" not in tours["extent"]
    features = client.get(TOURS, params={"limit": 1000}).json()["features"]
    points = [p for f in features for line in lines_of(f) for p in line]
    expected = [
        min(p[0] for p in points),
        min(p[1] for p in points),
        max(p[0] for p in points),
        max(p[1] for p in points),
    ]
    assert tours["extent"]["spatial"]["bbox"] == [pytest.approx(expected, abs=1e-9)]
    assert 104.0 < expected[0] < expected[2] < 107.0  # Thanh Hóa to Hà Tĩnh
    items = [link for link in tours["links"] if link["rel"] == "items"]
    assert "http://testserver" + TOURS in {link["href"] for link in items}


def test_tours_paging_serves_every_published_tour_once(
    client: TestClient, accounts: Accounts
) -> None:
    published_tour(client, accounts, "ogc-tour-published")
    created(client, accounts, "ogc-tour-draft")
    expected = sorted({*SEED_TOURS, "ogc-tour-published"})
    pages = walk(client, TOURS, collection="tours", limit=1)
    ids = [f["id"] for page in pages for f in page["features"]]
    assert ids == expected  # ordered by slug, each once, the draft left out
    assert len(pages) == len(expected)
    assert {page["numberMatched"] for page in pages} == {len(expected)}
    past_the_end = client.get(TOURS, params={"offset": 100}).json()
    assert (past_the_end["features"], past_the_end["numberMatched"]) == ([], len(expected))


def test_one_tour_is_the_sync_feature(client: TestClient, accounts: Accounts) -> None:
    published_tour(client, accounts, "ogc-tour-one")
    response = client.get(f"{TOURS}/ogc-tour-one", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["content-type"] == GEOJSON
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["id"] == "ogc-tour-one"
    lines = lines_of(feature)
    # One day from the Hồ citadel to Lam Kinh: the leg starts and ends near them.
    assert lines[0][0] == pytest.approx([105.6047, 20.0781], abs=0.02)
    v1 = client.get("/v1/tours/ogc-tour-one", headers={"Accept-Language": "en"}).json()
    properties = feature["properties"]
    assert properties["title"] == v1["title"] == "A day in Thanh Hóa"
    assert properties["slug"] == "ogc-tour-one"
    assert properties["days"] == v1["days"]
    links = rels(feature)
    assert links["self"]["href"] == "http://testserver" + TOURS + "/ogc-tour-one"
    assert links["collection"]["href"] == "http://testserver/ogc/collections/tours"
    listed = client.get(TOURS, params={"limit": 1000}, headers={"Accept-Language": "en"}).json()
    assert next(f for f in listed["features"] if f["id"] == "ogc-tour-one") == {
        k: v for k, v in feature.items() if k != "links"
    }


def test_unpublished_or_absent_tour_is_404(client: TestClient, accounts: Accounts) -> None:
    created(client, accounts, "ogc-tour-draft")
    for slug in ("ogc-tour-draft", "no-such-tour", "Not A Slug", "x" * 500):
        problem(client.get(f"{TOURS}/{slug}"), 404)
    assert "no-such-tour" in problem(client.get(f"{TOURS}/no-such-tour"), 404)["detail"]
    # A site's slug is not a tour.
    problem(client.get(f"{TOURS}/thanh-nha-ho"), 404)


def test_tours_bbox_selects_tours_whose_legs_cross_it(
    client: TestClient, accounts: Accounts
) -> None:
    published_tour(client, accounts, "ogc-tour-thanh-hoa")
    everything = client.get(TOURS, params={"limit": 1000}).json()["features"]
    # A small box on the first leg's middle vertex: that tour is in, so is any other there.
    line = lines_of(next(f for f in everything if f["id"] == "ogc-tour-thanh-hoa"))[0]
    lon, lat = line[len(line) // 2]
    near = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    body = client.get(TOURS, params={"bbox": near}).json()
    assert "ogc-tour-thanh-hoa" in {f["id"] for f in body["features"]}
    assert body["numberMatched"] == len(body["features"])
    # The open sea east of Hà Tĩnh: no tour.
    sea = client.get(TOURS, params={"bbox": "107.5,17.5,108.0,18.0"}).json()
    assert (sea["features"], sea["numberMatched"]) == ([], 0)
    # A box holding every leg selects every tour.
    whole = client.get(TOURS, params={"bbox": "100,15,110,23", "limit": 1000}).json()
    assert {f["id"] for f in whole["features"]} == {f["id"] for f in everything}
    # The tour in Thanh Hóa only is not in a box around Vinh (Nghệ An).
    vinh = client.get(TOURS, params={"bbox": ",".join(map(str, NGHE_AN_HA_TINH))}).json()
    assert "ogc-tour-thanh-hoa" not in {f["id"] for f in vinh["features"]}


def test_datetime_filter_matches_no_tour(client: TestClient) -> None:
    body = client.get(TOURS, params={"datetime": "2026-12-11T00:00:00Z"}).json()
    assert (body["numberMatched"], body["features"]) == (0, [])


# --- a real client against a real server ---------------------------------------------------


@pytest.fixture
def live_url(database: Database) -> Iterator[str]:
    """A uvicorn server in a thread, on its own app and engine (the seed is committed)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(database.settings, database.graph_cache)
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}/ogc"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    assert not thread.is_alive()


def test_owslib_reads_the_catalogue(live_url: str) -> None:
    api = Features(live_url)
    assert {link["rel"] for link in api.links} >= {"conformance", "data", "service-desc"}
    assert CONF + "core" in api.conformance()["conformsTo"]

    assert api.feature_collections() == ["sites", "tours"]
    collections = api.collections()["collections"]
    assert [c["id"] for c in collections] == ["sites", "tours"]
    sites = api.collection("sites")
    minx, miny, maxx, maxy = sites["extent"]["spatial"]["bbox"][0]
    assert minx < 105.0 < maxx
    assert miny < 19.0 < maxy

    bbox = list(NGHE_AN_HA_TINH)
    inside = [r for r in published_everything() if in_box(r, NGHE_AN_HA_TINH)]
    first = api.collection_items("sites", limit=2, bbox=bbox)
    assert first["numberMatched"] == len(inside)
    assert first["numberReturned"] == 2
    seen = list(first["features"])
    offset = 2
    while offset < len(inside):
        page = api.collection_items("sites", limit=2, offset=offset, bbox=bbox)
        seen += page["features"]
        offset += 2
    assert served(seen) == expected(inside)
    assert len({f["id"] for f in seen}) == len(seen)
    for feature in first["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert in_box({"lon": lon, "lat": lat}, NGHE_AN_HA_TINH)

    citadel = api.collection_item("sites", "thanh-nha-ho")
    assert citadel["id"] == "thanh-nha-ho"
    assert citadel["properties"]["name_vi"] == "Thành nhà Hồ (Thành Tây Đô)"
    assert citadel["geometry"]["coordinates"] == pytest.approx([105.6047, 20.0781], abs=0.01)

    with pytest.raises(RuntimeError, match="not-found"):
        api.collection_item("sites", "no-such-site")

    # The seed's promoted tours, published, as line features.
    tours = api.collection_items("tours", limit=1000)
    slugs = [f["id"] for f in tours["features"]]
    assert slugs == sorted(SEED_TOURS)
    assert tours["numberMatched"] == len(SEED_TOURS)
    for feature in tours["features"]:
        assert feature["geometry"]["type"] == "MultiLineString"
    first_tour = api.collection_items("tours", limit=1)
    assert [f["id"] for f in first_tour["features"]] == slugs[:1]
    assert api.collection_item("tours", slugs[0])["properties"]["slug"] == slugs[0]
    with pytest.raises(RuntimeError, match="not-found"):
        api.collection_item("tours", "no-such-tour")
