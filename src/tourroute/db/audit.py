"""The audit trail's table and its one way in: every write is recorded in the writer's session.

It lives in the persistence kit, below every domain package, because every package writes
to it (sites, segments, tours, accounts, the seed); the ``audit`` package is the read side
(who may see which entries, the ``/v1/audit`` endpoint).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from tourroute.db.base import Base, utcnow

__all__ = ["CLI_PRINCIPAL", "Acting", "AuditEntry", "AuditTrail"]

# The principal named for writes made by a command (seed, imports) rather than a person.
CLI_PRINCIPAL = "cli"


class Acting(Protocol):
    """Who wrote: the parts of an authenticated actor an audit entry keeps."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> Enum: ...


class AuditEntry(Base):
    """One write. Deliberately without foreign keys: the log outlives what it describes.

    ``province_code`` (and, for agencies' resources, ``agency_id``) is the *scope* of the
    resource, by which curators' views of the log are filtered.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_resource", "resource_type", "resource_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    principal_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The principal's name when it acted ("cli" for the command line): readable even if the
    # principal is later renamed or removed.
    principal_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(120))
    province_code: Mapped[str | None] = mapped_column(String(8), index=True)
    agency_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AuditTrail:
    """Adds entries to the caller's session, so each commits (or not) with its change."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        actor: Acting | None,
        action: str,
        resource_type: str,
        resource_id: str,
        *,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        province_code: str | None = None,
        agency_id: int | None = None,
        system_name: str = CLI_PRINCIPAL,
    ) -> AuditEntry:
        """Add one entry; a write with no actor is a command's, named ``system_name``."""
        entry = AuditEntry(
            principal_id=None if actor is None else actor.id,
            principal_name=system_name if actor is None else actor.name,
            role=None if actor is None else str(actor.role.value),
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            province_code=province_code,
            agency_id=agency_id,
            before=before,
            after=after,
        )
        self.session.add(entry)
        return entry
