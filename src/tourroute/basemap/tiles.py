"""The region's vector base map: tiles read from one PMTiles archive, and its TileJSON.

The archive (``seed/tiles/osm2021-region.pmtiles``, OpenMapTiles schema, gzip-compressed
MVT tiles) is memory-mapped once per process and read with the ``pmtiles`` package's
directory primitives. Its directories are decoded once and kept: the package's ``Reader``
decodes the root and leaf directory again on every call (~5 ms a tile here), which this
avoids (a few µs a tile). No web framework here; ``basemap/router.py`` is the HTTP side.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mmap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from pmtiles.tile import (
    Compression,
    Entry,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)

from tourroute.errors import InvalidParameter, NotFound, ServiceUnavailable
from tourroute.i18n import messages as msgs

__all__ = ["OSM_ATTRIBUTION", "Tile", "TileArchive", "check_tile_address", "open_archive"]

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
# Deeper than this the 64-bit tile ids of PMTiles overflow; no map asks for it anyway.
MAX_ZOOM = 30
_HEADER_BYTES = 127
_MAX_DEPTH = 4  # PMTiles v3: a root and at most three levels of leaf directories


@dataclass(frozen=True)
class Tile:
    """One tile as stored: gzip-compressed MVT bytes and the strong ETag of those bytes."""

    data: bytes
    etag: str


def check_tile_address(z: int, x: int, y: int) -> None:
    """Reject coordinates no tile can have (422), whatever the archive holds."""
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidParameter("z", msgs.TILE_ZOOM_RANGE(max=MAX_ZOOM), "path")
    side = 1 << z
    if not 0 <= x < side:
        raise InvalidParameter("x", msgs.TILE_COLUMN_RANGE(z=z, last=side - 1), "path")
    if not 0 <= y < side:
        raise InvalidParameter("y", msgs.TILE_ROW_RANGE(z=z, last=side - 1), "path")


class TileArchive:
    """A PMTiles v3 archive of gzip-compressed vector tiles, memory-mapped read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: BinaryIO = path.open("rb")
        try:
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
            self.header = deserialize_header(self._map[:_HEADER_BYTES])
        except Exception:
            self._file.close()
            raise
        if self.header["tile_type"] is not TileType.MVT:
            raise ValueError(f"{path}: tiles are {self.header['tile_type'].name}, not MVT")
        if self.header["tile_compression"] is not Compression.GZIP:
            raise ValueError(f"{path}: tiles must be gzip-compressed")
        if self.header["internal_compression"] is not Compression.GZIP:
            raise ValueError(f"{path}: directories must be gzip-compressed")
        self.metadata: dict[str, Any] = self._read_metadata()
        self._directory = lru_cache(maxsize=4096)(self._decode_directory)

    def _read_metadata(self) -> dict[str, Any]:
        start, length = self.header["metadata_offset"], self.header["metadata_length"]
        metadata: dict[str, Any] = json.loads(gzip.decompress(self._map[start : start + length]))
        return metadata

    def _decode_directory(self, offset: int, length: int) -> list[Entry]:
        # deserialize_directory gunzips itself (hence the check in __init__).
        return deserialize_directory(self._map[offset : offset + length])

    @property
    def min_zoom(self) -> int:
        return int(self.header["min_zoom"])

    @property
    def max_zoom(self) -> int:
        return int(self.header["max_zoom"])

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        h = self.header
        return (
            h["min_lon_e7"] / 1e7,
            h["min_lat_e7"] / 1e7,
            h["max_lon_e7"] / 1e7,
            h["max_lat_e7"] / 1e7,
        )

    def tile(self, z: int, x: int, y: int) -> Tile | None:
        """The tile at z/x/y, or None where the archive has none (an empty tile).

        Raises ``InvalidParameter`` for impossible coordinates and ``NotFound`` for a
        zoom level the archive does not cover.
        """
        check_tile_address(z, x, y)
        if not self.min_zoom <= z <= self.max_zoom:
            raise NotFound(msgs.TILE_ZOOM_NOT_HELD(min=self.min_zoom, max=self.max_zoom))
        tile_id = zxy_to_tileid(z, x, y)
        h = self.header
        offset, length = h["root_offset"], h["root_length"]
        for _ in range(_MAX_DEPTH):
            entry = find_tile(self._directory(offset, length), tile_id)
            if entry is None:
                return None
            if entry.run_length == 0:  # a leaf directory
                offset, length = h["leaf_directory_offset"] + entry.offset, entry.length
                continue
            start = h["tile_data_offset"] + entry.offset
            data = self._map[start : start + entry.length]
            return Tile(data, _etag(data))
        return None

    def tilejson(self, tiles_url: str) -> dict[str, Any]:
        """TileJSON 3.0.0 of the archive, its tiles at ``tiles_url`` ({z}/{x}/{y})."""
        h = self.header
        return {
            "tilejson": "3.0.0",
            "name": self.metadata.get("name", self.path.stem),
            "description": self.metadata.get("description", ""),
            "attribution": OSM_ATTRIBUTION,
            "scheme": "xyz",
            "tiles": [tiles_url],
            "minzoom": self.min_zoom,
            "maxzoom": self.max_zoom,
            "bounds": list(self.bounds),
            "center": [h["center_lon_e7"] / 1e7, h["center_lat_e7"] / 1e7, h["center_zoom"]],
            "vector_layers": self.metadata.get("vector_layers", []),
        }

    def close(self) -> None:
        self._map.close()
        self._file.close()


def _etag(data: bytes) -> str:
    # The gzip bytes are what is sent: the tag names that representation.
    return '"' + hashlib.blake2b(data, digest_size=16).hexdigest() + '-gzip"'


@lru_cache(maxsize=4)
def _open_cached(path: Path, mtime_ns: int, size: int) -> TileArchive:
    del mtime_ns, size  # part of the cache key only: a replaced file is opened anew
    return TileArchive(path)


def open_archive(path: Path) -> TileArchive:
    """The process's one open archive at ``path`` (503 when the file is missing or bad)."""
    try:
        stat = path.resolve().stat()
    except OSError:
        raise ServiceUnavailable(msgs.BASEMAP_MISSING(path=str(path))) from None
    try:
        return _open_cached(path.resolve(), stat.st_mtime_ns, stat.st_size)
    except (OSError, ValueError) as exc:
        raise ServiceUnavailable(msgs.BASEMAP_UNREADABLE(name=path.name, reason=str(exc))) from None
