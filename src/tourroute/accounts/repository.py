"""Every query about agencies, principals and tokens."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourroute.accounts.models import Agency, ApiToken, Principal


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Agency | Principal | ApiToken) -> None:
        self.session.add(row)

    def principal_by_name(self, name: str) -> Principal | None:
        return self.session.scalars(select(Principal).where(Principal.name == name)).one_or_none()

    def principals(self) -> Sequence[Principal]:
        return self.session.scalars(select(Principal).order_by(Principal.name)).all()

    def agency_by_slug(self, slug: str) -> Agency | None:
        return self.session.scalars(select(Agency).where(Agency.slug == slug)).one_or_none()

    def token_by_prefix(self, prefix: str) -> ApiToken | None:
        return self.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)).one_or_none()

    def token_by_id(self, token_id: int) -> ApiToken | None:
        return self.session.get(ApiToken, token_id)

    def tokens_of(self, principal_id: int) -> Sequence[ApiToken]:
        return self.session.scalars(
            select(ApiToken).where(ApiToken.principal_id == principal_id).order_by(ApiToken.id)
        ).all()
