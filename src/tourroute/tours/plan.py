"""A tour's days as written → its plan: planned times filled in, legs routed for the vehicle.

The plan is the document shape of a composed itinerary (``tourroute.itineraries``): days
with ``start``, ``stops`` (arrival, visit_start, departure as ISO 8601 times in +07:00 on
the tour's nominal dates), ``legs`` (distance, duration, GeoJSON LineString, breakdown),
``overnight`` and ``end`` — so the itinerary exports (GeoJSON, GPX, iCalendar) serve tours
unchanged.

Rules of the plan:

* day 1 starts at its first stop; day *k* > 1 starts where day *k* − 1 ended (its overnight
  place, else its last stop), so the route is continuous across days;
* a stop's arrival, when not given, is the previous departure plus the drive, rounded up to
  5 minutes (day 1's first stop: the day's ``start_time``); its departure, when not given,
  is the arrival plus the site's visit time;
* given times must not go backwards and a visit must end before midnight (422 naming the
  field); a given arrival sooner than the drive allows, or a visit outside the site's opening
  hours on the nominal date, is a *warning* in the plan — operators know their roads, and
  routing times are estimates.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from tourroute.db.spatial import shape_of
from tourroute.errors import FieldError, NoRouteFound
from tourroute.i18n import messages as msgs
from tourroute.itineraries.windows import windows
from tourroute.localtime import local_datetime
from tourroute.plans import (
    Day,
    DayEnd,
    DayStart,
    DayTotals,
    Leg,
    Overnight,
    Plan,
    PlanPlace,
    PlanTotals,
    StopWarning,
    Visit,
)
from tourroute.routes.graph_cache import NetworkGraph
from tourroute.routes.legs import ErrorNames, LegBuilder, leg_document
from tourroute.sites.models import Site
from tourroute.tours.schemas import TourDefinition, TourStopIn

__all__ = ["PlanRejected", "build_plan"]

_DAY_S = 86_400
_ROUND_S = 300  # computed arrivals are rounded up to 5 minutes
_EARLY_TOLERANCE_S = 60

_P = TypeVar("_P", bound=PlanPlace)


class PlanRejected(Exception):
    """The days cannot be planned; ``errors`` name the offending body fields."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.name}: {e.reason}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class _Place:
    id: str  # unique within the tour: the slug, then slug#2, slug#3 for repeat visits
    site: Site
    coord: tuple[float, float]
    field: str  # the body field that named it

    def describe(self, cls: type[_P], **members: Any) -> _P:
        """The place as the plan shows it, as ``cls`` with ``members`` (its times)."""
        return cls(
            id=self.id,
            location=self.coord,
            site=self.site.slug,
            name_vi=self.site.name_vi,
            name_en=self.site.name_en,
            kind=self.site.kind,
            province=self.site.province_code,
            **members,
        )


def _hhmm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _seconds(t: time) -> float:
    return float(t.hour * 3600 + t.minute * 60 + t.second)


@dataclass
class _Clock:
    """Where a day's timeline stands: the place last left, and when."""

    previous: _Place
    time: float  # seconds after midnight
    departure: float  # when the day sets off from its start


class _Planner:
    def __init__(
        self, definition: TourDefinition, sites: dict[str, Site], graph: NetworkGraph
    ) -> None:
        self.definition = definition
        self.sites = sites
        self.graph = graph
        self.legs = LegBuilder.of(graph, definition.vehicle)
        self.errors: list[FieldError] = []
        self.warnings: list[StopWarning] = []
        self._seen: Counter[str] = Counter()
        self._unroutable: set[tuple[tuple[float, float], tuple[float, float]]] = set()

    def place(self, slug: str, field: str) -> _Place:
        self._seen[slug] += 1
        n = self._seen[slug]
        site = self.sites[slug]
        point = shape_of(site.geom)
        return _Place(
            slug if n == 1 else f"{slug}#{n}", site, (float(point.x), float(point.y)), field
        )

    def leg(self, a: _Place, b: _Place) -> Leg | None:
        """The leg from ``a`` to ``b``; no route (``None``, nothing driven) is an error naming
        ``b``'s field (once), and the plan is rejected."""
        vehicle = msgs.vehicle_label(self.definition.vehicle.value)
        names = ErrorNames.leg(msgs.LEG_USABLE_BY(vehicle=vehicle, a=a.site.slug, b=b.site.slug))
        try:
            return leg_document(self.legs, self.legs.leg(a.coord, b.coord, names), a.id, b.id)
        except NoRouteFound as exc:
            if (a.coord, b.coord) not in self._unroutable:
                self._unroutable.add((a.coord, b.coord))
                self.errors.append(FieldError(b.field, exc.message, "body"))
        return None

    def warn(self, day: int, place: _Place, field: str, message: str) -> None:
        self.warnings.append(StopWarning(day=day, stop=place.id, field=field, message=message))

    def day(self, index: int, start: _Place | None, on: date) -> tuple[Day, _Place]:
        """Day ``index`` on date ``on``, starting at ``start`` (day 1: ``None``), and its end."""
        spec = self.definition.days[index]
        prefix = f"days.{index}"
        stops = [self.place(s.site, f"{prefix}.stops.{j}.site") for j, s in enumerate(spec.stops)]
        overnight = self.place(spec.overnight, f"{prefix}.overnight") if spec.overnight else None
        begin = start if start is not None else stops[0]
        day_start = _seconds(spec.start_time)
        clock = _Clock(begin, day_start, day_start)
        legs: list[Leg] = []
        timed: list[tuple[_Place, float, float]] = []
        for j, (given, place) in enumerate(zip(spec.stops, stops, strict=True)):
            sets_off = start is None and j == 0  # the tour sets off from its first stop
            drive = 0.0
            if not sets_off and (leg := self.leg(clock.previous, place)) is not None:
                legs.append(leg)
                drive = leg.duration_s
            field = f"{prefix}.stops.{j}"
            arrival = self._arrival(index, j, given, place, clock, drive, sets_off)
            if sets_off:
                clock.departure = arrival
            leave = self._departure(field, given, place, arrival)
            self._check_hours(index, place, on, arrival, leave, field)
            timed.append((place, arrival, leave))
            clock.time = max(clock.time, leave)
            clock.previous = place
        if overnight is not None:
            if (leg := self.leg(clock.previous, overnight)) is not None:
                legs.append(leg)
                clock.time += leg.duration_s
            clock.previous = overnight
        return _day_document(index, on, begin, clock, timed, legs, overnight), clock.previous

    def _arrival(
        self,
        index: int,
        j: int,
        given: TourStopIn,
        place: _Place,
        clock: _Clock,
        drive: float,
        sets_off: bool,
    ) -> float:
        """When stop ``j`` is reached: as given (checked against the drive), else computed."""
        earliest = clock.time + drive
        if given.arrive is None:
            return clock.time if sets_off else math.ceil(earliest / _ROUND_S) * _ROUND_S
        arrival = _seconds(given.arrive)
        field = f"days.{index}.stops.{j}.arrive"
        if sets_off:
            pass
        elif arrival < clock.time:
            reason = (
                msgs.ARRIVES_BEFORE_DAY_START(arrival=_hhmm(arrival), time=_hhmm(clock.time))
                if j == 0
                else msgs.ARRIVES_BEFORE(
                    arrival=_hhmm(arrival),
                    what=msgs.LEAVING(place=clock.previous.id),
                    time=_hhmm(clock.time),
                )
            )
            self.errors.append(FieldError(field, reason, "body"))
        elif arrival + _EARLY_TOLERANCE_S < earliest:
            self.warn(
                index + 1,
                place,
                field,
                f"planned arrival {_hhmm(arrival)} allows {_hhmm(arrival - clock.time)} for "
                f"a drive estimated at {_hhmm(drive)} (earliest {_hhmm(earliest)})",
            )
        return arrival

    def _departure(self, field: str, given: TourStopIn, place: _Place, arrival: float) -> float:
        """When a stop is left: as given, else after the site's visit time (before midnight)."""
        if given.depart is not None:
            leave = _seconds(given.depart)
            if leave < arrival:
                self.errors.append(
                    FieldError(
                        f"{field}.depart",
                        msgs.DEPARTS_BEFORE_ARRIVING(leave=_hhmm(leave), arrival=_hhmm(arrival)),
                        "body",
                    )
                )
            return leave
        leave = arrival + place.site.visit_duration_min * 60
        if leave >= _DAY_S:
            self.errors.append(
                FieldError(
                    f"{field}.depart",
                    msgs.VISIT_PAST_MIDNIGHT(
                        minutes=place.site.visit_duration_min, arrival=_hhmm(arrival)
                    ),
                    "body",
                )
            )
        return leave

    def _check_hours(
        self, index: int, place: _Place, on: date, arrival: float, leave: float, field: str
    ) -> None:
        spec = place.site.opening_hours
        if not spec or leave <= arrival:
            return
        (open_windows,) = windows(spec, [on]) or ((),)
        if not any(a <= arrival and leave <= b for a, b in open_windows):
            self.warn(
                index + 1,
                place,
                field,
                f"{_hhmm(arrival)}–{_hhmm(leave)} is outside the opening hours ({spec}) "
                f"on {on.isoformat()}",
            )


def _day_document(
    index: int,
    on: date,
    begin: _Place,
    clock: _Clock,
    timed: list[tuple[_Place, float, float]],
    legs: list[Leg],
    overnight: _Place | None,
) -> Day:
    """A day of the plan: its start, timed stops (place, arrival, departure), legs, end."""
    midnight = local_datetime(on)

    def at(seconds: float) -> datetime:
        return midnight + timedelta(seconds=round(seconds))

    stops = [
        place.describe(
            Visit,
            arrival=at(arrival),
            wait_s=0,
            visit_start=at(arrival),
            departure=at(leave),
            visit_s=round(leave - arrival),
            opening_hours=place.site.opening_hours,
        )
        for place, arrival, leave in timed
    ]
    return Day(
        day=index + 1,
        date=on,
        start=begin.describe(DayStart, departure=at(clock.departure)),
        stops=stops,
        legs=legs,
        overnight=overnight.describe(Overnight) if overnight is not None else None,
        end=clock.previous.describe(DayEnd, arrival=at(clock.time)),
        totals=DayTotals(
            driving_s=round(sum(leg.duration_s for leg in legs), 1),
            distance_m=round(sum(leg.distance_m for leg in legs), 1),
            visits=len(stops),
        ),
    )


def build_plan(
    definition: TourDefinition, start_date: date, sites: dict[str, Site], graph: NetworkGraph
) -> Plan:
    """The plan document of ``definition``: its days timed and their legs routed.

    Every leg is built by one :class:`~tourroute.routes.legs.LegBuilder` for the tour's
    vehicle (a repeated pair of places is routed once).

    Parameters
    ----------
    definition
        The tour as written: its vehicle and days of stops, given times and overnights.
    start_date
        The nominal date of day 1 (opening hours are checked on the days from it).
    sites
        The published sites by slug; it must hold every slug the days name (the caller
        has checked them).
    graph
        The road graph of the current network version.

    Returns
    -------
    Plan
        The plan: ``vehicle``, ``start_date``, ``days`` (start, stops, legs, overnight,
        end, totals), ``totals``, ``provinces``, ``warnings`` (early arrivals, visits
        outside opening hours), ``network_version`` and, for a tour composed from an
        itinerary request, that ``request``. Stored as
        :func:`~tourroute.plans.plan_document` writes it.

    Raises
    ------
    PlanRejected
        Naming every bad body field: times that go backwards, a visit past midnight, a
        stop no road usable by the vehicle leads to.
    """
    planner = _Planner(definition, sites, graph)
    days: list[Day] = []
    end: _Place | None = None
    for index in range(len(definition.days)):
        day, end = planner.day(index, end, start_date + timedelta(days=index))
        days.append(day)
    if planner.errors:
        raise PlanRejected(planner.errors)
    provinces = sorted({s.province for d in days for s in d.stops if s.province is not None})
    # The request a tour was composed from (a promoted tour's), kept for Compose; a plan
    # without one has no ``request`` member at all.
    request = definition.compose_request
    return Plan(
        vehicle=definition.vehicle,
        start_date=start_date,
        days=days,
        score=None,  # catalogue tours are written, not scored by the planner
        totals=PlanTotals(
            driving_s=round(sum(d.totals.driving_s for d in days), 1),
            distance_m=round(sum(d.totals.distance_m for d in days), 1),
            visits=sum(len(d.stops) for d in days),
        ),
        provinces=provinces,
        warnings=list(planner.warnings),
        network_version=graph.version,
        **({} if request is None else {"request": request}),
    )
