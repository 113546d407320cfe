"""Bearer tokens (hashing, expiry, revocation, 401s), the authorization matrix over every
write endpoint, and the ``tourroute accounts`` command line."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.conftest import ROLES, UNKNOWN_TOKEN, Accounts
from tests.builders import add_site, assert_problem, etag_of, new_site_body, secret_of
from tests.conftest import SEED_DIR, Database
from tourroute.accounts.models import ApiToken, Principal
from tourroute.accounts.service import AccountService
from tourroute.accounts.tokens import hash_token, token_prefix
from tourroute.app import create_app
from tourroute.cli import main
from tourroute.config import Settings
from tourroute.db.audit import AuditEntry
from tourroute.db.base import utcnow
from tourroute.sites.domain import SiteStatus

# --- tokens -------------------------------------------------------------------------------


def _assert_401(response: Any, detail: str | None = None) -> None:
    body = assert_problem(response, 401)
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer")
    if detail is not None:
        assert detail in body["detail"]
        assert 'error="invalid_token"' in challenge


def test_no_credentials_is_401_with_a_bearer_challenge(client: TestClient) -> None:
    response = client.get("/v1/curation/sites")
    _assert_401(response)
    assert "error=" not in response.headers["www-authenticate"]  # RFC 6750 §3.1


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        ("Bearer not-a-token", "malformed token"),
        (f"Bearer {UNKNOWN_TOKEN}", "invalid token"),
        ("Basic dXNlcjpwYXNz", None),  # not a bearer token at all: a plain challenge
        ("Bearer ", None),
    ],
)
def test_invalid_credentials_are_401(
    client: TestClient, accounts: Accounts, authorization: str, detail: str | None
) -> None:
    _assert_401(client.get("/v1/curation/sites", headers={"Authorization": authorization}), detail)


def test_a_tampered_token_is_401(client: TestClient, accounts: Accounts) -> None:
    token = accounts.tokens["admin"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")  # same prefix, wrong secret
    response = client.get("/v1/curation/sites", headers={"Authorization": f"Bearer {tampered}"})
    _assert_401(response, "invalid token")


def test_expired_and_revoked_tokens_are_401(client: TestClient, accounts: Accounts) -> None:
    _assert_401(client.get("/v1/curation/sites", headers=accounts.headers("expired")), "expired")
    _assert_401(client.get("/v1/curation/sites", headers=accounts.headers("revoked")), "revoked")
    assert (
        client.get("/v1/curation/sites", headers=accounts.headers("curator-own")).status_code == 200
    )


def test_tokens_are_stored_only_as_a_keyed_hash(
    session: Session, database: Database, accounts: Accounts
) -> None:
    token = accounts.tokens["admin"]
    prefix = token_prefix(token)
    assert prefix is not None
    row = session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)).one()
    assert row.token_hash == hash_token(database.settings.token_secret, token)
    assert token not in row.token_hash
    secret_part = secret_of(token)
    stored = [row.prefix, row.token_hash, *(e.after and str(e.after) for e in _audit(session))]
    assert not any(secret_part in (value or "") for value in stored)
    # Another server secret gives another hash: a stolen table cannot check guesses.
    assert hash_token("another-secret", token) != row.token_hash


def _audit(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry)))


def test_a_token_expires_exactly_when_it_says(session: Session, database: Database) -> None:
    service = AccountService(session, database.settings.token_secret)
    service.add_admin("short-lived")
    issued_at = utcnow()
    issued = service.issue_token("short-lived", 1, now=issued_at)
    assert service.authenticate(issued.token, issued_at + timedelta(hours=23)).name == "short-lived"
    with pytest.raises(Exception, match="expired"):
        service.authenticate(issued.token, issued_at + timedelta(days=1))


def test_last_used_is_recorded_at_most_once_a_minute(session: Session, database: Database) -> None:
    service = AccountService(session, database.settings.token_secret)
    service.add_admin("user-of-tokens")
    issued = service.issue_token("user-of-tokens", 5)
    row = session.scalars(select(ApiToken).where(ApiToken.prefix == issued.prefix)).one()
    assert row.last_used_at is None
    t0 = utcnow()
    service.authenticate(issued.token, t0)
    assert row.last_used_at == t0
    service.authenticate(issued.token, t0 + timedelta(seconds=30))
    assert row.last_used_at == t0
    service.authenticate(issued.token, t0 + timedelta(minutes=2))
    assert row.last_used_at == t0 + timedelta(minutes=2)


def test_a_token_is_revoked_by_prefix_id_or_itself(session: Session, database: Database) -> None:
    service = AccountService(session, database.settings.token_secret)
    service.add_curator("revoker", "thanh-hoa")
    tokens = [service.issue_token("revoker", 5) for _ in range(3)]
    ids = {
        t.prefix: session.scalars(select(ApiToken.id).where(ApiToken.prefix == t.prefix)).one()
        for t in tokens
    }
    service.revoke_token(tokens[0].prefix)
    service.revoke_token(str(ids[tokens[1].prefix]))
    service.revoke_token(tokens[2].token)
    for t in tokens:
        with pytest.raises(Exception, match="revoked"):
            service.authenticate(t.token)


def test_principal_rules(session: Session, database: Database) -> None:
    service = AccountService(session, database.settings.token_secret)
    service.add_admin("someone")
    with pytest.raises(Exception, match="exists already"):
        service.add_admin("someone")
    with pytest.raises(Exception, match="unknown province"):
        service.add_curator("nobody", "VN-99")
    with pytest.raises(Exception, match="no principal"):
        service.issue_token("ghost", 5)
    with pytest.raises(Exception, match="1 to 3650"):
        service.issue_token("someone", 0)
    curator = service.add_curator("by-slug", "ha-tinh")
    assert curator.province_code == "VN-23"


def test_me_describes_the_scope_in_words(client: TestClient, accounts: Accounts) -> None:
    def me(role: str) -> dict[str, Any]:
        response = client.get("/v1/me", headers=accounts.headers(role))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    agency = me("agency")
    # The agency's name and slug, never its internal row id ("agency #1").
    assert agency["scope"] == "agency Du lịch xứ Thanh (du-lich-xu-thanh)"
    assert agency["agency"] == "du-lich-xu-thanh"
    assert "#" not in agency["scope"]
    assert me("curator-own")["scope"] == "curator of VN-21"
    assert me("admin")["scope"] == "admin"


def test_an_agency_actor_carries_its_agency_but_is_still_its_id(
    session: Session, database: Database
) -> None:
    service = AccountService(session, database.settings.token_secret)
    principal = service.add_agency("same-name-user", "plain-slug-agency")  # name defaults to slug
    actor = principal.as_actor()
    assert (actor.agency_id, actor.agency_slug, actor.agency_name) == (
        principal.agency_id,
        "plain-slug-agency",
        "plain-slug-agency",
    )
    assert actor.scope == "agency plain-slug-agency"
    # Authorization and audit go by the ids: the descriptive names do not change identity.
    assert actor == type(actor)(actor.id, actor.name, actor.role, None, actor.agency_id)


def test_the_openapi_document_declares_bearer_auth(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    patch = doc["paths"]["/v1/sites/{slug}"]["patch"]
    assert patch["security"] == [{"bearerToken": []}]
    assert {"401", "403", "412", "428"} <= set(patch["responses"])
    assert "security" not in doc["paths"]["/v1/sites/{slug}"]["get"]


# --- the authorization matrix ------------------------------------------------------------
# Every write endpoint (and the protected reads) × every kind of caller → expected status.
# The acted-on site is always in VN-21: "curator-own" curates VN-21, "curator-other" VN-22.

Setup = Callable[[TestClient, Session, Accounts], tuple[str, str, dict[str, Any]]]


def _create(_c: TestClient, _s: Session, _a: Accounts) -> tuple[str, str, dict[str, Any]]:
    return "POST", "/v1/sites", {"json": new_site_body("matrix-new")}


def _on(status: SiteStatus, method: str, suffix: str, **kwargs: Any) -> Setup:
    def setup(c: TestClient, s: Session, a: Accounts) -> tuple[str, str, dict[str, Any]]:
        add_site(s, "matrix-site", status)
        headers = {"If-Match": etag_of(c, a, "matrix-site")}
        return method, f"/v1/sites/matrix-site{suffix}", {"headers": headers, **kwargs}

    return setup


def _read(path: str) -> Setup:
    def setup(_c: TestClient, s: Session, _a: Accounts) -> tuple[str, str, dict[str, Any]]:
        add_site(s, "matrix-site", SiteStatus.draft)
        return "GET", path, {}

    return setup


_UNAUTHENTICATED = {"anonymous": 401, "bad-token": 401, "expired": 401, "revoked": 401}
_CURATION = {"admin": 200, "curator-own": 200, "curator-other": 403, "agency": 403}

MATRIX: dict[str, tuple[Setup, dict[str, int]]] = {
    "POST /v1/sites": (
        _create,
        {**_UNAUTHENTICATED, **_CURATION, "admin": 201, "curator-own": 201},
    ),
    "PATCH /v1/sites/{slug}": (
        _on(SiteStatus.draft, "PATCH", "", json={"district": "Hàm Rồng"}),
        {**_UNAUTHENTICATED, **_CURATION},
    ),
    "POST /v1/sites/{slug}/submit": (
        _on(SiteStatus.draft, "POST", "/submit"),
        {**_UNAUTHENTICATED, **_CURATION},
    ),
    "POST /v1/sites/{slug}/publish": (
        _on(SiteStatus.in_review, "POST", "/publish"),
        {**_UNAUTHENTICATED, **_CURATION},
    ),
    "POST /v1/sites/{slug}/archive": (
        _on(SiteStatus.published, "POST", "/archive"),
        {**_UNAUTHENTICATED, **_CURATION},
    ),
    "GET /v1/curation/sites?province=VN-21": (
        _read("/v1/curation/sites?province=VN-21"),
        {**_UNAUTHENTICATED, **_CURATION},
    ),
    "GET /v1/curation/sites/{slug}": (
        _read("/v1/curation/sites/matrix-site"),
        {**_UNAUTHENTICATED, **_CURATION},
    ),
    "GET /v1/audit?province=VN-21": (
        _read("/v1/audit?province=VN-21"),
        {**_UNAUTHENTICATED, **_CURATION},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_authorization_matrix(
    client: TestClient, session: Session, accounts: Accounts, endpoint: str, role: str
) -> None:
    setup, expected = MATRIX[endpoint]
    method, url, kwargs = setup(client, session, accounts)
    headers = accounts.headers(role, **kwargs.pop("headers", {}))
    response = client.request(method, url, headers=headers, **kwargs)
    assert response.status_code == expected[role], response.text
    if expected[role] >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
    if expected[role] == 403:
        assert response.json()["detail"]  # the reason, from accounts.authorization


def test_the_matrix_covers_every_write_endpoint(client: TestClient) -> None:
    writes = {
        f"{method.upper()} {path}"
        for path, item in client.get("/openapi.json").json()["paths"].items()
        for method in item
        if method in ("post", "put", "patch", "delete") and path.startswith("/v1/sites")
    }
    covered = {key.split("?")[0] for key in MATRIX}
    assert writes <= covered, writes - covered


# --- the command line -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A database of its own: the CLI commits, and must not leak into the shared one."""
    data_dir = tmp_path_factory.mktemp("cli")
    settings = Settings(data_dir=data_dir, database_url="", seed_dir=SEED_DIR)
    assert _run(settings, ["db", "upgrade"])[0] == 0
    assert _run(settings, ["seed", "load"])[0] == 0
    return settings


def _run(settings: Settings, argv: list[str]) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as mp,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        mp.setenv("TOURROUTE_DATA_DIR", str(settings.data_dir))
        mp.setenv("TOURROUTE_DATABASE_URL", "")
        mp.setenv("TOURROUTE_SEED_DIR", str(SEED_DIR))
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


_TOKEN_RE = re.compile(r"^trt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", re.MULTILINE)


def test_cli_accounts_round_trip(cli_settings: Settings) -> None:
    assert _run(cli_settings, ["accounts", "add-admin", "root"])[0] == 0
    code, out, _ = _run(cli_settings, ["accounts", "add-curator", "na-1", "--province", "nghe-an"])
    assert (code, "VN-22" in out) == (0, True)
    code, _, _ = _run(
        cli_settings,
        ["accounts", "add-agency", "ag-1", "--agency", "vinh-travel", "--agency-name", "Vinh"],
    )
    assert code == 0
    code, out, _ = _run(cli_settings, ["accounts", "issue-token", "na-1", "--days", "7"])
    assert code == 0
    match = _TOKEN_RE.search(out)
    assert match, out
    token = match.group(0)

    app = create_app(cli_settings)
    with TestClient(app) as api:
        auth = {"Authorization": f"Bearer {token}"}
        assert api.get("/v1/curation/sites", headers=auth).status_code == 200
        assert api.get("/v1/curation/sites?province=VN-21", headers=auth).status_code == 403

        code, listing, _ = _run(cli_settings, ["accounts", "list"])
        assert code == 0
        assert token_prefix(token) in listing
        assert token not in listing
        assert "active until" in listing

        assert _run(cli_settings, ["accounts", "revoke-token", str(token_prefix(token))])[0] == 0
        assert api.get("/v1/curation/sites", headers=auth).status_code == 401
        assert "revoked" in _run(cli_settings, ["accounts", "list"])[1]

        admin_token = _TOKEN_RE.search(_run(cli_settings, ["accounts", "issue-token", "root"])[1])
        assert admin_token
        audit = api.get(
            "/v1/audit",
            params={"principal": "cli", "limit": 500},
            headers={"Authorization": f"Bearer {admin_token.group(0)}"},
        ).json()["items"]
    actions = [(e["action"], e["resource"]["id"]) for e in reversed(audit)]
    assert actions[:4] == [
        ("principal.create", "root"),
        ("principal.create", "na-1"),
        ("agency.create", "vinh-travel"),
        ("principal.create", "ag-1"),
    ]
    assert ("token.revoke", token_prefix(token)) in actions
    assert all(token not in str(e) for e in audit)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["accounts", "add-admin", "dup"], "exists already"),
        (["accounts", "add-curator", "x-1", "--province", "VN-99"], "unknown province"),
        (["accounts", "add-admin", "has space"], "no spaces"),
        (["accounts", "issue-token", "nobody"], "no principal"),
        (["accounts", "issue-token", "dup", "--days", "0"], "1 to 3650"),
        (["accounts", "revoke-token", "ffffffffffff"], "no token"),
        (["accounts", "add-agency", "ag-x", "--agency", "Not A Slug"], "slug"),
    ],
)
def test_cli_refuses_bad_input_and_writes_nothing(
    cli_settings: Settings, argv: list[str], message: str
) -> None:
    _run(cli_settings, ["accounts", "add-admin", "dup"])  # exists from the 2nd case on
    before = _run(cli_settings, ["accounts", "list"])[1]
    code, _, err = _run(cli_settings, argv)
    assert code == 2
    assert message in err
    if argv[1] != "add-admin":
        assert _run(cli_settings, ["accounts", "list"])[1] == before


def test_principal_names_are_unique_in_the_database(session: Session, database: Database) -> None:
    AccountService(session, database.settings.token_secret).add_admin("only-one")
    assert session.scalars(select(Principal).where(Principal.name == "only-one")).one()


def test_cli_database_is_separate(cli_settings: Settings, database: Database) -> None:
    assert Path(cli_settings.effective_database_url.removeprefix("sqlite:///")).exists()
    assert cli_settings.effective_database_url != database.settings.effective_database_url
