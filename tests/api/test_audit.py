"""The audit log: every write recorded with its before/after in the same transaction;
read back by admins (all) and curators (their province), filtered and paged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.api.conftest import OTHER, OWN, UNKNOWN_TOKEN, Accounts
from tests.builders import assert_problem, new_site_body, secret_of
from tourroute.db.audit import AuditEntry, AuditTrail
from tourroute.db.base import utcnow
from tourroute.errors import Conflict
from tourroute.i18n import Verbatim
from tourroute.sites.models import Site

CURATOR = "curator-own"


def _audit(client: TestClient, accounts: Accounts, role: str = "admin", **params: Any) -> Any:
    return client.get("/v1/audit", params={"limit": 500, **params}, headers=accounts.headers(role))


def _entries(client: TestClient, accounts: Accounts, role: str = "admin", **params: Any) -> Any:
    response = _audit(client, accounts, role, **params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _create_and_edit(client: TestClient, accounts: Accounts, slug: str) -> None:
    created = client.post("/v1/sites", json=new_site_body(slug), headers=accounts.headers(CURATOR))
    assert created.status_code == 201, created.text
    edited = client.patch(
        f"/v1/sites/{slug}",
        json={"interest_score": 80, "district": "Hàm Rồng"},
        headers=accounts.headers(CURATOR, **{"If-Match": created.headers["etag"]}),
    )
    assert edited.status_code == 200, edited.text
    submitted = client.post(
        f"/v1/sites/{slug}/submit",
        headers=accounts.headers(CURATOR, **{"If-Match": edited.headers["etag"]}),
    )
    assert submitted.status_code == 200, submitted.text


def test_every_write_is_recorded_with_before_and_after(
    client: TestClient, accounts: Accounts
) -> None:
    _create_and_edit(client, accounts, "ghi-nhat-ky")
    entries = _entries(client, accounts, resource="site:ghi-nhat-ky")
    assert [e["action"] for e in entries] == ["site.submit", "site.update", "site.create"]
    submit, update, create = entries
    assert create["before"] is None
    assert create["after"]["slug"] == "ghi-nhat-ky"
    assert create["after"]["status"] == "draft"
    assert (update["before"]["interest_score"], update["after"]["interest_score"]) == (50, 80)
    assert (update["before"]["district"], update["after"]["district"]) == (None, "Hàm Rồng")
    assert update["before"]["version"] + 1 == update["after"]["version"]
    assert (submit["before"]["status"], submit["after"]["status"]) == ("draft", "in_review")
    for entry in entries:
        assert entry["principal"] == "curator-th"
        assert entry["role"] == "curator"
        assert entry["province"] == OWN
        assert entry["resource"] == {"type": "site", "id": "ghi-nhat-ky"}
        assert entry["at"].endswith("+07:00")
    assert entries[0]["id"] > entries[1]["id"] > entries[2]["id"]  # newest first


def test_account_changes_are_audited_without_secrets(
    client: TestClient, accounts: Accounts
) -> None:
    entries = _entries(client, accounts, principal="cli")
    actions = {(e["action"], e["resource"]["type"]) for e in entries}
    assert {
        ("principal.create", "principal"),
        ("agency.create", "agency"),
        ("token.issue", "token"),
        ("token.revoke", "token"),
    } <= actions
    text = str(entries)
    for token in accounts.tokens.values():
        if token.startswith("trt_") and token != UNKNOWN_TOKEN:
            assert secret_of(token) not in text


def test_curators_see_only_their_province(client: TestClient, accounts: Accounts) -> None:
    _create_and_edit(client, accounts, "cua-thanh-hoa")
    vinh = new_site_body(
        "cua-nghe-an", province=OTHER, location={"type": "Point", "coordinates": [105.69, 18.67]}
    )
    assert client.post("/v1/sites", json=vinh, headers=accounts.headers("admin")).status_code == 201

    everything = _entries(client, accounts, "admin")
    assert {"cua-thanh-hoa", "cua-nghe-an"} <= {e["resource"]["id"] for e in everything}

    mine = _entries(client, accounts, CURATOR)
    assert "cua-thanh-hoa" in {e["resource"]["id"] for e in mine}
    assert {e["province"] for e in mine} == {OWN}
    theirs = _entries(client, accounts, "curator-other")
    assert {e["province"] for e in theirs} == {OTHER}
    assert "cua-nghe-an" in {e["resource"]["id"] for e in theirs}
    # Asking for another province is refused, not silently emptied.
    assert_problem(_audit(client, accounts, CURATOR, province=OTHER), 403)
    assert_problem(_audit(client, accounts, "agency"), 403)
    assert_problem(client.get("/v1/audit"), 401)


def test_filters(client: TestClient, accounts: Accounts) -> None:
    _create_and_edit(client, accounts, "loc-mot")
    _create_and_edit(client, accounts, "loc-hai")
    by_resource = _entries(client, accounts, resource="site:loc-hai")
    assert {e["resource"]["id"] for e in by_resource} == {"loc-hai"}
    sites = _entries(client, accounts, resource="site")
    assert {e["resource"]["type"] for e in sites} == {"site"}
    assert {"loc-mot", "loc-hai"} <= {e["resource"]["id"] for e in sites}
    by_principal = _entries(client, accounts, principal="curator-th")
    assert by_principal
    assert {e["principal"] for e in by_principal} == {"curator-th"}
    by_action = _entries(client, accounts, action="site.submit")
    assert {e["resource"]["id"] for e in by_action} >= {"loc-mot", "loc-hai"}
    assert {e["action"] for e in by_action} == {"site.submit"}
    future = (utcnow() + timedelta(hours=1)).isoformat()
    assert _entries(client, accounts, since=future) == []
    past = (utcnow() - timedelta(hours=1)).isoformat()
    assert len(_entries(client, accounts, since=past, resource="site:loc-mot")) == 3
    # A time without an offset is Vietnam time: one hour ahead of now in +07:00 is future.
    local_future = (utcnow() + timedelta(hours=8)).replace(tzinfo=None).isoformat()
    assert _entries(client, accounts, since=local_future) == []


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"resource": "sites:x"}, "resource"),
        ({"since": "yesterday"}, "since"),
        ({"province": "Thanh Hoa"}, "province"),
        ({"limit": 0}, "limit"),
        ({"cursor": "forged.cursor"}, "cursor"),
    ],
)
def test_bad_filters_are_422(
    client: TestClient, accounts: Accounts, params: dict[str, Any], parameter: str
) -> None:
    assert_problem(_audit(client, accounts, **params), 422, parameter)


def test_pages_follow_next_without_gaps_or_repeats(client: TestClient, accounts: Accounts) -> None:
    for i in range(3):
        _create_and_edit(client, accounts, f"trang-{i}")
    # This test's writes only: the seed's own entries (hundreds) would not fit one page.
    who = client.get("/v1/me", headers=accounts.headers(CURATOR)).json()["name"]
    everything = [e["id"] for e in _entries(client, accounts, principal=who)]
    assert len(everything) > 8
    seen: list[int] = []
    response = client.get(
        "/v1/audit", params={"limit": 4, "principal": who}, headers=accounts.headers("admin")
    )
    first_next = response.json()["next"]
    # A write between pages shifts nothing: the cursor is a position in the log.
    _create_and_edit(client, accounts, "trang-moi")
    while True:
        body = response.json()
        seen.extend(e["id"] for e in body["items"])
        if not body["next"]:
            break
        assert 'rel="next"' in response.headers["link"]
        response = client.get(body["next"], headers=accounts.headers("admin"))
    assert seen == everything
    # A cursor belongs to its query.
    cursor = first_next.split("cursor=")[1]
    other = _audit(client, accounts, principal="cli", cursor=cursor)
    assert_problem(other, 422, "cursor")


def _count(session: Session, **where: Any) -> int:
    stmt = select(func.count(AuditEntry.id)).filter_by(**where)
    return int(session.scalar(stmt) or 0)


def test_a_write_that_fails_after_its_audit_entry_leaves_neither(
    client: TestClient,
    session: Session,
    accounts: Accounts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = client.post(
        "/v1/sites", json=new_site_body("khong-ghi"), headers=accounts.headers(CURATOR)
    )
    etag = created.headers["etag"]
    original = AuditTrail.record

    def record_then_fail(self: AuditTrail, *args: Any, **kwargs: Any) -> AuditEntry:
        entry = original(self, *args, **kwargs)
        self.session.flush()  # the entry really reached the database…
        assert entry.id is not None
        raise Conflict(Verbatim("injected failure after the audit entry was written"))

    monkeypatch.setattr(AuditTrail, "record", record_then_fail)
    failed = client.patch(
        "/v1/sites/khong-ghi",
        json={"name_en": "Should not stick"},
        headers=accounts.headers(CURATOR, **{"If-Match": etag}),
    )
    assert_problem(failed, 409)
    failed_create = client.post(
        "/v1/sites", json=new_site_body("khong-tao"), headers=accounts.headers(CURATOR)
    )
    assert_problem(failed_create, 409)
    monkeypatch.undo()

    # …and yet neither the change nor the entry survived.
    site = client.get("/v1/curation/sites/khong-ghi", headers=accounts.headers(CURATOR))
    assert site.json()["name_en"] == "New place at Hàm Rồng"
    assert site.headers["etag"] == etag
    assert _count(session, resource_id="khong-ghi", action="site.update") == 0
    assert _count(session, resource_id="khong-tao") == 0
    assert session.scalar(select(Site.id).where(Site.slug == "khong-tao")) is None
    assert _count(session, resource_id="khong-ghi", action="site.create") == 1


def test_refused_writes_are_not_audited(
    client: TestClient, session: Session, accounts: Accounts
) -> None:
    before = _count(session)
    body = new_site_body("tu-choi")
    assert (
        client.post("/v1/sites", json=body, headers=accounts.headers("agency")).status_code == 403
    )
    outside = {**body, "location": {"type": "Point", "coordinates": [105.69, 18.67]}}
    assert (
        client.post("/v1/sites", json=outside, headers=accounts.headers(CURATOR)).status_code == 422
    )
    stale = client.patch(
        "/v1/sites/thanh-nha-ho",
        json={"interest_score": 1},
        headers=accounts.headers(CURATOR, **{"If-Match": '"v999-0123456789abcdef"'}),
    )
    assert stale.status_code == 412
    assert _count(session) == before
