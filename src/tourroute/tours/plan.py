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
from datetime import date, time, timedelta
from typing import Any

from geoalchemy2.shape import to_shape

from tourroute.errors import FieldError
from tourroute.itineraries.windows import windows
from tourroute.localtime import local_datetime
from tourroute.network.graph_cache import NetworkGraph
from tourroute.network.routing_service import route_breakdown
from tourroute.routing import NoRoute, SnapError
from tourroute.routing.route import RouteCost
from tourroute.sites.models import Site
from tourroute.tours.schemas import TourDefinition

__all__ = ["PlanRejected", "build_plan"]

_DAY_S = 86_400
_ROUND_S = 300  # computed arrivals are rounded up to 5 minutes
_EARLY_TOLERANCE_S = 60


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

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "location": list(self.coord),
            "site": self.site.slug,
            "name_vi": self.site.name_vi,
            "name_en": self.site.name_en,
            "kind": self.site.kind.value,
            "province": self.site.province_code,
        }


def _hhmm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _seconds(t: time) -> float:
    return float(t.hour * 3600 + t.minute * 60 + t.second)


class _Planner:
    def __init__(
        self, definition: TourDefinition, sites: dict[str, Site], graph: NetworkGraph
    ) -> None:
        self.definition = definition
        self.sites = sites
        self.graph = graph
        self.model: RouteCost = graph.router.model(definition.vehicle)
        self.errors: list[FieldError] = []
        self.warnings: list[dict[str, Any]] = []
        self._seen: Counter[str] = Counter()
        self._legs: dict[tuple[tuple[float, float], tuple[float, float]], dict[str, Any]] = {}

    def place(self, slug: str, field: str) -> _Place:
        self._seen[slug] += 1
        n = self._seen[slug]
        site = self.sites[slug]
        point = to_shape(site.geom)
        return _Place(
            slug if n == 1 else f"{slug}#{n}", site, (float(point.x), float(point.y)), field
        )

    def leg(self, a: _Place, b: _Place) -> dict[str, Any]:
        out: dict[str, Any] = {"from": a.id, "to": b.id}
        if a.coord == b.coord:
            return out | {
                "distance_m": 0.0,
                "duration_s": 0.0,
                "geometry": {"type": "LineString", "coordinates": [list(a.coord)] * 2},
                "breakdown": None,
            }
        key = (a.coord, b.coord)
        if key not in self._legs:
            try:
                r = self.graph.router.route(a.coord, b.coord, self.model)
            except (NoRoute, SnapError) as exc:
                vehicle = self.definition.vehicle.value
                self.errors.append(
                    FieldError(
                        b.field,
                        f"no route usable by a {vehicle} from {a.site.slug} to {b.site.slug}: "
                        f"{exc}",
                        "body",
                    )
                )
                r = None
            self._legs[key] = (
                {"distance_m": 0.0, "duration_s": 0.0, "geometry": None, "breakdown": None}
                if r is None
                else {
                    "distance_m": round(r.distance_m, 1),
                    "duration_s": round(r.duration_s, 1),
                    "geometry": {"type": "LineString", "coordinates": [list(c) for c in r.coords]},
                    "breakdown": route_breakdown(self.graph, [r], "en", both_languages=True),
                }
            )
        return out | self._legs[key]

    def warn(self, day: int, place: _Place, field: str, message: str) -> None:
        self.warnings.append({"day": day, "stop": place.id, "field": field, "message": message})

    def day(self, index: int, start: _Place | None, on: date) -> tuple[dict[str, Any], _Place]:
        spec = self.definition.days[index]
        midnight = local_datetime(on)

        def at(seconds: float) -> str:
            return (midnight + timedelta(seconds=round(seconds))).isoformat()

        prefix = f"days.{index}"
        stops = [self.place(s.site, f"{prefix}.stops.{j}.site") for j, s in enumerate(spec.stops)]
        overnight = self.place(spec.overnight, f"{prefix}.overnight") if spec.overnight else None
        first_day = start is None
        begin = start if start is not None else stops[0]
        legs: list[dict[str, Any]] = []
        previous = begin
        day_start = _seconds(spec.start_time)
        clock = day_start
        departure = day_start
        out_stops = []
        for j, (given, place) in enumerate(zip(spec.stops, stops, strict=True)):
            field = f"{prefix}.stops.{j}"
            drive = 0.0
            if not (first_day and j == 0):
                leg = self.leg(previous, place)
                legs.append(leg)
                drive = leg["duration_s"]
            earliest = clock + drive
            if given.arrive is not None:
                arrival = _seconds(given.arrive)
                if first_day and j == 0:
                    pass
                elif arrival < clock:
                    what = "the day starts" if j == 0 else f"leaving {previous.id}"
                    self.errors.append(
                        FieldError(
                            f"{field}.arrive",
                            f"arrives at {_hhmm(arrival)}, before {what} at {_hhmm(clock)}"
                            + ("; set start_time" if j == 0 else ""),
                            "body",
                        )
                    )
                elif arrival + _EARLY_TOLERANCE_S < earliest:
                    self.warn(
                        index + 1,
                        place,
                        f"{field}.arrive",
                        f"planned arrival {_hhmm(arrival)} allows {_hhmm(arrival - clock)} for "
                        f"a drive estimated at {_hhmm(drive)} (earliest {_hhmm(earliest)})",
                    )
            elif first_day and j == 0:
                arrival = day_start
            else:
                arrival = math.ceil(earliest / _ROUND_S) * _ROUND_S
            if first_day and j == 0:
                departure = arrival  # the tour sets off from its first stop
            if given.depart is not None:
                leave = _seconds(given.depart)
                if leave < arrival:
                    self.errors.append(
                        FieldError(
                            f"{field}.depart",
                            f"departs at {_hhmm(leave)}, before arriving at {_hhmm(arrival)}",
                            "body",
                        )
                    )
            else:
                leave = arrival + place.site.visit_duration_min * 60
                if leave >= _DAY_S:
                    self.errors.append(
                        FieldError(
                            f"{field}.depart",
                            f"the visit ({place.site.visit_duration_min} min from "
                            f"{_hhmm(arrival)}) would end after midnight; give depart, or "
                            "continue the visit on the next day",
                            "body",
                        )
                    )
            self._check_hours(index, place, on, arrival, leave, field)
            out_stops.append(
                place.describe()
                | {
                    "arrival": at(arrival),
                    "wait_s": 0,
                    "visit_start": at(arrival),
                    "departure": at(leave),
                    "visit_s": round(leave - arrival),
                    "opening_hours": place.site.opening_hours,
                }
            )
            clock = max(clock, leave)
            previous = place
        if overnight is not None:
            leg = self.leg(previous, overnight)
            legs.append(leg)
            clock += leg["duration_s"]
            previous = overnight
        end = previous
        document = {
            "day": index + 1,
            "date": on.isoformat(),
            "start": begin.describe() | {"departure": at(departure)},
            "stops": out_stops,
            "legs": legs,
            "overnight": overnight.describe() if overnight is not None else None,
            "end": end.describe() | {"arrival": at(clock)},
            "totals": {
                "driving_s": round(sum(leg["duration_s"] for leg in legs), 1),
                "distance_m": round(sum(leg["distance_m"] for leg in legs), 1),
                "visits": len(out_stops),
            },
        }
        return document, end

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


def build_plan(
    definition: TourDefinition, start_date: date, sites: dict[str, Site], graph: NetworkGraph
) -> dict[str, Any]:
    """The plan document of ``definition``; :class:`PlanRejected` names every bad field.

    ``sites`` must hold every slug the days name (the caller has checked them).
    """
    planner = _Planner(definition, sites, graph)
    days: list[dict[str, Any]] = []
    end: _Place | None = None
    for index in range(len(definition.days)):
        document, end = planner.day(index, end, start_date + timedelta(days=index))
        days.append(document)
    if planner.errors:
        raise PlanRejected(planner.errors)
    provinces = sorted({s["province"] for d in days for s in d["stops"]})
    return {
        "vehicle": definition.vehicle.value,
        "start_date": start_date.isoformat(),
        "days": days,
        "score": None,  # catalogue tours are written, not scored by the planner
        "totals": {
            "driving_s": round(sum(d["totals"]["driving_s"] for d in days), 1),
            "distance_m": round(sum(d["totals"]["distance_m"] for d in days), 1),
            "visits": sum(len(d["stops"]) for d in days),
        },
        "provinces": provinces,
        "warnings": planner.warnings,
        "network_version": graph.version,
    }
