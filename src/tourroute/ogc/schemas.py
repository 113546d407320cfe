"""The JSON documents of OGC API – Features – Part 1 (OGC 17-069r4) that ``/ogc`` answers.

The landing page, the conformance declaration and the collections' metadata are built from
these models (:mod:`tourroute.ogc.documents`), so what the OpenAPI document says of them is
what is served. Members the standard spells in camelCase keep that spelling on the wire
(aliases); a member that is absent rather than null (a link's ``title``, a collection's
``extent``) is left out of the answer by dumping with ``exclude_none``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

__all__ = [
    "OgcCollection",
    "OgcCollections",
    "OgcConformance",
    "OgcExtent",
    "OgcLandingPage",
    "OgcLink",
    "OgcSpatialExtent",
    "dump",
]


class _Document(BaseModel):
    # Built in Python by field name, written by alias (``conformsTo``, ``itemType``).
    model_config = ConfigDict(extra="forbid", validate_by_name=True, serialize_by_alias=True)


class OgcLink(_Document):
    """A link of an OGC API document (``link`` of OGC 17-069r4, after RFC 8288)."""

    href: str
    rel: str = Field(examples=["self", "alternate", "items", "conformance", "data"])
    type: str = Field(description="the media type of the resource linked to")
    title: str | SkipJsonSchema[None] = None


class OgcLandingPage(_Document):
    """``GET /ogc``: where the API definition, the conformance list and the data are."""

    title: str
    description: str
    links: list[OgcLink]


class OgcConformance(_Document):
    """``GET /ogc/conformance``: the conformance classes implemented."""

    conforms_to: list[str] = Field(alias="conformsTo")


class OgcSpatialExtent(_Document):
    bbox: list[tuple[float, float, float, float]] = Field(
        description="minLon, minLat, maxLon, maxLat of all the features", min_length=1
    )
    crs: str


class OgcExtent(_Document):
    """A collection's extent: spatial only (no collection here has a time dimension)."""

    spatial: OgcSpatialExtent


class OgcCollection(_Document):
    """``GET /ogc/collections/{collectionId}``: one collection's metadata."""

    id: str = Field(examples=["sites", "tours"])
    title: str
    description: str
    item_type: Literal["feature"] = Field(alias="itemType")
    crs: list[str]
    links: list[OgcLink]
    extent: OgcExtent | SkipJsonSchema[None] = Field(
        default=None, description="left out while the collection is empty"
    )


class OgcCollections(_Document):
    """``GET /ogc/collections``: every collection's metadata."""

    links: list[OgcLink]
    collections: list[OgcCollection]


def dump(document: BaseModel) -> dict[str, Any]:
    """The document as served: by alias, absent members left out."""
    return document.model_dump(mode="json", exclude_none=True)
