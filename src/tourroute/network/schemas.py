"""Schemas of road segments and corridors as curated (seed, import, later the write API),
and what the map endpoints answer (``GET /v1/corridors``, ``GET /v1/roads``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from shapely.geometry import LineString

from tourroute.geojson import Latitude, Longitude
from tourroute.i18n import LocalizedValueError
from tourroute.i18n import messages as msgs
from tourroute.localtime import LocalDateTime

# The classes of tourroute.routing.profiles.ROAD_CLASSES, in that order (a unit test checks).
RoadClass = Literal[
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "track",
]


class CorridorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)
    name_vi: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    description_en: str = Field(default="", max_length=2000)
    source: str = Field(min_length=3, max_length=2000)


class RoadSegmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=64)
    ref: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=200)
    corridors: list[str] = Field(default_factory=list, max_length=10)
    road_class: RoadClass
    surface: Literal["paved", "unpaved"] = "paved"
    oneway: bool = False
    toll: bool = False
    maxspeed_kph: float | None = Field(default=None, gt=0, le=130)
    motorbike_forbidden: bool = False
    motorhome_unsuitable: bool = False
    max_height_m: float | None = Field(default=None, gt=0, le=10)
    max_weight_t: float | None = Field(default=None, gt=0, le=100)
    scenic: int = Field(default=0, ge=0, le=5)
    source: str = Field(min_length=3, max_length=2000)
    coordinates: list[tuple[float, float]] = Field(min_length=2, max_length=20_000)

    @field_validator("coordinates")
    @classmethod
    def _valid_line(cls, coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
        for lon, lat in coords:
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise LocalizedValueError(msgs.POSITION_RANGE(lon=lon, lat=lat))
        line = LineString(coords)
        if line.length == 0:
            raise LocalizedValueError(msgs.SEGMENT_NO_LENGTH())
        return coords


class RoadSegmentUpdate(BaseModel):
    """Body of ``PATCH /v1/roads/segments/{key}``: a JSON merge patch (RFC 7396) of the
    fields of :class:`RoadSegmentCreate` but ``id``.  A member left out stays; ``null``
    clears an optional member; any other value replaces it whole (``coordinates``, the
    geometry, and ``corridors`` included).  The patched segment is validated whole."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"maxspeed_kph": 60, "surface": "unpaved"}]},
    )

    ref: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=200)
    corridors: list[str] | None = Field(default=None, max_length=10)
    road_class: RoadClass | None = None
    surface: Literal["paved", "unpaved"] | None = None
    oneway: bool | None = None
    toll: bool | None = None
    maxspeed_kph: float | None = Field(default=None, gt=0, le=130)
    motorbike_forbidden: bool | None = None
    motorhome_unsuitable: bool | None = None
    max_height_m: float | None = Field(default=None, gt=0, le=10)
    max_weight_t: float | None = Field(default=None, gt=0, le=100)
    scenic: int | None = Field(default=None, ge=0, le=5)
    source: str | None = Field(default=None, min_length=3, max_length=2000)
    coordinates: list[tuple[float, float]] | None = Field(
        default=None, min_length=2, max_length=20_000
    )


class RoadSegmentStored(RoadSegmentCreate):
    """A stored segment's fields, validated whole after a merge patch: its ``id`` is kept
    as it is (imported segments have ids like ``osm:123``, outside the create pattern)."""

    id: str = Field(max_length=64)


class RoadSegmentRead(RoadSegmentStored):
    """A segment as curators see it: its fields, status, provinces and timestamps."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["draft", "published", "archived"]
    provinces: list[str] = Field(description="codes of the provinces the line touches")
    version: int
    created_at: LocalDateTime
    updated_at: LocalDateTime


# --- What the map endpoints answer -------------------------------------------------------


class CorridorRead(BaseModel):
    """A named corridor, for legends and corridor choices (``avoid``, ``prefer``)."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(examples=["hcm-road"])
    name_vi: str = Field(examples=["Đường Hồ Chí Minh"])
    name_en: str = Field(examples=["Hồ Chí Minh road"])
    description_en: str
    source: str


class CorridorList(BaseModel):
    """``GET /v1/corridors``: every corridor, by slug."""

    model_config = ConfigDict(extra="forbid")

    items: list[CorridorRead]


class RoadLineString(BaseModel):
    """A road segment's line: a GeoJSON LineString (RFC 7946) of (lon, lat) positions."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["LineString"]
    coordinates: list[tuple[Longitude, Latitude]] = Field(min_length=2)


class RoadProperties(BaseModel):
    """What a map needs of a published road segment."""

    model_config = ConfigDict(extra="forbid")

    ref: str | None = Field(examples=["QL1A"])
    name: str | None
    corridors: list[str] = Field(description="slugs of the corridors the segment is part of")
    road_class: RoadClass
    toll: bool
    motorbike_forbidden: bool
    motorhome_unsuitable: bool
    scenic: int = Field(ge=0, le=5)


class RoadFeature(BaseModel):
    """A published road segment: id = its key."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["Feature"]
    id: str = Field(examples=["ql1a-0001"])
    geometry: RoadLineString
    properties: RoadProperties


class RoadCollection(BaseModel):
    """``GET /v1/roads``: the published road network as a GeoJSON FeatureCollection."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["FeatureCollection"]
    features: list[RoadFeature]
    attribution: str = Field(
        description="The credit to show with the roads",
        examples=["© OpenStreetMap contributors (ODbL)"],
    )
