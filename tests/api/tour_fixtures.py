"""Fixtures for the tour catalogue tests: a second agency, tour bodies, tours to act on.

Builds on :mod:`tests.api.conftest` (its ``accounts`` fixture: admin, a curator of VN-21
(``curator-own``), one of VN-22 (``curator-other``) and the agency ``du-lich-xu-thanh``
(``agency``)); :func:`with_second_agency` adds ``agency-other``, a principal of a second
agency.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.conftest import OTHER, OWN, Accounts
from tests.conftest import Database
from tourroute.accounts.service import AccountService

OWN_AGENCY = "du-lich-xu-thanh"  # the `agency` principal's agency (tests/api/conftest.py)
OTHER_AGENCY = "lu-hanh-song-lam"

# Targets of the authorization matrix: who operates the tour acted on.
OPERATORS: dict[str, dict[str, str]] = {
    "own-agency": {"agency": OWN_AGENCY},
    "other-agency": {"agency": OTHER_AGENCY},
    "official-own": {"province": OWN},
    "official-other": {"province": OTHER},
}


def with_second_agency(accounts: Accounts, session: Session, database: Database) -> Accounts:
    """``accounts`` plus ``agency-other``, a principal of a second agency (for a fixture)."""
    service = AccountService(session, database.settings.token_secret)
    service.add_agency("agency-song-lam", OTHER_AGENCY, "Lữ hành Sông Lam")
    accounts.tokens["agency-other"] = service.issue_token("agency-song-lam", 30).token
    session.commit()
    return accounts


def tour_body(slug: str, **changes: Any) -> dict[str, Any]:
    """A valid POST /v1/tours body: one day in Thanh Hóa, by car."""
    body: dict[str, Any] = {
        "slug": slug,
        "title_vi": "Một ngày xứ Thanh",
        "title_en": "A day in Thanh Hóa",
        "summary_vi": "Thành nhà Hồ và Lam Kinh trong một ngày.",
        "summary_en": "The Hồ citadel and Lam Kinh in one day.",
        "themes": ["heritage"],
        "operator": {"province": OWN},
        "vehicle": "car",
        "start_date": "2026-12-11",
        "days": [
            {"stops": [{"site": "thanh-nha-ho", "arrive": "08:30"}, {"site": "lam-kinh"}]},
        ],
    }
    body.update(changes)
    return body


def create_tour(
    client: TestClient, accounts: Accounts, slug: str, role: str = "admin", **changes: Any
) -> Any:
    """POST a tour as ``role``; the raw response."""
    return client.post("/v1/tours", json=tour_body(slug, **changes), headers=accounts.headers(role))


def created(client: TestClient, accounts: Accounts, slug: str, **changes: Any) -> str:
    """Create a draft tour as admin; its ETag."""
    response = create_tour(client, accounts, slug, **changes)
    assert response.status_code == 201, response.text
    etag: str = response.headers["etag"]
    return etag


def published(client: TestClient, accounts: Accounts, slug: str, **changes: Any) -> str:
    """Create and publish a tour as admin; its ETag."""
    etag = created(client, accounts, slug, **changes)
    response = client.post(
        f"/v1/tours/{slug}/publish", headers=accounts.headers("admin", **{"If-Match": etag})
    )
    assert response.status_code == 200, response.text
    out: str = response.headers["etag"]
    return out


def etag_of(client: TestClient, accounts: Accounts, slug: str) -> str:
    """The current ETag of a tour in any status, read as admin."""
    response = client.get(f"/v1/tours/{slug}", headers=accounts.headers("admin"))
    assert response.status_code == 200, response.text
    out: str = response.headers["etag"]
    return out
