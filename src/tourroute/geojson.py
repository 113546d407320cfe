"""Pydantic models of the GeoJSON geometries that cross the API (RFC 7946, lon/lat order)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from shapely.geometry import Polygon, shape
from shapely.validation import explain_validity

from tourroute.i18n import LocalizedValueError, Verbatim
from tourroute.i18n import messages as msgs

Longitude = Annotated[float, Field(ge=-180, le=180)]
Latitude = Annotated[float, Field(ge=-90, le=90)]


class PointGeometry(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"type": "Point", "coordinates": [105.6047, 20.0781]}]},
    )

    type: Literal["Point"] = "Point"
    coordinates: tuple[Longitude, Latitude]

    @property
    def lon(self) -> float:
        return self.coordinates[0]

    @property
    def lat(self) -> float:
        return self.coordinates[1]


class PolygonGeometry(BaseModel):
    """A simple polygon; rings must be closed, and the polygon valid (no self-intersection)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["Polygon"] = "Polygon"
    coordinates: list[list[tuple[Longitude, Latitude]]] = Field(min_length=1, max_length=50)

    @field_validator("coordinates")
    @classmethod
    def _valid(cls, rings: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
        for ring in rings:
            if len(ring) < 4:
                raise LocalizedValueError(msgs.RING_TOO_SHORT())
            if ring[0] != ring[-1]:
                raise LocalizedValueError(msgs.RING_NOT_CLOSED())
            if len(ring) > 10_000:
                raise LocalizedValueError(msgs.RING_TOO_LONG())
        polygon = shape({"type": "Polygon", "coordinates": rings})
        if not isinstance(polygon, Polygon) or not polygon.is_valid:
            raise LocalizedValueError(
                msgs.POLYGON_INVALID(reason=Verbatim(explain_validity(polygon)))
            )
        return rings

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
