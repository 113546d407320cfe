"""ORM models of road segments and named corridors."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tourroute.db.base import Base, TimestampedVersioned, string_enum
from tourroute.routing.profiles import ROAD_CLASSES


class SegmentStatus(StrEnum):
    """Curation state of a segment; only published segments are in the routing graph."""

    draft = "draft"
    published = "published"
    archived = "archived"


class Corridor(TimestampedVersioned, Base):
    """A named route people plan by: the Hồ Chí Minh road, QL1A, the coastal road…"""

    __tablename__ = "corridors"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")


class RoadSegment(TimestampedVersioned, Base):
    __tablename__ = "road_segments"
    __table_args__ = (
        CheckConstraint("scenic BETWEEN 0 AND 5", name="scenic_range"),
        CheckConstraint(
            "road_class IN (" + ",".join(f"'{c}'" for c in ROAD_CLASSES) + ")", name="road_class"
        ),
        CheckConstraint("surface IN ('paved','unpaved')", name="surface"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # stable id from the seed/import
    ref: Mapped[str | None] = mapped_column(String(32), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    road_class: Mapped[str] = mapped_column(String(16))
    surface: Mapped[str] = mapped_column(String(16), default="paved")
    oneway: Mapped[bool] = mapped_column(Boolean, default=False)
    toll: Mapped[bool] = mapped_column(Boolean, default=False)
    maxspeed_kph: Mapped[float | None] = mapped_column(Float)
    motorbike_forbidden: Mapped[bool] = mapped_column(Boolean, default=False)
    motorhome_unsuitable: Mapped[bool] = mapped_column(Boolean, default=False)
    max_height_m: Mapped[float | None] = mapped_column(Float)
    max_weight_t: Mapped[float | None] = mapped_column(Float)
    scenic: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(Text)
    geom: Mapped[Any] = mapped_column(
        Geometry("LINESTRING", srid=4326, spatial_index=True), nullable=False
    )
    # Seeded and imported segments are published; the curation API creates drafts.
    status: Mapped[SegmentStatus] = mapped_column(
        string_enum(SegmentStatus, "segment_status"),
        default=SegmentStatus.published,
        server_default=SegmentStatus.published.value,
        index=True,
    )
    # What the seed last wrote into this segment (tourroute.network.seed), None for segments
    # it never wrote: a later seed load updates it only while its values still equal these.
    seeded: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    corridor_rows: Mapped[list[SegmentCorridor]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def corridors(self) -> list[str]:
        return sorted(row.corridor_slug for row in self.corridor_rows)


class SegmentCorridor(Base):
    __tablename__ = "segment_corridors"

    segment_id: Mapped[int] = mapped_column(
        ForeignKey("road_segments.id", ondelete="CASCADE"), primary_key=True
    )
    corridor_slug: Mapped[str] = mapped_column(
        ForeignKey("corridors.slug", ondelete="RESTRICT"), primary_key=True, index=True
    )


class NetworkState(Base):
    """One row: the network's version, bumped by database triggers in the same transaction
    as every write to the tables the road graph is built from (migration 3c9d0e7a5b21).
    Reading it is a primary-key lookup, whatever the size of the network."""

    __tablename__ = "network_state"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)  # a counter, for people
    stamp: Mapped[str] = mapped_column(String(16))  # random per bump: see the migration
