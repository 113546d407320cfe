"""ORM models of tours, their themes and stops (search indexes) and their saved versions.

The tour row holds the definition as written (``days``) and the plan derived from it
(``plan``: days → stops → routed legs, the document shape of a composed itinerary); the
``tour_themes`` and ``tour_stops`` rows repeat what search filters on, so that ``theme=``,
``site=`` and ``province=`` are indexed joins rather than scans of JSON.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tourroute.accounts.models import Agency
from tourroute.db.base import Base, TimestampedVersioned, string_enum, utcnow
from tourroute.provinces.models import Province
from tourroute.routing import Vehicle
from tourroute.sites.domain import Category
from tourroute.tours.domain import TourStatus


class Tour(TimestampedVersioned, Base):
    __tablename__ = "tours"
    __table_args__ = (
        CheckConstraint(
            "(operator_agency_id IS NOT NULL AND operator_province_code IS NULL)"
            " OR (operator_agency_id IS NULL AND operator_province_code IS NOT NULL)",
            name="one_operator",
        ),
        CheckConstraint("duration_days BETWEEN 1 AND 14", name="duration_days_range"),
        CheckConstraint(
            "(price_min_vnd IS NULL OR price_min_vnd >= 0)"
            " AND (price_max_vnd IS NULL OR price_max_vnd >= 0)"
            " AND (price_min_vnd IS NULL OR price_max_vnd IS NULL"
            " OR price_min_vnd <= price_max_vnd)",
            name="price_range",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title_vi: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    summary_vi: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    vehicle: Mapped[Vehicle] = mapped_column(string_enum(Vehicle, "tour_vehicle"), index=True)
    duration_days: Mapped[int] = mapped_column(Integer, index=True)
    # The operator: an agency, or a province's tourism department (an official tour).
    operator_agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="RESTRICT"), index=True
    )
    operator_province_code: Mapped[str | None] = mapped_column(
        ForeignKey("provinces.code", ondelete="RESTRICT"), index=True
    )
    price_min_vnd: Mapped[int | None] = mapped_column(Integer)
    price_max_vnd: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[TourStatus] = mapped_column(
        string_enum(TourStatus, "tour_status"), default=TourStatus.draft, index=True
    )
    # The nominal date of day 1: the stored plan's times are on it; exports can re-date.
    start_date: Mapped[date] = mapped_column(Date)
    # The days as written (stops with the planned times that were given) ...
    days: Mapped[list[Any]] = mapped_column(JSON)
    # ... and the plan derived from them: times filled in, legs routed on network_version.
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    network_version: Mapped[str] = mapped_column(String(64))
    # Search keys (titles, slug, the stops' names; see tourroute.text); never set by clients.
    search_exact: Mapped[str] = mapped_column(Text, default="")
    search_folded: Mapped[str] = mapped_column(Text, default="")
    # What the seed last wrote into this tour (tourroute.tours.seed), None for tours it never
    # wrote: a later seed load updates it only while its definition still equals this.
    seeded: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    operator_agency: Mapped[Agency | None] = relationship(lazy="joined")
    operator_province: Mapped[Province | None] = relationship(lazy="joined")
    theme_rows: Mapped[list[TourTheme]] = relationship(
        back_populates="tour",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="TourTheme.theme",
    )
    stop_rows: Mapped[list[TourStop]] = relationship(
        back_populates="tour",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by=lambda: [TourStop.day, TourStop.position],
    )

    @property
    def themes(self) -> list[Category]:
        return [row.theme for row in self.theme_rows]


class TourTheme(Base):
    __tablename__ = "tour_themes"

    tour_id: Mapped[int] = mapped_column(
        ForeignKey("tours.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[Category] = mapped_column(
        string_enum(Category, "tour_theme"), primary_key=True, index=True
    )
    tour: Mapped[Tour] = relationship(back_populates="theme_rows")


class TourStop(Base):
    """A visit of the tour: day (1-based), position in the day (1-based), the site."""

    __tablename__ = "tour_stops"

    tour_id: Mapped[int] = mapped_column(
        ForeignKey("tours.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"), index=True)
    tour: Mapped[Tour] = relationship(back_populates="stop_rows")


class TourVersion(Base):
    """One saved version of a tour, whole: the document as it was after the write.

    Like the audit log it names the principal rather than referencing it, so history stays
    readable whatever happens to the account.
    """

    __tablename__ = "tour_versions"
    __table_args__ = (UniqueConstraint("tour_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(64))
    principal_id: Mapped[int | None] = mapped_column(Integer)
    principal_name: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
