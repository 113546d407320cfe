"""The offline pack of a trip: one zip with its plan, its sites and its base map, cached.

A pack is a pure function of what goes into it: the trip (kind, id, version, and the URL
its ``plan.json`` links from), the sites visited (slug, version), the language, the
base-map archive (its SHA-256) and the tile options. :class:`PackKey` hashes those into
the pack's name and its ETag, so a request can be answered 304, or from the cached file,
before anything is rendered, and a change to any input makes a new pack. Packs are
written to a temporary file and renamed into ``<data_dir>/offline/``, so concurrent
workers never read a half-written one; the previous packs of the same trip are removed
then.

The zip is deterministic (fixed timestamps, sorted members): the same key gives the same
bytes. The base map is stored uncompressed (its tiles are gzip already), so an app can
read ``basemap.pmtiles`` in place inside the zip.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tourroute.offline.tiles import TileArchive, extract, tiles_for_trip, trip_area

__all__ = [
    "PACK_FORMAT",
    "OfflinePack",
    "PackContents",
    "PackKey",
    "PackStore",
    "TileOptions",
    "archive_sha256",
]

PACK_FORMAT = 1
"""Bumped whenever the layout of a pack changes, so that cached packs are rebuilt."""

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # zip's epoch: members carry no build time
_BASEMAP = "basemap.pmtiles"
ATTRIBUTION = "Map data © OpenStreetMap contributors (ODbL)"


@functools.lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    del size, mtime_ns  # the cache key: a changed file is hashed again
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive_sha256(path: Path) -> str:
    """The SHA-256 of a base-map archive, hashed once per (path, size, modification time)."""
    stat = path.stat()
    return _sha256(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class TileOptions:
    """Which tiles a pack takes (the ``offline_*`` settings)."""

    corridor_m: float
    site_radius_m: float
    low_max_zoom: int
    max_zoom: int


@dataclass(frozen=True)
class PackKey:
    """Everything a pack's bytes depend on."""

    kind: Literal["itinerary", "tour"]
    ident: str
    version: int
    base_url: str
    language: str
    sites: tuple[tuple[str, int], ...]
    archive_sha256: str | None
    options: TileOptions

    @functools.cached_property
    def digest(self) -> str:
        doc = {
            "format": PACK_FORMAT,
            "kind": self.kind,
            "id": self.ident,
            "version": self.version,
            "base_url": self.base_url,
            "language": self.language,
            "sites": [list(s) for s in self.sites],
            "archive": self.archive_sha256,
            "options": [
                self.options.corridor_m,
                self.options.site_radius_m,
                self.options.low_max_zoom,
                self.options.max_zoom,
            ],
        }
        raw = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(raw).hexdigest()

    @property
    def etag(self) -> str:
        return f'"offline-{self.digest[:32]}"'

    @property
    def prefix(self) -> str:
        return f"{self.kind}-{self.ident}-"


@dataclass(frozen=True)
class PackContents:
    """What a trip puts in its pack: named files, and the geometry its map must cover."""

    files: dict[str, bytes]
    lines: Sequence[Sequence[tuple[float, float]]]
    points: Sequence[tuple[float, float]]
    manifest: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OfflinePack:
    """A pack on disk, and what its response headers report."""

    path: Path
    etag: str
    size: int
    tiles: int
    tile_bytes: int


def _center_zoom(bounds: tuple[float, float, float, float], max_zoom: int) -> int:
    """The zoom at which the trip's extent fills about one tile."""
    span = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1e-6)
    return max(0, min(max_zoom, math.floor(math.log2(360.0 / span))))


def _member(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


class PackStore:
    """Packs cached under ``directory``, built from ``archive`` (``None``: no base map)."""

    def __init__(self, directory: Path, archive: Path | None, options: TileOptions) -> None:
        self.directory = directory
        self.archive = archive if archive is not None and archive.is_file() else None
        self.options = options

    def archive_digest(self) -> str | None:
        """The base map's SHA-256, part of every key (``None`` without a base map)."""
        return None if self.archive is None else archive_sha256(self.archive)

    def _paths(self, key: PackKey) -> tuple[Path, Path]:
        stem = f"{key.prefix}{key.digest[:32]}"
        return self.directory / f"{stem}.zip", self.directory / f"{stem}.json"

    def cached(self, key: PackKey) -> OfflinePack | None:
        """The pack of ``key`` if it was built before."""
        zip_path, stats_path = self._paths(key)
        try:
            stats = json.loads(stats_path.read_text())
            size = zip_path.stat().st_size
        except (OSError, ValueError):
            return None
        return OfflinePack(zip_path, key.etag, size, int(stats["tiles"]), int(stats["tile_bytes"]))

    def get(self, key: PackKey, contents: Callable[[], PackContents]) -> OfflinePack:
        """The pack of ``key``: from the cache, or built from ``contents()`` and cached."""
        found = self.cached(key)
        if found is not None:
            return found
        return self._build(key, contents())

    def _build(self, key: PackKey, contents: PackContents) -> OfflinePack:
        self.directory.mkdir(parents=True, exist_ok=True)
        zip_path, stats_path = self._paths(key)
        with tempfile.TemporaryDirectory(dir=self.directory, prefix=".build-") as tmp:
            work = Path(tmp)
            tiles, tile_bytes, map_info = 0, 0, None
            if self.archive is not None:
                tiles, tile_bytes, map_info = self._basemap(self.archive, contents, work / _BASEMAP)
            manifest = {
                **contents.manifest,
                "format": PACK_FORMAT,
                "kind": key.kind,
                "id": key.ident,
                "version": key.version,
                "language": key.language,
                "basemap": map_info,
                "attribution": ATTRIBUTION,
            }
            files = {**contents.files, "manifest.json": _json(manifest)}
            staging = work / "pack.zip"
            with zipfile.ZipFile(staging, "w") as zf:
                for name in sorted(files):
                    zf.writestr(_member(name, zipfile.ZIP_DEFLATED), files[name])
                if map_info is not None:
                    with (
                        (work / _BASEMAP).open("rb") as src,
                        zf.open(
                            _member(_BASEMAP, zipfile.ZIP_STORED), "w", force_zip64=True
                        ) as dst,
                    ):
                        for chunk in iter(lambda: src.read(1 << 20), b""):
                            dst.write(chunk)
            stats_tmp = work / "stats.json"
            stats_tmp.write_text(json.dumps({"tiles": tiles, "tile_bytes": tile_bytes}))
            os.replace(staging, zip_path)
            os.replace(stats_tmp, stats_path)
        self._drop_older(key, zip_path, stats_path)
        return OfflinePack(zip_path, key.etag, zip_path.stat().st_size, tiles, tile_bytes)

    def _basemap(
        self, archive: Path, contents: PackContents, target: Path
    ) -> tuple[int, int, dict[str, Any] | None]:
        opts = self.options
        if not contents.lines and not contents.points:
            return 0, 0, None
        area = trip_area(contents.lines, contents.points, opts.corridor_m, opts.site_radius_m)
        with TileArchive(archive) as source:
            info = source.info()
            max_zoom = min(opts.max_zoom, info.header["max_zoom"])
            ids = tiles_for_trip(area, info.bounds, opts.low_max_zoom, max_zoom)
            bounds = area.bounds
            try:
                stats = extract(source, ids, target, bounds, _center_zoom(bounds, max_zoom))
            except ValueError:  # the trip lies outside the archive's coverage
                return 0, 0, None
        described = {
            "file": _BASEMAP,
            "tiles": stats.tiles,
            "bytes": stats.bytes,
            "bounds": [round(v, 6) for v in bounds],
            "low_zooms": [0, min(opts.low_max_zoom, max_zoom)],
            "max_zoom": max_zoom,
            "corridor_m": opts.corridor_m,
            "site_radius_m": opts.site_radius_m,
        }
        return stats.tiles, stats.bytes, described

    def _drop_older(self, key: PackKey, *keep: Path) -> None:
        # Only this trip's packs: ``tour-a-`` also starts ``tour-a-b-<digest>``.
        for path in self.directory.glob(f"{key.prefix}*"):
            rest = path.stem[len(key.prefix) :]
            if path not in keep and path.suffix in (".zip", ".json") and _is_digest(rest):
                path.unlink(missing_ok=True)


def _is_digest(text: str) -> bool:
    return len(text) == 32 and all(c in "0123456789abcdef" for c in text)


def _json(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, indent=1).encode()
