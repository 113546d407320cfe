"""``GET /v1/offline/region.pmtiles``: the region's whole base map, for apps that keep the
region offline (``GET /v1/bundle`` links it). Trip packs are served by the itineraries'
and tours' routers."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from tourroute.api.deps import AppSettings
from tourroute.api.http import etag_matches
from tourroute.api.openapi import NOT_MODIFIED, problem_responses
from tourroute.errors import NotFound
from tourroute.i18n import messages as msgs
from tourroute.offline.pack import archive_sha256

__all__ = ["PMTILES", "router"]

router = APIRouter(prefix="/v1/offline", tags=["offline"])

PMTILES = "application/vnd.pmtiles"


@router.get(
    "/region.pmtiles",
    summary="The region's vector base map (PMTiles v3)",
    description=(
        "The whole archive the offline packs are cut from (OpenMapTiles schema, gzip MVT, "
        "zooms 0–14). Byte ranges (`Range`) are served, so a map can read it in place "
        "through the PMTiles protocol. Strong ETag (the archive's SHA-256)."
    ),
    response_class=Response,
    responses={
        200: {"content": {PMTILES: {"schema": {"type": "string", "format": "binary"}}}},
        206: {"description": "A byte range of the archive"},
        304: NOT_MODIFIED,
        **problem_responses(described={404: "No base map is configured"}),
    },
)
def get_region_basemap(request: Request, settings: AppSettings) -> Response:
    archive = settings.offline_basemap
    if archive is None or not archive.is_file():
        raise NotFound(msgs.OFFLINE_NO_BASEMAP())
    headers = {"ETag": f'"{archive_sha256(archive)[:32]}"', "Cache-Control": "no-cache"}
    inm = request.headers.get("if-none-match")
    if inm is not None and etag_matches(inm, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return FileResponse(archive, media_type=PMTILES, headers=headers)
