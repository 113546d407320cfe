"""The JSON documents of OGC API – Features – Part 1 (OGC 17-069r4), built from plain values.

Every function here is pure: the router passes in the absolute URLs it resolved. The
landing page, conformance and collection documents are the models of
:mod:`tourroute.ogc.schemas` (the router serves them with :func:`~tourroute.ogc.schemas.dump`);
links and feature collections are plain dicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tourroute.api.http import GEOJSON
from tourroute.ogc.collections import BBox, FeatureSource, ItemsPage
from tourroute.ogc.schemas import (
    OgcCollection,
    OgcCollections,
    OgcConformance,
    OgcExtent,
    OgcLandingPage,
    OgcLink,
    OgcSpatialExtent,
    dump,
)

__all__ = [
    "CONFORMANCE",
    "CRS84",
    "JSON",
    "collection",
    "collections",
    "conformance",
    "feature_collection",
    "landing_page",
    "link",
]

JSON = "application/json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
# Not "oas30": FastAPI serves OpenAPI 3.1, and claiming the 3.0 class would fail a strict
# validator; the service-desc link still points at /openapi.json.
CONFORMANCE = (_CONF + "core", _CONF + "geojson")

Link = dict[str, str]


def _link(href: str, rel: str, media_type: str, title: str | None = None) -> OgcLink:
    return OgcLink(href=href, rel=rel, type=media_type, title=title or None)


def link(href: str, rel: str, media_type: str, title: str | None = None) -> Link:
    """A link as a dict, ``title`` left out when there is none."""
    return dump(_link(href, rel, media_type, title))


def landing_page(
    base: str, title: str, description: str, api: Link | None, docs: Link | None
) -> OgcLandingPage:
    """``/ogc``: where the API definition, the conformance list and the data are."""
    links = [_link(base, "self", JSON, "This document")]
    links += [OgcLink.model_validate(extra) for extra in (api, docs) if extra is not None]
    links += [
        _link(f"{base}/conformance", "conformance", JSON, "Conformance classes implemented"),
        _link(f"{base}/collections", "data", JSON, "Feature collections"),
    ]
    return OgcLandingPage(title=title, description=description, links=links)


def conformance() -> OgcConformance:
    return OgcConformance(conforms_to=list(CONFORMANCE))


def collection(base: str, source: FeatureSource, extent: BBox | None) -> OgcCollection:
    """One collection's metadata: extent in CRS84 and links to its items in each encoding.

    Sites have no time dimension, so ``extent.temporal`` is left out (the standard makes it
    optional; ``null`` would break its schema).
    """
    href = f"{base}/collections/{source.id}"
    return OgcCollection(
        id=source.id,
        title=source.title,
        description=source.description,
        item_type="feature",
        crs=[CRS84],
        links=[
            _link(href, "self", JSON, "This collection"),
            _link(f"{href}/items", "items", GEOJSON, "Items as GeoJSON"),
            _link(
                f"{href}/items?f=json", "items", JSON, "Items, GeoJSON served as application/json"
            ),
        ],
        extent=(
            None
            if extent is None
            else OgcExtent(spatial=OgcSpatialExtent(bbox=[extent], crs=CRS84))
        ),
    )


def collections(
    base: str, described: Iterable[tuple[FeatureSource, BBox | None]]
) -> OgcCollections:
    return OgcCollections(
        links=[_link(f"{base}/collections", "self", JSON, "The feature collections")],
        collections=[collection(base, source, extent) for source, extent in described],
    )


def feature_collection(page: ItemsPage, links: list[Link]) -> dict[str, Any]:
    """``/items``; the router adds ``timeStamp`` last (see ``router._stamped``)."""
    return {
        "type": "FeatureCollection",
        "numberMatched": page.number_matched,
        "numberReturned": len(page.features),
        "features": page.features,
        "links": links,
    }
