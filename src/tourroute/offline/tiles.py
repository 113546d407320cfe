"""Which base-map tiles a trip needs offline, and cutting them out of a PMTiles archive.

A phone offline needs the map where the group drives, at street detail, and the region
around it at overview zooms, not the whole region at every zoom. :func:`trip_area` buffers
the trip's roads and places by a distance in metres (in a local azimuthal equidistant
projection centred on the trip, whose scale error stays under 0.1 % across the three
provinces); :func:`tiles_for_trip` takes every tile of the region's bounds up to a low zoom
and, above it, only the tiles that intersect that area; :func:`extract` copies those tiles
into a new PMTiles v3 archive. The source is memory-mapped and only the directories that
hold wanted tiles are decoded, so a pack reads a few megabytes of a region archive
whatever its size.

No web framework, no database: the HTTP layer and the cache are in
:mod:`tourroute.offline.pack`.
"""

from __future__ import annotations

import gzip
import json
import math
import mmap
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import shapely
from pmtiles.tile import (
    Compression,
    HeaderDict,
    deserialize_directory,
    deserialize_header,
    zxy_to_tileid,
)
from pmtiles.writer import Writer
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

__all__ = [
    "MAX_LAT",
    "ArchiveInfo",
    "Bounds",
    "ExtractStats",
    "TileArchive",
    "extract",
    "lonlat_to_tile",
    "tile_bounds",
    "tiles_for_trip",
    "tiles_intersecting",
    "tiles_of_bbox",
    "trip_area",
]

MAX_LAT = 85.0511287798066
"""Web Mercator's edge: tiles stop at this latitude."""

Bounds = tuple[float, float, float, float]
"""``min_lon, min_lat, max_lon, max_lat`` in degrees."""

LonLat = tuple[float, float]


def lonlat_to_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The ``x, y`` of the XYZ tile (Web Mercator, y down from the north) holding a point.

    >>> lonlat_to_tile(105.0, 18.7, 12)
    (3242, 1831)
    """
    n = 1 << zoom
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def _tile_lat(y: float, zoom: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / (1 << zoom)))))


def tile_bounds(zoom: int, x: int, y: int) -> Bounds:
    """A tile's west, south, east, north edges in degrees.

    >>> [round(v, 4) for v in tile_bounds(1, 1, 0)]
    [0.0, 0.0, 180.0, 85.0511]
    """
    n = 1 << zoom
    return (
        x / n * 360.0 - 180.0,
        _tile_lat(y + 1, zoom),
        (x + 1) / n * 360.0 - 180.0,
        _tile_lat(y, zoom),
    )


def tiles_of_bbox(bounds: Bounds, zoom: int) -> list[tuple[int, int]]:
    """Every tile at ``zoom`` that a bounding box touches, in ``x, y`` order."""
    min_lon, min_lat, max_lon, max_lat = bounds
    x0, y0 = lonlat_to_tile(min_lon, max_lat, zoom)
    x1, y1 = lonlat_to_tile(max_lon, min_lat, zoom)
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def trip_area(
    lines: Sequence[Sequence[LonLat]],
    points: Sequence[LonLat],
    corridor_m: float,
    radius_m: float,
) -> BaseGeometry:
    """The area within ``corridor_m`` of the trip's roads or ``radius_m`` of its places,
    in lon/lat degrees.

    Buffers are drawn in metres in an azimuthal equidistant projection centred on the
    trip (distances from its centre are true, and the scale error stays small over a few
    hundred kilometres), then projected back.

    Raises
    ------
    ValueError
        No line with two positions and no point: there is nothing to buffer.
    """
    geoms: list[BaseGeometry] = [shapely.LineString(line) for line in lines if len(line) >= 2]
    geoms += [shapely.Point(p) for p in points]
    if not geoms:
        raise ValueError("a trip area needs at least one line or point")
    lon0, lat0 = shapely.GeometryCollection(geoms).envelope.centroid.coords[0]
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs")
    forward = Transformer.from_crs("EPSG:4326", local, always_xy=True)
    backward = Transformer.from_crs(local, "EPSG:4326", always_xy=True)

    def to_local(xy: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.column_stack(forward.transform(xy[:, 0], xy[:, 1]))

    def to_lonlat(xy: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.column_stack(backward.transform(xy[:, 0], xy[:, 1]))

    parts = []
    for geom in geoms:
        distance = corridor_m if isinstance(geom, shapely.LineString) else radius_m
        if distance > 0:
            parts.append(shapely.transform(geom, to_local).buffer(distance, quad_segs=8))
        else:
            parts.append(shapely.transform(geom, to_local))
    area: BaseGeometry = shapely.transform(shapely.union_all(parts), to_lonlat)
    return area


def tiles_intersecting(
    area: BaseGeometry, min_zoom: int, max_zoom: int
) -> list[tuple[int, int, int]]:
    """Every tile from ``min_zoom`` to ``max_zoom`` that intersects ``area`` (lon/lat).

    Zoom by zoom, only the children of the tiles that intersect are tested, with one
    vectorised intersection test per zoom, so the work follows the area's size, not its
    bounding box's.
    """
    shapely.prepare(area)
    found: list[tuple[int, int, int]] = []
    candidates = tiles_of_bbox(area.bounds, min_zoom)
    for zoom in range(min_zoom, max_zoom + 1):
        if not candidates:
            break
        edges = np.array([tile_bounds(zoom, x, y) for x, y in candidates])
        boxes = shapely.box(edges[:, 0], edges[:, 1], edges[:, 2], edges[:, 3])
        hits = shapely.intersects(area, boxes)
        kept = [xy for xy, hit in zip(candidates, hits, strict=True) if hit]
        found += [(zoom, x, y) for x, y in kept]
        candidates = [(2 * x + dx, 2 * y + dy) for x, y in kept for dx in (0, 1) for dy in (0, 1)]
    return found


def tiles_for_trip(
    area: BaseGeometry, region: Bounds, low_max_zoom: int, max_zoom: int
) -> list[int]:
    """The PMTiles tile ids of a trip's pack, ascending: every tile of ``region`` from
    zoom 0 to ``low_max_zoom``, then the tiles intersecting ``area`` up to ``max_zoom``."""
    ids = {
        zxy_to_tileid(z, x, y)
        for z in range(0, min(low_max_zoom, max_zoom) + 1)
        for x, y in tiles_of_bbox(region, z)
    }
    if max_zoom > low_max_zoom:
        ids.update(
            zxy_to_tileid(z, x, y)
            for z, x, y in tiles_intersecting(area, low_max_zoom + 1, max_zoom)
        )
    return sorted(ids)


@dataclass(frozen=True)
class ArchiveInfo:
    """What a pack copies from its source archive."""

    header: HeaderDict
    metadata: dict[str, Any]

    @property
    def bounds(self) -> Bounds:
        h = self.header
        return (
            h["min_lon_e7"] / 1e7,
            h["min_lat_e7"] / 1e7,
            h["max_lon_e7"] / 1e7,
            h["max_lat_e7"] / 1e7,
        )


class TileArchive:
    """A PMTiles v3 archive read through a memory map: tiles by id, decoding only the
    directories on their way (a leaf directory once, however many of its tiles are read).
    """

    def __init__(self, path: Path) -> None:
        self._file: BinaryIO = path.open("rb")
        try:
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        except BaseException:
            self._file.close()
            raise
        self.header: HeaderDict = deserialize_header(self._map[0:127])

    def __enter__(self) -> TileArchive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._map.close()
        self._file.close()

    def info(self) -> ArchiveInfo:
        """The header and the JSON metadata."""
        h = self.header
        raw = self._map[h["metadata_offset"] : h["metadata_offset"] + h["metadata_length"]]
        if h["internal_compression"] == Compression.GZIP:
            raw = gzip.decompress(raw)
        metadata: dict[str, Any] = json.loads(raw)
        return ArchiveInfo(h, metadata)

    def tiles(self, tile_ids: Sequence[int]) -> Iterator[tuple[int, bytes]]:
        """The tiles among ``tile_ids`` (ascending) that the archive has, in that order;
        the bytes as stored (compressed as the header's ``tile_compression`` says)."""
        h = self.header
        yield from self._walk(h["root_offset"], h["root_length"], list(tile_ids), 0)

    def _walk(
        self, offset: int, length: int, wanted: list[int], depth: int
    ) -> Iterator[tuple[int, bytes]]:
        if depth > 3:  # the format allows at most three levels of leaves
            raise ValueError("PMTiles directory nested too deep")
        entries = deserialize_directory(self._map[offset : offset + length])
        starts = [e.tile_id for e in entries]
        data = self.header["tile_data_offset"]
        leaves = self.header["leaf_directory_offset"]
        groups: dict[int, list[int]] = {}
        for tile_id in wanted:
            i = bisect_right(starts, tile_id) - 1
            if i >= 0:
                groups.setdefault(i, []).append(tile_id)
        for i in sorted(groups):
            entry = entries[i]
            if entry.run_length == 0:
                yield from self._walk(leaves + entry.offset, entry.length, groups[i], depth + 1)
                continue
            for tile_id in groups[i]:
                if tile_id < entry.tile_id + entry.run_length:
                    start = data + entry.offset
                    yield tile_id, self._map[start : start + entry.length]


@dataclass(frozen=True)
class ExtractStats:
    """What :func:`extract` wrote: tiles addressed and the archive's size in bytes."""

    tiles: int
    bytes: int


def _e7(value: float) -> int:
    return round(value * 1e7)


def extract(
    source: TileArchive,
    tile_ids: Iterable[int],
    target: Path,
    bounds: Bounds,
    center_zoom: int,
) -> ExtractStats:
    """Copy the tiles of ``tile_ids`` (ascending) that ``source`` has into a new PMTiles v3
    archive at ``target``: the source's metadata, tile type and compression; ``bounds``
    and their centre as its extent.

    The writer spools tile data to a temporary file and writes the directories once the
    tiles are known, so memory holds the directory entries only.

    Raises
    ------
    ValueError
        None of the tiles is in the source: an empty archive is not a valid PMTiles.
    """
    info = source.info()
    header: dict[str, Any] = dict(info.header)
    min_lon, min_lat, max_lon, max_lat = bounds
    header.update(
        min_lon_e7=_e7(min_lon),
        min_lat_e7=_e7(min_lat),
        max_lon_e7=_e7(max_lon),
        max_lat_e7=_e7(max_lat),
        center_lon_e7=_e7((min_lon + max_lon) / 2),
        center_lat_e7=_e7((min_lat + max_lat) / 2),
        center_zoom=center_zoom,
    )
    metadata = dict(info.metadata)
    tile_count = 0
    with target.open("wb") as out:
        writer = Writer(out)
        try:
            for tile_id, data in source.tiles(list(tile_ids)):
                writer.write_tile(tile_id, data)
                tile_count += 1
            if tile_count == 0:
                raise ValueError("none of the tiles is in the source archive")
            writer.finalize(header, metadata)
        finally:
            writer.tile_f.close()  # the spool file (finalize closes it too)
    return ExtractStats(tiles=tile_count, bytes=target.stat().st_size)
