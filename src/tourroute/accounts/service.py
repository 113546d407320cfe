"""Use cases of accounts: create principals, issue and revoke tokens, authenticate."""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tourroute.accounts.domain import Actor, Role, as_utc
from tourroute.accounts.models import Agency, ApiToken, Principal
from tourroute.accounts.repository import AccountRepository
from tourroute.accounts.tokens import hash_token, new_token, token_prefix
from tourroute.db.audit import AuditTrail
from tourroute.db.base import utcnow
from tourroute.db.engine import lock_wait
from tourroute.errors import Conflict, InvalidParameter, NotFound, Unauthorized
from tourroute.i18n import messages as msgs
from tourroute.localtime import to_local
from tourroute.provinces.repository import ProvinceRepository

log = logging.getLogger(__name__)

# last_used_at is refreshed at most this often, so that reads do not each become a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_NAME_RE = re.compile(r"^[\w.@+-]{2,120}$")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class IssuedToken:
    token: str  # the only time the token exists outside the client
    prefix: str
    principal: str
    expires_at: datetime


@dataclass(frozen=True)
class PrincipalListing:
    principal: Principal
    tokens: Sequence[ApiToken]


def principal_document(p: Principal) -> dict[str, Any]:
    """A principal as written to the audit log."""
    return {
        "name": p.name,
        "role": p.role.value,
        "province": p.province_code,
        "agency": p.agency.slug if p.agency is not None else None,
    }


def token_document(t: ApiToken, principal: str) -> dict[str, Any]:
    """A token as written to the audit log: never the token, never its hash."""
    return {
        "id": t.id,
        "prefix": t.prefix,
        "principal": principal,
        "expires_at": to_local(t.expires_at).isoformat(),
        "revoked_at": None if t.revoked_at is None else to_local(t.revoked_at).isoformat(),
    }


class AccountService:
    """Account administration (the CLI) and token authentication (every request).

    Writes are audited with no acting principal (``cli``): accounts are created on the
    server by an operator, not through the API.
    """

    def __init__(self, session: Session, token_secret: str) -> None:
        self.session = session
        self.repo = AccountRepository(session)
        self.provinces = ProvinceRepository(session)
        self.audit = AuditTrail(session)
        self._secret = token_secret

    # --- principals -------------------------------------------------------------------

    def add_admin(self, name: str) -> Principal:
        return self._add_principal(Principal(name=self._new_name(name), role=Role.admin))

    def add_curator(self, name: str, province: str) -> Principal:
        found = self.provinces.find(province)
        if found is None:
            known = ", ".join(f"{p.code} ({p.slug})" for p in self.provinces.list())
            raise InvalidParameter("province", msgs.UNKNOWN_PROVINCE(value=province, known=known))
        principal = Principal(
            name=self._new_name(name), role=Role.curator, province_code=found.code
        )
        return self._add_principal(principal)

    def add_agency(
        self,
        name: str,
        agency_slug: str,
        agency_name: str | None = None,
        contact: str | None = None,
    ) -> Principal:
        """A principal of an agency, creating the agency record if it does not exist yet."""
        name = self._new_name(name)
        if not _SLUG_RE.match(agency_slug) or len(agency_slug) > 120:
            raise InvalidParameter("agency", msgs.AGENCY_SLUG_SHAPE())
        agency = self.repo.agency_by_slug(agency_slug)
        if agency is None:
            agency = Agency(slug=agency_slug, name=agency_name or agency_slug, contact=contact)
            self.repo.add(agency)
            self.session.flush()
            self.audit.record(
                None,
                "agency.create",
                "agency",
                agency.slug,
                before=None,
                after={"slug": agency.slug, "name": agency.name, "contact": agency.contact},
                agency_id=agency.id,
            )
        principal = Principal(name=name, role=Role.agency, agency=agency)
        return self._add_principal(principal)

    def _new_name(self, name: str) -> str:
        name = name.strip()
        if not _NAME_RE.match(name):
            raise InvalidParameter("name", msgs.PRINCIPAL_NAME_SHAPE(), location="argument")
        if self.repo.principal_by_name(name) is not None:
            raise Conflict(msgs.PRINCIPAL_EXISTS(name=name))
        return name

    def _add_principal(self, principal: Principal) -> Principal:
        self.repo.add(principal)
        self.session.flush()
        self.audit.record(
            None,
            "principal.create",
            "principal",
            principal.name,
            before=None,
            after=principal_document(principal),
            province_code=principal.province_code,
            agency_id=principal.agency_id,
        )
        self.session.flush()
        return principal

    def listing(self) -> list[PrincipalListing]:
        return [PrincipalListing(p, self.repo.tokens_of(p.id)) for p in self.repo.principals()]

    def agency_of(self, name: str) -> str | None:
        """The slug of the agency a principal belongs to (for ``GET /v1/me``).

        Parameters
        ----------
        name
            The principal's name.

        Returns
        -------
        str or None
            The agency's slug; ``None`` for admins, curators and unknown names.
        """
        principal = self.repo.principal_by_name(name)
        return principal.agency.slug if principal is not None and principal.agency else None

    # --- tokens -----------------------------------------------------------------------

    def issue_token(self, name: str, days: int, now: datetime | None = None) -> IssuedToken:
        if not 1 <= days <= 3650:
            raise InvalidParameter("days", msgs.TOKEN_DAYS_RANGE(), location="argument")
        principal = self.repo.principal_by_name(name)
        if principal is None:
            raise NotFound(msgs.PRINCIPAL_NOT_FOUND(name=name))
        now = now or utcnow()
        fresh = new_token(self._secret)
        row = ApiToken(
            principal=principal,
            prefix=fresh.prefix,
            token_hash=fresh.token_hash,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        self.repo.add(row)
        self.session.flush()
        self.audit.record(
            None,
            "token.issue",
            "token",
            row.prefix,
            before=None,
            after=token_document(row, principal.name),
            province_code=principal.province_code,
            agency_id=principal.agency_id,
        )
        self.session.flush()
        return IssuedToken(fresh.token, fresh.prefix, principal.name, as_utc(row.expires_at))

    def revoke_token(self, prefix_or_id: str, now: datetime | None = None) -> ApiToken:
        """Revoke by prefix, by numeric id, or by the token itself; revoking twice is a no-op."""
        key = prefix_or_id.strip()
        # A prefix is 12 hex digits (possibly all decimal ones): try it as a prefix first.
        row = self.repo.token_by_prefix(token_prefix(key) or key)
        if row is None and key.isdigit() and len(key) < 12:
            row = self.repo.token_by_id(int(key))
        if row is None:
            raise NotFound(msgs.TOKEN_NOT_FOUND(key=key))
        if row.revoked_at is None:
            before = token_document(row, row.principal.name)
            row.revoked_at = now or utcnow()
            self.session.flush()
            self.audit.record(
                None,
                "token.revoke",
                "token",
                row.prefix,
                before=before,
                after=token_document(row, row.principal.name),
                province_code=row.principal.province_code,
                agency_id=row.principal.agency_id,
            )
            self.session.flush()
        return row

    def authenticate(self, token: str, now: datetime | None = None) -> Actor:
        """The actor a bearer token stands for; 401 if unknown, expired or revoked.

        Records the use in this session (the CLI and tests); the API reads only and records
        the use out of band with :func:`record_token_use`.
        """
        now = now or utcnow()
        row = self.valid_token(token, now)
        if use_is_due(row, now):
            row.last_used_at = now
        return row.principal.as_actor()

    def valid_token(self, token: str, now: datetime) -> ApiToken:
        """The token row behind ``token``; 401 if unknown, expired or revoked. Reads only."""
        prefix = token_prefix(token)
        if prefix is None:
            raise Unauthorized(msgs.TOKEN_MALFORMED())
        row = self.repo.token_by_prefix(prefix)
        if row is None or not hmac.compare_digest(row.token_hash, hash_token(self._secret, token)):
            raise Unauthorized(msgs.TOKEN_INVALID())
        if row.revoked_at is not None:
            raise Unauthorized(msgs.TOKEN_REVOKED())
        if as_utc(row.expires_at) <= now:
            raise Unauthorized(msgs.TOKEN_EXPIRED())
        return row


def use_is_due(row: ApiToken, now: datetime) -> bool:
    """Whether ``last_used_at`` is old enough to be refreshed (at most once a minute)."""
    return row.last_used_at is None or now - as_utc(row.last_used_at) >= LAST_USED_RESOLUTION


def record_token_use(factory: sessionmaker[Session], token_id: int, now: datetime) -> None:
    """Write ``last_used_at`` in a transaction of its own, after the response has gone.

    It never makes a reader wait: if another writer holds the lock, this use is simply not
    recorded (the next request within the minute tries again).
    """
    try:
        with factory.begin() as session, lock_wait(session, seconds=0):
            AccountRepository(session).touch_token(
                token_id, now, older_than=now - LAST_USED_RESOLUTION
            )
    except OperationalError as exc:
        log.debug("last_used_at of token %s not recorded now: %s", token_id, exc.orig)
