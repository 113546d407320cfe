"""Vocabulary of accounts: roles and the authenticated actor (pure, no web or DB)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    curator = "curator"  # bound to one province
    agency = "agency"  # bound to one agency record


@dataclass(frozen=True)
class Actor:
    """Who is making a request: an immutable snapshot of an authenticated principal.

    ``province_code`` is set for curators only, ``agency_id`` for agencies only.
    """

    id: int
    name: str
    role: Role
    province_code: str | None = None
    agency_id: int | None = None

    def __post_init__(self) -> None:
        if (self.role is Role.curator) != (self.province_code is not None):
            raise ValueError("a curator, and only a curator, is bound to a province")
        if (self.role is Role.agency) != (self.agency_id is not None):
            raise ValueError("an agency principal, and only one, is bound to an agency")

    @property
    def scope(self) -> str:
        """A short human description: ``admin``, ``curator of VN-22``, ``agency #3``."""
        if self.role is Role.curator:
            return f"curator of {self.province_code}"
        if self.role is Role.agency:
            return f"agency #{self.agency_id}"
        return "admin"


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; SQLite hands back naive ones (always written as UTC here)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
