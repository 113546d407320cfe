"""Every query about the road network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tourroute.db.spatial import geojson_of
from tourroute.network.models import (
    Corridor,
    NetworkState,
    RoadSegment,
    SegmentCorridor,
    SegmentStatus,
)
from tourroute.routing import Segment


@dataclass(frozen=True)
class RoadRow:
    """A published segment as a map draws it: its GeoJSON geometry and what the legend shows."""

    key: str
    geometry: dict[str, Any] | None  # a GeoJSON LineString
    ref: str | None
    name: str | None
    corridors: list[str]
    road_class: str
    toll: bool
    motorbike_forbidden: bool
    motorhome_unsuitable: bool
    scenic: int


class NetworkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def version(self) -> str:
        """The network's version, the road graph's cache key: ``<counter>-<stamp>``.

        A primary-key read of ``network_state``, whose counter the database's triggers bump
        in the same transaction as every write to segments, their corridors, corridors and
        provinces (migration 3c9d0e7a5b21): O(1) whatever the size of the network. The random
        stamp of each bump keeps a rolled-back write's version from ever naming another
        network."""
        counter, stamp = self.session.execute(
            select(NetworkState.version, NetworkState.stamp).where(NetworkState.id == 1)
        ).one()
        return f"{counter}-{stamp}"

    def corridors(self) -> Sequence[Corridor]:
        return self.session.scalars(select(Corridor).order_by(Corridor.slug)).all()

    def corridor_slugs(self) -> set[str]:
        """The slugs of every corridor."""
        return set(self.session.scalars(select(Corridor.slug)))

    def segment_by_key(self, key: str) -> RoadSegment | None:
        """A segment in any status.

        Parameters
        ----------
        key
            The segment's id (``key``).

        Returns
        -------
        RoadSegment or None
            The row, or ``None`` if no segment has this id.
        """
        return self.session.scalars(select(RoadSegment).where(RoadSegment.key == key)).one_or_none()

    def segment_key_taken(self, key: str) -> bool:
        """Whether a segment (in any status) has the id ``key``.

        Parameters
        ----------
        key
            A segment id.

        Returns
        -------
        bool
            ``True`` if the id is taken.
        """
        return self.session.scalar(select(RoadSegment.id).where(RoadSegment.key == key)) is not None

    def road_rows(self, corridor: str | None = None) -> list[RoadRow]:
        """The published segments with GeoJSON geometry, in id order, for ``/v1/roads``.

        Parameters
        ----------
        corridor
            Only the segments of this corridor; every published segment if ``None``.

        Returns
        -------
        list of RoadRow
            One per segment, ordered by its id (``key``).
        """
        stmt = (
            select(RoadSegment)
            .where(RoadSegment.status == SegmentStatus.published)
            .order_by(RoadSegment.key)
        )
        if corridor is not None:
            stmt = stmt.where(
                exists().where(
                    SegmentCorridor.segment_id == RoadSegment.id,
                    SegmentCorridor.corridor_slug == corridor,
                )
            )
        return [
            RoadRow(
                key=r.key,
                geometry=geojson_of(r.geom),
                ref=r.ref,
                name=r.name,
                corridors=r.corridors,
                road_class=r.road_class,
                toll=r.toll,
                motorbike_forbidden=r.motorbike_forbidden,
                motorhome_unsuitable=r.motorhome_unsuitable,
                scenic=r.scenic,
            )
            for r in self.session.scalars(stmt)
        ]

    def segment_rows(self) -> Sequence[RoadSegment]:
        """The published segments (drafts and archived ones are not part of the network)."""
        stmt = (
            select(RoadSegment)
            .where(RoadSegment.status == SegmentStatus.published)
            .order_by(RoadSegment.key)
        )
        return self.session.scalars(stmt).all()

    def segments(self) -> list[Segment]:
        """The published segments as plain routing records."""
        out = []
        for row in self.segment_rows():
            coords = tuple((float(x), float(y)) for x, y in to_shape(row.geom).coords)
            out.append(
                Segment(
                    id=row.key,
                    coords=coords,
                    ref=row.ref,
                    name=row.name,
                    corridors=tuple(row.corridors),
                    road_class=row.road_class,
                    surface=row.surface,
                    oneway=row.oneway,
                    toll=row.toll,
                    maxspeed_kph=row.maxspeed_kph,
                    motorbike_forbidden=row.motorbike_forbidden,
                    motorhome_unsuitable=row.motorhome_unsuitable,
                    max_height_m=row.max_height_m,
                    max_weight_t=row.max_weight_t,
                    scenic=row.scenic,
                )
            )
        return out
