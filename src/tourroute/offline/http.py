"""How the routers answer with an offline pack: 304 on its ETag, else the zip streamed
from the cache with its sizes in the headers."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import FileResponse

from tourroute.api.http import etag_matches
from tourroute.api.openapi import Responses
from tourroute.offline.service import PreparedPack

__all__ = ["ZIP", "offline_responses", "pack_response"]

ZIP = "application/zip"

_HEADERS = {
    "X-Offline-Tiles": "base-map tiles in `basemap.pmtiles` (0: the pack has no map)",
    "X-Offline-Tile-Bytes": "size of `basemap.pmtiles` in bytes",
    "Content-Length": "size of the zip in bytes",
}


def pack_response(request: Request, prepared: PreparedPack, filename: str) -> Response:
    """304 if ``If-None-Match`` names the pack, else the zip (built now if not cached)."""
    headers = {
        "ETag": prepared.key.etag,
        "Cache-Control": "no-cache",
        "Vary": "Accept-Language",
    }
    inm = request.headers.get("if-none-match")
    if inm is not None and etag_matches(inm, prepared.key.etag):
        return Response(status_code=304, headers=headers)
    pack = prepared.build()
    headers |= {
        "X-Offline-Tiles": str(pack.tiles),
        "X-Offline-Tile-Bytes": str(pack.tile_bytes),
    }
    # FileResponse streams the file in chunks and sets Content-Length; filename sets
    # Content-Disposition: attachment.
    return FileResponse(pack.path, media_type=ZIP, filename=filename, headers=headers)


def offline_responses() -> Responses:
    """The 200 of an offline pack: a zip, with its size headers."""
    return {
        200: {
            "description": "The offline pack (zip)",
            "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}},
            "headers": {
                name: {"description": text, "schema": {"type": "integer"}}
                for name, text in _HEADERS.items()
            },
        }
    }
