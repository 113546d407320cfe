"""How well the stored network serves the sites: snap distances and reachability per vehicle.

Used by ``tourroute network report``: a curator sees at once which sites sit far from any
road the vehicle may use (a park centroid rather than its gate, a missing access road) or
are cut off for a vehicle (a caravan behind a steep pass).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tourroute.routes.graph_cache import GraphCache, NetworkGraph
from tourroute.routing import NoRoute, SnapError, Vehicle
from tourroute.sites.repository import SitePoint, SiteRepository

WHOLE_REGION = (-180.0, -90.0, 180.0, 90.0)


@dataclass(frozen=True)
class SiteSnap:
    site: SitePoint
    vehicle: Vehicle
    distance_m: float | None  # None: no usable road within reach, or cut off
    problem: str = ""


def snap_report(session: Session, vehicles: list[Vehicle]) -> tuple[NetworkGraph, list[SiteSnap]]:
    """Every published site's snap distance for each vehicle, farthest first."""
    graph = GraphCache().get(session)
    rows: list[SiteSnap] = []
    for vehicle in vehicles:
        model = graph.router.model(vehicle)
        for site in SiteRepository(session).published_in_bbox(WHOLE_REGION):
            try:
                snap = graph.router.snap(site.coord, model)
            except (SnapError, NoRoute) as exc:
                rows.append(SiteSnap(site, vehicle, None, str(exc)))
                continue
            rows.append(SiteSnap(site, vehicle, snap.distance_m))
    rows.sort(key=lambda r: (-(r.distance_m if r.distance_m is not None else 1e12), r.site.slug))
    return graph, rows
