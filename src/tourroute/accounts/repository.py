"""Every query about agencies, principals and tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
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

    def touch_token(self, token_id: int, now: datetime, older_than: datetime) -> None:
        """Set ``last_used_at`` unless another request already did so after ``older_than``."""
        self.session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < older_than),
            )
            .values(last_used_at=now)
        )

    def token_by_id(self, token_id: int) -> ApiToken | None:
        return self.session.get(ApiToken, token_id)

    def tokens_of(self, principal_id: int) -> Sequence[ApiToken]:
        return self.session.scalars(
            select(ApiToken).where(ApiToken.principal_id == principal_id).order_by(ApiToken.id)
        ).all()
