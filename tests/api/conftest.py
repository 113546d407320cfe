"""Fixtures for the accounts, curation and audit tests: principals of every role, tokens.

Everything is written through the services, inside the test's rolled-back transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.conftest import Database
from tourroute.accounts.service import AccountService
from tourroute.db.base import utcnow

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
