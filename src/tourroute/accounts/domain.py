"""Vocabulary of accounts: roles and the authenticated actor (pure, no web or DB)."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    ``agency_slug`` and ``agency_name`` only describe the agency to people (``scope``);
    authorization and audit go by ``agency_id``, so they take no part in equality.
    """

    id: int
    name: str
    role: Role
    province_code: str | None = None
    agency_id: int | None = None
    agency_slug: str | None = field(default=None, compare=False)
    agency_name: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if (self.role is Role.curator) != (self.province_code is not None):
            raise ValueError("a curator, and only a curator, is bound to a province")
        if (self.role is Role.agency) != (self.agency_id is not None):
            raise ValueError("an agency principal, and only one, is bound to an agency")

    @property
    def scope(self) -> str:
        """A short human description: ``admin``, ``curator of VN-22``, ``agency Vietravel
        (vietravel)`` (``agency #3`` only for an actor built without its agency's names)."""
        if self.role is Role.curator:
            return f"curator of {self.province_code}"
        if self.role is Role.agency:
            if self.agency_slug is None:
                return f"agency #{self.agency_id}"
            if self.agency_name is None or self.agency_name == self.agency_slug:
                return f"agency {self.agency_slug}"
            return f"agency {self.agency_name} ({self.agency_slug})"
        return "admin"


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; SQLite hands back naive ones (always written as UTC here)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
