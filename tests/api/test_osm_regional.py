"""``tourroute import osm`` on real data: a Vinh cut of the 2021 regional file, merged with the
seeded network (``tests/data/README.md`` says how the cut was made)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourroute.network.models import RoadSegment
from tourroute.network.osm_import import import_osm
from tourroute.network.osm_merge import CuratedNetwork, WayIn
from tourroute.network.osm_writer import curated_lines
from tourroute.network.repository import NetworkRepository
from tourroute.routing import Vehicle, build_graph, route

VINH = Path(__file__).resolve().parents[1] / "data" / "osm2021-vinh.osm.pbf"
CENTRE = (105.692, 18.673)  # Vinh
NAM_DAN = (105.4975, 18.6995)  # on QL46/QL15, west of the cut


def _curated(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(RoadSegment.key, RoadSegment.version).where(~RoadSegment.key.startswith("osm:"))
    )
    return {str(key): int(version) for key, version in rows}


def _osm(session: Session) -> list[RoadSegment]:
    query = select(RoadSegment).where(RoadSegment.key.startswith("osm:"))
    return list(session.scalars(query.order_by(RoadSegment.key)))


def test_the_vinh_cut_merges_with_the_seeded_network(session: Session) -> None:
    curated = _curated(session)
    report = import_osm(session, VINH)

    merge = report.merge
    assert merge.replaced_ways > 50
    assert merge.replaced_m > 30_000
    assert merge.junctions > 500
    assert 0 < merge.junctions_on_line < merge.junctions
    assert _curated(session) == curated  # curated segments are never written

    # What was kept runs alongside no curated segment any more (nothing was added along
    # curated roads), and its junctions are made: merged again, next to nothing changes
    # (a few short ways whose end, moved onto a curated line, now lies alongside it or
    # within snap_m of a curated vertex).
    rows = _osm(session)
    network = CuratedNetwork(curated_lines(session))
    ways = [WayIn(np.asarray(to_shape(r.geom).coords), r.road_class == "motorway") for r in rows]
    again = network.merge(ways)
    assert sum(m.replaced_m for m in again) < 0.002 * merge.replaced_m
    assert sum(m.changed for m in again) < 0.001 * len(rows)

    # From a Vinh street, onto the seeded corridors, to Nam Đàn.
    graph = build_graph(NetworkRepository(session).segments())
    street = min(
        (r for r in rows if r.road_class == "residential"),
        key=lambda r: to_shape(r.geom).distance(shapely.Point(CENTRE)),
    )
    start = to_shape(street.geom).interpolate(0.5, normalized=True)
    trip = route(graph, (start.x, start.y), NAM_DAN, Vehicle.car)
    assert trip.segment_ids[0].startswith("osm:")
    assert trip.by_corridor.get("ql46", 0) + trip.by_corridor.get("ql15", 0) > 5_000

    # The same file again changes nothing.
    second = import_osm(session, VINH)
    assert (second.inserted, second.updated, second.deleted) == (0, 0, 0)
    assert second.unchanged == report.segments
