"""The base map over HTTP: vector tiles, their TileJSON, our style, and the glyphs.

``/tiles/{z}/{x}/{y}.mvt`` answers the archive's gzip-compressed tile as stored
(``Content-Encoding: gzip``; decompressed for a client that does not accept gzip, with an
ETag of its own), 204 where the archive has no tile inside its zoom range (MapLibre draws
an empty tile and logs nothing), 404 beyond that range, 422 for coordinates no tile can
have. Tiles, glyphs and the TileJSON are cached by clients for a day and revalidated with
their strong ETags. The style and the TileJSON name absolute URLs built from the request,
so they work behind a proxy that sets the forwarded headers.
"""

from __future__ import annotations

import gzip
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from tourroute.api.deps import AppSettings
from tourroute.api.http import accepts_gzip, cached_json, etag_matches, strong_etag
from tourroute.api.openapi import NOT_MODIFIED, problem_responses
from tourroute.basemap.glyphs import glyph_range
from tourroute.basemap.style import style_document
from tourroute.basemap.tiles import TileArchive, open_archive
from tourroute.config import Settings

__all__ = ["router"]

MVT = "application/vnd.mapbox-vector-tile"
PROTOBUF = "application/x-protobuf"
_CACHE = "public, max-age=86400"

router = APIRouter(tags=["base map"])


def _archive(settings: Settings) -> TileArchive:
    return open_archive(settings.effective_basemap_archive)


def _base(request: Request) -> str:
    return str(request.base_url)


@router.get(
    "/tiles/tiles.json",
    summary="TileJSON of the base map",
    description="TileJSON 3.0.0 of the region's OpenMapTiles-schema vector tiles (bounds, "
    "zooms, `vector_layers`, attribution). © OpenStreetMap contributors, ODbL.",
    responses={304: NOT_MODIFIED, **problem_responses(described={503: "No base map archive"})},
)
def tilejson(request: Request, settings: AppSettings) -> Response:
    document = _archive(settings).tilejson(_base(request) + "tiles/{z}/{x}/{y}.mvt")
    return cached_json(request, document, headers={"Cache-Control": _CACHE})


@router.get(
    "/tiles/style.json",
    summary="Our MapLibre style for the base map",
    description="A MapLibre style (version 8) for the base map: land cover, water, parks, "
    "roads by class, boundaries and labels in Vietnamese, with our own glyphs.",
    responses={304: NOT_MODIFIED},
)
def style(request: Request) -> Response:
    base = _base(request)
    document = style_document(base + "tiles/tiles.json", base + "glyphs/{fontstack}/{range}.pbf")
    return cached_json(request, document)


@router.get(
    "/tiles/{z}/{x}/{y}.mvt",
    summary="One vector tile of the base map",
    description="A Mapbox Vector Tile (OpenMapTiles schema) of the region, gzip-encoded. "
    "204 where the archive has no tile (an empty tile), 404 outside its zoom range.",
    responses={
        200: {"content": {MVT: {}}, "description": "The tile"},
        204: {"description": "No tile here: an empty tile"},
        304: NOT_MODIFIED,
        **problem_responses(
            described={
                404: "Outside the archive's zoom levels",
                422: "No tile has these coordinates",
                503: "No base map archive",
            }
        ),
    },
)
def tile(
    request: Request,
    settings: AppSettings,
    z: Annotated[int, Path(description="zoom")],
    x: Annotated[int, Path(description="column, 0 … 2^z − 1")],
    y: Annotated[int, Path(description="row from the north, 0 … 2^z − 1")],
) -> Response:
    found = _archive(settings).tile(z, x, y)
    headers = {"Cache-Control": _CACHE, "Vary": "Accept-Encoding"}
    if found is None:
        return Response(status_code=204, headers=headers)
    compressed = accepts_gzip(request)
    body = found.data if compressed else gzip.decompress(found.data)
    headers["ETag"] = found.etag if compressed else strong_etag(body)
    inm = request.headers.get("if-none-match")
    if inm is not None and etag_matches(inm, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    if compressed:
        headers["Content-Encoding"] = "gzip"
    return Response(content=body, media_type=MVT, headers=headers)


@router.get(
    "/glyphs/{fontstack}/{range}.pbf",
    summary="Map text glyphs (SDF) of one font stack and codepoint range",
    description="The MapLibre glyph protocol: 256 codepoints of signed-distance-field "
    "glyphs, generated at build time from DejaVu Sans. `fontstack` is the style's "
    "`text-font` list joined with commas; the first font we have answers.",
    responses={
        200: {"content": {PROTOBUF: {}}, "description": "The glyphs"},
        304: NOT_MODIFIED,
        **problem_responses(
            described={
                404: "No such font",
                422: "Not a 256-codepoint range",
                503: "Glyphs not built (make console)",
            }
        ),
    },
)
def glyphs(
    request: Request,
    settings: AppSettings,
    fontstack: Annotated[str, Path(max_length=200, description="e.g. DejaVu Sans Book")],
    range: Annotated[str, Path(max_length=11, description="e.g. 0-255")],
) -> Response:
    found = glyph_range(settings.glyphs_dir, fontstack, range)
    headers = {"ETag": found.etag, "Cache-Control": _CACHE}
    inm = request.headers.get("if-none-match")
    if inm is not None and etag_matches(inm, found.etag):
        return Response(status_code=304, headers=headers)
    return Response(content=found.data, media_type=PROTOBUF, headers=headers)
