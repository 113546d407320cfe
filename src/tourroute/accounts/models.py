"""ORM models of agencies, principals and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tourroute.accounts.domain import Actor, Role
from tourroute.db.base import Base, TimestampedVersioned, string_enum, utcnow


class Agency(TimestampedVersioned, Base):
    """A travel agency; its principals will manage the agency's own tours."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(Text)


class Principal(TimestampedVersioned, Base):
    """Someone who can hold API tokens: an admin, a province's curator or an agency user."""

    __tablename__ = "principals"
    __table_args__ = (
        CheckConstraint(
            "(role = 'admin' AND province_code IS NULL AND agency_id IS NULL)"
            " OR (role = 'curator' AND province_code IS NOT NULL AND agency_id IS NULL)"
            " OR (role = 'agency' AND agency_id IS NOT NULL AND province_code IS NULL)",
            name="role_scope",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[Role] = mapped_column(string_enum(Role, "principal_role"))
    province_code: Mapped[str | None] = mapped_column(
        ForeignKey("provinces.code", ondelete="RESTRICT"), index=True
    )
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="RESTRICT"), index=True
    )

    agency: Mapped[Agency | None] = relationship(lazy="joined")

    def as_actor(self) -> Actor:
        agency = self.agency
        return Actor(
            self.id,
            self.name,
            self.role,
            self.province_code,
            self.agency_id,
            agency_slug=agency.slug if agency is not None else None,
            agency_name=agency.name if agency is not None else None,
        )


class ApiToken(Base):
    """A bearer token. Only its keyed hash is stored; ``prefix`` finds the row (not secret)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    principal_id: Mapped[int] = mapped_column(
        ForeignKey("principals.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    principal: Mapped[Principal] = relationship(lazy="joined", innerjoin=True)
