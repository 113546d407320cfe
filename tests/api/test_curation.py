"""Curation writes on both backends: drafts, merge patches, the workflow, and optimistic
concurrency (If-Match, 428/412, and the version counter under a real race)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tests.api.conftest import OWN, Accounts
from tests.builders import add_site, assert_problem, etag_of, new_site_body
from tests.conftest import Database
from tourroute.accounts.models import Principal
from tourroute.accounts.service import AccountService
from tourroute.app import create_app
from tourroute.db.audit import AuditEntry
from tourroute.db.base import utcnow
from tourroute.sites.curation import CurationService
from tourroute.sites.domain import SiteStatus
from tourroute.sites.models import Site, SiteTransition

CURATOR = "curator-own"


def _create(client: TestClient, accounts: Accounts, slug: str, **changes: Any) -> Any:
    return client.post(
        "/v1/sites", json=new_site_body(slug, **changes), headers=accounts.headers(CURATOR)
    )


def _patch(
    client: TestClient, accounts: Accounts, slug: str, body: dict[str, Any], etag: str | None
) -> Any:
    headers = accounts.headers(CURATOR, **({"If-Match": etag} if etag else {}))
    return client.patch(f"/v1/sites/{slug}", json=body, headers=headers)


def _step(client: TestClient, accounts: Accounts, slug: str, step: str, etag: str) -> Any:
    return client.post(
        f"/v1/sites/{slug}/{step}", headers=accounts.headers(CURATOR, **{"If-Match": etag})
    )


# --- create ---------------------------------------------------------------------------------


def test_create_makes_a_private_draft(client: TestClient, accounts: Accounts) -> None:
    response = _create(client, accounts, "diem-moi-ham-rong")
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/v1/curation/sites/diem-moi-ham-rong"
    etag = response.headers["etag"]
    assert etag.startswith('"v1-')
    body = response.json()
    assert body["status"] == "draft"
    assert body["province"]["code"] == OWN
    assert body["location"] == {"type": "Point", "coordinates": [105.7905, 19.8398]}
    assert [(w["from_status"], w["to_status"], w["by"]) for w in body["workflow"]] == [
        (None, "draft", "curator-th")
    ]
    assert body["workflow"][0]["at"].endswith("+07:00")
    # Not public; visible to curators at Location, with the same ETag.
    assert client.get("/v1/sites/diem-moi-ham-rong").status_code == 404
    assert client.get("/v1/sites", params={"q": "diem moi ham rong"}).json()["items"] == []
    again = client.get(response.headers["location"], headers=accounts.headers(CURATOR))
    assert (again.status_code, again.headers["etag"]) == (200, etag)
    assert again.headers["cache-control"].startswith("private")
    not_modified = client.get(
        response.headers["location"], headers=accounts.headers(CURATOR, **{"If-None-Match": etag})
    )
    assert not_modified.status_code == 304
    # Search keys are computed as for the seed: accent-insensitive in the curation list.
    found = client.get(
        "/v1/curation/sites", params={"q": "Diem moi"}, headers=accounts.headers(CURATOR)
    ).json()["items"]
    assert [s["slug"] for s in found] == ["diem-moi-ham-rong"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"location": {"type": "Point", "coordinates": [105.69, 18.67]}}, "location"),  # Vinh
        ({"opening_hours": "Mo-Xx 25:00"}, "opening_hours"),
        ({"status": "published"}, "status"),
        ({"colour": "red"}, "colour"),
        ({"categories": ["heritage", "heritage"]}, "categories"),
        ({"location": {"type": "Point", "coordinates": [19.8, 105.7]}}, "location.coordinates.1"),
        (
            {
                "footprint": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [105.79, 19.83],
                            [105.80, 19.84],
                            [105.80, 19.83],
                            [105.79, 19.84],
                            [105.79, 19.83],
                        ]
                    ],
                }
            },
            "footprint.coordinates",
        ),
        ({"slug": "Not A Slug"}, "slug"),
    ],
)
def test_create_rejects_bad_input_naming_the_field(
    client: TestClient, accounts: Accounts, changes: dict[str, Any], field: str
) -> None:
    changes = dict(changes)
    response = _create(client, accounts, changes.pop("slug", "diem-hong"), **changes)
    body = assert_problem(response, 422)
    names = {e["name"] for e in body["errors"]}
    assert any(n == field or n.startswith(field) for n in names), body
    assert client.get(
        "/v1/curation/sites/diem-hong", headers=accounts.headers(CURATOR)
    ).status_code in (404, 422)


def test_a_point_outside_the_province_says_how_far(client: TestClient, accounts: Accounts) -> None:
    body = assert_problem(
        _create(
            client,
            accounts,
            "diem-ngoai",
            location={"type": "Point", "coordinates": [105.69, 18.67]},
        ),
        422,
        "location",
    )
    assert "km outside Thanh Hoa (VN-21)" in body["errors"][0]["reason"]


def test_duplicate_slug_is_409(client: TestClient, accounts: Accounts) -> None:
    assert_problem(_create(client, accounts, "thanh-nha-ho"), 409)


def test_admins_create_in_any_province(client: TestClient, accounts: Accounts) -> None:
    body = new_site_body(
        "diem-vinh", province="VN-22", location={"type": "Point", "coordinates": [105.69, 18.67]}
    )
    response = client.post("/v1/sites", json=body, headers=accounts.headers("admin"))
    assert response.status_code == 201, response.text
    other = client.post(
        "/v1/sites", json={**body, "slug": "diem-vinh-2"}, headers=accounts.headers(CURATOR)
    )
    assert_problem(other, 403)


# --- patch ----------------------------------------------------------------------------------


@pytest.fixture
def draft(client: TestClient, accounts: Accounts) -> tuple[str, str]:
    response = _create(client, accounts, "diem-sua", district="Hàm Rồng", ticket_price_vnd=20000)
    assert response.status_code == 201, response.text
    return "diem-sua", response.headers["etag"]


def test_patch_requires_if_match(
    client: TestClient, accounts: Accounts, draft: tuple[str, str]
) -> None:
    slug, etag = draft
    assert_problem(_patch(client, accounts, slug, {"district": "x"}, None), 428)
    assert_problem(_patch(client, accounts, slug, {"district": "x"}, "*"), 428)
    assert_problem(_patch(client, accounts, slug, {"district": "x"}, f"W/{etag}"), 412)
    assert_problem(_patch(client, accounts, slug, {"district": "x"}, '"v99-0123456789abcdef"'), 412)
    assert_problem(_patch(client, accounts, slug, {"district": "x"}, '"garbage"'), 412)
    unchanged = client.get(f"/v1/curation/sites/{slug}", headers=accounts.headers(CURATOR))
    assert unchanged.json()["district"] == "Hàm Rồng"
    assert unchanged.headers["etag"] == etag


def test_patch_is_a_json_merge_patch(
    client: TestClient, accounts: Accounts, draft: tuple[str, str]
) -> None:
    slug, etag = draft
    response = client.patch(
        f"/v1/sites/{slug}",
        content=b'{"district": null, "ticket_price_vnd": null, "name_en": "Renamed",'
        b' "location": {"type": "Point", "coordinates": [105.7911, 19.8402]}}',
        headers=accounts.headers(
            CURATOR, **{"If-Match": etag, "Content-Type": "application/merge-patch+json"}
        ),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["district"] is None  # null clears
    assert body["ticket_price_vnd"] is None
    assert body["name_en"] == "Renamed"
    assert body["name_vi"] == "Điểm mới Hàm Rồng"  # absent: kept
    assert body["location"]["coordinates"] == [105.7911, 19.8402]
    assert body["version"] == 2
    assert response.headers["etag"].startswith('"v2-')
    assert response.headers["etag"] != etag
    found = client.get(
        "/v1/curation/sites", params={"q": "renamed"}, headers=accounts.headers(CURATOR)
    ).json()["items"]
    assert [s["slug"] for s in found] == [slug]  # search keys follow the names


def test_a_category_only_edit_bumps_the_version(
    client: TestClient, accounts: Accounts, draft: tuple[str, str]
) -> None:
    slug, etag = draft
    response = _patch(client, accounts, slug, {"categories": ["museum", "heritage"]}, etag)
    assert response.status_code == 200, response.text
    assert response.json()["categories"] == ["heritage", "museum"]
    assert response.json()["version"] == 2
    # the old ETag is now stale
    assert_problem(_patch(client, accounts, slug, {"district": "x"}, etag), 412)


def test_a_no_op_patch_changes_nothing(
    client: TestClient, accounts: Accounts, draft: tuple[str, str]
) -> None:
    slug, etag = draft
    response = _patch(client, accounts, slug, {"district": "Hàm Rồng"}, etag)
    assert (response.status_code, response.headers["etag"]) == (200, etag)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name_vi": None}, "name_vi"),  # required: cannot be cleared
        ({"slug": "new-slug"}, "slug"),  # the id is stable
        ({"status": "published"}, "status"),  # only through the workflow
        ({"unknown": 1}, "unknown"),
        ({"interest_score": 101}, "interest_score"),
        ({"location": {"type": "Point", "coordinates": [105.69, 18.67]}}, "location"),
        ({"opening_hours": "sometimes"}, "opening_hours"),
        ({"location": {"type": "LineString", "coordinates": [[105, 19], [106, 20]]}}, "location"),
    ],
)
def test_patch_rejects_bad_input_naming_the_field(
    client: TestClient, accounts: Accounts, draft: tuple[str, str], body: dict[str, Any], field: str
) -> None:
    slug, etag = draft
    problem = assert_problem(_patch(client, accounts, slug, body, etag), 422)
    assert any(e["name"].startswith(field) for e in problem["errors"]), problem
    assert etag_of(client, accounts, slug) == etag  # nothing written


def test_moving_a_site_to_another_province(
    client: TestClient, accounts: Accounts, draft: tuple[str, str]
) -> None:
    slug, etag = draft
    to_vinh = {"province": "VN-22", "location": {"type": "Point", "coordinates": [105.69, 18.67]}}
    assert_problem(_patch(client, accounts, slug, to_vinh, etag), 403)  # not the curator's
    response = client.patch(
        f"/v1/sites/{slug}", json=to_vinh, headers=accounts.headers("admin", **{"If-Match": etag})
    )
    assert response.status_code == 200, response.text
    assert response.json()["province"]["code"] == "VN-22"
    # now the other curator's site
    etag = response.headers["etag"]
    assert_problem(_patch(client, accounts, slug, {"district": "x"}, etag), 403)


def test_unknown_site_is_404(client: TestClient, accounts: Accounts) -> None:
    assert_problem(_patch(client, accounts, "khong-co", {}, '"v1-0123456789abcdef"'), 404)
    assert_problem(_step(client, accounts, "khong-co", "submit", '"v1-0123456789abcdef"'), 404)


# --- the workflow -------------------------------------------------------------------------------


def test_draft_to_published_to_archived(client: TestClient, accounts: Accounts) -> None:
    created = _create(client, accounts, "diem-quy-trinh")
    etag = created.headers["etag"]
    assert_problem(_step(client, accounts, "diem-quy-trinh", "publish", etag), 409)

    submitted = _step(client, accounts, "diem-quy-trinh", "submit", etag)
    assert (submitted.status_code, submitted.json()["status"]) == (200, "in_review")
    assert client.get("/v1/sites/diem-quy-trinh").status_code == 404
    assert_problem(
        _step(client, accounts, "diem-quy-trinh", "submit", submitted.headers["etag"]), 409
    )

    published = _step(client, accounts, "diem-quy-trinh", "publish", submitted.headers["etag"])
    assert (published.status_code, published.json()["status"]) == (200, "published")
    public = client.get("/v1/sites/diem-quy-trinh")
    assert public.status_code == 200
    assert public.json()["status"] == "published"
    # The public ETag names the same version, so it works as If-Match too.
    assert public.headers["etag"].split("-")[0] == published.headers["etag"].split("-")[0]
    edited = _patch(
        client, accounts, "diem-quy-trinh", {"interest_score": 70}, public.headers["etag"]
    )
    assert edited.status_code == 200, edited.text
    assert client.get("/v1/sites/diem-quy-trinh").json()["interest_score"] == 70

    archived = _step(client, accounts, "diem-quy-trinh", "archive", edited.headers["etag"])
    assert (archived.status_code, archived.json()["status"]) == (200, "archived")
    assert client.get("/v1/sites/diem-quy-trinh").status_code == 404
    steps = [(w["from_status"], w["to_status"], w["by"]) for w in archived.json()["workflow"]]
    assert steps == [
        (None, "draft", "curator-th"),
        ("draft", "in_review", "curator-th"),
        ("in_review", "published", "curator-th"),
        ("published", "archived", "curator-th"),
    ]
    # Archived is final: no edits, no steps.
    final = archived.headers["etag"]
    assert_problem(_patch(client, accounts, "diem-quy-trinh", {"district": "x"}, final), 409)
    for step in ("submit", "publish", "archive"):
        assert_problem(_step(client, accounts, "diem-quy-trinh", step, final), 409)


def test_a_draft_can_be_archived(client: TestClient, accounts: Accounts) -> None:
    created = _create(client, accounts, "diem-bo")
    response = _step(client, accounts, "diem-bo", "archive", created.headers["etag"])
    assert response.json()["status"] == "archived"


def _all_pages(
    client: TestClient, url: str, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    """Every item of a list, following ``next``."""
    response = client.get(url, params=params, headers=headers)
    items: list[dict[str, Any]] = []
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        if not body["next"]:
            return items
        response = client.get(body["next"], headers=headers)


def test_curators_list_their_province_in_any_status(
    client: TestClient, session: Session, accounts: Accounts
) -> None:
    add_site(session, "nhap-th", SiteStatus.draft)
    add_site(session, "xet-th", SiteStatus.in_review)
    add_site(session, "nhap-na", SiteStatus.draft, province="VN-22")
    headers = accounts.headers(CURATOR)
    # The seed's places put more sites in a province than one page holds: follow the pages.
    mine = _all_pages(client, "/v1/curation/sites", headers, limit=500)
    slugs = {s["slug"] for s in mine}
    assert len(slugs) == len(mine)
    assert {"nhap-th", "xet-th", "thanh-nha-ho"} <= slugs
    assert "nhap-na" not in slugs
    assert {s["province"]["code"] for s in mine} == {OWN}
    # Any status: drafts are nhap-th and the seed's attractions from seed/places.
    assert {s["status"] for s in mine} == {"published", "draft", "in_review"}
    assert len([s for s in mine if s["status"] == "draft"]) > 1
    waiting = _all_pages(
        client, "/v1/curation/sites", headers, status=["draft", "in_review"], limit=500
    )
    assert {s["slug"] for s in waiting} == {"nhap-th", "xet-th"} | {
        s["slug"] for s in mine if s["status"] in ("draft", "in_review")
    }
    assert_problem(
        client.get("/v1/curation/sites", params={"province": "nghe-an"}, headers=headers), 403
    )
    assert_problem(client.get("/v1/curation/sites/nhap-na", headers=headers), 403)
    everything = _all_pages(client, "/v1/curation/sites", accounts.headers("admin"), limit=500)
    assert {"nhap-th", "xet-th", "nhap-na"} <= {s["slug"] for s in everything}
    assert {s["province"]["code"] for s in everything} == {"VN-21", "VN-22", "VN-23"}


def test_curation_list_pages(client: TestClient, accounts: Accounts) -> None:
    headers = accounts.headers(CURATOR)
    seen: list[str] = []
    url: str | None = "/v1/curation/sites?limit=7"
    while url:
        body = client.get(url, headers=headers).json()
        seen.extend(s["slug"] for s in body["items"])
        url = body["next"]
    everything = client.get("/v1/curation/sites?limit=500", headers=headers).json()["items"]
    assert seen == [s["slug"] for s in everything]
    assert len(set(seen)) == len(seen)


def test_public_reads_still_hide_unpublished_sites(
    client: TestClient, session: Session, accounts: Accounts
) -> None:
    add_site(session, "dang-xet", SiteStatus.in_review)
    assert client.get("/v1/sites/dang-xet").status_code == 404
    assert client.get("/v1/sites", params={"q": "diem thu"}).json()["items"] == []
    counts = {p["code"]: p["published_sites"] for p in client.get("/v1/provinces").json()["items"]}
    before = counts[OWN]
    add_site(session, "da-dang", SiteStatus.published)
    counts = {p["code"]: p["published_sites"] for p in client.get("/v1/provinces").json()["items"]}
    assert counts[OWN] == before + 1


# --- optimistic concurrency -------------------------------------------------------------------


def test_two_editors_with_the_same_etag_cannot_both_win(
    client: TestClient, accounts: Accounts, draft: tuple[str, str]
) -> None:
    slug, _ = draft
    etag_a = etag_of(client, accounts, slug)  # editor A: an admin
    etag_b = client.get(f"/v1/curation/sites/{slug}", headers=accounts.headers(CURATOR)).headers[
        "etag"
    ]  # editor B: the province's curator, reading the same version
    assert etag_a == etag_b

    first = client.patch(
        f"/v1/sites/{slug}",
        json={"description_en": "Editor A"},
        headers=accounts.headers("admin", **{"If-Match": etag_a}),
    )
    assert first.status_code == 200, first.text
    second = _patch(client, accounts, slug, {"description_en": "Editor B"}, etag_b)
    assert_problem(second, 412)
    final = client.get(f"/v1/curation/sites/{slug}", headers=accounts.headers(CURATOR))
    assert final.json()["description_en"] == "Editor A"
    assert final.json()["version"] == 2
    assert final.headers["etag"] == first.headers["etag"]


def test_the_version_counter_stops_a_race_the_etag_check_missed(
    client: TestClient,
    session: Session,
    accounts: Accounts,
    draft: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another transaction commits between our If-Match check and our UPDATE."""
    slug, etag = draft
    original = CurationService._apply

    def racing_apply(self: CurationService, site: Site, *args: Any) -> bool:
        # The other writer: a plain Core UPDATE, invisible to this session's identity map.
        self.session.execute(
            update(Site.__table__)
            .where(Site.__table__.c.id == site.id)
            .values(version=Site.__table__.c.version + 1, description_en="the other writer")
        )
        return original(self, site, *args)

    monkeypatch.setattr(CurationService, "_apply", racing_apply)
    response = _patch(client, accounts, slug, {"description_en": "mine"}, etag)
    body = assert_problem(response, 412)
    assert "changed by someone else" in body["detail"]
    monkeypatch.undo()
    # The stand-in writer ran inside this request's transaction, so the 412's rollback
    # undoes it too (the committed two-client race is the next test); what matters here is
    # that our own UPDATE matched no row and became a 412, not a 500 or a silent overwrite.
    site = client.get(f"/v1/curation/sites/{slug}", headers=accounts.headers(CURATOR))
    assert site.json()["description_en"] == ""
    assert site.headers["etag"] == etag
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.resource_id == slug, AuditEntry.action == "site.update")
    ).all()
    assert entries == []


@pytest.fixture
def committed_race(database: Database) -> Iterator[tuple[dict[str, str], str]]:
    """Two curators and a draft site committed for real (a race needs two transactions)."""
    suffix = database.backend
    names = (f"race-a-{suffix}", f"race-b-{suffix}")
    slug = f"dua-tranh-{suffix}"
    factory_session = Session(database.engine)
    tokens: dict[str, str] = {}
    try:
        with factory_session.begin():
            service = AccountService(factory_session, database.settings.token_secret)
            for name in names:
                service.add_curator(name, OWN)
                tokens[name] = service.issue_token(name, 1).token
                # A fresh last_used_at: authentication then reads only (no write lock).
                service.authenticate(tokens[name], utcnow())
        app = create_app(database.settings, database.graph_cache)
        with TestClient(app) as api:
            created = api.post(
                "/v1/sites",
                json=new_site_body(slug),
                headers={"Authorization": f"Bearer {tokens[names[0]]}"},
            )
            assert created.status_code == 201, created.text
        yield tokens, slug
    finally:
        with factory_session.begin():
            site_id = factory_session.scalar(select(Site.id).where(Site.slug == slug))
            if site_id is not None:
                factory_session.execute(
                    delete(SiteTransition).where(SiteTransition.site_id == site_id)
                )
                factory_session.execute(delete(Site).where(Site.id == site_id))
            prefixes = [token.split("_")[1] for token in tokens.values()]
            factory_session.execute(
                delete(AuditEntry).where(
                    AuditEntry.resource_id.in_([slug, *names, *prefixes])
                    | AuditEntry.principal_name.in_(names)
                )
            )
            factory_session.execute(delete(Principal).where(Principal.name.in_(names)))
        with factory_session.begin():
            left = factory_session.scalars(select(Principal.id).where(Principal.name.in_(names)))
            assert left.all() == [], "the race fixture must leave the shared database clean"
        factory_session.close()


def test_a_real_race_between_two_clients(
    database: Database, committed_race: tuple[dict[str, str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two clients, two connections, both past the If-Match check before either writes."""
    tokens, slug = committed_race
    # Both requests pass the If-Match check (the barrier holds them there) before either
    # writes. PostgreSQL: the loser's UPDATE waits for the winner's row lock and matches no
    # row (the version moved on) → StaleDataError → 412. SQLite: reads take no lock; the
    # loser's first write waits for the winner's write lock, then its UPDATE ... WHERE
    # version = :seen matches no row → 412 the same way (db/engine.py).
    both_checked = threading.Barrier(2, timeout=20)
    started = threading.Barrier(2, timeout=20)
    original = CurationService._apply

    def apply_together(self: CurationService, site: Site, *args: Any) -> bool:
        both_checked.wait()
        return original(self, site, *args)

    results: dict[str, Any] = {}
    with ExitStack() as stack:
        apis = {
            name: stack.enter_context(
                TestClient(create_app(database.settings, database.graph_cache))
            )
            for name in tokens
        }
        auth = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
        for name, api in apis.items():
            # Warm up in this thread: FastAPI builds its route models lazily under
            # warnings.catch_warnings(), which is not thread-safe.
            assert api.get(f"/v1/curation/sites/{slug}", headers=auth[name]).status_code == 200
            assert api.patch(f"/v1/sites/{slug}", json={}, headers=auth[name]).status_code == 428
        etag = (
            apis[next(iter(tokens))]
            .get(f"/v1/curation/sites/{slug}", headers=auth[next(iter(tokens))])
            .headers["etag"]
        )
        monkeypatch.setattr(CurationService, "_apply", apply_together)

        def edit(name: str) -> None:
            started.wait()
            results[name] = apis[name].patch(
                f"/v1/sites/{slug}",
                json={"description_en": f"by {name}"},
                headers={**auth[name], "If-Match": etag},
            )

        threads = [threading.Thread(target=edit, args=(name,)) for name in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [200, 412], {k: r.text for k, r in results.items()}
    winner = next(name for name, r in results.items() if r.status_code == 200)
    with TestClient(create_app(database.settings, database.graph_cache)) as api:
        final = api.get(
            f"/v1/curation/sites/{slug}", headers={"Authorization": f"Bearer {tokens[winner]}"}
        ).json()
    assert final["description_en"] == f"by {winner}"
    assert final["version"] == 2
