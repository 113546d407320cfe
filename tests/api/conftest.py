"""Fixtures for the accounts, curation and audit tests: principals of every role, tokens.

Everything is written through the services, inside the test's rolled-back transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Database
from tourroute.accounts.service import AccountService
from tourroute.db.base import utcnow
from tourroute.db.spatial import point_element
from tourroute.seed import search_keys
from tourroute.sites.domain import Category, SiteKind, SiteStatus
from tourroute.sites.models import Site, SiteCategory

# Who calls, as the authorization matrix names them. "own"/"other" are relative to VN-21,
# the province of every site the matrix acts on.
ROLES = (
    "anonymous",
    "bad-token",
    "expired",
    "revoked",
    "admin",
    "curator-own",
    "curator-other",
    "agency",
)
OWN, OTHER = "VN-21", "VN-22"
# Well-formed (so it reaches the database lookup) but never issued.
UNKNOWN_TOKEN = "trt_0123456789ab_" + "A" * 43


def secret_of(token: str) -> str:
    """The 43 random characters after ``trt_<prefix>_`` (they may contain '_' themselves)."""
    secret = token[len("trt_0123456789ab_") :]
    assert len(secret) == 43
    return secret


@dataclass
class Accounts:
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        out = dict(extra)
        if role != "anonymous":
            out["Authorization"] = f"Bearer {self.tokens[role]}"
        return out


@pytest.fixture
def accounts(session: Session, database: Database) -> Accounts:
    service = AccountService(session, database.settings.token_secret)
    service.add_admin("test-admin")
    service.add_curator("curator-th", OWN)
    service.add_curator("curator-na", OTHER)
    service.add_agency("agency-user", "du-lich-xu-thanh", "Du lịch xứ Thanh")
    out = Accounts()
    out.tokens["admin"] = service.issue_token("test-admin", 30).token
    out.tokens["curator-own"] = service.issue_token("curator-th", 30).token
    out.tokens["curator-other"] = service.issue_token("curator-na", 30).token
    out.tokens["agency"] = service.issue_token("agency-user", 30).token
    long_ago = utcnow() - timedelta(days=40)
    out.tokens["expired"] = service.issue_token("curator-th", 30, now=long_ago).token
    revoked = service.issue_token("curator-th", 30)
    service.revoke_token(revoked.prefix)
    out.tokens["revoked"] = revoked.token
    out.tokens["bad-token"] = UNKNOWN_TOKEN
    session.commit()
    return out


def add_site(
    session: Session,
    slug: str,
    status: SiteStatus = SiteStatus.draft,
    province: str = OWN,
    lon_lat: tuple[float, float] | None = None,
) -> Site:
    """A site written straight to the database (the matrix needs every starting state)."""
    lon, lat = lon_lat or ((105.78, 19.81) if province == OWN else (105.69, 18.67))
    site = Site(
        slug=slug,
        name_vi="Điểm thử",
        name_en="Test place",
        province_code=province,
        kind=SiteKind.attraction,
        geom=point_element(lon, lat),
        status=status,
        source="test fixture",
    )
    site.search_exact, site.search_folded = search_keys(site)
    site.category_rows = [SiteCategory(category=Category.museum)]
    session.add(site)
    session.commit()
    return site


def etag_of(client: TestClient, accounts: Accounts, slug: str) -> str:
    """The current ETag of a site, read the way a curator would (any status)."""
    response = client.get(f"/v1/curation/sites/{slug}", headers=accounts.headers("admin"))
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def new_site_body(slug: str, **changes: Any) -> dict[str, Any]:
    """A valid POST /v1/sites body for Thanh Hóa (Hàm Rồng, Thanh Hóa city)."""
    body: dict[str, Any] = {
        "slug": slug,
        "name_vi": "Điểm mới Hàm Rồng",
        "name_en": "New place at Hàm Rồng",
        "province": OWN,
        "kind": "attraction",
        "categories": ["heritage"],
        "location": {"type": "Point", "coordinates": [105.7905, 19.8398]},
        "source": "test: created through the API",
    }
    body.update(changes)
    return body
