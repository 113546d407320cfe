"""A composed itinerary as stored: the request and the plan, as JSON documents.

Plans are immutable results of a request on one network version, read back whole and
exported; a document column keeps them exactly as answered (no drift from re-deriving).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tourroute.db.base import Base, TimestampedVersioned


class Itinerary(TimestampedVersioned, Base):
    __tablename__ = "itineraries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    vehicle: Mapped[str] = mapped_column(String(16))
    days: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    network_version: Mapped[str] = mapped_column(String(64))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
