"""Use case: a route between sites or points, with via points and corridor alternatives."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from tourroute.db.spatial import geojson_of
from tourroute.errors import InvalidParameter, NoRouteFound
from tourroute.geo import parse_lon_lat
from tourroute.i18n import messages as msgs
from tourroute.plans import LegStep
from tourroute.routes.graph_cache import GraphCache, NetworkGraph
from tourroute.routes.legs import ErrorNames, LegBuilder
from tourroute.routes.legs import route_breakdown as route_breakdown  # router.py imports it here
from tourroute.routing import Preference, Route, Snap, Vehicle
from tourroute.routing.graph import Coord
from tourroute.routing.reach_grid import reach_area_lines
from tourroute.routing.route import AVOIDABLE, Matrix, Reach
from tourroute.sites.repository import SitePoint, SiteRepository


@dataclass(frozen=True)
class ReachedSite:
    site: SitePoint
    duration_s: float
    snap_distance_m: float


@dataclass
class Reachable:
    graph: NetworkGraph
    origin: Snap
    reach: Reach
    area: BaseGeometry
    sites: list[ReachedSite]


# Corridors whose avoidance yields the alternatives people compare here.
ALTERNATIVE_CORRIDORS = ("expressway-north-south-east", "ql1a", "coastal-road", "hcm-road")


@dataclass(frozen=True)
class Endpoint:
    query: str
    coord: Coord
    site: str | None = None


@dataclass
class RouteRequest:
    points: list[Endpoint]
    vehicle: Vehicle = Vehicle.car
    preference: Preference = Preference.fastest
    avoid: frozenset[str] = frozenset()
    prefer: str | None = None
    alternatives: int = 0
    excluded: BaseGeometry | None = None
    steps: bool = False  # turn-by-turn steps of every leg (only when asked: they cost time)


@dataclass
class RoutePlan:
    legs: list[Route]
    label: str
    avoided: list[str] = field(default_factory=list)
    steps: list[list[LegStep]] | None = None  # per leg, with RouteRequest.steps

    @property
    def distance_m(self) -> float:
        return sum(leg.distance_m for leg in self.legs)

    @property
    def duration_s(self) -> float:
        return sum(leg.duration_s for leg in self.legs)

    def segment_ids(self) -> set[str]:
        return {s for leg in self.legs for s in leg.segment_ids}


class RoutingService:
    """Routes, travel-time matrices and reachable areas on the current road graph.

    Every leg and snap goes through a :class:`~tourroute.routes.legs.LegBuilder`, which
    also turns the router's failures into domain errors.

    Parameters
    ----------
    session
        The request's database session (sites, the network version).
    cache
        The app's road graphs, one per network version.
    """

    def __init__(self, session: Session, cache: GraphCache) -> None:
        self.session = session
        self.cache = cache

    def endpoint(
        self,
        raw: str,
        name: str,
        region: tuple[float, float, float, float],
        location: str = "query",
    ) -> Endpoint:
        """A site slug or ``lon,lat`` as a point to route from or to.

        Parameters
        ----------
        raw
            A published site's slug, or ``lon,lat`` inside ``region``.
        name
            The request parameter that gave it (named by errors).
        region
            (west, south, east, north) of the served region.
        location
            Where ``name`` was given: ``query`` or ``body``.

        Returns
        -------
        Endpoint
            ``raw``, its (lon, lat) and the site's slug (``None`` for a point).

        Raises
        ------
        InvalidParameter
            Neither a point inside the region nor a published site with a location.
        """
        raw = raw.strip()
        if "," in raw:
            try:
                return Endpoint(raw, parse_lon_lat(raw, region, name))
            except InvalidParameter as exc:
                raise InvalidParameter(name, exc.errors[0].message, location) from None
        site = SiteRepository(self.session).get_by_slug(raw)
        if site is None:
            raise InvalidParameter(name, msgs.NOT_A_POINT_OR_SITE(raw=raw), location)
        point = geojson_of(site.geom)
        if point is None:
            raise InvalidParameter(name, msgs.SITE_NO_LOCATION(slug=raw), location)
        lon, lat = point["coordinates"]
        return Endpoint(raw, (float(lon), float(lat)), site.slug)

    def plan(self, req: RouteRequest) -> tuple[NetworkGraph, list[RoutePlan]]:
        """The best route through ``req.points``, and up to ``req.alternatives`` others.

        An alternative avoids one of :data:`ALTERNATIVE_CORRIDORS` that carries at least
        15 % of the best route; it is kept when it shares at most 80 % of its segments with
        every route kept before and takes at most twice as long as the best.

        Parameters
        ----------
        req
            The points (from, via…, to), the vehicle, preference and constraints.

        Returns
        -------
        (NetworkGraph, list of RoutePlan)
            The graph routed on and the routes, the best first.

        Raises
        ------
        InvalidParameter
            An unknown ``avoid`` or ``prefer`` value, or a point with no usable road near
            it (named ``from`` on the first leg, ``via`` after).
        NoRouteFound
            No route for the best plan between two consecutive points.
        """
        graph = self.cache.get(self.session)
        self._check_avoid(graph, req.avoid)
        if req.prefer and req.prefer not in graph.corridor_names:
            raise InvalidParameter("prefer", msgs.UNKNOWN_CORRIDOR(corridor=req.prefer))
        best = self._plan(graph, req, req.avoid, "best")
        plans = [best]
        if req.alternatives:
            for corridor in ALTERNATIVE_CORRIDORS:
                if len(plans) > req.alternatives:
                    break
                used = sum(leg.by_corridor.get(corridor, 0.0) for leg in best.legs)
                if used < 0.15 * best.distance_m or corridor in req.avoid:
                    continue
                try:
                    alt = self._plan(graph, req, req.avoid | {corridor}, f"avoiding {corridor}")
                except (NoRouteFound, InvalidParameter):
                    continue
                alt.avoided = [corridor]
                if self._differs(alt, plans) and alt.duration_s <= 2.0 * best.duration_s:
                    plans.append(alt)
        return graph, plans

    @staticmethod
    def _check_avoid(graph: NetworkGraph, avoid: frozenset[str], location: str = "query") -> None:
        unknown = sorted(a for a in avoid if a not in AVOIDABLE and a not in graph.corridor_names)
        if unknown:
            raise InvalidParameter(
                "avoid",
                msgs.UNKNOWN_AVOID(unknown=unknown, corridors=sorted(graph.corridor_names)),
                location,
            )

    def matrix(
        self,
        sources: list[Endpoint],
        destinations: list[Endpoint],
        vehicle: Vehicle,
        avoid: frozenset[str],
        distances: bool,
    ) -> tuple[NetworkGraph, Matrix]:
        """Durations (and distances) between every source and every destination.

        Parameters
        ----------
        sources, destinations
            The points (named ``sources[i]`` and ``destinations[j]`` in the body).
        vehicle
            The vehicle, on its fastest routes.
        avoid
            ``toll``, ``expressway``, ``unpaved`` and/or corridor slugs.
        distances
            Also the metres of every route (slower).

        Returns
        -------
        (NetworkGraph, Matrix)
            The graph routed on and the matrix, with the snapped points.

        Raises
        ------
        InvalidParameter
            An unknown ``avoid`` value, or a point with no usable road near it.
        NoRouteFound
            A point's nearest usable road is cut off from the network.
        """
        graph = self.cache.get(self.session)
        self._check_avoid(graph, avoid, "body")
        legs = LegBuilder.of(graph, vehicle, Preference.fastest, avoid)
        a = [
            legs.snap(p.coord, ErrorNames.point(p.query, f"sources[{i}]", "body"))
            for i, p in enumerate(sources)
        ]
        b = [
            legs.snap(p.coord, ErrorNames.point(p.query, f"destinations[{i}]", "body"))
            for i, p in enumerate(destinations)
        ]
        return graph, legs.matrix(a, b, distances)

    def reachable(
        self,
        origin: Endpoint,
        minutes: float,
        vehicle: Vehicle,
        avoid: frozenset[str],
        margin_m: float,
    ) -> Reachable:
        """Sites and area within ``minutes`` of driving from ``origin``.

        Parameters
        ----------
        origin
            Where the drive starts (the ``from`` parameter).
        minutes
            The driving-time budget.
        vehicle
            The vehicle, on its fastest routes.
        avoid
            ``toll``, ``expressway``, ``unpaved`` and/or corridor slugs.
        margin_m
            How far either side of the roads driven the area reaches, in metres.

        Returns
        -------
        Reachable
            The snapped origin, the search, the area and the published sites reached
            (quickest first; sites with no usable road near them are left out).

        Raises
        ------
        InvalidParameter
            An unknown ``avoid`` value, or no usable road near ``origin``.
        NoRouteFound
            The road nearest to ``origin`` is cut off from the network.
        """
        graph = self.cache.get(self.session)
        self._check_avoid(graph, avoid)
        legs = LegBuilder.of(graph, vehicle, Preference.fastest, avoid)
        start = legs.snap(origin.coord, ErrorNames.point(origin.query, "from"))
        reach = graph.router.reachable(start, legs.model, minutes * 60)
        area = reach_area_lines(reach.vertices, reach.line_starts, start.on_road, margin_m)
        # Drawn in ~100 m cells: 6 decimals (~0.1 m) lose nothing, and the shorter numbers
        # halve the time to write the 250 KB answer of a 60-minute reach.
        area = shapely.transform(area, lambda xy: np.round(xy, 6))
        snapped = [
            (site, snap)
            for site in SiteRepository(self.session).published_in_bbox(area.bounds)
            if (snap := legs.try_snap(site.coord)) is not None
        ]
        times = graph.router.times_to(reach, [snap for _, snap in snapped])
        sites = [
            ReachedSite(site, seconds, snap.distance_m)
            for (site, snap), seconds in zip(snapped, times, strict=True)
            if seconds is not None
        ]
        sites.sort(key=lambda r: (r.duration_s, r.site.slug))
        return Reachable(graph, start, reach, area, sites)

    @staticmethod
    def _differs(candidate: RoutePlan, plans: list[RoutePlan]) -> bool:
        ids = candidate.segment_ids()
        return all(len(ids & p.segment_ids()) <= 0.8 * max(1, len(ids)) for p in plans)

    @staticmethod
    def _plan(
        graph: NetworkGraph, req: RouteRequest, avoid: frozenset[str], label: str
    ) -> RoutePlan:
        """One route through the points with these avoidances, leg by leg."""
        legs = LegBuilder.of(graph, req.vehicle, req.preference, avoid, req.prefer, req.excluded)
        routes = []
        for i, (a, b) in enumerate(itertools.pairwise(req.points)):
            names = ErrorNames.leg(
                msgs.LEG_FROM_TO_FOR(
                    a=a.query, b=b.query, vehicle=msgs.vehicle_label(req.vehicle.value)
                ),
                parameter="from" if i == 0 else "via",
            )
            try:
                routes.append(legs.route(a.coord, b.coord, names))
            except InvalidParameter:
                # A point no road reaches: name that one, not the first point of its leg.
                last = len(req.points) - 1
                for j, p in ((i, a), (i + 1, b)):
                    parameter = "from" if j == 0 else "to" if j == last else "via"
                    legs.snap(p.coord, ErrorNames.point(p.query, parameter))
                raise
        steps = [legs.steps(r) for r in routes] if req.steps else None
        return RoutePlan(routes, label, steps=steps)
