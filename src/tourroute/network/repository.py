"""Every query about the road network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from tourroute.db.spatial import geojson_of
from tourroute.network.models import (
    Corridor,
    NetworkState,
    RoadSegment,
    SegmentCorridor,
    SegmentStatus,
)
from tourroute.network.osm_reader import KEY_PREFIX
from tourroute.routing import Segment
from tourroute.routing.graph import SegmentColumns


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

    def segment_columns(self) -> SegmentColumns:
        """The published segments as columns for the graph builder, in key order.

        One plain SELECT with WKB geometry, decoded by Shapely in bulk, and one for the
        corridors: no ORM object per row (on the complete regional network, 247k rows,
        this is ~4 s where :meth:`segments` takes ~23 s and 1.3 GiB).

        Returns
        -------
        SegmentColumns
        """
        published = RoadSegment.status == SegmentStatus.published
        rows = self.session.execute(
            select(
                RoadSegment.id,
                RoadSegment.key,
                func.ST_AsBinary(RoadSegment.geom),
                RoadSegment.ref,
                RoadSegment.name,
                RoadSegment.road_class,
                RoadSegment.surface,
                RoadSegment.oneway,
                RoadSegment.toll,
                RoadSegment.maxspeed_kph,
                RoadSegment.motorbike_forbidden,
                RoadSegment.motorhome_unsuitable,
                RoadSegment.max_height_m,
                RoadSegment.max_weight_t,
                RoadSegment.scenic,
            )
            .where(published)
            .order_by(RoadSegment.key)
        ).all()
        corridors: dict[int, list[str]] = {}
        for segment_id, slug in self.session.execute(
            select(SegmentCorridor.segment_id, SegmentCorridor.corridor_slug)
            .join(RoadSegment, RoadSegment.id == SegmentCorridor.segment_id)
            .where(published)
        ):
            corridors.setdefault(segment_id, []).append(slug)
        lines = shapely.from_wkb([bytes(r[2]) for r in rows]) if rows else np.zeros(0)
        coords, owner = shapely.get_coordinates(lines, return_index=True)
        sizes = np.bincount(owner, minlength=len(rows)) if len(rows) else np.zeros(0, int)
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        keep = sizes >= 2  # a segment needs two vertices to be a road
        if not keep.all():
            coords = coords[np.repeat(keep, sizes)]
            rows = [r for r, k in zip(rows, keep, strict=True) if k]
            offsets = np.zeros(len(rows) + 1, dtype=np.int64)
            np.cumsum(sizes[keep], out=offsets[1:])

        def floats(i: int) -> np.ndarray:
            return np.array([np.nan if r[i] is None else r[i] for r in rows], dtype=np.float64)

        def flags(i: int) -> np.ndarray:
            return np.array([bool(r[i]) for r in rows], dtype=bool)

        return SegmentColumns(
            ids=[r[1] for r in rows],
            coords=np.asarray(coords, dtype=np.float64).reshape(-1, 2),
            offsets=offsets,
            road_class=[r[5] for r in rows],
            surface=[r[6] for r in rows],
            ref=[r[3] for r in rows],
            name=[r[4] for r in rows],
            corridors=[tuple(sorted(corridors.get(r[0], ()))) for r in rows],
            oneway=flags(7),
            toll=flags(8),
            motorbike_forbidden=flags(10),
            motorhome_unsuitable=flags(11),
            maxspeed_kph=floats(9),
            max_height_m=floats(12),
            max_weight_t=floats(13),
            scenic=np.array([r[14] or 0 for r in rows], dtype=np.int8),
            curated=np.array([not r[1].startswith(KEY_PREFIX) for r in rows], dtype=bool),
        )

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
                    curated=not row.key.startswith(KEY_PREFIX),
                )
            )
        return out
