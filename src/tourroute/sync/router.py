"""HTTP endpoints of sync: ``GET /v1/sync`` (changes since a token) and ``GET /v1/bundle``.

Why the bundle is gzip-compressed GeoJSON and not a GeoPackage: every phone stack (Swift,
Kotlin, JavaScript, Flutter) parses JSON natively and map SDKs take GeoJSON as is, while a
GeoPackage needs SQLite plus GeoPackage/GDAL bindings on the device to read its geometry
blobs. Nor is it smaller: on the seed (65 sites and 3 routed tours) the GeoJSON is 285 KB
and 74 KB gzipped, while a minimal GeoPackage of the same features (no populated R-tree, no
triggers) is 291 KB, 98 KB even when gzipped for transport — SQLite pages and metadata tables
outweigh JSON's repeated keys, which gzip removes. The features are exactly those of
``/v1/sync`` (same ``featureType`` member), and the bundle carries the token from which
``/v1/sync`` continues.
"""

from __future__ import annotations

import gzip
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from tourroute.api.deps import AppSettings, DbSession
from tourroute.api.http import (
    GEOJSON,
    accepts_gzip,
    cached_json,
    etag_matches,
    json_bytes,
    preferred_language,
    strong_etag,
)
from tourroute.api.openapi import NOT_MODIFIED, PROBLEM
from tourroute.sync.schemas import SyncBundle, SyncPage
from tourroute.sync.service import SETTLE_WINDOW, Changes, SyncService
from tourroute.sync.tokens import SyncTokenCodec

router = APIRouter(prefix="/v1", tags=["sync"])

_BUNDLE_CACHE = "public, max-age=300, must-revalidate"


def settle_window() -> timedelta:
    """How recent a change may be and still wait for the next poll (tests override it)."""
    return SETTLE_WINDOW


Settle = Annotated[timedelta, Depends(settle_window)]


def _codec(settings: AppSettings) -> SyncTokenCodec:
    return SyncTokenCodec(settings.cursor_secret)


Codec = Annotated[SyncTokenCodec, Depends(_codec)]


def _changes_body(changes: Changes, codec: SyncTokenCodec) -> dict[str, Any]:
    return {
        "created": changes.created,
        "updated": changes.updated,
        "deleted": changes.deleted,
        "next": codec.encode(changes.next),
        "more": changes.more,
    }


@router.get(
    "/sync",
    summary="Changes to the published catalogue since a token",
    description=(
        "Without `since`: a snapshot of everything published (paged by `limit`). With the "
        "`next` token of the previous answer: the sites and tours created, updated and "
        "removed from publication since then. Apply `created` and `updated` as upserts keyed "
        "by (`featureType`, `id`), drop each (`type`, `id`) of `deleted`, keep `next`, and "
        "call again at once while `more` is true. Changes appear a few seconds after they "
        "are written. Unchanged answers keep their ETag: poll with `If-None-Match`."
    ),
    response_model=SyncPage,
    responses={304: NOT_MODIFIED, 422: PROBLEM},
)
def sync(
    request: Request,
    session: DbSession,
    codec: Codec,
    settle: Settle,
    since: Annotated[
        str | None, Query(max_length=1024, description="the `next` token of a previous answer")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="changes per page")] = 100,
) -> Response:
    token = codec.decode(since) if since is not None else None
    changes = SyncService(session, settle).changes_since(token, limit, preferred_language(request))
    return cached_json(request, _changes_body(changes, codec))


@router.get(
    "/bundle",
    summary="The published catalogue in one offline download",
    description=(
        "All published sites and tours as one GeoJSON FeatureCollection (each Feature has "
        "`featureType`), gzip-compressed when the client accepts it, with the `sync.next` "
        "token from which `GET /v1/sync` continues. Strong ETag; revalidate with "
        "`If-None-Match`. `basemap` links the region's vector base map "
        "(`GET /v1/offline/region.pmtiles`) when one is configured."
    ),
    response_model=SyncBundle,
    # response_model documents application/json only; the body is GeoJSON.
    responses={
        200: {"content": {GEOJSON: {"schema": {"$ref": "#/components/schemas/SyncBundle"}}}},
        304: NOT_MODIFIED,
    },
)
def bundle(
    request: Request, session: DbSession, settings: AppSettings, codec: Codec, settle: Settle
) -> Response:
    changes = SyncService(session, settle).changes_since(None, None, preferred_language(request))
    archive = settings.offline_basemap
    basemap = None
    if archive is not None and archive.is_file():
        basemap = {
            "href": str(request.url_for("get_region_basemap")),
            "type": "application/vnd.pmtiles",
            "bytes": archive.stat().st_size,
        }
    collection = {
        "type": "FeatureCollection",
        "features": changes.created,
        "numberReturned": len(changes.created),
        "sync": {"next": codec.encode(changes.next)},
        "basemap": basemap,
    }
    body = json_bytes(collection)
    # Each content coding is its own representation, so each has its own strong ETag.
    plain_tag, gzip_tag = strong_etag(body), strong_etag(body, coding="gzip")
    compress = accepts_gzip(request)
    headers = {
        "ETag": gzip_tag if compress else plain_tag,
        "Cache-Control": _BUNDLE_CACHE,
        "Vary": "Accept-Encoding, Accept-Language",
    }
    inm = request.headers.get("if-none-match")
    if inm is not None and etag_matches(inm, plain_tag, gzip_tag):
        return Response(status_code=304, headers=headers)
    if compress:
        # mtime=0: the same content always compresses to the same bytes.
        body = gzip.compress(body, compresslevel=9, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(content=body, media_type=GEOJSON, headers=headers)
