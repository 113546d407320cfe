"""A plan as a GeoJSON FeatureCollection: a LineString per leg, a Point per visit and
overnight place (RFC 7946, lon/lat)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from tourroute.geojson import PointGeometry
from tourroute.plans import LineStringGeometry, Plan
from tourroute.routing import Vehicle

__all__ = ["OSM_ATTRIBUTION", "PlanFeatureCollection", "to_geojson"]

OSM_ATTRIBUTION = "Map data © OpenStreetMap contributors (ODbL)"


class _Export(BaseModel):
    # Built by name (``from_``), written by alias (``from``); every member is always written.
    model_config = ConfigDict(
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        json_schema_serialization_defaults_required=True,
    )


class LegProperties(_Export):
    kind: Literal["leg"] = "leg"
    day: int
    from_: str = Field(alias="from")
    to: str
    distance_m: float
    duration_s: float


class VisitProperties(_Export):
    kind: Literal["visit"] = "visit"
    day: int
    order: int = Field(description="1-based, within the day")
    site: str
    name: str = Field(description="English name")
    name_vi: str
    arrival: dt.datetime
    departure: dt.datetime


class OvernightProperties(_Export):
    kind: Literal["overnight"] = "overnight"
    day: int
    site: str
    name: str = Field(description="English name")


class LegFeature(_Export):
    type: Literal["Feature"] = "Feature"
    id: str = Field(examples=["day1-leg1"])
    geometry: LineStringGeometry
    properties: LegProperties


class PlaceFeature(_Export):
    type: Literal["Feature"] = "Feature"
    id: str = Field(examples=["day1-stop1", "day1-overnight"])
    geometry: PointGeometry
    properties: Annotated[VisitProperties | OvernightProperties, Field(discriminator="kind")]


class PlanFeatureProperties(_Export):
    score: float | None
    vehicle: Vehicle


class PlanFeatureCollection(_Export):
    """A plan for maps: per day its legs (LineString), visits and overnight place (Point)."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    id: str = Field(description="the itinerary's id or the tour's slug")
    features: list[LegFeature | PlaceFeature]
    properties: PlanFeatureProperties
    attribution: str


def to_geojson(feature_id: str, plan: Plan) -> PlanFeatureCollection:
    """A FeatureCollection: one LineString per leg, one Point per visit and overnight."""
    features: list[LegFeature | PlaceFeature] = []
    for day in plan.days:
        for i, leg in enumerate(day.legs):
            features.append(
                LegFeature(
                    id=f"day{day.day}-leg{i + 1}",
                    geometry=leg.geometry,
                    properties=LegProperties(
                        day=day.day,
                        from_=leg.from_,
                        to=leg.to,
                        distance_m=leg.distance_m,
                        duration_s=leg.duration_s,
                    ),
                )
            )
        for order, stop in enumerate(day.stops, start=1):
            features.append(
                PlaceFeature(
                    id=f"day{day.day}-stop{order}",
                    geometry=PointGeometry(coordinates=stop.location),
                    properties=VisitProperties(
                        day=day.day,
                        order=order,
                        site=stop.site,
                        name=stop.name_en,
                        name_vi=stop.name_vi,
                        arrival=stop.arrival,
                        departure=stop.departure,
                    ),
                )
            )
        if day.overnight is not None:
            night = day.overnight
            features.append(
                PlaceFeature(
                    id=f"day{day.day}-overnight",
                    geometry=PointGeometry(coordinates=night.location),
                    properties=OvernightProperties(
                        day=day.day, site=night.site, name=night.name_en
                    ),
                )
            )
    return PlanFeatureCollection(
        id=feature_id,
        features=features,
        properties=PlanFeatureProperties(score=plan.score, vehicle=plan.vehicle),
        attribution=OSM_ATTRIBUTION,
    )
