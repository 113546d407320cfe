"""The read API of sites, on both backends: every filter, search, paging, formats, caching."""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pyproj import Geod
from sqlalchemy.orm import Session

from tests.builders import add_site
from tests.seeddata import (
    identity,
    published,
    published_everything,
    published_places,
    served_identity,
)
from tourroute.sites.domain import SiteStatus

GEOD = Geod(ellps="WGS84")

# The seed publishes its curated sites (tests.seeddata.published, known by slug) and the
# OpenStreetMap places to stay and services of seed/places (known by kind, province,
# position and name: tests.seeddata.identity).  Tests about the whole published set compare
# with both; tests about curated content (categories, search, details) with the curated.


def all_pages(client: TestClient, url: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    response = client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        if not body["next"]:
            return items
        response = client.get(body["next"])


def slugs(items: list[dict[str, Any]]) -> list[str]:
    return [i["slug"] for i in items]


def identities(items: list[dict[str, Any]]) -> list[Any]:
    return sorted(served_identity(i) for i in items)


def expected(records: list[dict[str, Any]]) -> list[Any]:
    return sorted(identity(r) for r in records)


def test_lists_every_published_site_once_across_pages(client: TestClient) -> None:
    items = all_pages(client, "/v1/sites", limit=7)
    assert identities(items) == expected(published_everything())
    assert len(set(slugs(items))) == len(items)
    # The places' names: a named one under its name in both languages, an unnamed one
    # under a generated name, flagged (served_identity relies on both).
    served = {served_identity(i): i for i in items}
    for place in published_places():
        item = served[identity(place)]
        assert item["name_generated"] is (place["name"] is None)
        assert item["name_vi"]
        assert item["name_en"]
    assert not any(served[identity(r)]["name_generated"] for r in published())


def test_page_links(client: TestClient) -> None:
    body = client.get("/v1/sites", params={"limit": 5}).json()
    assert body["count"] == 5
    assert body["limit"] == 5
    assert "cursor=" in body["next"]
    assert {link["rel"] for link in body["links"]} == {"self", "next"}
    # The largest page holds 500 of the published sites (more than that since the seed's
    # places); the page after it is the last one: no next link.
    total = len(published_everything())
    assert total > 500
    first = client.get("/v1/sites", params={"limit": 500}).json()
    assert first["count"] == 500
    last = client.get(first["next"]).json()
    assert last["count"] == total - 500
    assert last["next"] is None
    assert {link["rel"] for link in last["links"]} == {"self"}


@pytest.mark.parametrize("province", ["VN-22", "nghe-an", "NGHE-AN", "vn-22"])
def test_filter_by_province_code_or_slug(client: TestClient, province: str) -> None:
    items = all_pages(client, "/v1/sites", province=province, limit=500)
    in_nghe_an = [r for r in published_everything() if r["province"] == "VN-22"]
    assert identities(items) == expected(in_nghe_an)
    assert all(i["province"]["code"] == "VN-22" for i in items)


@pytest.mark.parametrize("kind", ["attraction", "lodging"])
def test_filter_by_kind(client: TestClient, kind: str) -> None:
    items = all_pages(client, "/v1/sites", kind=kind, limit=500)
    of_kind = [r for r in published_everything() if r["kind"] == kind]
    assert any("slug" in r for r in of_kind), "the curated seed must have some of each kind"
    assert identities(items) == expected(of_kind)


@pytest.mark.parametrize("category", ["beach", "revolutionary-history", "nature"])
def test_filter_by_category(client: TestClient, category: str) -> None:
    items = all_pages(client, "/v1/sites", category=category, limit=500)
    expected = {r["slug"] for r in published() if category in r["categories"]}
    assert expected
    assert set(slugs(items)) == expected
    assert all(category in i["categories"] for i in items)


def test_filters_combine(client: TestClient) -> None:
    items = all_pages(client, "/v1/sites", province="VN-23", category="beach", limit=500)
    expected = {
        r["slug"] for r in published() if r["province"] == "VN-23" and "beach" in r["categories"]
    }
    assert set(slugs(items)) == expected
    assert expected


@pytest.mark.parametrize(
    "query",
    [
        "thanh nha ho",
        "THÀNH NHÀ HỒ",
        "Thành nhà Hồ",
        unicodedata.normalize("NFD", "Thành nhà Hồ"),
        unicodedata.normalize("NFD", "THÀNH NHÀ HỒ"),
        "  thanh   NHA ho ",
    ],
)
def test_search_is_accent_case_and_normalisation_insensitive(
    client: TestClient, query: str
) -> None:
    items = client.get("/v1/sites", params={"q": query}).json()["items"]
    assert items
    assert items[0]["slug"] == "thanh-nha-ho"


@pytest.mark.parametrize("query", ["dong loc", "Đồng Lộc", "DONG LOC", "đồng lộc"])
def test_search_folds_d_with_stroke(client: TestClient, query: str) -> None:
    assert "dong-loc" in slugs(client.get("/v1/sites", params={"q": query}).json()["items"])


def test_search_exact_diacritics_rank_above_folded_matches(client: TestClient) -> None:
    # "hồ" (with its diacritics) is in some names; "ho" alone also matches Hoàng, Hội, Hòa…
    # A site is searched by its names, slug and district (tourroute.sites.values.search_keys), so
    # "hồ" in the district (Hồng Lĩnh) is an exact match too.
    items = all_pages(client, "/v1/sites", q="hồ", limit=500)
    exact = [
        "hồ" in " ".join([i["name_vi"], i["name_en"], i["slug"], i["district"] or ""]).casefold()
        for i in items
    ]
    assert any(exact), "the seed must have exact matches"
    assert not all(exact), "the seed must have folded-only matches"
    first_folded = exact.index(False)
    assert all(exact[:first_folded])
    assert not any(exact[first_folded:])


def test_search_without_match_is_empty(client: TestClient) -> None:
    assert client.get("/v1/sites", params={"q": "zzzz qqqq"}).json()["items"] == []
    # punctuation alone folds to no word: no match rather than everything
    assert client.get("/v1/sites", params={"q": "%%__"}).json()["items"] == []


def test_bbox_filter_matches_the_seed(client: TestClient) -> None:
    bbox = (105.5, 18.5, 105.8, 18.8)
    items = all_pages(client, "/v1/sites", bbox=",".join(map(str, bbox)), limit=500)
    inside = [
        r
        for r in published_everything()
        if bbox[0] <= r["lon"] <= bbox[2] and bbox[1] <= r["lat"] <= bbox[3]
    ]
    assert any("slug" in r for r in inside)
    assert any("slug" not in r for r in inside)
    assert identities(items) == expected(inside)


def _geodesic(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize("origin", [(105.692, 18.673), (105.6047, 20.0781), (106.1, 18.27)])
def test_near_orders_by_geodesic_distance(client: TestClient, origin: tuple[float, float]) -> None:
    lon, lat = origin
    items = all_pages(client, "/v1/sites", near=f"{lon},{lat}", limit=500)
    assert identities(items) == expected(published_everything())
    distances = [i["distance_m"] for i in items]
    assert distances == sorted(distances)
    for item in items:
        p_lon, p_lat = item["location"]["coordinates"]
        truth = _geodesic(lon, lat, p_lon, p_lat)
        assert item["distance_m"] == pytest.approx(truth, rel=0.005, abs=0.5)


def test_near_with_radius_keeps_only_sites_within_it(client: TestClient) -> None:
    lon, lat, radius = 105.692, 18.673, 25_000
    items = all_pages(client, "/v1/sites", near=f"{lon},{lat}", radius_m=radius, limit=500)
    within = [
        r for r in published_everything() if _geodesic(lon, lat, r["lon"], r["lat"]) <= radius
    ]
    assert any("slug" in r for r in within)
    assert any("slug" not in r for r in within)
    assert identities(items) == expected(within)
    assert all(i["distance_m"] <= radius for i in items)


def test_distance_matches_published_reference(client: TestClient) -> None:
    # Thành nhà Hồ → Kim Liên: 154,875.075 m on both backends (shared/design/recipes.md).
    items = client.get("/v1/sites", params={"near": "105.6047,20.0781", "q": "thanh nha ho"})
    assert items.json()["items"][0]["distance_m"] == pytest.approx(0, abs=1)
    kim_lien = client.get("/v1/sites/kim-lien").json()["location"]["coordinates"]
    assert kim_lien == [105.552, 18.6799]
    found = client.get("/v1/sites", params={"near": "105.552,18.6799", "q": "thanh nha ho"})
    citadel = next(i for i in found.json()["items"] if i["slug"] == "thanh-nha-ho")
    assert citadel["distance_m"] == pytest.approx(154_875.075, abs=1.0)


def test_geojson_by_accept_header_and_by_f(client: TestClient) -> None:
    by_header = client.get(
        "/v1/sites", params={"limit": 3}, headers={"Accept": "application/geo+json"}
    )
    by_param = client.get("/v1/sites", params={"limit": 3, "f": "geojson"})
    for response in (by_header, by_param):
        assert response.headers["content-type"].startswith("application/geo+json")
        body = response.json()
        assert body["type"] == "FeatureCollection"
        assert len(body["features"]) == 3
        feature = body["features"][0]
        assert feature["geometry"]["type"] == "Point"
        assert feature["id"] == feature["properties"]["slug"]
        assert body["next"]
    one = client.get("/v1/sites/kim-lien", params={"f": "geojson"}).json()
    assert one["type"] == "Feature"
    assert one["geometry"]["coordinates"][1] == pytest.approx(18.68, abs=0.02)


def test_json_stays_default_when_both_are_acceptable(client: TestClient) -> None:
    r = client.get(
        "/v1/sites/kim-lien", headers={"Accept": "application/json, application/geo+json"}
    )
    assert r.headers["content-type"].startswith("application/json")


def test_etag_and_304(client: TestClient) -> None:
    first = client.get("/v1/sites", params={"province": "VN-21"})
    etag = first.headers["etag"]
    again = client.get("/v1/sites", params={"province": "VN-21"}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/v1/sites", params={"province": "VN-22"}, headers={"If-None-Match": etag})
    assert other.status_code == 200
    item = client.get("/v1/sites/thanh-nha-ho")
    assert (
        client.get(
            "/v1/sites/thanh-nha-ho", headers={"If-None-Match": f"W/{item.headers['etag']}"}
        ).status_code
        == 304
    )


def test_accept_language_chooses_the_name(client: TestClient) -> None:
    vi = client.get("/v1/sites/thanh-nha-ho", headers={"Accept-Language": "vi-VN,vi;q=0.9"}).json()
    en = client.get("/v1/sites/thanh-nha-ho", headers={"Accept-Language": "en;q=0.8"}).json()
    assert vi["name"] == vi["name_vi"]
    assert en["name"] == en["name_en"]


def test_site_detail_has_the_model_fields(client: TestClient) -> None:
    site = client.get("/v1/sites/thanh-nha-ho").json()
    assert site["province"] == {
        "code": "VN-21",
        "slug": "thanh-hoa",
        "name_vi": "Thanh Hóa",
        "name_en": "Thanh Hoa",
    }
    assert site["kind"] == "attraction"
    assert "heritage" in site["categories"]
    assert site["location"] == {"type": "Point", "coordinates": [105.6047, 20.0781]}
    assert site["source"]
    assert site["version"] >= 1
    assert site["status"] == "published"
    assert set(site["suitability"]) == {
        "coach_parking",
        "motorhome_parking",
        "motorhome_overnight",
        "motorbike_only_access",
    }


# A museum in Nghệ An, flushed (not committed) into the test's transaction.
DRAFT_PLACE: dict[str, Any] = {
    "province": "VN-22",
    "name_vi": "Điểm nháp",
    "name_en": "Draft place",
    "source": "test",
    "commit": False,
}


@pytest.mark.parametrize("status", [SiteStatus.draft, SiteStatus.archived])
def test_anonymous_callers_see_only_published_sites(
    client: TestClient, session: Session, status: SiteStatus
) -> None:
    add_site(session, "diem-nhap", status, **DRAFT_PLACE)
    assert client.get("/v1/sites/diem-nhap").status_code == 404
    assert client.get("/v1/sites", params={"q": "diem nhap"}).json()["items"] == []
    items = all_pages(client, "/v1/sites", category="museum", limit=500)
    assert "diem-nhap" not in slugs(items)


def test_a_published_site_added_later_is_found(client: TestClient, session: Session) -> None:
    add_site(session, "diem-moi", SiteStatus.published, **DRAFT_PLACE)
    assert client.get("/v1/sites/diem-moi").status_code == 200
    assert slugs(client.get("/v1/sites", params={"q": "Điểm NHÁP"}).json()["items"]) == ["diem-moi"]


@pytest.mark.parametrize("origin", [(105.692, 18.673), (104.17, 19.2)])
def test_nearest_first_pages_match_a_full_geodesic_sort(
    client: TestClient, origin: tuple[float, float]
) -> None:
    # Small pages take the bounded-radius path (2 km, 8 km, … search rings) page by page;
    # the concatenation must be exactly the full nearest-first order.
    lon, lat = origin
    items = all_pages(client, "/v1/sites", near=f"{lon},{lat}", limit=4)
    records = published_everything()
    # Equal distances are ordered by slug, which the oracle knows for curated sites only:
    # no place shares its position with another published record (the one shared position
    # is two curated sites at Cửa Hội), so ties are between curated sites.
    positions = Counter((r["lon"], r["lat"]) for r in records)
    shared = {p for p, n in positions.items() if n > 1}
    assert all("slug" in r for r in records if (r["lon"], r["lat"]) in shared)
    nearest_first = sorted(
        records, key=lambda r: (_geodesic(lon, lat, r["lon"], r["lat"]), r.get("slug", ""))
    )
    assert [served_identity(i) for i in items] == [identity(r) for r in nearest_first]
