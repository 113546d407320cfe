"""What ``GET /v1/sync`` and ``GET /v1/bundle`` answer.

Both carry the same GeoJSON Features: a site (its point, and the properties of
``GET /v1/sites/{slug}`` but ``location``) or a tour (its routed legs, and its summary with
its days), told apart by the foreign member ``featureType`` (RFC 7946 §6.1). The bodies are
built by :mod:`tourroute.sync.service` and :mod:`tourroute.sync.kinds`; these models describe
them for the OpenAPI document (and the tests hold the bodies to them).
"""

from __future__ import annotations

from copy import deepcopy
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from tourroute.geojson import Latitude, Longitude, PointGeometry
from tourroute.localtime import LocalDateTime
from tourroute.sites.schemas import SiteRead
from tourroute.tours.schemas import TourSummary

__all__ = [
    "SyncBundle",
    "SyncBundleBasemap",
    "SyncBundleToken",
    "SyncFeature",
    "SyncPage",
    "SyncRemoval",
    "SyncSiteFeature",
    "SyncSiteProperties",
    "SyncTourFeature",
    "SyncTourGeometry",
    "SyncTourProperties",
]


class _Answer(BaseModel):
    # Built in Python by field name, written by alias (``featureType``, ``numberReturned``).
    model_config = ConfigDict(extra="forbid", validate_by_name=True, serialize_by_alias=True)


def _site_properties() -> type[BaseModel]:
    """The members of :class:`~tourroute.sites.schemas.SiteRead` but ``location`` (the
    Feature's geometry), kept in step with it."""
    fields: dict[str, Any] = {
        name: (info.annotation, deepcopy(info))
        for name, info in SiteRead.model_fields.items()
        if name != "location"
    }
    return create_model(
        "SyncSiteProperties",
        __config__=ConfigDict(extra="forbid"),
        __doc__="A site as in GET /v1/sites/{slug}, but its location (the geometry).",
        __module__=__name__,
        **fields,
    )


if TYPE_CHECKING:
    # For the type checker, the properties are a SiteRead (they are, but for `location`).
    SyncSiteProperties = SiteRead
else:
    SyncSiteProperties = _site_properties()


class SyncSiteFeature(_Answer):
    """A published site: id = slug, geometry = its point."""

    feature_type: Literal["site"] = Field(alias="featureType")
    type: Literal["Feature"]
    id: str = Field(examples=["thanh-nha-ho"])
    geometry: PointGeometry
    properties: SyncSiteProperties


class SyncTourGeometry(_Answer):
    """A tour's routed legs, every day's: a GeoJSON MultiLineString of (lon, lat) positions."""

    type: Literal["MultiLineString"]
    coordinates: list[list[tuple[Longitude, Latitude]]]


class SyncTourProperties(TourSummary):
    """A tour as in GET /v1/tours, with its days as written."""

    model_config = ConfigDict(extra="forbid")

    days: list[dict[str, Any]] = Field(description="the days as written")


class SyncTourFeature(_Answer):
    """A published tour: id = slug, geometry = the routed legs of all its days."""

    feature_type: Literal["tour"] = Field(alias="featureType")
    type: Literal["Feature"]
    id: str = Field(examples=["di-san-thanh-hoa-nghe-an-ha-tinh"])
    geometry: SyncTourGeometry | None = Field(description="null for a tour without legs")
    properties: SyncTourProperties


SyncFeature = Annotated[SyncSiteFeature | SyncTourFeature, Field(discriminator="feature_type")]


class SyncRemoval(_Answer):
    """A site or tour that left the published catalogue: drop it (if the copy has it)."""

    type: Literal["site", "tour"]
    id: str = Field(description="its slug")
    at: LocalDateTime = Field(description="when it left")


class SyncPage(_Answer):
    """``GET /v1/sync``: the changes after a token, oldest first."""

    created: list[SyncFeature] = Field(description="upsert by (featureType, id)")
    updated: list[SyncFeature] = Field(description="upsert by (featureType, id)")
    deleted: list[SyncRemoval]
    next: str = Field(description="the token of the next call (`since`)")
    more: bool = Field(description="true: call again at once with `next`")


class SyncBundleToken(_Answer):
    next: str = Field(description="the `since` token from which GET /v1/sync continues")


class SyncBundleBasemap(_Answer):
    href: str = Field(description="GET /v1/offline/region.pmtiles")
    type: Literal["application/vnd.pmtiles"]
    bytes: int


class SyncBundle(_Answer):
    """``GET /v1/bundle``: everything published, as one GeoJSON FeatureCollection."""

    type: Literal["FeatureCollection"]
    features: list[SyncFeature]
    number_returned: int = Field(alias="numberReturned")
    sync: SyncBundleToken
    basemap: SyncBundleBasemap | None = Field(
        description="the region's vector base map (PMTiles v3); null when none is configured"
    )
