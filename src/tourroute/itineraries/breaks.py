"""A planned day made drivable: convoy regroup/fuel stops and meal breaks, then the times.

The planner chooses the visits, their order and the nights; it knows nothing of fuel
stations or restaurants.  This module walks each planned day in time order and inserts:

* **convoy stops** (a self-drive caravan): before the convoy has driven ``regroup_every_s``
  since it last stopped (a visit or a night counts) or ``refuel_every_m`` since it last
  refuelled, it stops ``stop_s`` at a real fuel station within ``max_offset_m`` of the road
  — the one furthest along the road before the limit, so there are as few stops as
  possible (fuel is looked for from 80 % of the refuelling distance on, so a station is
  found in time where the next leg has none early on; failing that, a station up to 6 km
  off the road).  With no station in reach the convoy regroups by the road where the
  limit falls (the stop says so); with none before the limit, at the first one after it
  (said too).
* **meals**: a break of ``duration_s`` starting in ``[earliest_s, latest_s − duration_s]``:
  at a meal stop near the road when the window opens while driving, or near the place
  where the convoy is (a site it just visited, the overnight place for dinner) — and where
  no meal stop is within reach, where the convoy is, and the plan says so.

The times are then recomputed from the routed legs; a visit that no longer fits its
opening hours, or a day that would end too late or drive too long, loses its least
valuable optional visit and is laid out again (the composer plans with travel times
inflated for these stops, so this is rare).  Pure: the router comes in as a callable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from shapely.geometry import LineString
from shapely.ops import substring

from tourroute.plans import Leg
from tourroute.routing.convoy import stations_along
from tourroute.routing.graph import Coord

__all__ = [
    "BreakPlace",
    "ConvoyRules",
    "DayInput",
    "DaySchedule",
    "Event",
    "LegResult",
    "MealRule",
    "VisitSpec",
    "schedule_day",
]

Window = tuple[float, float]
DETOUR_SEARCH = 4.0  # with no station by the road, look this many times further off it
REFUEL_FROM = 0.8  # share of the refuelling distance from which a station is sought
EPS = 1.0  # seconds: the planner's matrix and the routed legs round differently


@dataclass(frozen=True)
class BreakPlace:
    """A fuel station or a meal stop the convoy may stop at."""

    id: str
    coord: Coord


@dataclass(frozen=True)
class ConvoyRules:
    """When a self-drive convoy stops (see the module docstring): after driving
    ``regroup_every_s`` seconds without a stop or ``refuel_every_m`` metres without fuel, for
    ``stop_s`` seconds, at a station at most ``max_offset_m`` metres off the road."""

    regroup_every_s: float = 2 * 3600
    refuel_every_m: float = 150_000
    stop_s: float = 20 * 60
    max_offset_m: float = 1_500


@dataclass(frozen=True)
class MealRule:
    """A meal of ``duration_s`` seconds, starting no earlier than ``earliest_s`` and ending
    by ``latest_s`` (seconds after the day's local midnight)."""

    name: str  # lunch, dinner
    earliest_s: float
    latest_s: float  # the meal ends by then
    duration_s: float
    radius_m: float = 3_000  # how far from the road or the place a meal stop may be


@dataclass(frozen=True)
class VisitSpec:
    """A planned visit: ``service_s`` seconds on site, inside one of ``windows`` (seconds
    after local midnight); of the optional visits (not ``must``, no fixed departure), the
    one of lowest ``score`` is dropped first when the day does not hold."""

    id: str
    service_s: float
    windows: tuple[Window, ...] | None  # that day's; None = always open
    score: float
    must: bool
    fixed_departure_s: float | None = None  # a multi-day visit: leaves when planned


@dataclass(frozen=True)
class DayInput:
    """A planned day: from ``start_id`` at ``departure_s`` through ``visits`` in order to
    ``end_id`` by ``end_by_s`` (seconds after local midnight), driving at most
    ``driving_cap_s`` seconds (``None``: no cap); ``last_day`` is not read here."""

    start_id: str
    end_id: str
    departure_s: float
    visits: tuple[VisitSpec, ...]
    end_by_s: float
    driving_cap_s: float | None
    last_day: bool = False


@dataclass
class LegResult:
    """A routed leg from place ``a`` to place ``b``: metres, seconds, its line (lon, lat)
    and the router's document of it (both parts of a cut leg keep the whole leg's; ``None``
    for a router that writes none)."""

    a: str
    b: str
    distance_m: float
    duration_s: float
    coords: list[Coord]
    doc: Leg | None = None
    offset_m: float = 0.0  # where a cut leg's part starts along the whole leg


@dataclass
class Event:
    """One thing in a day's timeline: a leg, a visit or a break."""

    kind: str  # leg, visit, break
    start_s: float
    end_s: float
    place: str | None = None
    leg: LegResult | None = None
    visit: VisitSpec | None = None
    arrival_s: float | None = None
    break_type: str | None = None  # fuel, meal
    reason: str | None = None  # regroup, refuel, lunch, dinner
    near_route: bool = True
    note: str | None = None


@dataclass
class DaySchedule:
    """A laid-out day: its timeline, the optional visits ``dropped`` (ids), and the
    ``problems`` of a day that holds only leniently (empty otherwise)."""

    events: list[Event]
    dropped: list[str]
    fuel_since_m: float  # driving since the last refuel, carried to the next day
    problems: list[str]

    @property
    def driving_s(self) -> float:
        """Seconds spent driving (the legs, breaks excluded)."""
        return sum(e.end_s - e.start_s for e in self.events if e.kind == "leg")

    @property
    def arrival_s(self) -> float:
        """When the last leg ends, else the last event (seconds after local midnight; 0.0
        for an empty day)."""
        legs = [e for e in self.events if e.kind == "leg"]
        return legs[-1].end_s if legs else self.events[-1].end_s if self.events else 0.0


Router = Callable[[str, str], LegResult]
Coords = Callable[[str], Coord]


def _split(leg: LegResult, share: float) -> tuple[LegResult, LegResult]:
    """A leg cut at ``share`` of its length: the part driven and the part left."""
    line = LineString(leg.coords)
    cut = [(x, y) for x, y in substring(line, 0, share, normalized=True).coords]
    left = [(x, y) for x, y in substring(line, share, 1, normalized=True).coords]
    if len(left) < 2:
        left = [leg.coords[-1], leg.coords[-1]]
    if len(cut) < 2:
        cut = [leg.coords[0], leg.coords[0]]
    driven = leg.distance_m * share
    return (
        LegResult(
            leg.a, leg.b, driven, leg.duration_s * share, cut, leg.doc, offset_m=leg.offset_m
        ),
        LegResult(
            leg.a,
            leg.b,
            leg.distance_m * (1 - share),
            leg.duration_s * (1 - share),
            left,
            leg.doc,
            offset_m=leg.offset_m + driven,
        ),
    )


def _fits(windows: tuple[Window, ...] | None, t: float, service: float) -> float | None:
    """The earliest start ≥ t inside one window that holds the whole visit, or None."""
    if windows is None:
        return t
    for open_s, close_s in windows:
        start = max(t, open_s)
        if start + service <= close_s + EPS:
            return start
    return None


class _Day:
    """One attempt at laying out a day with a given list of visits."""

    def __init__(
        self,
        day: DayInput,
        visits: Sequence[VisitSpec],
        route: Router,
        coord: Coords,
        fuel: Sequence[BreakPlace],
        meal_places: Sequence[BreakPlace],
        convoy: ConvoyRules | None,
        meals: Sequence[MealRule],
        fuel_since_m: float,
        *,
        strict: bool = True,
    ) -> None:
        self.strict = strict
        self.day, self.visits, self.route, self.coord = day, visits, route, coord
        self.fuel, self.meal_places, self.convoy = fuel, meal_places, convoy
        self.pending = sorted(meals, key=lambda m: m.earliest_s)
        self.t = day.departure_s
        self.since_regroup_s = 0.0
        self.fuel_since_m = fuel_since_m
        self.events: list[Event] = []
        self.problems: list[str] = []
        self.failed: str | None = None

    def _fail(self, why: str) -> bool:
        """Strict: give up this layout (True).  Lenient: note it and carry on (False)."""
        if self.strict:
            self.failed = why
            return True
        self.problems.append(why)
        return False

    # -- moving ---------------------------------------------------------------------------
    def _drive(self, leg: LegResult) -> None:
        self.events.append(Event("leg", self.t, self.t + leg.duration_s, leg=leg))
        self.t += leg.duration_s
        self.since_regroup_s += leg.duration_s
        self.fuel_since_m += leg.distance_m

    def _stop(self, place: str, kind: str, reason: str, duration: float, **extra: Any) -> None:
        self.events.append(
            Event(
                "break",
                self.t,
                self.t + duration,
                place=place,
                break_type=kind,
                reason=reason,
                **extra,
            )
        )
        self.t += duration
        self.since_regroup_s = 0.0

    def _convoy_stop_on(self, leg: LegResult) -> tuple[BreakPlace | None, float, str] | None:
        """Where on this leg the convoy must stop: a station (or None: by the road) at how
        many metres along, and which rule calls for it (regroup or refuel)."""
        rules = self.convoy
        if rules is None or leg.distance_m <= 0:
            return None
        left_s = rules.regroup_every_s - self.since_regroup_s
        left_m = rules.refuel_every_m - self.fuel_since_m
        # Fuel is sought from 80 % of the range on, so that a station is found before the
        # limit even where the next leg has none early on (a village site, say).
        soft_left_m = REFUEL_FROM * rules.refuel_every_m - self.fuel_since_m
        timed_out = leg.duration_s > left_s + EPS
        if not timed_out and leg.distance_m <= soft_left_m + 1:
            return None
        by_time_m = max(0.0, left_s / leg.duration_s * leg.distance_m)
        limit_m = max(0.0, min(by_time_m, left_m))
        reason = "regroup" if timed_out and by_time_m <= left_m else "refuel"
        # A regroup right after the start is pointless (the convoy just stopped); fuel
        # may be taken at once, before a long leg with no station early enough on it.
        floor_m = 0.0 if reason == "refuel" else 1_000.0
        first_after = None
        # Stations by the road first; else a detour of a few km into a town before the limit.
        for offset in (rules.max_offset_m, rules.max_offset_m * DETOUR_SEARCH):
            found = stations_along(leg.coords, [p.coord for p in self.fuel], offset)
            ahead = [s for s in found if floor_m <= s.along_m < leg.distance_m - 500]
            before = [s for s in ahead if s.along_m <= limit_m + 50]
            if before:
                return self.fuel[before[-1].index], before[-1].along_m, reason
            if ahead and first_after is None:
                first_after = ahead[0]
        if first_after is not None:
            return self.fuel[first_after.index], first_after.along_m, reason
        return None, limit_m, reason

    def _meal_on(self, leg: LegResult) -> tuple[MealRule, BreakPlace] | None:
        """A meal stop along this leg reached inside the pending meal's window, if any."""
        if not self.pending or leg.duration_s <= 0:
            return None
        meal = self.pending[0]
        if self.t + leg.duration_s < meal.earliest_s:
            return None
        found = stations_along(leg.coords, [p.coord for p in self.meal_places], meal.radius_m)
        for s in found:
            at = self.t + s.along_m / max(leg.distance_m, 1.0) * leg.duration_s
            if meal.earliest_s <= at <= meal.latest_s - meal.duration_s and s.along_m > 500:
                return meal, self.meal_places[s.index]
        return None

    def _meal_here(self, here: str, *, after_day: bool = False, back: bool = True) -> str:
        """Take the pending meal now if its window is open (or past) at this place.

        Returns where the convoy then is: ``here`` again (``back``: a visit here follows),
        or the meal stop it drove to.
        """
        while self.pending and (after_day or self.t >= self.pending[0].earliest_s - EPS):
            meal = self.pending.pop(0)
            if after_day:  # the day's drive is over: the meal waits for its window
                self.t = max(self.t, meal.earliest_s)
            late = self.t > meal.latest_s - meal.duration_s + EPS
            origin = self.coord(here)
            near = stations_along(
                [origin, (origin[0] + 1e-6, origin[1])],
                [p.coord for p in self.meal_places],
                meal.radius_m,
            )
            near.sort(key=lambda s: s.offset_m)
            note = "late: the convoy was busy through the window" if late else None
            if near:
                place = self.meal_places[near[0].index]
                if after_day:
                    # Dinner near the night's place: the day's drive is over.
                    self._stop(place.id, "meal", meal.name, meal.duration_s, note=note)
                    continue
                start = here
                self._drive_to(here, place.id, allow_meal=False)
                self._stop(place.id, "meal", meal.name, meal.duration_s, note=note)
                if back:
                    self._drive_to(place.id, start, allow_meal=False)
                else:
                    here = place.id
            else:
                self._stop(
                    here,
                    "meal",
                    meal.name,
                    meal.duration_s,
                    near_route=False,
                    note="no meal stop within reach: the meal is where the convoy is",
                )
        return here

    def _drive_to(self, a: str, b: str, *, allow_meal: bool = True) -> None:
        """Drive from a to b, stopping for the convoy and (while driving) for meals."""
        current = a
        rest: LegResult | None = None  # what is left of a leg after a stop by the road
        for _ in range(50):  # a leg needs a handful of stops at most
            if current == b and rest is None:
                return
            leg = rest or self.route(current, b)
            stop = self._convoy_stop_on(leg)
            meal = self._meal_on(leg) if allow_meal and rest is None else None
            if meal is not None:
                meal_rule, place = meal
                meal_leg = self.route(current, place.id)
                if stop is None or meal_leg.distance_m <= stop[1] + 1:
                    self._drive(meal_leg)
                    self.pending.remove(meal_rule)
                    self._stop(place.id, "meal", meal_rule.name, meal_rule.duration_s)
                    current = place.id
                    continue
            if stop is None:
                self._drive(leg)
                return
            station, along_m, reason = stop
            rules = self.convoy or ConvoyRules()
            if station is None:
                # No station in reach: the convoy regroups by the road where the limit falls
                # (and refuels in a town off the road: neither rule fires again at once).
                share = min(1.0, along_m / max(leg.distance_m, 1.0))
                first, rest = _split(leg, share)
                self._drive(first)
                self._stop(
                    f"{leg.a}>{leg.b}@{round(along_m)}",
                    "fuel",
                    "regroup",
                    rules.stop_s,
                    near_route=False,
                    note="no fuel station within reach: regroup by the road",
                )
                self.fuel_since_m = 0.0
                problem = f"no fuel station near the road from {leg.a} to {leg.b}"
                if problem not in self.problems:
                    self.problems.append(problem)
                continue
            rest = None
            first = self.route(current, station.id)
            late = (
                self.since_regroup_s + first.duration_s > rules.regroup_every_s + EPS
                or self.fuel_since_m + first.distance_m > rules.refuel_every_m + 50
            )
            self._drive(first)
            self._stop(
                station.id,
                "fuel",
                reason,
                rules.stop_s,
                note="the first fuel station after the limit" if late else None,
            )
            self.fuel_since_m = 0.0
            current = station.id
        self._fail(f"too many stops between {a} and {b}")

    # -- the day --------------------------------------------------------------------------
    def run(self) -> None:
        here = self._meal_here(self.day.start_id, back=False)
        for v in self.visits:
            self._drive_to(here, v.id)
            if self.failed:
                return
            self._meal_here(v.id)
            arrival = self.t
            if v.fixed_departure_s is not None:
                start = _fits(v.windows, self.t, 0.0)
                if start is None and self._fail(f"{v.id} is reached after its start window"):
                    return
                start = self.t if start is None else start
                end = max(v.fixed_departure_s, start)
            else:
                fitted = _fits(v.windows, self.t, v.service_s)
                if fitted is None and self._fail(f"{v.id} no longer fits its opening hours"):
                    return
                start = self.t if fitted is None else fitted
                end = start + v.service_s
            self.events.append(Event("visit", start, end, place=v.id, visit=v, arrival_s=arrival))
            self.t = end
            self.since_regroup_s = 0.0
            here = self._meal_here(v.id, back=False)
        self._drive_to(here, self.day.end_id)
        if self.failed:
            return
        arrival = self.t
        if self.t > self.day.end_by_s + EPS and self._fail("the day would end too late"):
            return
        cap = self.day.driving_cap_s
        driving = sum(e.end_s - e.start_s for e in self.events if e.kind == "leg")
        if (
            cap is not None
            and driving > cap * 1.02 + EPS
            and self._fail("the day would drive over its cap")
        ):
            return
        # Dinner (or a meal still pending) near the night's place, after the day's drive.
        self._meal_here(self.day.end_id, after_day=True)
        self.t = arrival


def schedule_day(
    day: DayInput,
    route: Router,
    coord: Coords,
    *,
    fuel: Sequence[BreakPlace] = (),
    meal_places: Sequence[BreakPlace] = (),
    convoy: ConvoyRules | None = None,
    meals: Sequence[MealRule] = (),
    fuel_since_m: float = 0.0,
) -> DaySchedule:
    """Lay out one day with its breaks; drop optional visits until it holds.

    >>> from tourroute.itineraries.breaks import LegResult
    >>> pts = {"a": (105.0, 19.0), "b": (106.0, 19.0), "f": (105.4, 19.0)}
    >>> def route(x, y):
    ...     d = abs(pts[x][0] - pts[y][0]) * 105_000
    ...     return LegResult(x, y, d, d / 10, [pts[x], pts[y]])  # 36 km/h
    >>> s = schedule_day(DayInput("a", "b", 8 * 3600, (), 20 * 3600, None), route, pts.get,
    ...                  fuel=[BreakPlace("f", pts["f"])], convoy=ConvoyRules())
    >>> [(e.kind, e.place) for e in s.events]
    [('leg', None), ('break', 'f'), ('leg', None)]
    """
    visits = list(day.visits)
    dropped: list[str] = []
    while True:
        attempt = _Day(day, visits, route, coord, fuel, meal_places, convoy, meals, fuel_since_m)
        attempt.run()
        if attempt.failed is None:
            return DaySchedule(attempt.events, dropped, attempt.fuel_since_m, attempt.problems)
        optional = [v for v in visits if not v.must and v.fixed_departure_s is None]
        if not optional:
            # Nothing left to give up: lay it out anyway and say what does not hold.
            lenient = _Day(
                day,
                visits,
                route,
                coord,
                fuel,
                meal_places,
                convoy,
                meals,
                fuel_since_m,
                strict=False,
            )
            lenient.run()
            return DaySchedule(lenient.events, dropped, lenient.fuel_since_m, lenient.problems)
        worst = min(optional, key=lambda v: (v.score, v.id))
        visits.remove(worst)
        dropped.append(worst.id)
