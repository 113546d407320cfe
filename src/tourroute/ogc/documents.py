"""The JSON documents of OGC API – Features – Part 1 (OGC 17-069r4), built from plain values.

Every function here is pure: the router passes in the absolute URLs it resolved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tourroute.api.http import GEOJSON
from tourroute.ogc.collections import BBox, FeatureSource, ItemsPage

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


def link(href: str, rel: str, media_type: str, title: str | None = None) -> Link:
    out = {"href": href, "rel": rel, "type": media_type}
    if title:
        out["title"] = title
    return out


def landing_page(
    base: str, title: str, description: str, api: Link | None, docs: Link | None
) -> dict[str, Any]:
    """``/ogc``: where the API definition, the conformance list and the data are."""
    links = [link(base, "self", JSON, "This document")]
    links += [extra for extra in (api, docs) if extra is not None]
    links += [
        link(f"{base}/conformance", "conformance", JSON, "Conformance classes implemented"),
        link(f"{base}/collections", "data", JSON, "Feature collections"),
    ]
    return {"title": title, "description": description, "links": links}


def conformance() -> dict[str, Any]:
    return {"conformsTo": list(CONFORMANCE)}


def collection(base: str, source: FeatureSource, extent: BBox | None) -> dict[str, Any]:
    """One collection's metadata: extent in CRS84 and links to its items in each encoding.

    Sites have no time dimension, so ``extent.temporal`` is left out (the standard makes it
    optional; ``null`` would break its schema).
    """
    href = f"{base}/collections/{source.id}"
    out: dict[str, Any] = {
        "id": source.id,
        "title": source.title,
        "description": source.description,
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            link(href, "self", JSON, "This collection"),
            link(f"{href}/items", "items", GEOJSON, "Items as GeoJSON"),
            link(
                f"{href}/items?f=json", "items", JSON, "Items, GeoJSON served as application/json"
            ),
        ],
    }
    if extent is not None:
        out["extent"] = {"spatial": {"bbox": [list(extent)], "crs": CRS84}}
    return out


def collections(
    base: str, described: Iterable[tuple[FeatureSource, BBox | None]]
) -> dict[str, Any]:
    return {
        "links": [link(f"{base}/collections", "self", JSON, "The feature collections")],
        "collections": [collection(base, source, extent) for source, extent in described],
    }


def feature_collection(page: ItemsPage, links: list[Link]) -> dict[str, Any]:
    """``/items``; the router adds ``timeStamp`` last (see ``router._stamped``)."""
    return {
        "type": "FeatureCollection",
        "numberMatched": page.number_matched,
        "numberReturned": len(page.features),
        "features": page.features,
        "links": links,
    }
