"""The plan document as Pydantic models: what composed itineraries and tours store.

Two producers build it, and store it as plain JSON (:func:`plan_document`) in the ``plan``
column of their rows:

* :mod:`tourroute.itineraries.composer` — a composed itinerary: visits with their scores,
  the solver's statistics, what was left out, and on days laid out for a convoy or meals,
  the breaks (fuel, regroup, meal stops) and the legs' clock times;
* :mod:`tourroute.tours.plan` — a catalogue tour: the days as written with the planned times
  filled in, the provinces visited, warnings about given times; no scores.

Every member one of them leaves out is optional here (``None`` when absent, and left out of
the stored document when the producer did not set it); every model forbids members it does
not know, so a producer that drifts from this shape fails as it builds the plan instead of
silently reaching the exports (``tests/unit/test_plan_document.py``). The times are
ISO 8601 with the region's offset (+07:00).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from tourroute.geojson import Latitude, Longitude
from tourroute.routing import Vehicle
from tourroute.sites.domain import SiteKind

__all__ = [
    "Break",
    "Breakdown",
    "CorridorDistance",
    "CorridorProvinceDistance",
    "Day",
    "DayEnd",
    "DayStart",
    "DayTotals",
    "LeftOutSite",
    "Leg",
    "LegStep",
    "LineStringGeometry",
    "LonLat",
    "Overnight",
    "Plan",
    "PlanConvoy",
    "PlanMealWindow",
    "PlanMeals",
    "PlanPlace",
    "PlanTotals",
    "ProvinceDistance",
    "RefDistance",
    "SolverStats",
    "StopWarning",
    "Visit",
    "plan_document",
    "without_steps",
]

LonLat = tuple[Longitude, Latitude]
"""A position: longitude, latitude (WGS 84), as GeoJSON orders them."""


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineStringGeometry(_Document):
    """A GeoJSON LineString (RFC 7946): the road a leg drives, lon/lat positions."""

    type: Literal["LineString"]
    coordinates: list[LonLat] = Field(min_length=2)


# --- where a leg's distance is -------------------------------------------------------------


class RefDistance(_Document):
    ref: str = Field(description="road number, e.g. QL1A")
    distance_m: float


class CorridorDistance(_Document):
    corridor: str
    distance_m: float
    name: str


class ProvinceDistance(_Document):
    province: str = Field(description="ISO 3166-2 code")
    distance_m: float
    name: str


class CorridorProvinceDistance(_Document):
    corridor: str
    province: str
    distance_m: float


class Breakdown(_Document):
    """A leg's distance by road number, corridor, province and corridor × province, and a
    plain-language summary (a stored leg keeps it in both languages)."""

    by_ref: list[RefDistance]
    by_corridor: list[CorridorDistance]
    by_province: list[ProvinceDistance]
    by_corridor_and_province: list[CorridorProvinceDistance]
    summary: list[str]
    summary_vi: list[str] | None = None
    summary_en: list[str] | None = None


# --- places and moments ----------------------------------------------------------------------


class PlanPlace(_Document):
    """A point of the plan: a site (slug, names, kind), a point given as ``lon,lat``
    (``site`` null), or a regroup point by the road (``site`` and ``location`` null)."""

    id: str = Field(
        description="unique in the plan: the site's slug (tours: `slug#2` for a second visit)"
    )
    location: LonLat | None
    site: str | None = Field(description="the site's slug")
    name_vi: str | None = None
    name_en: str | None = None
    kind: SiteKind | None = None
    province: str | None = Field(default=None, description="ISO 3166-2 code (tours)")


class DayStart(PlanPlace):
    """Where the day starts (day k > 1: where day k − 1 ended), and when it leaves."""

    departure: dt.datetime


class DayEnd(PlanPlace):
    """Where the day ends (its overnight place, else its last stop or the trip's end)."""

    arrival: dt.datetime


class Overnight(PlanPlace):
    """The place the night after the day is spent: a place to stay, or the site of a
    visit over several days (a trek's camp)."""

    location: LonLat
    site: str
    name_vi: str
    name_en: str
    kind: SiteKind


class Visit(PlanPlace):
    """A visit: the site, when the group arrives, starts the visit (after waiting for it to
    open) and leaves."""

    location: LonLat
    site: str
    name_vi: str
    name_en: str
    kind: SiteKind
    arrival: dt.datetime
    wait_s: int
    visit_start: dt.datetime
    departure: dt.datetime
    visit_s: int
    score: float | None = Field(default=None, description="interest × theme weights (itineraries)")
    opening_hours: str | None = Field(description="OpenStreetMap opening_hours of the site")


StepType = Literal["depart", "turn", "continue", "roundabout", "arrive"]
StepModifier = Literal[
    "straight", "slight left", "left", "sharp left", "slight right", "right", "sharp right", "uturn"
]


class LegStep(_Document):
    """One turn-by-turn step: a maneuver and the driving after it until the next one.

    The types and modifiers are OSRM's; a ``continue`` with a slight modifier at a fork
    reads "keep left/right".  The instruction is kept in both languages.
    """

    type: StepType
    modifier: StepModifier | None = Field(description="null for depart and arrive")
    road_ref: str | None = Field(description="the road driven after the maneuver, e.g. QL7")
    road_name: str | None = Field(description="its name, e.g. Lê Lợi")
    instruction_vi: str = Field(examples=["Rẽ phải vào QL7"])
    instruction_en: str = Field(examples=["Turn right onto QL7"])
    distance_m: float = Field(description="driven after the maneuver, until the next (0: arrive)")
    duration_s: float
    location: LonLat = Field(description="where the maneuver is")
    bearing_before: float = Field(description="heading arriving there, degrees from north")
    bearing_after: float = Field(description="heading leaving it, degrees from north")


class Leg(_Document):
    """A drive from one place of the day to the next, routed for the vehicle."""

    # Producers build it by field name (``from_=``); the document says ``from``.
    model_config = ConfigDict(validate_by_name=True)

    from_: str = Field(alias="from", description="`id` of the place it leaves")
    to: str = Field(description="`id` of the place it reaches")
    distance_m: float
    duration_s: float
    geometry: LineStringGeometry
    breakdown: Breakdown | None = Field(description="null for a place to itself")
    departure: dt.datetime | None = Field(
        default=None, description="on days laid out with breaks (convoy, meals)"
    )
    arrival: dt.datetime | None = None
    steps: list[LegStep] | None = Field(
        default=None,
        description="turn-by-turn steps (answered with `steps=true`; plans stored before "
        "steps existed have none)",
    )


class Break(_Document):
    """A stop that is not a visit: a convoy's fuel or regroup stop, or a meal."""

    type: Literal["fuel", "meal"]
    reason: Literal["regroup", "refuel", "lunch", "dinner"]
    start: dt.datetime
    end: dt.datetime
    duration_s: int
    place: PlanPlace
    near_route: bool
    note_en: str | None
    note_vi: str | None


class DayTotals(_Document):
    driving_s: float
    distance_m: float
    visits: int
    breaks: int | None = Field(default=None, description="days laid out with breaks")
    score: float | None = Field(default=None, description="itineraries")
    max_continuous_driving_s: float | None = Field(default=None, description="itineraries")


class Day(_Document):
    day: int = Field(ge=1)
    date: dt.date
    start: DayStart
    stops: list[Visit]
    breaks: list[Break] | None = Field(
        default=None, description="days laid out for a convoy or meals"
    )
    legs: list[Leg]
    overnight: Overnight | None = Field(description="null on the last day")
    end: DayEnd
    problems: list[str] | None = Field(
        default=None, description="what the day's layout could not do (days with breaks)"
    )
    totals: DayTotals


# --- the whole plan ------------------------------------------------------------------------


class PlanTotals(_Document):
    driving_s: float
    distance_m: float
    visits: int


class PlanConvoy(_Document):
    """The convoy an itinerary was planned for, with its vehicle count and slow-down."""

    cars: int
    motorbikes: int
    regroup_every_min: int
    refuel_every_km: int
    stop_min: int
    vehicles: int
    factor: float = Field(description="travel times × this factor")


class PlanMealWindow(_Document):
    earliest: dt.time
    latest: dt.time
    duration_min: int


class PlanMeals(_Document):
    lunch: PlanMealWindow | None
    dinner: PlanMealWindow | None


class LeftOutSite(_Document):
    """A site the plan does not visit, and why."""

    site: str
    reason: str


class SolverStats(_Document):
    seed: int
    iterations: int
    elapsed_s: float
    timed_out: bool
    candidates: int
    overnight_candidates: int


class StopWarning(_Document):
    """A tour's given time that the plan keeps but doubts (a drive too short, a visit
    outside the opening hours)."""

    day: int
    stop: str = Field(description="`id` of the visit")
    field: str = Field(description="the field of the tour's days it is about")
    message: str


class Plan(_Document):
    """The plan of a composed itinerary or of a tour: days → visits → legs.

    Members only one producer writes are optional: ``route_vehicle``, ``convoy``,
    ``meals``, ``unplaced``, ``skipped``, ``attribution`` and ``solver`` (itineraries);
    ``provinces`` and ``request`` (tours).
    """

    vehicle: Vehicle
    route_vehicle: Vehicle | None = Field(
        default=None, description="the profile roads were chosen with (a convoy's)"
    )
    convoy: PlanConvoy | None = None
    meals: PlanMeals | None = None
    start_date: dt.date
    days: list[Day] = Field(min_length=1)
    score: float | None = Field(description="null for a tour (written, not scored)")
    totals: PlanTotals
    unplaced: list[LeftOutSite] | None = Field(
        default=None, description="must-visit sites that could not be placed"
    )
    skipped: list[LeftOutSite] | None = Field(
        default=None, description="candidates left out for want of a road or of time"
    )
    provinces: list[str] | None = Field(
        default=None, description="ISO codes of the provinces visited (tours)"
    )
    warnings: list[str | StopWarning] = Field(
        description="itineraries: sentences; tours: warnings about given times"
    )
    attribution: str | None = None
    solver: SolverStats | None = None
    network_version: str
    request: dict[str, JsonValue] | None = Field(
        default=None, description="the itinerary request a tour was composed from"
    )

    def redated(self, start_date: dt.date) -> Plan:
        """A copy whose day 1 falls on ``start_date``: every date and time moves by the same
        number of days, times of day unchanged (a tour is sold on many dates)."""
        delta = dt.timedelta(days=(start_date - self.start_date).days)
        if not delta:
            return self.model_copy(deep=True)
        return self.model_copy(
            update={
                "start_date": start_date,
                "days": [_shifted_day(day, delta) for day in self.days],
            },
            deep=True,
        )


def _shifted_day(day: Day, delta: dt.timedelta) -> Day:
    return day.model_copy(
        update={
            "date": day.date + delta,
            "start": day.start.model_copy(update={"departure": day.start.departure + delta}),
            "end": day.end.model_copy(update={"arrival": day.end.arrival + delta}),
            "stops": [
                stop.model_copy(
                    update={
                        "arrival": stop.arrival + delta,
                        "visit_start": stop.visit_start + delta,
                        "departure": stop.departure + delta,
                    }
                )
                for stop in day.stops
            ],
            "legs": [
                leg.model_copy(
                    update={
                        "departure": None if leg.departure is None else leg.departure + delta,
                        "arrival": None if leg.arrival is None else leg.arrival + delta,
                    }
                )
                for leg in day.legs
            ],
            "breaks": None
            if day.breaks is None
            else [
                b.model_copy(update={"start": b.start + delta, "end": b.end + delta})
                for b in day.breaks
            ],
        }
    )


def plan_document(plan: Plan) -> dict[str, Any]:
    """The JSON document of ``plan`` as the producers store and answer it.

    The members a producer set, in the models' order (``plan.model_dump(mode="json",
    by_alias=True, exclude_unset=True)``), with two shapes of the documents written before
    the producers built these models kept, so that the same plan is still the same bytes:

    * the totals of a day with no leg (a tour's day at one stop) say ``0``, not ``0.0``
      (a sum of no legs), and so do the plan's totals when no day has a leg;
    * a regroup point by the road (a break's ``place`` with no site and no location) lists
      ``id``, ``site``, ``location`` in that order.

    Parameters
    ----------
    plan
        A plan as a producer built it (``exclude_unset`` reads which members it set).

    Returns
    -------
    dict
        Plain JSON: what the ``plan`` column keeps and the API answers.
    """
    out = plan.model_dump(mode="json", by_alias=True, exclude_unset=True)
    for day, doc in zip(plan.days, out["days"], strict=True):
        if not day.legs:
            doc["totals"] |= {"driving_s": 0, "distance_m": 0}
        for stop in doc.get("breaks") or ():
            place = stop["place"]
            if place["site"] is None and place["location"] is None:
                stop["place"] = {"id": place["id"], "site": None, "location": None}
    if not any(day.legs for day in plan.days):
        out["totals"] |= {"driving_s": 0, "distance_m": 0}
    return out


def without_steps(document: dict[str, Any]) -> dict[str, Any]:
    """A plan document (:func:`plan_document`) without its legs' turn-by-turn steps.

    Stored plans keep the steps; reads leave them out unless asked (``steps=true``), since
    they are most of a plan's bytes and a phone on a weak connection seldom needs them.
    """
    if not any("steps" in leg for day in document.get("days", ()) for leg in day["legs"]):
        return document
    days = [
        day | {"legs": [{k: v for k, v in leg.items() if k != "steps"} for leg in day["legs"]]}
        for day in document["days"]
    ]
    return document | {"days": days}
