"""OGC API – Features at ``/ogc``: landing page, conformance, collections, items, one item.

GIS clients (QGIS, OWSLib, GDAL's OAPIF driver) open the published catalogue from here.
Items are paged with ``limit`` and ``offset`` and ``next``/``prev`` links; coordinates are
CRS84 (lon, lat); errors are problem+json with the standard's 400 for bad parameters.
"""

from __future__ import annotations

import weakref
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.datastructures import URLPath

from tourroute.api.deps import DbSession
from tourroute.api.http import GEOJSON, OutputFormat, cached_json, preferred_language
from tourroute.api.openapi import NOT_MODIFIED, Responses, problem, problem_responses
from tourroute.api.paging import url_with
from tourroute.ogc import documents
from tourroute.ogc.collections import COLLECTIONS, FeatureSource, ItemsQuery, find_collection
from tourroute.ogc.documents import JSON, link
from tourroute.ogc.params import (
    OgcRoute,
    feature_media_type,
    parse_interval,
    parse_ogc_bbox,
    stamped_json,
)
from tourroute.ogc.schemas import (
    OgcCollection,
    OgcCollections,
    OgcConformance,
    OgcLandingPage,
    dump,
)

router = APIRouter(prefix="/ogc", tags=["ogc"], route_class=OgcRoute)

TITLE = "tourroute — OGC API Features"
DESCRIPTION = (
    "The published tourism catalogue of Thanh Hóa, Nghệ An and Hà Tĩnh as OGC API – "
    "Features collections, for QGIS and other GIS clients. Coordinates are CRS84 (lon, lat)."
)
DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000
# Advertised, not enforced: a larger limit is served as MAX_LIMIT (/req/core/fc-limit-response-1).
_MAX: dict[str, Any] = {"maximum": MAX_LIMIT}

_ERRORS: Responses = {
    400: problem("Unknown query parameter or invalid value"),
    304: NOT_MODIFIED,
    # Declared so that FastAPI does not advertise its 422: these routes answer 400 instead.
    "4XX": problem("Other client errors"),
}
_NOT_FOUND: Responses = problem_responses(described={404: "No such collection or feature"})
_GEO: dict[int | str, dict[str, Any]] = {
    200: {"content": {GEOJSON: {"schema": {"type": "object"}}, JSON: {"schema": {}}}}
}


def _json_only(
    f: Annotated[Literal["json"] | None, Query(description="Encoding; only json")] = None,
) -> None:
    """Accept the standard's ``f=json`` on the JSON-only resources (it changes nothing)."""


_JSON_ONLY = [Depends(_json_only)]

_CollectionId = Annotated[
    str, Path(alias="collectionId", openapi_examples={"sites": {"value": "sites"}})
]
_Format = Annotated[
    OutputFormat | None,
    Query(description="geojson (application/geo+json, the default) or json (application/json)"),
]


# The landing page's path in each app that mounts this router (looked up once: url_for
# walks every route of the app, a measurable share of an /items request).
_LANDING_PATHS: weakref.WeakKeyDictionary[Any, URLPath] = weakref.WeakKeyDictionary()


def _base(request: Request) -> str:
    """The absolute URL of the landing page (``url_for("ogc_landing")``), without a slash."""
    app = request.app
    path = _LANDING_PATHS.get(app)
    if path is None:
        path = _LANDING_PATHS[app] = app.url_path_for("ogc_landing")
    return str(path.make_absolute_url(base_url=request.base_url)).rstrip("/")


@router.get(
    "",
    name="ogc_landing",
    summary="OGC API – Features landing page",
    response_model=OgcLandingPage,
    responses=_ERRORS,
    dependencies=_JSON_ONLY,
)
@router.get("/", include_in_schema=False, dependencies=_JSON_ONLY)
def landing(request: Request) -> Response:
    app = request.app
    root = str(request.base_url).rstrip("/")
    api = docs = None
    if app.openapi_url:
        # The media type names the version the document really has (FastAPI: 3.1).
        version = ".".join(str(app.openapi_version).split(".")[:2])
        api_type = f"application/vnd.oai.openapi+json;version={version}"
        api = link(root + app.openapi_url, "service-desc", api_type, "The API definition")
    if app.docs_url:
        docs = link(root + app.docs_url, "service-doc", "text/html", "The API documentation")
    page = documents.landing_page(_base(request), TITLE, DESCRIPTION, api, docs)
    return cached_json(request, dump(page))


@router.get(
    "/conformance",
    summary="Conformance classes implemented",
    response_model=OgcConformance,
    responses=_ERRORS,
    dependencies=_JSON_ONLY,
)
def conformance(request: Request) -> Response:
    return cached_json(request, dump(documents.conformance()))


@router.get(
    "/collections",
    summary="The feature collections",
    response_model=OgcCollections,
    responses=_ERRORS,
    dependencies=_JSON_ONLY,
)
def collections(request: Request, session: DbSession) -> Response:
    described = [(source, source.extent(session)) for source in COLLECTIONS]
    return cached_json(request, dump(documents.collections(_base(request), described)))


@router.get(
    "/collections/{collectionId}",
    summary="One feature collection",
    response_model=OgcCollection,
    responses={**_ERRORS, **_NOT_FOUND},
    dependencies=_JSON_ONLY,
)
def collection(request: Request, session: DbSession, collection_id: _CollectionId) -> Response:
    source = find_collection(collection_id)
    document = documents.collection(_base(request), source, source.extent(session))
    return cached_json(request, dump(document))


@router.get(
    "/collections/{collectionId}/items",
    summary="Features of a collection",
    description=(
        "A GeoJSON FeatureCollection with `numberMatched`, `numberReturned`, `timeStamp` "
        "and `self`/`next`/`prev`/`collection` links. A `limit` above 1000 is served as 1000, "
        "as the standard requires; follow `next` to read on."
    ),
    responses={**_GEO, **_ERRORS, **_NOT_FOUND},
)
def items(
    request: Request,
    session: DbSession,
    collection_id: _CollectionId,
    bbox: Annotated[
        str | None,
        Query(
            description="minLon,minLat,maxLon,maxLat in CRS84 (a 6-number 3D box is accepted)",
            openapi_examples={"thanh-hoa": {"value": "104.9,19.3,106.1,20.7"}},
        ),
    ] = None,
    interval: Annotated[
        str | None,
        Query(
            alias="datetime",
            description=(
                "RFC 3339 instant or interval (`..` for an open end). A collection without "
                "a time dimension (sites) has no feature that matches it."
            ),
        ),
    ] = None,
    limit: Annotated[
        int,
        Query(ge=1, description="Page size; above 1000 means 1000", json_schema_extra=_MAX),
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Features to skip")] = 0,
    f: _Format = None,
) -> Response:
    source = find_collection(collection_id)
    query = ItemsQuery(
        offset=offset,
        limit=min(limit, MAX_LIMIT),
        language=preferred_language(request),
        bbox=parse_ogc_bbox(bbox) if bbox else None,
        interval=parse_interval(interval) if interval else None,
    )
    page = source.items(session, query)
    media_type = feature_media_type(request, f)
    links = _self_links(request, media_type)
    if query.offset + len(page.features) < page.number_matched:
        href = url_with(request, offset=query.offset + query.limit, limit=query.limit)
        links.append(link(href, "next", media_type, "Next page"))
    if query.offset > 0:
        href = url_with(request, offset=max(0, query.offset - query.limit), limit=query.limit)
        links.append(link(href, "prev", media_type, "Previous page"))
    links.append(link(_collection_href(request, source), "collection", JSON, source.title))
    return stamped_json(request, documents.feature_collection(page, links), media_type)


@router.get(
    "/collections/{collectionId}/items/{featureId}",
    summary="One feature",
    responses={**_GEO, **_ERRORS, **_NOT_FOUND},
)
def item(
    request: Request,
    session: DbSession,
    collection_id: _CollectionId,
    feature_id: Annotated[
        str,
        Path(
            alias="featureId",
            openapi_examples={"citadel": {"value": "thanh-nha-ho"}},
        ),
    ],
    f: _Format = None,
) -> Response:
    source = find_collection(collection_id)
    feature = source.item(session, feature_id, preferred_language(request))
    media_type = feature_media_type(request, f)
    links = _self_links(request, media_type)
    links.append(link(_collection_href(request, source), "collection", JSON, source.title))
    return cached_json(request, {**feature, "links": links}, media_type)


def _self_links(request: Request, media_type: str) -> list[dict[str, str]]:
    """``self`` in the encoding served and ``alternate`` in the other one."""
    other = JSON if media_type == GEOJSON else GEOJSON
    other_f = OutputFormat.json if other == JSON else OutputFormat.geojson
    return [
        link(str(request.url), "self", media_type, "This document"),
        link(url_with(request, f=other_f.value), "alternate", other, f"This document as {other}"),
    ]


def _collection_href(request: Request, source: FeatureSource) -> str:
    return f"{_base(request)}/collections/{source.id}"
