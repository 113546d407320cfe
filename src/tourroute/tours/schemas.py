"""API schemas of tours: what writers send (TourCreate, TourUpdate) and what readers get."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tourroute.i18n import LocalizedValueError
from tourroute.i18n import messages as msgs
from tourroute.localtime import LocalDateTime, LocalDocument, LocalTime
from tourroute.routing import Vehicle
from tourroute.sites.domain import Category
from tourroute.sites.schemas import Link, Slug
from tourroute.tours.domain import MAX_DAYS, MAX_PRICE_VND, MAX_STOPS_PER_DAY, TourStatus

Price = Annotated[int, Field(ge=0, le=MAX_PRICE_VND)]


class TourStopIn(BaseModel):
    """One visit: a published site, with planned times (computed when left out)."""

    model_config = ConfigDict(extra="forbid")

    site: Slug = Field(description="slug of a published site")
    arrive: LocalTime | None = Field(
        default=None,
        description="planned arrival, local HH:MM; default: after the drive from the last place",
    )
    depart: LocalTime | None = Field(
        default=None,
        description="planned departure, local HH:MM; default: arrival + the site's visit time",
    )


class TourDayIn(BaseModel):
    """One day: its visits in order and where the night is spent (optional)."""

    model_config = ConfigDict(extra="forbid")

    stops: list[TourStopIn] = Field(default_factory=list, max_length=MAX_STOPS_PER_DAY)
    overnight: Slug | None = Field(
        default=None, description="slug of a published lodging or campsite for the night"
    )
    start_time: LocalTime = Field(
        default=time(8, 0),
        description="when the day's first drive starts (local); day 1 arrives at its first "
        "stop then",
    )


class OperatorIn(BaseModel):
    """Exactly one of: an agency (by slug), or a province (code or slug) for official tours."""

    model_config = ConfigDict(extra="forbid")

    agency: Slug | None = None
    province: str | None = Field(
        default=None, min_length=2, max_length=64, examples=["VN-21", "thanh-hoa"]
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> OperatorIn:
        if (self.agency is None) == (self.province is None):
            raise LocalizedValueError(msgs.OPERATOR_ONE_OF())
        return self


def _unique_themes(value: list[Category] | None) -> list[Category] | None:
    if value is not None and len(set(value)) != len(value):
        raise LocalizedValueError(msgs.THEMES_REPEAT())
    return value


class _TourFields(BaseModel):
    """The editable members shared by create and merge-patch bodies."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title_vi: str = Field(min_length=1, max_length=300)
    title_en: str = Field(min_length=1, max_length=300)
    summary_vi: str = Field(default="", max_length=5000)
    summary_en: str = Field(default="", max_length=5000)
    themes: list[Category] = Field(default_factory=list, max_length=10)
    operator: OperatorIn
    price_min_vnd: Price | None = None
    price_max_vnd: Price | None = None

    _themes = field_validator("themes")(_unique_themes)

    @field_validator("price_max_vnd")
    @classmethod
    def _price_range(cls, high: int | None, info: ValidationInfo) -> int | None:
        low = info.data.get("price_min_vnd")
        if low is not None and high is not None and low > high:
            raise LocalizedValueError(msgs.PRICE_RANGE())
        return high


class TourDefinition(_TourFields):
    """A complete tour as written: what is validated, stored and turned into a plan."""

    slug: Slug
    vehicle: Vehicle = Vehicle.car
    start_date: date | None = Field(
        default=None, description="nominal date of day 1 (exports can be re-dated)"
    )
    days: list[TourDayIn] = Field(min_length=1, max_length=MAX_DAYS)
    # The itinerary request the tour was composed from (the promoted tours' seed requests):
    # kept in the plan as ``request`` so Compose can start from it (convoy, meals, …).
    compose_request: dict[str, Any] | None = None

    @field_validator("days")
    @classmethod
    def _first_day_has_a_stop(cls, value: list[TourDayIn]) -> list[TourDayIn]:
        if value and not value[0].stops:
            raise LocalizedValueError(msgs.FIRST_DAY_NEEDS_STOP())
        return value


class TourCreate(_TourFields):
    """Body of ``POST /v1/tours``: explicit ``days``, or ``from_itinerary`` (exactly one)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "slug": "mot-ngay-xu-thanh",
                    "title_vi": "Một ngày xứ Thanh",
                    "title_en": "A day in Thanh Hóa",
                    "themes": ["heritage"],
                    "operator": {"province": "VN-21"},
                    "vehicle": "car",
                    "days": [
                        {
                            "stops": [
                                {"site": "thanh-nha-ho", "arrive": "08:30"},
                                {"site": "lam-kinh"},
                            ]
                        }
                    ],
                },
                {
                    "slug": "di-san-tu-lich-trinh",
                    "title_vi": "Di sản ba tỉnh",
                    "title_en": "Heritage of three provinces",
                    "operator": {"agency": "du-lich-xu-thanh"},
                    "from_itinerary": "0123456789abcdef0123456789abcdef",
                },
            ]
        }
    )

    slug: Slug
    vehicle: Vehicle | None = Field(
        default=None, description="default: the itinerary's vehicle, or car"
    )
    start_date: date | None = Field(
        default=None,
        description="nominal date of day 1; default: the itinerary's, or today (local)",
    )
    days: list[TourDayIn] | None = Field(default=None, min_length=1, max_length=MAX_DAYS)
    from_itinerary: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="id of a composed itinerary (POST /v1/itineraries) to take the days from",
    )


class TourUpdate(BaseModel):
    """Body of ``PATCH /v1/tours/{slug}``: a JSON merge patch (RFC 7396).

    A member left out stays; ``null`` clears an optional member (summaries, prices);
    anything else replaces the member whole — ``days`` and ``themes`` included. Changing
    ``days``, ``vehicle`` or ``start_date`` re-plans the tour (legs routed again).
    """

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"price_min_vnd": 2_500_000, "themes": ["heritage"]}]},
    )

    title_vi: str | None = Field(default=None, min_length=1, max_length=300)
    title_en: str | None = Field(default=None, min_length=1, max_length=300)
    summary_vi: str | None = Field(default=None, max_length=5000)
    summary_en: str | None = Field(default=None, max_length=5000)
    themes: list[Category] | None = Field(default=None, max_length=10)
    operator: OperatorIn | None = None
    price_min_vnd: Price | None = None
    price_max_vnd: Price | None = None
    vehicle: Vehicle | None = None
    start_date: date | None = None
    days: list[TourDayIn] | None = Field(default=None, min_length=1, max_length=MAX_DAYS)

    _themes = field_validator("themes")(_unique_themes)


# --- what readers get --------------------------------------------------------------------


class AgencyRef(BaseModel):
    slug: str
    name: str


class ProvinceRef(BaseModel):
    code: str
    slug: str
    name_vi: str
    name_en: str


class OperatorRead(BaseModel):
    kind: Literal["agency", "province"] = Field(
        description="`agency`: a travel agency's tour; `province`: an official tour of the "
        "province's tourism department"
    )
    agency: AgencyRef | None
    province: ProvinceRef | None


class PriceRange(BaseModel):
    min_vnd: int | None
    max_vnd: int | None
    currency: Literal["VND"] = "VND"


class TourLinks(BaseModel):
    self: str
    geojson: str
    gpx: str
    ics: str
    jsonld: str
    offline: str = Field(description="the offline pack: plan, sites and base map in a zip")


class TourSummary(BaseModel):
    """A tour as listed: everything but the itinerary."""

    slug: str = Field(examples=["di-san-thanh-hoa-nghe-an-ha-tinh"])
    title: str = Field(description="title_vi or title_en, chosen by Accept-Language")
    title_vi: str
    title_en: str
    summary: str
    summary_vi: str
    summary_en: str
    themes: list[Category]
    provinces: list[str] = Field(description="ISO codes of the provinces its stops are in")
    sites: list[str] = Field(description="slugs of the sites visited, in order")
    vehicle: Vehicle
    duration_days: int
    operator: OperatorRead
    price: PriceRange
    status: TourStatus
    start_date: date
    totals: dict[str, Any]
    created_at: LocalDateTime
    updated_at: LocalDateTime
    version: int
    links: TourLinks


class TourRead(TourSummary):
    """One tour with its full itinerary (the plan document, as for composed itineraries)."""

    days: list[dict[str, Any]] = Field(description="the days as written")
    itinerary: dict[str, Any] = Field(
        description="days → stops (planned times) → legs routed for the vehicle, with "
        "geometry; the document shape of GET /v1/itineraries/{id}"
    )


class TourPage(BaseModel):
    items: list[TourSummary]
    count: int = Field(description="Number of items on this page")
    limit: int
    next: str | None = Field(description="URL of the next page, or null on the last page")
    links: list[Link]


class TourVersionInfo(BaseModel):
    version: int
    action: str
    by: str = Field(description="name of the principal (or `seed`) who saved it")
    at: LocalDateTime


class TourVersionRead(TourVersionInfo):
    document: LocalDocument = Field(description="the whole tour as saved in this version")


class TourVersionList(BaseModel):
    slug: str
    items: list[TourVersionInfo]
