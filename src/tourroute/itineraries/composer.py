"""Use case: compose an itinerary — candidates, travel times, the planner, routed legs.

The composer is where the database (sites), the road graph (snapping, travel-time
matrices, legs with geometry) and the pure planner meet:

1. candidates: published attractions in the chosen provinces, scored by interest × (1 +
   the weights of the requested themes they belong to), the best ``max_candidates`` plus
   every must-visit site; overnight places: published lodging/campsites of the chosen kinds
   (a caravan only where ``motorhome_overnight`` is set);
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import numpy as np
from sqlalchemy.orm import Session

from tourroute.db.spatial import shape_of
from tourroute.errors import InvalidParameter
from tourroute.i18n import localized_reason
from tourroute.i18n import messages as msgs
from tourroute.itineraries.breaks import (
    BreakPlace,
    ConvoyRules,
    DayInput,
    DaySchedule,
    LegResult,
    MealRule,
    VisitSpec,
    schedule_day,
)
from tourroute.itineraries.models import Itinerary
from tourroute.itineraries.repository import ItineraryRepository
from tourroute.itineraries.schemas import PACE_FACTOR, ItineraryRequest, MealWindow, OvernightKind
from tourroute.itineraries.windows import windows
from tourroute.localtime import local_datetime, today_local
from tourroute.planning import (
    COACH_RULES,
    Day,
    DayPlan,
    Overnight,
    PlanningError,
    Problem,
    Solution,
    Stop,
    solve,
)
from tourroute.plans import (
    Break,
    DayEnd,
    DayStart,
    DayTotals,
    LeftOutSite,
    Plan,
    PlanConvoy,
    PlanMeals,
    PlanMealWindow,
    PlanPlace,
    PlanTotals,
    SolverStats,
    Visit,
    plan_document,
)
from tourroute.plans import Day as PlanDay
from tourroute.plans import Leg as PlanLeg
from tourroute.plans import Overnight as PlanOvernight
from tourroute.provinces.repository import ProvinceRepository
from tourroute.routes.graph_cache import GraphCache, NetworkGraph
from tourroute.routes.legs import ErrorNames, LegBuilder, leg_document, part_steps
from tourroute.routes.service import Endpoint, RoutingService
from tourroute.routing import Snap, Vehicle
from tourroute.routing.convoy import convoy_factor
from tourroute.sites.domain import SiteKind, SiteType
from tourroute.sites.models import Site
from tourroute.sites.repository import SiteRepository

OSM_CREDIT = "Map data © OpenStreetMap contributors (ODbL)"
UNREACHABLE_S = 1e9  # a pair with no route: the planner will never choose it
CORRIDOR_LEG_FACTOR = 0.5  # a corridor leg's road looks half as long: people chose it
# A site whose visit lasts a day or more (a trek with camp nights) is visited over several
# days with its nights on site; a shorter visit that does not fit the day window is not.
MULTI_DAY_VISIT_MIN = 24 * 60

_P = TypeVar("_P", bound=PlanPlace)


@dataclass
class _Place:
    """A point the planner knows: start, end, a candidate stop or an overnight place."""

    id: str
    coord: tuple[float, float]
    snap: Snap | None  # None: a break place, only routed to (never in a matrix)
    site: Site | None = None
    slug: str | None = None  # a start/end given as a site slug


@dataclass
class _Candidates:
    """The places the planner may use, and the sites left out before it runs."""

    start: _Place
    end: _Place
    stops: list[_Place] = field(default_factory=list)
    nights: list[_Place] = field(default_factory=list)  # overnight places
    skipped: list[LeftOutSite] = field(default_factory=list)
    unplaced: list[LeftOutSite] = field(default_factory=list)  # must-visits left out

    @property
    def places(self) -> list[_Place]:
        """Every place in the planner's node order: start, end, stops, overnight places."""
        return [self.start, self.end, *self.stops, *self.nights]


@dataclass
class _Trip:
    """What every step of one composition reads: the request, its days and its roads."""

    req: ItineraryRequest
    graph: NetworkGraph
    dates: list[date]
    day_prefer: list[str | None]  # day index → the corridor it prefers
    legs: dict[str | None, LegBuilder]  # preferred corridor → the legs routed with it
    convoy: ConvoyRules | None
    meals: list[MealRule]
    slow: float  # a convoy drives this many times slower than one car

    @property
    def inflate(self) -> float:
        """How much longer the plan's drives take: the convoy's pace and its stops."""
        convoy = self.convoy
        return self.slow * (1 + convoy.stop_s / convoy.regroup_every_s) if convoy else 1.0

    def legs_of(self, day: int) -> LegBuilder:
        """The legs of day ``day`` (an index): routed with that day's preferred corridor."""
        return self.legs[self.day_prefer[day]]


def _seconds(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second


class ItineraryComposer:
    """Composes and stores itineraries: candidates → problem → solve → rendered plan.

    Parameters
    ----------
    session
        The request's database session: sites are read, the itinerary is added to it.
    cache
        The app's road graphs, one per network version.
    """

    def __init__(self, session: Session, cache: GraphCache) -> None:
        self.session = session
        self.itineraries = ItineraryRepository(session)
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
                    "provinces", msgs.UNKNOWN_PROVINCE_USE(value=raw, known=sorted(by_key)), "body"
                )
            out.add(code)
        return out

    def _sites(self, req: ItineraryRequest, provinces: set[str]) -> tuple[list[Site], list[Site]]:
        rows = SiteRepository(self.session).published()
        by_slug = {s.slug: s for s in rows}
        unknown = [slug for slug in req.must_visit if slug not in by_slug]
        if unknown:
            raise InvalidParameter(
                "must_visit", msgs.NOT_PUBLISHED_SLUGS(slugs=", ".join(unknown)), "body"
            )
        must = [by_slug[slug] for slug in dict.fromkeys(req.must_visit)]
        for s in must:
            if s.kind is not SiteKind.attraction:
                raise InvalidParameter(
                    "must_visit",
                    msgs.NOT_A_PLACE_TO_VISIT(slug=s.slug, kind=s.kind.value),
                    "body",
                )

        pool = [
            s
            for s in rows
            if s.kind is SiteKind.attraction and s.province_code in provinces and s not in must
        ]
        pool.sort(key=lambda s: (-_score(s, req), s.slug))
        candidates = must + pool[: max(0, req.max_candidates - len(must))]
        overnights = _thin(
            [s for s in rows if s.province_code in provinces and _stays(s, req.overnight)]
        )
        self._service_rows = [s for s in rows if s.kind is SiteKind.service]
        return candidates, overnights

    # -- the whole use case ---------------------------------------------------------------
    def compose(
        self, req: ItineraryRequest, region: tuple[float, float, float, float]
    ) -> Itinerary:
        """Plan the request's trip and store it: candidates → problem → solve → render.

        Parameters
        ----------
        req
            The itinerary request (start, end, days, must-visits, themes, constraints).
        region
            (west, south, east, north) of the served region: ``lon,lat`` points of the
            request must lie inside it.

        Returns
        -------
        Itinerary
            The stored itinerary (added to the session and flushed), its ``plan`` the
            document of days, stops, legs, breaks and totals.

        Raises
        ------
        InvalidParameter
            A field of the request the region cannot satisfy: an unknown corridor or
            province, a must-visit that is not a published attraction or does not fit the
            trip, no place to stay, a point with no usable road near it, meals that leave
            no day, nights near places that have no place to stay, or a problem the planner
            rejects (named ``itinerary``).
        NoRouteFound
            The road nearest to the start or end is cut off, or a leg of the plan has no
            route.
        """
        graph = self.cache.get(self.session)
        _check_corridors(graph, req)
        chosen = self._candidates(graph, req, region)
        trip = _trip(graph, req)
        problem = self._problem(trip, chosen, region)
        solution = _solve(problem, req)
        return self._render(trip, chosen, problem, solution)

    # -- the steps ------------------------------------------------------------------------
    def _candidates(
        self, graph: NetworkGraph, req: ItineraryRequest, region: tuple[float, float, float, float]
    ) -> _Candidates:
        """Start, end, the stops and the places to stay, each snapped onto a usable road."""
        start = self.routing.endpoint(req.start, "start", region, "body")
        end = self.routing.endpoint(req.end, "end", region, "body") if req.end else start
        candidates, overnight_sites = self._sites(req, self._provinces(req.provinces))
        _check_overnights(req, overnight_sites)
        snapping = LegBuilder.of(graph, req.route_vehicle, avoid=req.route_avoid)
        chosen = _Candidates(
            _place("start", start, snapping, "start"), _place("end", end, snapping, "end")
        )
        for s in candidates:
            place = _site_place(s, snapping)
            if place is not None:
                chosen.stops.append(place)
                continue
            left_out = chosen.unplaced if s.slug in req.must_visit else chosen.skipped
            reason = f"no road usable by a {req.route_vehicle.value} leads there"
            left_out.append(LeftOutSite(site=s.slug, reason=reason))
        chosen.nights = [p for s in overnight_sites if (p := _site_place(s, snapping)) is not None]
        return chosen

    def _problem(
        self, trip: _Trip, chosen: _Candidates, region: tuple[float, float, float, float]
    ) -> Problem:
        """The planner's problem: the stops' visits, the days, travel times, overnights."""
        req = trip.req
        # The same cost models as the legs routed from the plan: the plan's drive times are
        # then the routed legs' (a different corridor discount could pick other roads, over
        # the cap).  A convoy drives slower than one car, and its stops take time the
        # planner must keep free: travel times are inflated by the convoy factor and by the
        # share of driving time its regroup stops take (the stops are placed after the plan).
        matrices = {
            prefer: _matrix(legs, chosen.places, trip.inflate) for prefer, legs in trip.legs.items()
        }
        planned = _stops(req, chosen.stops, trip.dates)
        day_end = _day_end(req, trip.convoy, trip.meals)
        night_allowed = self._nights_near(req, region, chosen.nights)
        return Problem(
            stops=tuple(planned),
            days=tuple(Day(_seconds(req.day_start), day_end) for _ in trip.dates),
            travel_s=_travel(matrices, trip.day_prefer, night_allowed, 2 + len(planned)),
            overnights=tuple(
                Overnight(p.id, motorhome_ok=bool(p.site and p.site.motorhome_overnight))
                for p in chosen.nights
            ),
            max_daily_driving_s=req.driving_cap_s,
            driver_rules=COACH_RULES if req.vehicle is Vehicle.coach else None,
            motorhome=req.vehicle is Vehicle.motorhome,
        )

    def _render(
        self, trip: _Trip, chosen: _Candidates, problem: Problem, solution: Solution
    ) -> Itinerary:
        """The solution routed and timed day by day, stored as an itinerary's plan."""
        by_id = {p.id: p for p in chosen.places}
        if trip.convoy is None and not trip.meals:
            days = [
                self._day(trip.legs_of(plan.day), plan, day, by_id)
                for plan, day in zip(solution.days, trip.dates, strict=True)
            ]
            dropped: list[LeftOutSite] = []
            score = solution.score
        else:
            laid_out = _BreakPlanner(self._service_rows, trip, by_id, problem.stops)
            days, dropped, score = laid_out.days(solution, trip.dates, trip.convoy, trip.meals)
        req = trip.req
        itinerary = Itinerary(
            id=uuid.uuid4().hex,
            vehicle=req.vehicle.value,
            days=req.days,
            score=score,
            network_version=trip.graph.version,
            request=req.model_dump(mode="json"),
            plan=plan_document(_plan(trip, chosen, solution, days, dropped, score)),
        )
        self.itineraries.add(itinerary)
        self.session.flush()
        return itinerary

    # -- helpers --------------------------------------------------------------------------
    def _nights_near(
        self,
        req: ItineraryRequest,
        region: tuple[float, float, float, float],
        nights: Sequence[_Place],
    ) -> dict[int, set[int]]:
        """Day index → the overnight places (indices into ``nights``) allowed to end it."""
        out: dict[int, set[int]] = {}
        for k, wish in enumerate(req.nights_near):
            name = f"nights_near[{k}]"
            point = self.routing.endpoint(wish.near, name, region, "body")
            allowed = {
                i
                for i, place in enumerate(nights)
                if _km(place.coord, point.coord) <= wish.within_km
            }
            if not allowed:
                raise InvalidParameter(
                    name,
                    msgs.NO_STAY_NEAR(km=wish.within_km, near=wish.near),
                    "body",
                )
            day = wish.night - 1
            out[day] = out[day] & allowed if day in out else allowed
            if not out[day]:
                raise InvalidParameter(name, msgs.NIGHTS_DO_NOT_OVERLAP(night=wish.night), "body")
        return out

    def _day(
        self,
        legs: LegBuilder,
        plan: DayPlan,
        day: date,
        places: dict[str, _Place],
    ) -> PlanDay:
        midnight = local_datetime(day)

        def at(seconds: float) -> datetime:
            return midnight + timedelta(seconds=round(seconds))

        sequence = [plan.start_id, *[v.stop_id for v in plan.visits], plan.end_id]
        legs_out = [_leg(legs, places[a], places[b]) for a, b in itertools.pairwise(sequence)]
        stops = []
        for v in plan.visits:
            site = places[v.stop_id].site
            stops.append(
                _describe(
                    places,
                    v.stop_id,
                    Visit,
                    arrival=at(v.arrival_s),
                    wait_s=round(v.wait_s),
                    visit_start=at(v.start_s),
                    departure=at(v.departure_s),
                    visit_s=round(v.departure_s - v.start_s),
                    score=round(v.score, 3),
                    opening_hours=site.opening_hours if site is not None else None,
                )
            )
        return PlanDay(
            day=plan.day + 1,
            date=day,
            start=_describe(places, plan.start_id, DayStart, departure=at(plan.departure_s)),
            stops=stops,
            legs=legs_out,
            overnight=(
                _describe(places, plan.overnight, PlanOvernight) if plan.overnight else None
            ),
            end=_describe(places, plan.end_id, DayEnd, arrival=at(plan.arrival_s)),
            totals=DayTotals(
                driving_s=round(sum(leg.duration_s for leg in legs_out), 1),
                distance_m=round(sum(leg.distance_m for leg in legs_out), 1),
                visits=len(stops),
                score=round(plan.score, 3),
                max_continuous_driving_s=round(plan.max_continuous_driving_s, 1),
            ),
        )


# -- the steps of compose, as functions of their inputs ---------------------------------------
def _check_corridors(graph: NetworkGraph, req: ItineraryRequest) -> None:
    """Corridor legs must name corridors of the network (before any work is done)."""
    for leg in req.corridor_legs:
        if leg.corridor not in graph.corridor_names:
            raise InvalidParameter(
                "corridor_legs",
                msgs.UNKNOWN_CORRIDOR_USE(
                    corridor=leg.corridor, known=sorted(graph.corridor_names)
                ),
                "body",
            )


def _check_overnights(req: ItineraryRequest, overnight_sites: Sequence[Site]) -> None:
    """A trip of several days needs somewhere to stay that takes the vehicle."""
    if req.days > 1 and not any(
        s.motorhome_overnight or req.vehicle is not Vehicle.motorhome for s in overnight_sites
    ):
        reason = (
            msgs.NO_MOTORHOME_OVERNIGHT()
            if req.vehicle is Vehicle.motorhome
            else msgs.NO_OVERNIGHT_PLACE()
        )
        raise InvalidParameter("overnight", reason, "body")


def _place(pid: str, point: Endpoint, legs: LegBuilder, name: str) -> _Place:
    """The start or end, snapped: a 422 naming the field if no usable road is near."""
    snap = legs.snap(point.coord, ErrorNames.point(point.query, name, "body"))
    return _Place(pid, point.coord, snap, slug=point.site)


def _site_place(site: Site, legs: LegBuilder) -> _Place | None:
    """A candidate site, snapped; ``None`` when no road the vehicle may use leads there."""
    p = shape_of(site.geom)
    coord = (float(p.x), float(p.y))
    snap = legs.try_snap(coord)
    return None if snap is None else _Place(site.slug, coord, snap, site)


def _trip(graph: NetworkGraph, req: ItineraryRequest) -> _Trip:
    """The request's dates, each day's preferred corridor and the legs routed for it."""
    day_prefer: list[str | None] = [None] * req.days
    for leg in req.corridor_legs:
        for d in leg.days:
            day_prefer[d - 1] = leg.corridor
    legs = {
        prefer: LegBuilder.of(
            graph,
            req.route_vehicle,
            avoid=req.route_avoid,
            prefer_corridor=prefer,
            prefer_factor=CORRIDOR_LEG_FACTOR,
        )
        for prefer in set(day_prefer)
    }
    return _Trip(
        req=req,
        graph=graph,
        dates=[req.start_date + timedelta(days=d) for d in range(req.days)],
        day_prefer=day_prefer,
        legs=legs,
        convoy=_convoy_rules(req),
        meals=_meal_rules(req),
        slow=convoy_factor(req.convoy.vehicles) if req.convoy else 1.0,
    )


def _matrix(legs: LegBuilder, places: list[_Place], factor: float = 1.0) -> list[list[float]]:
    """The planner's travel times between snapped places, inflated by ``factor``."""
    snaps = [p.snap for p in places if p.snap is not None]
    m = legs.matrix(snaps, snaps, distances=False)
    return [
        [0.0 if i == j else (UNREACHABLE_S if v is None else v * factor) for j, v in enumerate(row)]
        for i, row in enumerate(m.durations_s)
    ]


def _stops(req: ItineraryRequest, places: Sequence[_Place], dates: Sequence[date]) -> list[Stop]:
    """The planner's stops: visit time at the request's pace, windows, nights on site."""
    factor = PACE_FACTOR[req.pace]
    day_s = _seconds(req.day_end) - _seconds(req.day_start)
    planned: list[Stop] = []
    for place in places:
        if place.site is None:
            continue
        service = round(place.site.visit_duration_min * 60 * factor)
        must = place.id in req.must_visit
        multi_day = must and place.site.visit_duration_min >= MULTI_DAY_VISIT_MIN
        on_site = _visit_nights(service, day_s) if multi_day else 0
        _check_nights_on_site(req, place.site, on_site)
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
    return planned


def _check_nights_on_site(req: ItineraryRequest, site: Site, on_site: int) -> None:
    """A must-visit with nights on site must allow the vehicle there and fit the trip."""
    if on_site and req.vehicle is Vehicle.motorhome and not site.motorhome_overnight:
        raise InvalidParameter(
            "must_visit",
            msgs.MOTORHOME_NIGHTS_ON_SITE(slug=site.slug, nights=on_site),
            "body",
        )
    if on_site >= req.days:
        raise InvalidParameter(
            "must_visit",
            msgs.NIGHTS_ON_SITE_TOO_LONG(
                slug=site.slug,
                hours=site.visit_duration_min / 60,
                nights=on_site,
                days=on_site + 1,
            ),
            "body",
        )


def _day_end(req: ItineraryRequest, convoy: ConvoyRules | None, meals: Sequence[MealRule]) -> float:
    """When the planner's day ends: the day's end less the meals and stops it must hold."""
    # Meals inside the day's window take their time from it (dinner after the day's
    # drive does not); a convoy's stops may round up to one more than planned for.
    reserve = sum(m.duration_s for m in meals if m.earliest_s < _seconds(req.day_end))
    reserve += convoy.stop_s if convoy else 0.0
    day_end = _seconds(req.day_end) - reserve
    if day_end <= _seconds(req.day_start) + 3600:
        raise InvalidParameter("meals", msgs.MEALS_FILL_DAY(), "body")
    return day_end


class _Travel:
    """The planner's travel time from node i to j on day d: that day's corridor matrix,
    where a night bound to a place lets no other overnight place end that day.

    Callable like any ``Problem.travel_s``; :meth:`day_matrix` hands the planner each day's
    whole matrix at once (for 300 stops and 100 overnight places over 14 days, two million
    calls fewer), the same array for days alike."""

    def __init__(
        self,
        matrices: dict[str | None, list[list[float]]],
        day_prefer: Sequence[str | None],
        night_allowed: dict[int, set[int]],
        first_night: int,
    ) -> None:
        self.matrices = matrices
        self.day_prefer = day_prefer
        self.night_allowed = night_allowed
        self.first_night = first_night
        self._arrays: dict[tuple[str | None, frozenset[int] | None], np.ndarray] = {}

    def __call__(self, i: int, j: int, d: int) -> float:
        allowed = self.night_allowed.get(d)
        if allowed is not None and j >= self.first_night and j - self.first_night not in allowed:
            return UNREACHABLE_S
        return self.matrices[self.day_prefer[d]][i][j]

    def day_matrix(self, d: int) -> np.ndarray:
        prefer = self.day_prefer[d]
        allowed = self.night_allowed.get(d)
        key = (prefer, None if allowed is None else frozenset(allowed))
        if key not in self._arrays:
            m = np.array(self.matrices[prefer], dtype=float)
            if allowed is not None:
                m = m.copy()
                banned = [
                    j
                    for j in range(self.first_night, m.shape[1])
                    if j - self.first_night not in allowed
                ]
                m[:, banned] = UNREACHABLE_S
            self._arrays[key] = m
        return self._arrays[key]


def _travel(
    matrices: dict[str | None, list[list[float]]],
    day_prefer: Sequence[str | None],
    night_allowed: dict[int, set[int]],
    first_night: int,
) -> Callable[[int, int, int], float]:
    """The planner's travel time from node i to j on day d (see :class:`_Travel`)."""
    return _Travel(matrices, day_prefer, night_allowed, first_night)


def _solve(problem: Problem, req: ItineraryRequest) -> Solution:
    """The planner's solution; a problem it rejects is the request's fault (422)."""
    try:
        return solve(
            problem,
            seed=req.seed,
            budget=req.budget.value,
            time_limit_s=req.solver_time_limit_s,
        )
    except PlanningError as exc:
        raise InvalidParameter("itinerary", localized_reason(exc), "body") from None


def _leg(legs: LegBuilder, a: _Place, b: _Place) -> PlanLeg:
    """A leg of the plan, routed by the day's builder and named by the plan's place ids."""
    leg = legs.leg(a.coord, b.coord, ErrorNames.leg(msgs.LEG_FROM_TO(a=a.id, b=b.id)))
    return leg_document(legs, leg, a.id, b.id)


def _plan(
    trip: _Trip,
    chosen: _Candidates,
    solution: Solution,
    days: list[PlanDay],
    dropped: list[LeftOutSite],
    score: float,
) -> Plan:
    """The plan: the days, totals, what was left out and how it was solved."""
    req = trip.req
    unplaced = chosen.unplaced + [
        LeftOutSite(site=u.stop_id, reason=u.reason) for u in solution.unplaced
    ]
    convoy = req.convoy
    return Plan(
        vehicle=req.vehicle,
        route_vehicle=req.route_vehicle,
        convoy=(
            PlanConvoy(
                cars=convoy.cars,
                motorbikes=convoy.motorbikes,
                regroup_every_min=convoy.regroup_every_min,
                refuel_every_km=convoy.refuel_every_km,
                stop_min=convoy.stop_min,
                vehicles=convoy.vehicles,
                factor=trip.slow,
            )
            if convoy
            else None
        ),
        meals=(
            PlanMeals(lunch=_meal(req.meals.lunch), dinner=_meal(req.meals.dinner))
            if req.meals
            else None
        ),
        start_date=req.start_date,
        days=days,
        score=round(score, 3),
        totals=PlanTotals(
            driving_s=round(sum(d.totals.driving_s for d in days), 1),
            distance_m=round(sum(d.totals.distance_m for d in days), 1),
            visits=sum(len(d.stops) for d in days),
        ),
        unplaced=unplaced,
        skipped=chosen.skipped + dropped,
        warnings=_warnings(req),
        # The roads are OpenStreetMap's, and so are the imported places to stay, fuel
        # and meal stops the plan may use.
        attribution=OSM_CREDIT,
        solver=SolverStats(
            seed=req.seed,
            iterations=solution.iterations,
            elapsed_s=round(solution.elapsed_s, 3),
            timed_out=solution.timed_out,
            candidates=len(chosen.stops),
            overnight_candidates=len(chosen.nights),
        ),
        network_version=trip.graph.version,
    )


def _meal(window: MealWindow | None) -> PlanMealWindow | None:
    """A meal window of the request, as the plan repeats it."""
    if window is None:
        return None
    return PlanMealWindow(
        earliest=window.earliest, latest=window.latest, duration_min=window.duration_min
    )


def _describe(places: dict[str, _Place], pid: str, cls: type[_P], **members: Any) -> _P:
    """A place as the plan shows it, as ``cls`` with ``members`` (its times): id, location,
    and the site's slug, names and kind (a start or end given as a slug: the slug only)."""
    p = places.get(pid)
    if p is None:  # a regroup point by the road
        return cls(id=pid, site=None, location=None, **members)
    if p.site is None:
        return cls(id=pid, location=p.coord, site=p.slug, **members)
    return cls(
        id=pid,
        location=p.coord,
        site=p.site.slug,
        name_vi=p.site.name_vi,
        name_en=p.site.name_en,
        kind=p.site.kind,
        **members,
    )


def _warnings(req: ItineraryRequest) -> list[str]:
    """What the plan should say about its request: a start in the past is planned (the
    opening hours of those dates are real), but it is no trip one can still take."""
    today = today_local()
    if req.start_date < today:
        return [f"start_date {req.start_date.isoformat()} is in the past (today is {today})"]
    return []


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle kilometres (a sphere of 6,371 km: plenty for "within 25 km")."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


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


# Which types of stay each overnight kind of the request takes.  OpenStreetMap tags most
# Vietnamese homestays guest_house, so a guest house counts as both; a lodging without a
# type (curated before types existed) counts as both too.
_STAYS: dict[OvernightKind, frozenset[SiteType | None]] = {
    OvernightKind.hotel: frozenset(
        {SiteType.hotel, SiteType.motel, SiteType.guest_house, SiteType.hostel, None}
    ),
    OvernightKind.homestay: frozenset(
        {SiteType.homestay, SiteType.guest_house, SiteType.hut, SiteType.chalet, None}
    ),
}


# Places to stay closer than this (degrees, about 5 km) are interchangeable for planning.
OVERNIGHT_CELL_DEG = 0.05


def _thin(sites: Sequence[Site]) -> list[Site]:
    """One place to stay per ~5 km cell: a curated, named one first.

    With the region's 209 places to stay the planner's travel-time matrices grew with
    their square (76k pairs, 4 s per corridor matrix); two hotels in one town are the same
    choice for the plan.  Within a cell: curated sites before imported ones, named before
    generated names, then the slug (deterministic).
    """
    best: dict[tuple[int, int], tuple[tuple[bool, bool, str], Site]] = {}
    for site in sites:
        p = shape_of(site.geom)
        cell = (math.floor(p.x / OVERNIGHT_CELL_DEG), math.floor(p.y / OVERNIGHT_CELL_DEG))
        rank = (site.external_ref is not None, site.name_generated, site.slug)
        held = best.get(cell)
        if held is None or rank < held[0]:
            best[cell] = (rank, site)
    return sorted((site for _, site in best.values()), key=lambda s: s.slug)


def _stays(site: Site, kinds: Sequence[OvernightKind]) -> bool:
    """Whether a published site is a place to spend the night of a kind asked for."""
    if site.kind is SiteKind.campsite:
        return OvernightKind.campsite in kinds
    if site.kind is not SiteKind.lodging:
        return False
    return any(site.subtype in _STAYS[k] for k in kinds if k in _STAYS)


def _convoy_rules(req: ItineraryRequest) -> ConvoyRules | None:
    if req.convoy is None:
        return None
    return ConvoyRules(
        regroup_every_s=req.convoy.regroup_every_min * 60.0,
        refuel_every_m=req.convoy.refuel_every_km * 1000.0,
        stop_s=req.convoy.stop_min * 60.0,
    )


def _meal_rules(req: ItineraryRequest) -> list[MealRule]:
    if req.meals is None:
        return []
    out = []
    for name, window in (("lunch", req.meals.lunch), ("dinner", req.meals.dinner)):
        if isinstance(window, MealWindow):
            out.append(
                MealRule(
                    name,
                    _seconds(window.earliest),
                    _seconds(window.latest),
                    window.duration_min * 60.0,
                )
            )
    return out


_NOTES_VI = {
    "late: the convoy was busy through the window": "muộn: đoàn bận suốt khung giờ ăn",
    "no meal stop within reach: the meal is where the convoy is": (
        "không có quán ăn gần: đoàn ăn tại chỗ đang dừng"
    ),
    "no fuel station within reach: regroup by the road": (
        "không có cây xăng gần: đoàn tập hợp bên đường"
    ),
    "the first fuel station after the limit": "cây xăng đầu tiên sau giới hạn",
}


class _BreakPlanner:
    """Turns the planner's days into timed days with convoy stops and meal breaks."""

    def __init__(
        self,
        service_sites: Sequence[Site],
        trip: _Trip,
        places: dict[str, _Place],
        stops: Sequence[Stop],
    ) -> None:
        self.trip, self.req = trip, trip.req
        self.places = places
        self.stops = {s.id: s for s in stops}
        self.slow = trip.slow
        self.fuel: list[BreakPlace] = []
        self.meal_places: list[BreakPlace] = []
        for site in service_sites:
            p = shape_of(site.geom)
            coord = (float(p.x), float(p.y))
            pid = site.slug
            if site.subtype is SiteType.fuel:
                self.fuel.append(BreakPlace(pid, coord))
            elif site.subtype is SiteType.meal:
                self.meal_places.append(BreakPlace(pid, coord))
            else:
                continue
            self.places.setdefault(pid, _Place(pid, coord, None, site))
        self._legs: dict[tuple[str, str, str | None], LegResult] = {}

    def _coord(self, pid: str) -> tuple[float, float]:
        if pid in self.places:
            return self.places[pid].coord
        raise KeyError(pid)

    def _router(self, day: int) -> Any:
        prefer = self.trip.day_prefer[day]
        legs = self.trip.legs_of(day)

        def route(a: str, b: str) -> LegResult:
            key = (a, b, prefer)
            if key not in self._legs:
                routed = _leg(legs, self.places[a], self.places[b])
                doc = routed.model_copy(
                    update={"duration_s": round(routed.duration_s * self.slow, 1)}
                )
                self._legs[key] = LegResult(
                    a,
                    b,
                    doc.distance_m,
                    doc.duration_s,
                    [(c[0], c[1]) for c in doc.geometry.coordinates],
                    doc,
                )
            return self._legs[key]

        return route

    def days(
        self,
        solution: Any,
        dates: Sequence[date],
        convoy: ConvoyRules | None,
        meals: Sequence[MealRule],
    ) -> tuple[list[PlanDay], list[LeftOutSite], float]:
        out: list[PlanDay] = []
        dropped: list[LeftOutSite] = []
        fuel_since = 0.0
        total = 0.0
        last = len(solution.days) - 1
        for plan, day in zip(solution.days, dates, strict=True):
            visits = []
            for v in plan.visits:
                stop = self.stops[v.stop_id]
                windows = None if stop.windows is None else stop.windows[plan.day]
                visits.append(
                    VisitSpec(
                        v.stop_id,
                        stop.service_s,
                        windows,
                        v.score,
                        stop.must_visit,
                        v.departure_s if stop.nights else None,
                    )
                )
            spec = DayInput(
                plan.start_id,
                plan.end_id,
                plan.departure_s,
                tuple(visits),
                _seconds(self.req.day_end),
                self.req.driving_cap_s,
                plan.day == last,
            )
            schedule = schedule_day(
                spec,
                self._router(plan.day),
                self._coord,
                fuel=self.fuel,
                meal_places=self.meal_places,
                convoy=convoy,
                meals=meals,
                fuel_since_m=fuel_since,
            )
            fuel_since = schedule.fuel_since_m
            reason = "left out on the day to make room for the convoy's stops and meals"
            dropped += [LeftOutSite(site=sid, reason=reason) for sid in schedule.dropped]
            doc, score = self._day_doc(plan, day, schedule)
            total += score
            out.append(doc)
        return out, dropped, total

    def _describe(self, pid: str, cls: type[_P], **members: Any) -> _P:
        return _describe(self.places, pid, cls, **members)

    def _day_doc(self, plan: DayPlan, day: date, schedule: DaySchedule) -> tuple[PlanDay, float]:
        """The day laid out with its breaks, and its score (rounded as its totals say it)."""
        midnight = local_datetime(day)

        def at(seconds: float) -> datetime:
            return midnight + timedelta(seconds=round(seconds))

        legs: list[PlanLeg] = []
        stops: list[Visit] = []
        breaks: list[Break] = []
        continuous = longest = 0.0
        score = 0.0
        for e in schedule.events:
            if e.leg is not None:
                legs.append(_timed_leg(e.leg, at(e.start_s), at(e.end_s), e.end_s - e.start_s))
                continuous += e.end_s - e.start_s
                longest = max(longest, continuous)
                continue
            continuous = 0.0
            if e.place is None:
                continue
            if e.visit is not None:
                place = self.places[e.place]
                arrival = e.arrival_s if e.arrival_s is not None else e.start_s
                score += e.visit.score
                stops.append(
                    self._describe(
                        e.place,
                        Visit,
                        arrival=at(arrival),
                        wait_s=round(e.start_s - arrival),
                        visit_start=at(e.start_s),
                        departure=at(e.end_s),
                        visit_s=round(e.end_s - e.start_s),
                        score=round(e.visit.score, 3),
                        opening_hours=place.site.opening_hours if place.site else None,
                    )
                )
            else:
                breaks.append(
                    Break(
                        type=e.break_type,
                        reason=e.reason,
                        start=at(e.start_s),
                        end=at(e.end_s),
                        duration_s=round(e.end_s - e.start_s),
                        place=self._describe(e.place, PlanPlace),
                        near_route=e.near_route,
                        note_en=e.note,
                        note_vi=_NOTES_VI.get(e.note, e.note) if e.note else None,
                    )
                )
        totals = DayTotals(
            driving_s=round(sum(leg.duration_s for leg in legs), 1),
            distance_m=round(sum(leg.distance_m for leg in legs), 1),
            visits=len(stops),
            breaks=len(breaks),
            score=round(score, 3),
            max_continuous_driving_s=round(longest, 1),
        )
        doc = PlanDay(
            day=plan.day + 1,
            date=day,
            start=self._describe(plan.start_id, DayStart, departure=at(plan.departure_s)),
            stops=stops,
            breaks=breaks,
            legs=legs,
            overnight=self._describe(plan.overnight, PlanOvernight) if plan.overnight else None,
            end=self._describe(plan.end_id, DayEnd, arrival=at(schedule.arrival_s)),
            problems=schedule.problems,
            totals=totals,
        )
        return doc, round(score, 3)


def _timed_leg(leg: LegResult, departure: datetime, arrival: datetime, seconds: float) -> PlanLeg:
    """A leg (or the part of one driven between two stops) with its clock times: the part's
    metres and seconds, the routed leg's ends, line and breakdown."""
    doc = leg.doc
    if doc is None:  # every leg the composer routes carries its document
        raise ValueError(f"the leg from {leg.a} to {leg.b} has no document")
    out = PlanLeg(
        from_=doc.from_,
        to=doc.to,
        distance_m=round(leg.distance_m, 1),
        duration_s=round(seconds, 1),
        geometry=doc.geometry,
        breakdown=doc.breakdown,
        departure=departure,
        arrival=arrival,
    )
    if doc.steps:  # the steps of the part driven, timed like it
        out.steps = part_steps(
            doc.steps, leg.offset_m, leg.offset_m + leg.distance_m, leg.coords, seconds
        )
    return out
