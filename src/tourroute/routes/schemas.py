"""Request bodies and answers of the route endpoints (``/v1/routes``, ``/v1/matrix``,
``/v1/reachable``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from tourroute.geojson import Latitude, Longitude
from tourroute.plans.document import (
    CorridorDistance,
    CorridorProvinceDistance,
    LegStep,
    LineStringGeometry,
    ProvinceDistance,
    RefDistance,
)
from tourroute.routing import Preference, Vehicle
from tourroute.sites.domain import SiteKind

MAX_MATRIX_SIDE = 100
Annotation = Literal["duration", "distance"]
DURATION: Annotation = "duration"
MatrixPoint = Annotated[
    str | tuple[Longitude, Latitude],
    Field(
        description="a published site slug, `lon,lat`, or [lon, lat]",
        examples=["kim-lien", "105.69,18.67", [105.69, 18.67]],
    ),
]


class MatrixRequest(BaseModel):
    """Durations (and distances) between up to 100 sources and 100 destinations."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "sources": ["thanh-nha-ho", "kim-lien"],
                    "destinations": ["thien-cam", "105.69,18.67"],
                    "vehicle": "car",
                    "annotations": ["duration", "distance"],
                }
            ]
        },
    )

    sources: list[MatrixPoint] = Field(min_length=1, max_length=MAX_MATRIX_SIDE)
    destinations: list[MatrixPoint] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_MATRIX_SIDE,
        description="defaults to the sources (a square matrix)",
    )
    vehicle: Vehicle = Vehicle.car
    avoid: list[str] = Field(default_factory=list, max_length=20)
    annotations: list[Annotation] = Field(
        default_factory=lambda: [DURATION], min_length=1, max_length=2
    )


# --- Answers -----------------------------------------------------------------------------
# Distances are metres and durations seconds, rounded to 0.1; positions are (lon, lat).

Position = tuple[Longitude, Latitude]


class _Answer(BaseModel):
    # Built in Python by field name, written by alias (``from``).
    model_config = ConfigDict(extra="forbid", validate_by_name=True, serialize_by_alias=True)


class RouteStep(LegStep):
    """A turn-by-turn step of a route's leg: its instruction in both languages, and in the
    response's language (``Accept-Language``) as ``instruction``."""

    model_config = ConfigDict(extra="forbid")

    instruction: str = Field(examples=["Turn right onto QL7"])


class RouteLegOut(_Answer):
    """One leg of a route, between two consecutive points (from, via…, to)."""

    from_: str = Field(alias="from", description="the point as asked for (slug or `lon,lat`)")
    to: str
    distance_m: float
    duration_s: float
    snap_distance_m: tuple[float, float] = Field(
        description="how far its two points lay from the road they were snapped onto"
    )
    # Absent (never null) unless `steps=true`.
    steps: list[RouteStep] | SkipJsonSchema[None] = Field(
        default=None,
        description="turn-by-turn steps, with `steps=true`: depart, the maneuvers, arrive; "
        "their distances add up to the leg's",
    )


class RouteBreakdown(_Answer):
    """Where a route drives: metres by road number, corridor, province and both, longest
    first (names in the response's language), and a plain-language line per corridor and
    province of 1 km or more. The rows are those of a stored plan's legs (``Breakdown``),
    which keeps its summary in both languages besides."""

    by_ref: list[RefDistance]
    by_corridor: list[CorridorDistance]
    by_province: list[ProvinceDistance]
    by_corridor_and_province: list[CorridorProvinceDistance]
    summary: list[str] = Field(
        description="in the response's language (Accept-Language)",
        examples=[["62 km on the Hồ Chí Minh road in Nghe An"]],
    )


class RouteOut(_Answer):
    """One route: the best, or an alternative that avoids a corridor of the best."""

    label: str = Field(examples=["best", "avoiding ql1a"])
    avoided: list[str] = Field(description="the corridor an alternative avoids (empty: best)")
    distance_m: float
    duration_s: float
    geometry: LineStringGeometry | str = Field(
        description="a GeoJSON LineString, or with `geometry=polyline` a Google encoded "
        "polyline (precision 5, lat/lon)"
    )
    legs: list[RouteLegOut]
    breakdown: RouteBreakdown


class RouteResponse(_Answer):
    """``GET /v1/routes``: the best route first, then up to ``alternatives`` others."""

    vehicle: Vehicle
    preference: Preference
    network_version: str = Field(description="the version of the road network routed on")
    routes: list[RouteOut] = Field(min_length=1)


class LocatedPoint(_Answer):
    """A point as asked for and where it was snapped onto the road network."""

    query: str = Field(description="the point as asked for (slug or `lon,lat`)")
    site: str | None = Field(description="the site's slug; null for a `lon,lat` point")
    location: Position = Field(description="the point on the road it was snapped onto")
    snap_distance_m: float


class MatrixResponse(_Answer):
    """``POST /v1/matrix``: one row per source, one column per destination."""

    vehicle: Vehicle
    network_version: str
    sources: list[LocatedPoint]
    destinations: list[LocatedPoint]
    # Absent (never null) unless `annotations` asks for them.
    durations: list[list[float | None]] | SkipJsonSchema[None] = Field(
        default=None,
        description="seconds, `null` where there is no route (with `annotations` duration)",
    )
    distances: list[list[float | None]] | SkipJsonSchema[None] = Field(
        default=None,
        description="metres, `null` where there is no route (with `annotations` distance)",
    )


class ReachedPolygon(_Answer):
    """A GeoJSON Polygon: an outer ring, then its holes."""

    type: Literal["Polygon"]
    coordinates: list[list[Position]]


class ReachedMultiPolygon(_Answer):
    """A GeoJSON MultiPolygon."""

    type: Literal["MultiPolygon"]
    coordinates: list[list[list[Position]]]


class ReachedSiteOut(_Answer):
    """A published site reached within the budget."""

    slug: str
    name: str = Field(description="name_vi or name_en, chosen by Accept-Language")
    name_vi: str
    name_en: str
    kind: SiteKind
    location: Position = Field(description="the site's own location")
    duration_s: float = Field(description="fastest driving time from `from`")
    snap_distance_m: float = Field(description="how far the site lies from its nearest road")


class ReachableResponse(_Answer):
    """``GET /v1/reachable``: the sites and the area reached, quickest first."""

    from_: LocatedPoint = Field(alias="from")
    minutes: float
    vehicle: Vehicle
    network_version: str
    area: ReachedPolygon | ReachedMultiPolygon = Field(
        discriminator="type", description="the roads driven, widened by `margin_m`"
    )
    sites: list[ReachedSiteOut]
