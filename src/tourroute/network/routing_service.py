"""Use case: a route between sites or points, with via points and corridor alternatives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from tourroute.db.spatial import geojson_of
from tourroute.errors import InvalidParameter, NoRouteFound
from tourroute.geo import parse_lon_lat
from tourroute.network.graph_cache import GraphCache, NetworkGraph
from tourroute.routing import NoRoute, Preference, Route, Snap, SnapError, Vehicle
from tourroute.routing.graph import Coord
from tourroute.routing.isochrone import reach_area
from tourroute.routing.route import AVOIDABLE, Matrix, Reach, RouteCost
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


@dataclass
class RoutePlan:
    legs: list[Route]
    label: str
    avoided: list[str] = field(default_factory=list)

    @property
    def distance_m(self) -> float:
        return sum(leg.distance_m for leg in self.legs)

    @property
    def duration_s(self) -> float:
        return sum(leg.duration_s for leg in self.legs)

    def segment_ids(self) -> set[str]:
        return {s for leg in self.legs for s in leg.segment_ids}


class RoutingService:
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
        """A site slug or ``lon,lat``."""
        raw = raw.strip()
        if "," in raw:
            try:
                return Endpoint(raw, parse_lon_lat(raw, region, name))
            except InvalidParameter as exc:
                raise InvalidParameter(name, exc.errors[0].reason, location) from None
        site = SiteRepository(self.session).get_by_slug(raw)
        if site is None:
            raise InvalidParameter(
                name, f"'{raw}' is neither lon,lat nor a published site slug", location
            )
        point = geojson_of(site.geom)
        if point is None:
            raise InvalidParameter(name, f"site '{raw}' has no location", location)
        lon, lat = point["coordinates"]
        return Endpoint(raw, (float(lon), float(lat)), site.slug)

    def plan(self, req: RouteRequest) -> tuple[NetworkGraph, list[RoutePlan]]:
        graph = self.cache.get(self.session)
        self._check_avoid(graph, req.avoid)
        if req.prefer and req.prefer not in graph.corridor_names:
            raise InvalidParameter("prefer", f"unknown corridor '{req.prefer}'")
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
                f"unknown value(s) {unknown}; use toll, expressway, "
                f"unpaved or a corridor: {sorted(graph.corridor_names)}",
                location,
            )

    def _snap(self, graph: NetworkGraph, point: Endpoint, model: RouteCost, name: str) -> Snap:
        try:
            return graph.router.snap(point.coord, model)
        except SnapError as exc:
            raise InvalidParameter(name, str(exc), "body" if "[" in name else "query") from None
        except NoRoute as exc:
            raise NoRouteFound(f"{point.query}: {exc}") from None

    def matrix(
        self,
        sources: list[Endpoint],
        destinations: list[Endpoint],
        vehicle: Vehicle,
        avoid: frozenset[str],
        distances: bool,
    ) -> tuple[NetworkGraph, Matrix]:
        """Durations (and distances) between every source and every destination."""
        graph = self.cache.get(self.session)
        self._check_avoid(graph, avoid, "body")
        model = graph.router.model(vehicle, Preference.fastest, avoid)
        a = [self._snap(graph, p, model, f"sources[{i}]") for i, p in enumerate(sources)]
        b = [self._snap(graph, p, model, f"destinations[{i}]") for i, p in enumerate(destinations)]
        return graph, graph.router.matrix(a, b, model, distances)

    def reachable(
        self,
        origin: Endpoint,
        minutes: float,
        vehicle: Vehicle,
        avoid: frozenset[str],
        margin_m: float,
    ) -> Reachable:
        """Sites and area within ``minutes`` of driving from ``origin``."""
        graph = self.cache.get(self.session)
        self._check_avoid(graph, avoid)
        model = graph.router.model(vehicle, Preference.fastest, avoid)
        start = self._snap(graph, origin, model, "from")
        reach = graph.router.reachable(start, model, minutes * 60)
        area = reach_area(reach.pieces, start.on_road, margin_m)
        sites: list[ReachedSite] = []
        for site in SiteRepository(self.session).published_in_bbox(area.bounds):
            try:
                snap = graph.router.snap(site.coord, model)
            except (SnapError, NoRoute):
                continue
            seconds = graph.router.time_to(reach, snap)
            if seconds is not None:
                sites.append(ReachedSite(site, seconds, snap.distance_m))
        sites.sort(key=lambda r: (r.duration_s, r.site.slug))
        return Reachable(graph, start, reach, area, sites)

    @staticmethod
    def _differs(candidate: RoutePlan, plans: list[RoutePlan]) -> bool:
        ids = candidate.segment_ids()
        return all(len(ids & p.segment_ids()) <= 0.8 * max(1, len(ids)) for p in plans)

    def _plan(
        self, graph: NetworkGraph, req: RouteRequest, avoid: frozenset[str], label: str
    ) -> RoutePlan:
        legs = []
        for i, (a, b) in enumerate(zip(req.points, req.points[1:], strict=False)):
            try:
                model = graph.router.model(
                    req.vehicle, req.preference, avoid, req.prefer, req.excluded
                )
                legs.append(graph.router.route(a.coord, b.coord, model))
            except SnapError as exc:
                name = "from" if i == 0 else "via"
                raise InvalidParameter(name, str(exc)) from None
            except NoRoute as exc:
                raise NoRouteFound(
                    f"no route from {a.query} to {b.query} for a {req.vehicle.value}: {exc}"
                ) from None
        return RoutePlan(legs, label)


def _named(names: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    vi, en = names.get(key, (key, key))
    return vi if lang == "vi" else en


def _summary_line(km: float, corridor: str, province: str, lang: str) -> str:
    """One line of the breakdown's plain-language summary, in the response's language.

    >>> _summary_line(61.6, "Đường Hồ Chí Minh", "Nghệ An", "vi")
    '62 km trên Đường Hồ Chí Minh ở Nghệ An'
    >>> _summary_line(61.6, "Hồ Chí Minh road", "Nghe An", "en")
    '62 km on the Hồ Chí Minh road in Nghe An'
    """
    if lang == "vi":
        return f"{km:.0f} km trên {corridor} ở {province}"
    return f"{km:.0f} km on the {corridor} in {province}"


def route_breakdown(
    graph: NetworkGraph, legs: list[Route], lang: str, *, both_languages: bool = False
) -> dict[str, Any]:
    """Distance by road, corridor, province and both, and a plain-language summary in
    ``lang``; a stored document (an itinerary, a tour) also keeps ``summary_vi`` and
    ``summary_en``, since it is answered later to readers of either language."""
    by_ref: dict[str, float] = {}
    by_corridor: dict[str, float] = {}
    by_province: dict[str, float] = {}
    by_both: dict[tuple[str, str], float] = {}
    for leg in legs:
        for target, source in (
            (by_ref, leg.by_ref),
            (by_corridor, leg.by_corridor),
            (by_province, leg.by_province),
        ):
            for k, v in source.items():
                target[k] = target.get(k, 0.0) + v
        for k2, v in leg.by_corridor_province.items():
            by_both[k2] = by_both.get(k2, 0.0) + v

    def rows(d: dict[str, float], key: str, names: dict[str, tuple[str, str]] | None) -> list[Any]:
        out = []
        for k, v in sorted(d.items(), key=lambda kv: -kv[1]):
            row: dict[str, Any] = {key: k, "distance_m": round(v, 1)}
            if names is not None:
                row["name"] = _named(names, k, lang)
            out.append(row)
        return out

    def summary(language: str) -> list[str]:
        return [
            _summary_line(
                v / 1000,
                _named(graph.corridor_names, c, language),
                _named(graph.province_names, p, language),
                language,
            )
            for (c, p), v in sorted(by_both.items(), key=lambda kv: -kv[1])
            if v >= 1000
        ]

    languages = {"summary_vi": summary("vi"), "summary_en": summary("en")} if both_languages else {}
    return {
        "by_ref": rows(by_ref, "ref", None),
        "by_corridor": rows(by_corridor, "corridor", graph.corridor_names),
        "by_province": rows(by_province, "province", graph.province_names),
        "by_corridor_and_province": [
            {"corridor": c, "province": p, "distance_m": round(v, 1)}
            for (c, p), v in sorted(by_both.items(), key=lambda kv: -kv[1])
        ],
        "summary": summary(lang),
        **languages,
    }
