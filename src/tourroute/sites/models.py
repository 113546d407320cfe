"""ORM models of sites and their categories."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tourroute.db.base import Base, TimestampedVersioned, string_enum, utcnow
from tourroute.provinces.models import Province
from tourroute.sites.domain import Category, SiteKind, SiteStatus, SiteType


class Site(TimestampedVersioned, Base):
    __tablename__ = "sites"
    __table_args__ = (
        CheckConstraint("interest_score BETWEEN 0 AND 100", name="interest_score_range"),
        CheckConstraint("visit_duration_min >= 0", name="visit_duration_nonnegative"),
        CheckConstraint("ticket_price_vnd IS NULL OR ticket_price_vnd >= 0", name="ticket_price"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    description_vi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    province_code: Mapped[str] = mapped_column(
        ForeignKey("provinces.code", ondelete="RESTRICT"), index=True
    )
    district: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[SiteKind] = mapped_column(string_enum(SiteKind, "site_kind"), index=True)
    geom: Mapped[Any] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=True), nullable=False
    )
    footprint: Mapped[Any | None] = mapped_column(
        Geometry("POLYGON", srid=4326, spatial_index=True), nullable=True
    )
    coord_confidence: Mapped[str | None] = mapped_column(String(16))
    opening_hours: Mapped[str | None] = mapped_column(String(500))
    visit_duration_min: Mapped[int] = mapped_column(Integer, default=60)
    interest_score: Mapped[int] = mapped_column(Integer, default=50)
    coach_parking: Mapped[bool] = mapped_column(Boolean, default=False)
    motorhome_parking: Mapped[bool] = mapped_column(Boolean, default=False)
    motorhome_overnight: Mapped[bool] = mapped_column(Boolean, default=False)
    motorbike_only_access: Mapped[bool] = mapped_column(Boolean, default=False)
    ticket_price_vnd: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[SiteStatus] = mapped_column(
        string_enum(SiteStatus, "site_status"), default=SiteStatus.draft, index=True
    )
    source: Mapped[str] = mapped_column(Text)
    # Search keys derived from the names (see tourroute.text); never set by clients.
    search_exact: Mapped[str] = mapped_column(Text, default="")
    search_folded: Mapped[str] = mapped_column(Text, default="")
    # What the seed last wrote into this site (tourroute.seed), None for sites it never
    # wrote: a later seed load updates the site only while its values still equal these.
    seeded: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The record a site was imported from (``osm:n123``, ``osm:w456``), None for curated
    # sites: re-imports recognise their sites by it (tourroute.sites.osm_places).
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)

    # Type of stay (lodging, campsite) or of service (fuel, meal); None for attractions.
    subtype: Mapped[SiteType | None] = mapped_column(
        string_enum(SiteType, "site_subtype"), index=True
    )
    # Licence of the record's data when it is not our own (e.g. "ODbL 1.0, (c) OpenStreetMap
    # contributors" for imported places): the API and console credit it where shown.
    licence: Mapped[str | None] = mapped_column(String(200))
    # The name was made up by an importer ("Hotel in Mường Xén"): the source had none.
    name_generated: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    province: Mapped[Province] = relationship(lazy="joined", innerjoin=True)
    category_rows: Mapped[list[SiteCategory]] = relationship(
        back_populates="site",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="SiteCategory.category",
    )

    @property
    def categories(self) -> list[Category]:
        return [row.category for row in self.category_rows]


class SiteCategory(Base):
    __tablename__ = "site_categories"

    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[Category] = mapped_column(
        string_enum(Category, "site_category"), primary_key=True, index=True
    )
    site: Mapped[Site] = relationship(back_populates="category_rows")


# --- Curation workflow (sites.curation) ------------------------------------------------


class SiteTransition(Base):
    """One step of a site's workflow (creation included): from, to, who and when."""

    __tablename__ = "site_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[SiteStatus | None] = mapped_column(
        string_enum(SiteStatus, "site_transition_from")
    )
    to_status: Mapped[SiteStatus] = mapped_column(string_enum(SiteStatus, "site_transition_to"))
    principal_id: Mapped[int | None] = mapped_column(
        ForeignKey("principals.id", ondelete="SET NULL"), index=True
    )
    principal_name: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
