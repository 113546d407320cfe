"""API schemas of sites: what clients send (SiteCreate) and what they receive (SiteRead)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from opening_hours import OpeningHours
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tourroute.geojson import PointGeometry, PolygonGeometry
from tourroute.i18n import LocalizedValueError, Verbatim
from tourroute.i18n import messages as msgs
from tourroute.localtime import LocalDateTime
from tourroute.sites.domain import TYPES_BY_KIND, Category, SiteKind, SiteStatus, SiteType

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(min_length=2, max_length=120, pattern=SLUG_PATTERN)]
ProvinceCode = Annotated[str, Field(pattern=r"^VN-[0-9]{2}$")]
CoordConfidence = Literal["high", "medium", "low"]


def validate_opening_hours(value: str | None) -> str | None:
    """Reject anything the OpenStreetMap ``opening_hours`` grammar does not accept."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        OpeningHours(value)
    except Exception as exc:  # the parser raises its own ParserError type
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "parse error"
        raise LocalizedValueError(msgs.OPENING_HOURS_SYNTAX(reason=Verbatim(first_line))) from None
    return value


def check_subtype(kind: SiteKind, subtype: SiteType | None) -> None:
    """A type of stay goes with lodging, ``camp_site`` with a campsite, ``fuel``/``meal``
    with a service stop; an attraction has none."""
    if subtype is None or subtype in TYPES_BY_KIND[kind]:
        return
    allowed = ", ".join(sorted(t.value for t in TYPES_BY_KIND[kind])) or msgs.NONE
    raise LocalizedValueError(
        msgs.SUBTYPE_MISMATCH(subtype=subtype.value, kind=kind.value, allowed=allowed)
    )


_SUBTYPE_DOC = (
    "Type of stay of a lodging (hotel, motel, guest_house, homestay, hostel, hut, chalet), "
    "camp_site for a campsite, fuel or meal for a service stop; none for an attraction."
)


class Suitability(BaseModel):
    coach_parking: bool = False
    motorhome_parking: bool = False
    motorhome_overnight: bool = False
    motorbike_only_access: bool = False


class SiteCreate(BaseModel):
    """A site as curated: the fields a curator or the seed provides."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Slug
    name_vi: str = Field(min_length=1, max_length=300)
    name_en: str = Field(min_length=1, max_length=300)
    description_vi: str = Field(default="", max_length=5000)
    description_en: str = Field(default="", max_length=5000)
    province: ProvinceCode
    district: str | None = Field(default=None, max_length=120)
    kind: SiteKind
    subtype: SiteType | None = Field(default=None, description=_SUBTYPE_DOC)
    categories: list[Category] = Field(default_factory=list, max_length=10)
    location: PointGeometry
    footprint: PolygonGeometry | None = None
    coord_confidence: CoordConfidence | None = None
    opening_hours: str | None = Field(default=None, max_length=500)
    visit_duration_min: int = Field(default=60, ge=0, le=10_080)
    interest_score: int = Field(default=50, ge=0, le=100)
    coach_parking: bool = False
    motorhome_parking: bool = False
    motorhome_overnight: bool = False
    motorbike_only_access: bool = False
    ticket_price_vnd: int | None = Field(default=None, ge=0, le=100_000_000)
    status: SiteStatus = SiteStatus.draft
    source: str = Field(min_length=3, max_length=2000)

    @field_validator("opening_hours")
    @classmethod
    def _check_hours(cls, value: str | None) -> str | None:
        return validate_opening_hours(value)

    @field_validator("categories")
    @classmethod
    def _unique_categories(cls, value: list[Category]) -> list[Category]:
        if len(set(value)) != len(value):
            raise LocalizedValueError(msgs.CATEGORIES_REPEAT())
        return value

    @model_validator(mode="after")
    def _subtype_fits_kind(self) -> SiteCreate:
        check_subtype(self.kind, self.subtype)
        return self


class ProvinceRef(BaseModel):
    code: str
    slug: str
    name_vi: str
    name_en: str


class SiteRead(BaseModel):
    """A site as served."""

    slug: str = Field(examples=["thanh-nha-ho"])
    name: str = Field(description="name_vi or name_en, chosen by Accept-Language")
    name_vi: str = Field(examples=["Thành nhà Hồ"])
    name_en: str = Field(examples=["Citadel of the Hồ Dynasty"])
    description_vi: str
    description_en: str
    province: ProvinceRef
    district: str | None
    kind: SiteKind
    subtype: SiteType | None = Field(description=_SUBTYPE_DOC, examples=["homestay"])
    categories: list[Category]
    location: PointGeometry
    footprint: dict[str, Any] | None
    coord_confidence: CoordConfidence | None
    opening_hours: str | None = Field(examples=["Mo-Su 07:00-17:30"])
    visit_duration_min: int
    interest_score: int
    suitability: Suitability
    ticket_price_vnd: int | None
    status: SiteStatus
    source: str
    licence: str | None = Field(
        description="Licence of the record's data when it is not our own",
        examples=["ODbL 1.0, (c) OpenStreetMap contributors"],
    )
    attribution: str | None = Field(
        description="The credit to show wherever the site is shown (from its licence)",
        examples=["© OpenStreetMap contributors"],
    )
    name_generated: bool = Field(
        description="The source had no name: name_vi/name_en were made up by the importer "
        "from the nearest settlement ('Hotel in Mường Xén')"
    )
    created_at: LocalDateTime
    updated_at: LocalDateTime
    version: int
    distance_m: float | None = Field(
        default=None, description="Geodesic distance from `near`, in metres (only with near)."
    )


class Link(BaseModel):
    rel: str
    href: str
    type: str | None = None


class SitePage(BaseModel):
    items: list[SiteRead]
    count: int = Field(description="Number of items on this page")
    limit: int
    next: str | None = Field(description="URL of the next page, or null on the last page")
    links: list[Link]
    attribution: str | None = Field(
        default=None,
        description="The distinct credits the page's data requires, '; '-separated "
        "(null when none does)",
        examples=["© OpenStreetMap contributors"],
    )


# --- Curation (sites.curation): write bodies and the curators' view --------------------


class SiteDraft(SiteCreate):
    """Body of ``POST /v1/sites``: a new site, always created as a draft.

    ``province`` must be the curator's own; the point must lie in it.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "slug": "lang-co-dong-son",
                    "name_vi": "Làng cổ Đông Sơn",
                    "name_en": "Đông Sơn Old Village",
                    "province": "VN-21",
                    "kind": "attraction",
                    "categories": ["heritage", "craft-village"],
                    "location": {"type": "Point", "coordinates": [105.7905, 19.8398]},
                    "coord_confidence": "low",
                    "source": "Example record: replace with a surveyed point and its source",
                }
            ]
        }
    )

    status: Literal[SiteStatus.draft] = Field(
        default=SiteStatus.draft, description="Always draft; use submit/publish to change it."
    )


class SiteUpdate(BaseModel):
    """Body of ``PATCH /v1/sites/{slug}``: a JSON merge patch (RFC 7396).

    A member left out stays as it is; ``null`` clears an optional member; any other value
    replaces the member whole (``location``, ``footprint`` and ``categories`` included).
    ``slug`` and ``status`` cannot be patched (use the workflow endpoints).
    """

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "opening_hours": "Mo-Su 07:30-17:00",
                    "location": {"type": "Point", "coordinates": [105.6049, 20.0783]},
                    "ticket_price_vnd": None,
                }
            ]
        },
    )

    name_vi: str | None = Field(default=None, min_length=1, max_length=300)
    name_en: str | None = Field(default=None, min_length=1, max_length=300)
    description_vi: str | None = Field(default=None, max_length=5000)
    description_en: str | None = Field(default=None, max_length=5000)
    province: ProvinceCode | None = None
    district: str | None = Field(default=None, max_length=120)
    kind: SiteKind | None = None
    subtype: SiteType | None = Field(default=None, description=_SUBTYPE_DOC)
    categories: list[Category] | None = Field(default=None, max_length=10)
    location: PointGeometry | None = None
    footprint: PolygonGeometry | None = None
    coord_confidence: CoordConfidence | None = None
    opening_hours: str | None = Field(default=None, max_length=500)
    visit_duration_min: int | None = Field(default=None, ge=0, le=10_080)
    interest_score: int | None = Field(default=None, ge=0, le=100)
    coach_parking: bool | None = None
    motorhome_parking: bool | None = None
    motorhome_overnight: bool | None = None
    motorbike_only_access: bool | None = None
    ticket_price_vnd: int | None = Field(default=None, ge=0, le=100_000_000)
    source: str | None = Field(default=None, min_length=3, max_length=2000)

    @model_validator(mode="after")
    def _subtype_fits_kind(self) -> SiteUpdate:
        # Both in the patch: check here; otherwise the merged site is checked whole.
        if self.kind is not None:
            check_subtype(self.kind, self.subtype)
        return self


class SiteTransitionRead(BaseModel):
    from_status: SiteStatus | None = Field(description="null for the creation of the site")
    to_status: SiteStatus
    by: str = Field(description="Name of the principal who made the step")
    at: LocalDateTime


class CuratedSiteRead(SiteRead):
    """A site as curators see it: any status, with its workflow history."""

    workflow: list[SiteTransitionRead] = Field(
        default_factory=list, description="Every workflow step, oldest first"
    )


class CuratedSitePage(BaseModel):
    items: list[SiteRead]
    count: int
    limit: int
    next: str | None
    links: list[Link]
