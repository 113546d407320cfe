"""Mobile and partner sync on both backends: snapshot, edits, tombstones, paging, tokens,
conditional requests, and the offline bundle."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.conftest import OWN, Accounts
from tests.api.tour_fixtures import created as created_tour
from tests.api.tour_fixtures import etag_of as tour_etag
from tests.api.tour_fixtures import published as published_tour
from tests.builders import assert_problem, etag_of, new_site_body
from tourroute.api.paging import CursorCodec
from tourroute.sites.domain import SiteStatus
from tourroute.sites.models import Site
from tourroute.sync.router import settle_window
from tourroute.tours.domain import TourStatus
from tourroute.tours.models import Tour

CURATOR = "curator-own"


@pytest.fixture
def sync_client(client: TestClient) -> TestClient:
    """The client, with no settle window: a change is visible to sync as soon as it is made."""
    cast(FastAPI, client.app).dependency_overrides[settle_window] = lambda: timedelta(0)
    return client


def _published(session: Session) -> set[tuple[str, str]]:
    """(type, id) of everything published: sites and tours."""
    sites = session.scalars(select(Site.slug).where(Site.status == SiteStatus.published))
    tours = session.scalars(select(Tour.slug).where(Tour.status == TourStatus.published))
    return {("site", slug) for slug in sites} | {("tour", slug) for slug in tours}


def _own_published(session: Session) -> str:
    slug: str = session.scalars(
        select(Site.slug)
        .where(Site.status == SiteStatus.published, Site.province_code == OWN)
        .order_by(Site.slug)
        .limit(1)
    ).one()
    return slug


def _sync(client: TestClient, since: str | None = None, **params: Any) -> dict[str, Any]:
    if since is not None:
        params["since"] = since
    response = client.get("/v1/sync", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["etag"]
    body: dict[str, Any] = response.json()
    return body


def _drain(client: TestClient, since: str | None = None, limit: int = 500) -> dict[str, Any]:
    """Follow ``more`` to the end; every page's entries in order, and the last token."""
    out: dict[str, Any] = {"created": [], "updated": [], "deleted": [], "pages": 0}
    while True:
        page = _sync(client, since, limit=limit)
        out["pages"] += 1
        for key in ("created", "updated", "deleted"):
            out[key].extend(page[key])
        since = page["next"]
        if not page["more"]:
            out["next"] = since
            return out


def _ids(features: list[dict[str, Any]]) -> list[str]:
    return [f["id"] for f in features]


def _keys(features: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(f["featureType"], f["id"]) for f in features]


def _step(client: TestClient, accounts: Accounts, slug: str, step: str) -> None:
    etag = etag_of(client, accounts, slug)
    response = client.post(
        f"/v1/sites/{slug}/{step}", headers=accounts.headers(CURATOR, **{"If-Match": etag})
    )
    assert response.status_code == 200, response.text


def _patch(client: TestClient, accounts: Accounts, slug: str, body: dict[str, Any]) -> None:
    etag = etag_of(client, accounts, slug)
    response = client.patch(
        f"/v1/sites/{slug}", json=body, headers=accounts.headers(CURATOR, **{"If-Match": etag})
    )
    assert response.status_code == 200, response.text


# --- snapshot -------------------------------------------------------------------------------


def test_full_snapshot_is_the_published_set(sync_client: TestClient, session: Session) -> None:
    # With the seed's places there are more published sites than the largest page (500):
    # the snapshot comes in pages, and all of them together are the published set.
    first = _sync(sync_client, limit=500)
    assert first["more"]
    assert len(first["created"]) == 500
    body = _drain(sync_client, limit=500)
    published = _published(session)
    assert len(published) > 10
    assert {t for t, _ in published} == {"site", "tour"}
    assert body["pages"] == -(-len(published) // 500)
    assert sorted(_keys(body["created"])) == sorted(published)
    assert (body["updated"], body["deleted"]) == ([], [])
    feature = next(f for f in body["created"] if f["featureType"] == "site")
    assert feature["type"] == "Feature"
    assert feature["featureType"] == "site"
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["status"] == "published"
    assert feature["properties"]["slug"] == feature["id"]
    # Nothing changed: polling again from the token finds nothing.
    again = _sync(sync_client, body["next"])
    assert (again["created"], again["updated"], again["deleted"], again["more"]) == (
        [],
        [],
        [],
        False,
    )
    assert again["next"] == body["next"]


def test_paging_sends_every_change_exactly_once(
    sync_client: TestClient, session: Session, accounts: Accounts
) -> None:
    whole = _drain(sync_client, limit=7)
    assert whole["pages"] > 2
    assert len(whole["created"]) == len(set(_keys(whole["created"])))
    assert set(_keys(whole["created"])) == _published(session)
    # Several changes (some written in one request, so sharing a timestamp), paged one by one.
    slugs = session.scalars(
        select(Site.slug)
        .where(Site.status == SiteStatus.published, Site.province_code == OWN)
        .order_by(Site.slug)
        .limit(3)
    ).all()
    for slug in slugs:
        _patch(sync_client, accounts, slug, {"interest_score": 77})
    _step(sync_client, accounts, slugs[0], "archive")
    changes = _drain(sync_client, whole["next"], limit=1)
    assert changes["pages"] == 3
    assert changes["created"] == []
    assert sorted(_ids(changes["updated"])) == sorted(slugs[1:])
    assert [d["id"] for d in changes["deleted"]] == [slugs[0]]


# --- incremental ----------------------------------------------------------------------------


def test_an_edit_comes_back_as_updated(
    sync_client: TestClient, session: Session, accounts: Accounts
) -> None:
    token = _drain(sync_client)["next"]
    slug = _own_published(session)
    _patch(sync_client, accounts, slug, {"name_en": "Renamed for sync"})
    body = _sync(sync_client, token)
    assert (body["created"], body["deleted"], body["more"]) == ([], [], False)
    assert _ids(body["updated"]) == [slug]
    assert body["updated"][0]["properties"]["name_en"] == "Renamed for sync"
    assert body["updated"][0]["properties"]["version"] == 2
    assert _ids(_sync(sync_client, body["next"])["updated"]) == []


def test_archiving_makes_a_tombstone(
    sync_client: TestClient, session: Session, accounts: Accounts
) -> None:
    token = _drain(sync_client)["next"]
    slug = _own_published(session)
    _step(sync_client, accounts, slug, "archive")
    body = _sync(sync_client, token)
    assert (body["created"], body["updated"]) == ([], [])
    assert len(body["deleted"]) == 1
    tombstone = body["deleted"][0]
    assert (tombstone["type"], tombstone["id"]) == ("site", slug)
    assert tombstone["at"].endswith("+07:00")
    # The next snapshot no longer has it.
    assert slug not in _ids(_drain(sync_client)["created"])


def test_a_site_created_and_published_is_created(
    sync_client: TestClient, accounts: Accounts
) -> None:
    token = _drain(sync_client)["next"]
    for slug in ("diem-dong-bo", "nhap-chua-dang"):
        response = sync_client.post(
            "/v1/sites", json=new_site_body(slug), headers=accounts.headers(CURATOR)
        )
        assert response.status_code == 201, response.text
    _step(sync_client, accounts, "diem-dong-bo", "submit")
    _step(sync_client, accounts, "diem-dong-bo", "publish")
    body = _sync(sync_client, token)
    assert _ids(body["created"]) == ["diem-dong-bo"]
    # The draft that never was published is no tombstone: no phone has it.
    assert (body["updated"], body["deleted"]) == ([], [])
    # Withdrawn again: the phones that got it must drop it.
    _step(sync_client, accounts, "diem-dong-bo", "archive")
    later = _sync(sync_client, body["next"])
    assert [(d["type"], d["id"]) for d in later["deleted"]] == [("site", "diem-dong-bo")]


def test_recent_changes_wait_for_the_settle_window(
    client: TestClient, session: Session, accounts: Accounts
) -> None:
    # With the real window, a write made a moment ago is not sent yet, so that a slower
    # transaction stamped just before it cannot commit behind a client's position.
    token = _drain(client)["next"]
    _patch(client, accounts, _own_published(session), {"interest_score": 42})
    body = _sync(client, token)
    assert (body["created"], body["updated"], body["deleted"]) == ([], [], [])
    assert body["next"] == token


def test_tours_are_synced_too(sync_client: TestClient, accounts: Accounts) -> None:
    token = _drain(sync_client)["next"]
    published_tour(sync_client, accounts, "tour-dong-bo")
    draft = created_tour(sync_client, accounts, "tour-nhap")
    body = _sync(sync_client, token)
    assert _keys(body["created"]) == [("tour", "tour-dong-bo")]
    assert body["created"][0]["geometry"]["type"] == "MultiLineString"
    assert (body["updated"], body["deleted"]) == ([], [])
    for slug, etag in (
        ("tour-dong-bo", tour_etag(sync_client, accounts, "tour-dong-bo")),
        ("tour-nhap", draft),
    ):
        response = sync_client.post(
            f"/v1/tours/{slug}/archive", headers=accounts.headers("admin", **{"If-Match": etag})
        )
        assert response.status_code == 200, response.text
    later = _sync(sync_client, body["next"])
    # Only the tour that was public leaves a tombstone; the draft never reached a phone.
    assert [(d["type"], d["id"]) for d in later["deleted"]] == [("tour", "tour-dong-bo")]
    assert (later["created"], later["updated"]) == ([], [])


# --- tokens and conditional requests --------------------------------------------------------


def test_forged_and_foreign_tokens_are_422(sync_client: TestClient) -> None:
    token = _sync(sync_client, limit=3)["next"]
    body, signature = token.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + signature
    cursor = CursorCodec(sync_client.app.state.settings.cursor_secret).encode(0, "x")  # type: ignore[attr-defined]
    for bad in (forged, cursor, "garbage", token + "x", "." + signature):
        assert_problem(sync_client.get("/v1/sync", params={"since": bad}), 422, "since")
    assert_problem(sync_client.get("/v1/sync", params={"limit": 0}), 422)


def test_unchanged_poll_is_304(sync_client: TestClient, accounts: Accounts) -> None:
    token = _drain(sync_client)["next"]
    first = sync_client.get("/v1/sync", params={"since": token})
    etag = first.headers["etag"]
    same = sync_client.get("/v1/sync", params={"since": token}, headers={"If-None-Match": etag})
    assert same.status_code == 304
    assert same.content == b""


# --- bundle ---------------------------------------------------------------------------------


def _raw_bundle(client: TestClient, **headers: str) -> tuple[int, dict[str, str], bytes]:
    with client.stream("GET", "/v1/bundle", headers=headers) as response:
        raw = b"".join(response.iter_raw())
        return response.status_code, dict(response.headers), raw


def test_bundle_is_gzipped_geojson_of_everything_published(
    sync_client: TestClient, session: Session
) -> None:
    status, headers, raw = _raw_bundle(sync_client, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["content-type"].startswith("application/geo+json")
    assert "max-age" in headers["cache-control"]
    assert "Accept-Encoding" in headers["vary"]
    collection = json.loads(gzip.decompress(raw))
    assert collection["type"] == "FeatureCollection"
    assert sorted(_keys(collection["features"])) == sorted(_published(session))
    assert collection["numberReturned"] == len(collection["features"])
    tour = next(f for f in collection["features"] if f["featureType"] == "tour")
    assert tour["geometry"]["type"] == "MultiLineString"
    assert tour["properties"]["slug"] == tour["id"]
    assert tour["properties"]["days"]
    # Plain when gzip is not accepted; the same content under its own strong ETag.
    status, plain_headers, plain = _raw_bundle(sync_client, **{"Accept-Encoding": "identity"})
    assert status == 200
    assert "content-encoding" not in plain_headers
    assert json.loads(plain) == collection
    assert plain_headers["etag"] != headers["etag"]
    assert len(raw) * 3 < len(plain)
    # Revalidation.
    for etag in (headers["etag"], plain_headers["etag"]):
        again = sync_client.get("/v1/bundle", headers={"If-None-Match": etag})
        assert again.status_code == 304
    # The bundle's token continues with /v1/sync: nothing new.
    body = _sync(sync_client, collection["sync"]["next"])
    assert (body["created"], body["updated"], body["deleted"], body["more"]) == (
        [],
        [],
        [],
        False,
    )


def test_bundle_token_sees_later_changes(
    sync_client: TestClient, session: Session, accounts: Accounts
) -> None:
    before = sync_client.get("/v1/bundle")
    token = before.json()["sync"]["next"]
    slug = _own_published(session)
    _patch(sync_client, accounts, slug, {"interest_score": 12})
    after = sync_client.get("/v1/bundle", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert _ids(_sync(sync_client, token)["updated"]) == [slug]
