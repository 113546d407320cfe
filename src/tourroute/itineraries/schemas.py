"""The itinerary request as the API accepts it (validated before any work is done), and
the stored itinerary as the API answers it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tourroute.i18n import LocalizedValueError
from tourroute.i18n import messages as msgs
from tourroute.localtime import LocalTime, today_local
from tourroute.planning import MAX_CANDIDATES
from tourroute.plans import Plan
from tourroute.routing import Vehicle
from tourroute.routing.convoy import convoy_avoid, convoy_vehicle
from tourroute.sites.domain import Category

MAX_DAYS = 14
# How far ahead a trip may start: plans past it would rest on today's roads and hours.
HORIZON_DAYS = 5 * 365
MAX_MUST_VISIT = 30
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]


class Pace(StrEnum):
    """How long people linger: visit durations × 1.3 (relaxed), × 1 or × 0.75 (intense)."""

    relaxed = "relaxed"
    normal = "normal"
    intense = "intense"


PACE_FACTOR = {Pace.relaxed: 1.3, Pace.normal: 1.0, Pace.intense: 0.75}


class OvernightKind(StrEnum):
    """Where nights may be spent: hotels (hotels, motels, guest houses, hostels, …),
    homestays (and huts and chalets: stays with locals or in the hills), campsites."""

    hotel = "hotel"
    homestay = "homestay"
    campsite = "campsite"


class Convoy(BaseModel):
    """A self-drive caravan: private cars (and motorbikes) driving together.

    The convoy is slower than one car (``tourroute.routing.convoy.convoy_factor``), keeps
    to roads every member may use (motorbikes: never an expressway) and stops at a fuel
    station at least every ``regroup_every_min`` of driving (a visit counts as a regroup)
    and every ``refuel_every_km``.
    """

    model_config = ConfigDict(extra="forbid")

    cars: int = Field(default=1, ge=0, le=50)
    motorbikes: int = Field(default=0, ge=0, le=50)
    regroup_every_min: int = Field(default=120, ge=30, le=480)
    refuel_every_km: int = Field(default=150, ge=50, le=600)
    stop_min: int = Field(default=20, ge=5, le=90, description="each regroup/fuel stop")

    @model_validator(mode="after")
    def _some_vehicle(self) -> Convoy:
        if self.cars + self.motorbikes < 1:
            raise LocalizedValueError(msgs.CONVOY_EMPTY())
        return self

    @property
    def vehicles(self) -> int:
        return self.cars + self.motorbikes


class MealWindow(BaseModel):
    """A meal break: it starts no earlier than ``earliest`` and ends by ``latest``."""

    model_config = ConfigDict(extra="forbid")

    earliest: LocalTime
    latest: LocalTime
    duration_min: int = Field(default=60, ge=15, le=180)

    @model_validator(mode="after")
    def _fits(self) -> MealWindow:
        span = (self.latest.hour * 60 + self.latest.minute) - (
            self.earliest.hour * 60 + self.earliest.minute
        )
        if span < self.duration_min:
            raise LocalizedValueError(msgs.MEAL_WINDOW_SHORT())
        return self


class Meals(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lunch: MealWindow | None = None
    dinner: MealWindow | None = None


class NightNear(BaseModel):
    """Spend night ``night`` (1 = after day 1) within ``within_km`` of a place."""

    model_config = ConfigDict(extra="forbid")

    night: int = Field(ge=1, le=MAX_DAYS - 1)
    near: str = Field(max_length=120, description="a published site slug or `lon,lat`")
    within_km: float = Field(default=25, gt=0, le=200)


DEFAULT_LUNCH = MealWindow(earliest=time(11, 0), latest=time(13, 30), duration_min=60)


class CorridorLeg(BaseModel):
    """Prefer a named corridor on some days ("south on the Hồ Chí Minh road")."""

    model_config = ConfigDict(extra="forbid")

    corridor: str = Field(max_length=64, examples=["hcm-road"])
    days: list[Annotated[int, Field(ge=1, le=MAX_DAYS)]] = Field(min_length=1, max_length=14)


# Default daily driving caps (hours): a holiday, not a delivery run; coaches also obey the
# legal driver limits (10 h a day, 4 h at a stretch: Law 36/2024/QH15 Art. 64).
DEFAULT_DRIVING_H = {
    Vehicle.car: 6.0,
    Vehicle.coach: 8.0,
    Vehicle.motorbike: 5.0,
    Vehicle.motorhome: 5.0,
}


class Budget(StrEnum):
    """The planner's effort (counted work, so a seed gives the same plan on any machine)."""

    interactive = "interactive"  # the default: about 2 s of search at full size
    thorough = "thorough"  # twelve times the work, for overnight catalogue builds


# The solver's wall-clock safety net per budget when the request gives none: above what the
# whole counted budget takes at full size on the reference machine (interactive ≈ 1.9 s for
# 300 candidates over 14 days, thorough ≈ 25 s), so it fires only on a loaded machine, and
# low enough that the largest interactive request still answers within 3 s.
DEFAULT_TIME_LIMIT_S = {Budget.interactive: 2.4, Budget.thorough: 40.0}


class ItineraryRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "start": "thanh-nha-ho",
                    "end": "thien-cam",
                    "start_date": "2026-12-04",
                    "days": 3,
                    "vehicle": "car",
                    "must_visit": ["kim-lien"],
                    "themes": {"heritage": 2, "revolutionary-history": 1},
                }
            ]
        },
    )

    start: str = Field(max_length=120, description="a published site slug or `lon,lat`")
    end: str | None = Field(
        default=None, max_length=120, description="slug or `lon,lat`; default: back to start"
    )
    start_date: date
    days: int = Field(ge=1, le=MAX_DAYS)
    day_start: LocalTime = time(8, 0)
    day_end: LocalTime = time(18, 0)
    vehicle: Vehicle = Vehicle.car
    max_driving_hours: float | None = Field(
        default=None, gt=0, le=12, description="per day; default by vehicle"
    )
    pace: Pace = Pace.normal
    must_visit: list[Slug] = Field(default_factory=list, max_length=MAX_MUST_VISIT)
    themes: dict[Category, float] = Field(
        default_factory=dict, description="category → weight 0..3 added to the interest"
    )
    provinces: list[str] = Field(
        default_factory=list, max_length=3, description="ISO codes or slugs; default all three"
    )
    overnight: list[OvernightKind] = Field(
        default_factory=lambda: list(OvernightKind), min_length=1, max_length=3
    )
    corridor_legs: list[CorridorLeg] = Field(default_factory=list, max_length=14)
    nights_near: list[NightNear] = Field(
        default_factory=list,
        max_length=MAX_DAYS - 1,
        description="where some nights must be spent, e.g. near Pù Luông after day 1",
    )
    convoy: Convoy | None = Field(
        default=None,
        description="a self-drive caravan tour: the convoy of cars (and motorbikes)",
    )
    meals: Meals | None = Field(
        default=None,
        description="lunch/dinner breaks at meal stops near the route, e.g. "
        '{"lunch": {"earliest": "11:00", "latest": "13:30", "duration_min": 60}}',
    )
    max_candidates: int = Field(default=60, ge=1, le=MAX_CANDIDATES)  # the planner's limit
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    budget: Budget = Field(
        default=Budget.interactive,
        description="planner effort: `interactive` (default, a few seconds) or `thorough` "
        "(twelve times the search, for catalogue builds); the same seed and budget give the "
        "same plan",
    )
    time_limit_s: float | None = Field(
        default=None,
        gt=0,
        le=60,
        description="safety net on the solver's time (default 2.4 s interactive, 40 s "
        "thorough); when it fires the best plan found is returned and `timed_out` is set",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ItineraryRequest:
        if self.day_end <= self.day_start:
            raise LocalizedValueError(msgs.DAY_END_BEFORE_START())
        horizon = today_local() + timedelta(days=HORIZON_DAYS)
        if self.start_date > horizon:
            # Opening hours and roads that far ahead are guesses (and 9999-12-30 + days
            # does not even exist as a date): refuse rather than plan fiction.
            raise LocalizedValueError(
                msgs.START_DATE_HORIZON(years=HORIZON_DAYS // 365, horizon=horizon.isoformat())
            )
        for weight in self.themes.values():
            if not 0 <= weight <= 3:
                raise LocalizedValueError(msgs.THEME_WEIGHT_RANGE())
        if self.convoy is not None and self.vehicle is not Vehicle.car:
            raise LocalizedValueError(msgs.CONVOY_SETS_VEHICLES())
        for wish in self.nights_near:
            if wish.night >= self.days:
                raise LocalizedValueError(
                    msgs.NIGHT_BEYOND_TRIP(night=wish.night, days=self.days, last=self.days - 1)
                )
        for leg in self.corridor_legs:
            late = [d for d in leg.days if d > self.days]
            if late:
                raise LocalizedValueError(msgs.CORRIDOR_DAYS_BEYOND_TRIP(late=late, days=self.days))
        return self

    @property
    def solver_time_limit_s(self) -> float:
        """The solver's safety net: the request's, or the budget's default."""
        if self.time_limit_s is not None:
            return self.time_limit_s
        return DEFAULT_TIME_LIMIT_S[self.budget]

    @property
    def route_vehicle(self) -> Vehicle:
        """The profile the roads are chosen with: the convoy's, or the vehicle asked for."""
        if self.convoy is None:
            return self.vehicle
        return convoy_vehicle(cars=self.convoy.cars, motorbikes=self.convoy.motorbikes)

    @property
    def route_avoid(self) -> frozenset[str]:
        """What the roads are chosen avoiding beyond :attr:`route_vehicle`'s rules."""
        if self.convoy is None:
            return frozenset()
        return convoy_avoid(cars=self.convoy.cars, motorbikes=self.convoy.motorbikes)

    @property
    def driving_cap_s(self) -> float:
        hours = self.max_driving_hours or DEFAULT_DRIVING_H[self.route_vehicle]
        return hours * 3600


class ItineraryLinks(BaseModel):
    model_config = ConfigDict(extra="forbid")

    self: str
    geojson: str
    gpx: str
    ics: str
    offline: str = Field(description="the offline pack: plan, sites and base map in a zip")


class ItineraryDocument(Plan):
    """A stored itinerary: its id, when it was composed, its links and request, and its plan
    (the members of :class:`~tourroute.plans.Plan` at the top level)."""

    id: str = Field(pattern=r"^[0-9a-f]{32}$")
    created_at: datetime
    links: ItineraryLinks
    # The request as validated, every default filled in. The plan's own ``request`` (a
    # tour's: the request it was composed from, kept as plain JSON) is a JSON object too,
    # but mypy sees only that the types differ.
    request: ItineraryRequest  # type: ignore[assignment]  # a JSON object either way
