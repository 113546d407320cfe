"""ORM model of a province."""

from __future__ import annotations

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tourroute.db.base import Base, TimestampedVersioned


class Province(TimestampedVersioned, Base):
    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # ISO 3166-2, e.g. VN-21
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # Deferred: hundreds of vertices that a site's province reference must not drag along.
    boundary: Mapped[Any] = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False, deferred=True
    )
    source: Mapped[str] = mapped_column(Text)
