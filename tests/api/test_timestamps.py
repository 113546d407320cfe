"""Every timestamp the API answers with is ISO 8601 with the local offset, +07:00.

The API convention: "times ISO 8601 with offset, local time zone Asia/Ho_Chi_Minh
(+07:00)". One representative endpoint of each family is read and its JSON walked whole:
every string that is a date-time (a date, ``T``, a time) must carry ``+07:00`` — not naive
UTC (what SQLite hands back), not ``+00:00``, not ``Z``. Runs on both backends.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.conftest import Accounts
from tests.api.tour_fixtures import create_tour
from tests.builders import new_site_body
from tourroute.localtime import (
    as_local_instant,
    local_datetime,
    localize_document,
    to_local,
)
from tourroute.sync.router import settle_window

# A date, then T (or the space of str(datetime)), then at least HH:MM.
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
LOCAL = timedelta(hours=7)
CURATOR = "curator-own"
ITINERARY = {
    "start": "thanh-nha-ho",
    "end": "thien-cam",
    "start_date": "2026-12-04",
    "days": 3,
    "must_visit": ["kim-lien"],
    "themes": {"heritage": 2},
    "max_candidates": 5,
}
SEEDED_TOUR = "di-san-thanh-hoa-nghe-an-ha-tinh"
SEEDED_SEGMENT = "ct01-0002"


def date_times(value: Any, path: str = "$") -> list[tuple[str, str]]:
    """(JSON path, string) of every date-time string anywhere in ``value``."""
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in date_times(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [hit for i, v in enumerate(value) for hit in date_times(v, f"{path}[{i}]")]
    if isinstance(value, str) and DATE_TIME.match(value):
        return [(path, value)]
    return []


def _not_local(value: str) -> bool:
    if not value.endswith("+07:00"):
        return True
    try:
        return datetime.fromisoformat(value).utcoffset() != LOCAL
    except ValueError:
        return True


def assert_local(body: Any, *expected: str) -> list[tuple[str, str]]:
    """Every date-time in ``body`` is in +07:00; the members named ``expected`` are there."""
    found = date_times(body)
    wrong = [(path, value) for path, value in found if _not_local(value)]
    assert not wrong, f"{len(wrong)} timestamps without +07:00, e.g. {wrong[:5]}"
    names = {path.rsplit(".", 1)[-1] for path, _ in found}
    missing = set(expected) - names
    assert not missing, f"no timestamps named {sorted(missing)} among {sorted(names)}"
    return found


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_the_walker_finds_every_style() -> None:
    body = {
        "a": "2026-12-04T08:00:00+07:00",
        "b": [{"c": "2026-12-04T01:00:00+00:00"}, "2026-12-04 01:00:00", "2026-12-04"],
        "d": {"e": "2026-12-04T01:00:00Z", "f": "08:00", "g": "not a time"},
    }
    assert [p for p, _ in date_times(body)] == ["$.a", "$.b[0].c", "$.b[1]", "$.d.e"]
    assert [p for p, v in date_times(body) if _not_local(v)] == ["$.b[0].c", "$.b[1]", "$.d.e"]


def test_the_local_time_helpers() -> None:
    naive_utc = datetime(2026, 12, 4, 1, 30)  # as SQLite hands a UTC instant back
    assert to_local(naive_utc).isoformat() == "2026-12-04T08:30:00+07:00"
    assert to_local(naive_utc.replace(tzinfo=UTC)) == to_local(naive_utc)
    # What a client sends: naive is local time, an offset is honoured.
    assert as_local_instant(datetime(2026, 12, 4, 8, 30)).isoformat() == (
        "2026-12-04T08:30:00+07:00"
    )
    assert as_local_instant(naive_utc.replace(tzinfo=UTC)).isoformat() == (
        "2026-12-04T08:30:00+07:00"
    )
    # +07:00 on every date, even before 1975 (when the IANA zone says Saigon had +08:00).
    assert local_datetime(date(1970, 1, 1), time(8)).isoformat() == "1970-01-01T08:00:00+07:00"
    doc = {"a": ["2026-12-04T01:30:00+00:00", "2026-12-04T01:30:00"], "b": "08:00", "c": 1}
    assert localize_document(doc) == {
        "a": ["2026-12-04T08:30:00+07:00", "2026-12-04T01:30:00"],
        "b": "08:00",
        "c": 1,
    }


def test_sites_and_their_history(client: TestClient, accounts: Accounts) -> None:
    assert_local(_ok(client.get("/v1/sites/thanh-nha-ho")), "created_at", "updated_at")
    assert_local(_ok(client.get("/v1/sites", params={"limit": 20})), "created_at")
    geo = client.get("/v1/sites", params={"limit": 20, "f": "geojson"})
    assert_local(_ok(geo), "created_at")
    # A curator's site, as written (aware in the session) and as read back (from the row).
    created = client.post(
        "/v1/sites", json=new_site_body("gio-dia-phuong"), headers=accounts.headers(CURATOR)
    )
    assert_local(_ok(created, 201), "created_at", "updated_at", "at")
    curated = client.get("/v1/curation/sites/gio-dia-phuong", headers=accounts.headers(CURATOR))
    assert_local(_ok(curated), "created_at", "updated_at", "at")
    listing = client.get("/v1/curation/sites", headers=accounts.headers(CURATOR))
    assert_local(_ok(listing), "created_at", "updated_at")


def test_road_segments(client: TestClient, accounts: Accounts) -> None:
    got = client.get(f"/v1/roads/segments/{SEEDED_SEGMENT}", headers=accounts.headers("admin"))
    segment = _ok(got)
    assert_local(segment, "created_at", "updated_at")
    patched = client.patch(
        f"/v1/roads/segments/{SEEDED_SEGMENT}",
        json={"maxspeed_kph": 50},
        headers=accounts.headers("admin", **{"If-Match": got.headers["etag"]}),
    )
    assert_local(_ok(patched), "created_at", "updated_at")


def test_itineraries_as_composed_and_as_stored(client: TestClient) -> None:
    composed = _ok(client.post("/v1/itineraries", json=ITINERARY), 201)
    assert_local(composed, "created_at", "arrival", "departure")
    stored = _ok(client.get(f"/v1/itineraries/{composed['id']}"))
    assert_local(stored, "created_at", "arrival", "departure")
    assert stored["created_at"] == composed["created_at"]
    geojson = client.get(f"/v1/itineraries/{composed['id']}.geojson")
    assert_local(_ok(geojson), "arrival")


def test_tours_and_their_versions(client: TestClient, accounts: Accounts) -> None:
    assert_local(_ok(client.get(f"/v1/tours/{SEEDED_TOUR}")), "created_at", "arrival")
    assert_local(_ok(client.get("/v1/tours", params={"limit": 10})), "created_at", "updated_at")
    assert_local(_ok(client.get(f"/v1/tours/{SEEDED_TOUR}.jsonld")))
    assert_local(_ok(client.get(f"/v1/tours/{SEEDED_TOUR}.geojson")))
    assert_local(_ok(create_tour(client, accounts, "gio-tour"), 201), "created_at", "arrival")
    versions = client.get("/v1/tours/gio-tour/versions", headers=accounts.headers("admin"))
    assert_local(_ok(versions), "at")
    first = client.get("/v1/tours/gio-tour/versions/1", headers=accounts.headers("admin"))
    assert_local(_ok(first), "at", "created_at", "arrival")


def test_audit_log_and_its_documents(client: TestClient, accounts: Accounts) -> None:
    # The accounts fixture issued and revoked tokens: their entries carry expires_at etc.
    created = client.post(
        "/v1/sites", json=new_site_body("gio-nhat-ky"), headers=accounts.headers(CURATOR)
    )
    _ok(created, 201)
    body = _ok(client.get("/v1/audit", params={"limit": 500}, headers=accounts.headers("admin")))
    assert_local(body, "at", "created_at", "expires_at", "revoked_at")


@pytest.mark.parametrize(
    "since",
    ["2020-01-01T00:00:00", "2020-01-01T00:00:00+07:00", "2019-12-31T17:00:00+00:00"],
)
def test_audit_since_takes_naive_local_and_offset_forms(
    client: TestClient, accounts: Accounts, since: str
) -> None:
    body = client.get(
        "/v1/audit", params={"limit": 5, "since": since}, headers=accounts.headers("admin")
    )
    assert_local(_ok(body), "at")


def test_me(client: TestClient, accounts: Accounts) -> None:
    for role in ("admin", "curator-own", "agency"):
        assert_local(_ok(client.get("/v1/me", headers=accounts.headers(role))))


def _drain(client: TestClient, since: str | None = None) -> dict[str, Any]:
    """Follow ``more`` to the end, checking every page; the last page."""
    while True:
        params: dict[str, Any] = {"limit": 500} | ({"since": since} if since else {})
        page: dict[str, Any] = _ok(client.get("/v1/sync", params=params))
        assert_local(page)
        if not page["more"]:
            return page
        since = page["next"]


def test_sync_and_bundle(client: TestClient, accounts: Accounts) -> None:
    cast(FastAPI, client.app).dependency_overrides[settle_window] = lambda: timedelta(0)
    assert_local(_ok(client.get("/v1/sync", params={"limit": 50})), "created_at", "updated_at")
    token = _drain(client)["next"]
    slug = "thanh-nha-ho"
    read = client.get(f"/v1/curation/sites/{slug}", headers=accounts.headers(CURATOR))
    archived = client.post(
        f"/v1/sites/{slug}/archive",
        headers=accounts.headers(CURATOR, **{"If-Match": read.headers["etag"]}),
    )
    _ok(archived)
    deleted = _drain(client, token)["deleted"]
    assert [d["id"] for d in deleted] == [slug]
    assert_local(deleted, "at")
    bundle = client.get("/v1/bundle", headers={"Accept-Encoding": "identity"})
    assert_local(_ok(bundle), "created_at")


def test_ogc_features_properties(client: TestClient) -> None:
    for collection in ("sites", "tours"):
        items = _ok(client.get(f"/ogc/collections/{collection}/items", params={"limit": 10}))
        assert_local([f["properties"] for f in items["features"]], "created_at")
