"""Every query about the road network."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourroute.network.models import Corridor, RoadSegment, SegmentStatus
from tourroute.routing import Segment


class NetworkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def version(self) -> str:
        """Changes whenever a segment is added, removed or edited (the graph's cache key).

        Over segments in every status: publishing or archiving one is an UPDATE, which bumps
        its version, so the sum changes and the graph of published segments is rebuilt."""
        count, versions, top, published, last = self.session.execute(
            select(
                func.count(RoadSegment.id),
                func.coalesce(func.sum(RoadSegment.version), 0),
                func.coalesce(func.max(RoadSegment.id), 0),
                func.count(RoadSegment.id).filter(RoadSegment.status == SegmentStatus.published),
                func.max(RoadSegment.updated_at),
            )
        ).one()
        # The last write's time tells apart states with equal counts (SQLite reuses the id
        # of a row whose insert was rolled back).
        stamp = hashlib.sha256(str(last).encode()).hexdigest()[:8]
        return f"{count}:{versions}:{top}:{published}:{stamp}"

    def corridors(self) -> Sequence[Corridor]:
        return self.session.scalars(select(Corridor).order_by(Corridor.slug)).all()

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
