"""Every query about the road network."""

from __future__ import annotations

from collections.abc import Sequence

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourroute.network.models import Corridor, RoadSegment
from tourroute.routing import Segment


class NetworkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def version(self) -> str:
        """Changes whenever a segment is added, removed or edited (the graph's cache key)."""
        count, versions, top = self.session.execute(
            select(
                func.count(RoadSegment.id),
                func.coalesce(func.sum(RoadSegment.version), 0),
                func.coalesce(func.max(RoadSegment.id), 0),
            )
        ).one()
        return f"{count}:{versions}:{top}"

    def corridors(self) -> Sequence[Corridor]:
        return self.session.scalars(select(Corridor).order_by(Corridor.slug)).all()

    def segment_rows(self) -> Sequence[RoadSegment]:
        return self.session.scalars(select(RoadSegment).order_by(RoadSegment.key)).all()

    def segments(self) -> list[Segment]:
        """All segments as plain routing records."""
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
                    caravan_unsuitable=row.caravan_unsuitable,
                    max_height_m=row.max_height_m,
                    max_weight_t=row.max_weight_t,
                    scenic=row.scenic,
                )
            )
        return out
