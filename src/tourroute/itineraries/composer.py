"""Use case: compose an itinerary — candidates, travel times, the planner, routed legs.

The composer is where the database (sites), the road graph (snapping, travel-time
matrices, legs with geometry) and the pure planner meet:

1. candidates: published attractions in the chosen provinces, scored by interest × (1 +
   the weights of the requested themes they belong to), the best ``max_candidates`` plus
   every must-visit site; overnight places: published lodging/campsites of the chosen kinds
   (a caravan only where ``caravan_overnight`` is set);
2. time windows from each site's opening hours on the actual dates;
3. one travel-time matrix per corridor preference in play (days with a preferred corridor
   use its matrix: travel time depends on the day);
4. :func:`tourroute.planning.solve` (a must-visit whose visit lasts a day or more, e.g.
   the two-day Pu Xai Lai Leng trek, is a multi-day visit with its nights on site);
5. every leg of the plan routed for its geometry and corridor/province breakdown.
"""

from __future__ import annotations

import itertools
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourroute.errors import InvalidParameter, NoRouteFound
from tourroute.itineraries.models import Itinerary
from tourroute.itineraries.schemas import PACE_FACTOR, ItineraryRequest, OvernightKind
from tourroute.itineraries.windows import windows
from tourroute.network.graph_cache import GraphCache, NetworkGraph
from tourroute.network.routing_service import Endpoint, RoutingService, route_breakdown
from tourroute.planning import COACH_RULES, Day, Overnight, PlanningError, Problem, Stop, solve
from tourroute.provinces.repository import ProvinceRepository
from tourroute.routing import NoRoute, Snap, SnapError, Vehicle
from tourroute.routing.route import RouteCost
from tourroute.sites.domain import SiteKind, SiteStatus
from tourroute.sites.models import Site

VIETNAM = timezone(timedelta(hours=7), "ICT")  # Asia/Ho_Chi_Minh: no DST
UNREACHABLE_S = 1e9  # a pair with no route: the planner will never choose it
CORRIDOR_LEG_FACTOR = 0.5  # a corridor leg's road looks half as long: people chose it
# A site whose visit lasts a day or more (a trek with camp nights) is visited over several
# days with its nights on site; a shorter visit that does not fit the day window is not.
MULTI_DAY_VISIT_MIN = 24 * 60


@dataclass
class _Place:
    """A point the planner knows: start, end, a candidate stop or an overnight place."""

    id: str
    coord: tuple[float, float]
    snap: Snap
    site: Site | None = None
    slug: str | None = None  # a start/end given as a site slug


def _seconds(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second


class ItineraryComposer:
    def __init__(self, session: Session, cache: GraphCache) -> None:
        self.session = session
        self.cache = cache
        self.routing = RoutingService(session, cache)

    # -- inputs ---------------------------------------------------------------------------
    def _provinces(self, wanted: Sequence[str]) -> set[str]:
        provinces = ProvinceRepository(self.session).list()
        if not wanted:
            return {p.code for p in provinces}
        by_key = {p.code.lower(): p.code for p in provinces} | {p.slug: p.code for p in provinces}
        out = set()
        for raw in wanted:
            code = by_key.get(raw.strip().lower())
            if code is None:
                raise InvalidParameter(
                    "provinces", f"unknown province '{raw}'; use {sorted(by_key)}", "body"
                )
            out.add(code)
        return out

    def _sites(self, req: ItineraryRequest, provinces: set[str]) -> tuple[list[Site], list[Site]]:
        rows = list(
            self.session.scalars(
                select(Site).where(Site.status == SiteStatus.published).order_by(Site.slug)
            )
        )
        by_slug = {s.slug: s for s in rows}
        unknown = [slug for slug in req.must_visit if slug not in by_slug]
        if unknown:
            raise InvalidParameter(
                "must_visit", f"not published site slugs: {', '.join(unknown)}", "body"
            )
        must = [by_slug[slug] for slug in dict.fromkeys(req.must_visit)]
        for s in must:
            if s.kind is not SiteKind.attraction:
                raise InvalidParameter(
                    "must_visit", f"'{s.slug}' is a {s.kind.value}, not a place to visit", "body"
                )

        pool = [
            s
            for s in rows
            if s.kind is SiteKind.attraction and s.province_code in provinces and s not in must
        ]
        pool.sort(key=lambda s: (-_score(s, req), s.slug))
        candidates = must + pool[: max(0, req.max_candidates - len(must))]
        kinds = set()
        if OvernightKind.hotel in req.overnight or OvernightKind.homestay in req.overnight:
            kinds.add(SiteKind.lodging)
        if OvernightKind.campsite in req.overnight:
            kinds.add(SiteKind.campsite)
        overnights = [s for s in rows if s.kind in kinds and s.province_code in provinces]
        return candidates, overnights

    # -- the whole use case ---------------------------------------------------------------
    def compose(
        self, req: ItineraryRequest, region: tuple[float, float, float, float]
    ) -> Itinerary:
        graph = self.cache.get(self.session)
        for leg in req.corridor_legs:
            if leg.corridor not in graph.corridor_names:
                raise InvalidParameter(
                    "corridor_legs",
                    f"unknown corridor '{leg.corridor}'; use {sorted(graph.corridor_names)}",
                    "body",
                )
        start = self.routing.endpoint(req.start, "start", region, "body")
        end = self.routing.endpoint(req.end, "end", region, "body") if req.end else start
        provinces = self._provinces(req.provinces)
        candidates, overnight_sites = self._sites(req, provinces)
        base = graph.router.model(req.vehicle)
        if req.days > 1 and not any(
            s.caravan_overnight or req.vehicle is not Vehicle.caravan for s in overnight_sites
        ):
            what = (
                "caravan-suitable overnight place"
                if req.vehicle is Vehicle.caravan
                else ("place to stay")
            )
            raise InvalidParameter(
                "overnight",
                f"no published {what} of the kinds asked for in these provinces",
                "body",
            )

        places = [self._place("start", start, base, "start"), self._place("end", end, base, "end")]
        skipped: list[dict[str, str]] = []
        unplaced: list[dict[str, str]] = []
        stops: list[_Place] = []
        for s in candidates:
            place = self._site_place(s, base)
            if place is None:
                reason = f"no road usable by a {req.vehicle.value} leads there"
                if s.slug in req.must_visit:
                    unplaced.append({"site": s.slug, "reason": reason})
                else:
                    skipped.append({"site": s.slug, "reason": reason})
                continue
            stops.append(place)
        nights = [p for s in overnight_sites if (p := self._site_place(s, base)) is not None]
        places += stops + nights

        dates = [req.start_date + timedelta(days=d) for d in range(req.days)]
        day_prefer: list[str | None] = [None] * req.days
        for leg in req.corridor_legs:
            for d in leg.days:
                day_prefer[d - 1] = leg.corridor
        # The same cost model as the legs routed below: the plan's drive times are then the
        # routed legs' (a different corridor discount could pick other roads, over the cap).
        matrices = {
            prefer: self._matrix(
                graph,
                places,
                graph.router.model(
                    req.vehicle, prefer_corridor=prefer, prefer_factor=CORRIDOR_LEG_FACTOR
                ),
            )
            for prefer in set(day_prefer)
        }
        factor = PACE_FACTOR[req.pace]
        day_s = _seconds(req.day_end) - _seconds(req.day_start)
        planned: list[Stop] = []
        for place in stops:
            if place.site is None:
                continue
            service = round(place.site.visit_duration_min * 60 * factor)
            must = place.id in req.must_visit
            multi_day = must and place.site.visit_duration_min >= MULTI_DAY_VISIT_MIN
            on_site = _visit_nights(service, day_s) if multi_day else 0
            if on_site and req.vehicle is Vehicle.caravan and not place.site.caravan_overnight:
                raise InvalidParameter(
                    "must_visit",
                    f"'{place.id}' is a visit of {on_site} night(s) on site, and a caravan "
                    "may not stay there overnight",
                    "body",
                )
            if on_site >= req.days:
                raise InvalidParameter(
                    "must_visit",
                    f"'{place.id}' takes {place.site.visit_duration_min / 60:g} h, "
                    f"{on_site} night(s) on site: a trip of at least {on_site + 1} days",
                    "body",
                )
            planned.append(
                Stop(
                    id=place.id,
                    score=_score(place.site, req),
                    service_s=service,
                    windows=windows(place.site.opening_hours, dates),
                    must_visit=must,
                    name=place.site.name_en,
                    nights=on_site,
                )
            )
        problem = Problem(
            stops=tuple(planned),
            days=tuple(Day(_seconds(req.day_start), _seconds(req.day_end)) for _ in dates),
            travel_s=lambda i, j, d: matrices[day_prefer[d]][i][j],
            overnights=tuple(
                Overnight(p.id, caravan_ok=bool(p.site and p.site.caravan_overnight))
                for p in nights
            ),
            max_daily_driving_s=req.driving_cap_s,
            driver_rules=COACH_RULES if req.vehicle is Vehicle.coach else None,
            caravan=req.vehicle is Vehicle.caravan,
        )
        try:
            solution = solve(problem, seed=req.seed, time_limit_s=req.time_limit_s)
        except PlanningError as exc:
            raise InvalidParameter("itinerary", str(exc), "body") from None

        by_id = {p.id: p for p in places}
        unplaced += [{"site": u.stop_id, "reason": u.reason} for u in solution.unplaced]
        days_out = []
        for plan, day in zip(solution.days, dates, strict=True):
            model = graph.router.model(
                req.vehicle, prefer_corridor=day_prefer[plan.day], prefer_factor=CORRIDOR_LEG_FACTOR
            )
            days_out.append(self._day(graph, plan, day, by_id, model))
        doc: dict[str, Any] = {
            "vehicle": req.vehicle.value,
            "start_date": req.start_date.isoformat(),
            "days": days_out,
            "score": round(solution.score, 3),
            "totals": {
                "driving_s": round(sum(d["totals"]["driving_s"] for d in days_out), 1),
                "distance_m": round(sum(d["totals"]["distance_m"] for d in days_out), 1),
                "visits": sum(len(d["stops"]) for d in days_out),
            },
            "unplaced": unplaced,
            "skipped": skipped,
            "solver": {
                "seed": req.seed,
                "iterations": solution.iterations,
                "elapsed_s": round(solution.elapsed_s, 3),
                "timed_out": solution.timed_out,
                "candidates": len(stops),
                "overnight_candidates": len(nights),
            },
            "network_version": graph.version,
        }
        itinerary = Itinerary(
            id=uuid.uuid4().hex,
            vehicle=req.vehicle.value,
            days=req.days,
            score=solution.score,
            network_version=graph.version,
            request=req.model_dump(mode="json"),
            plan=doc,
        )
        self.session.add(itinerary)
        self.session.flush()
        return itinerary

    # -- helpers --------------------------------------------------------------------------
    def _place(self, pid: str, point: Endpoint, model: RouteCost, name: str) -> _Place:
        graph = self.cache.get(self.session)
        try:
            snap = graph.router.snap(point.coord, model)
        except SnapError as exc:
            raise InvalidParameter(name, str(exc), "body") from None
        except NoRoute as exc:
            raise NoRouteFound(f"{point.query}: {exc}") from None
        return _Place(pid, point.coord, snap, slug=point.site)

    def _site_place(self, site: Site, model: RouteCost) -> _Place | None:
        graph = self.cache.get(self.session)
        p = to_shape(site.geom)
        coord = (float(p.x), float(p.y))
        try:
            snap = graph.router.snap(coord, model)
        except (SnapError, NoRoute):
            return None
        return _Place(site.slug, coord, snap, site)

    @staticmethod
    def _matrix(graph: NetworkGraph, places: list[_Place], model: RouteCost) -> list[list[float]]:
        snaps = [p.snap for p in places]
        m = graph.router.matrix(snaps, snaps, model, distances=False)
        return [
            [0.0 if i == j else (UNREACHABLE_S if v is None else v) for j, v in enumerate(row)]
            for i, row in enumerate(m.durations_s)
        ]

    def _day(
        self,
        graph: NetworkGraph,
        plan: Any,
        day: date,
        places: dict[str, _Place],
        model: RouteCost,
    ) -> dict[str, Any]:
        midnight = datetime.combine(day, time(), VIETNAM)

        def at(seconds: float) -> str:
            return (midnight + timedelta(seconds=round(seconds))).isoformat()

        def describe(pid: str) -> dict[str, Any]:
            p = places[pid]
            out: dict[str, Any] = {"id": pid, "location": list(p.coord), "site": p.slug}
            if p.site is not None:
                out |= {
                    "site": p.site.slug,
                    "name_vi": p.site.name_vi,
                    "name_en": p.site.name_en,
                    "kind": p.site.kind.value,
                }
            return out

        sequence = [plan.start_id, *[v.stop_id for v in plan.visits], plan.end_id]
        legs = []
        for a, b in itertools.pairwise(sequence):
            legs.append(self._leg(graph, places[a], places[b], model))
        stops = []
        for v in plan.visits:
            site = places[v.stop_id].site
            stops.append(
                describe(v.stop_id)
                | {
                    "arrival": at(v.arrival_s),
                    "wait_s": round(v.wait_s),
                    "visit_start": at(v.start_s),
                    "departure": at(v.departure_s),
                    "visit_s": round(v.departure_s - v.start_s),
                    "score": round(v.score, 3),
                    "opening_hours": site.opening_hours if site is not None else None,
                }
            )
        return {
            "day": plan.day + 1,
            "date": day.isoformat(),
            "start": describe(plan.start_id) | {"departure": at(plan.departure_s)},
            "stops": stops,
            "legs": legs,
            "overnight": describe(plan.overnight) if plan.overnight else None,
            "end": describe(plan.end_id) | {"arrival": at(plan.arrival_s)},
            "totals": {
                "driving_s": round(sum(leg["duration_s"] for leg in legs), 1),
                "distance_m": round(sum(leg["distance_m"] for leg in legs), 1),
                "visits": len(stops),
                "score": round(plan.score, 3),
                "max_continuous_driving_s": round(plan.max_continuous_driving_s, 1),
            },
        }

    @staticmethod
    def _leg(graph: NetworkGraph, a: _Place, b: _Place, model: RouteCost) -> dict[str, Any]:
        if a.id == b.id or a.coord == b.coord:
            return {
                "from": a.id,
                "to": b.id,
                "distance_m": 0.0,
                "duration_s": 0.0,
                "geometry": {"type": "LineString", "coordinates": [list(a.coord)] * 2},
                "breakdown": None,
            }
        try:
            r = graph.router.route(a.coord, b.coord, model)
        except (NoRoute, SnapError) as exc:
            raise NoRouteFound(f"no route from {a.id} to {b.id}: {exc}") from None
        return {
            "from": a.id,
            "to": b.id,
            "distance_m": round(r.distance_m, 1),
            "duration_s": round(r.duration_s, 1),
            "geometry": {"type": "LineString", "coordinates": [list(c) for c in r.coords]},
            "breakdown": route_breakdown(graph, [r], "en", both_languages=True),
        }


def _visit_nights(service_s: float, day_s: float) -> int:
    """Nights a must-visit spends on site: none if the visit fits a day's window, else the
    fewest that leave the visit's length (a two-day trek, with its camp night) in the days.

    >>> _visit_nights(8 * 3600, 10 * 3600), _visit_nights(28.5 * 3600, 10 * 3600)
    (0, 1)
    >>> _visit_nights(48 * 3600, 10 * 3600)
    2
    """
    if service_s <= day_s:
        return 0
    return math.ceil((service_s - day_s) / 86_400)


def _score(site: Site | None, req: ItineraryRequest) -> float:
    if site is None:
        return 0.0
    bonus = sum(req.themes.get(c, 0.0) for c in site.categories)
    return round(site.interest_score * (1.0 + bonus), 3)
