"""ORM model of an audit entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tourroute.db.base import Base, utcnow


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
