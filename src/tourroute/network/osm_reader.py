"""Reading OpenStreetMap files (``.osm`` / ``.osm.pbf``) as a stream of road batches.

This module exists so reading stays apart from writing: it knows pyosmium and the tag rules,
never the database.  The places importers (:mod:`tourroute.sites.osm_places`,
:mod:`tourroute.sites.places_import`) share its file check, progress bar and
:class:`OsmImportError`; they never need the road writer.

:func:`read_osm` streams the file with pyosmium (node locations cached in memory, the one
whole-file structure: ways need their nodes' positions) and maps each ``highway=*`` way's
tags with :func:`~tourroute.network.osm_tags.map_tags`.  It yields the kept ways in batches
of :data:`BATCH_ROWS`, so memory stays bounded whatever the file's size; the writer
(:mod:`.osm_writer`) writes each batch inside one SAVEPOINT, so a file found corrupt or
truncated half-way still leaves the database as it was.

Ways are not split: one way is one segment (the routing graph splits segments at shared
vertices anyway), so every key is ``osm:w<id>``.  A quick first pass over the ways alone
(no node locations) counts them, for the progress bar, and finds ids that occur more than
once (a history or merged file): of those the last copy is read and the earlier ones are
counted as superseded, so the last one wins.  Geometries are built by libosmium (WKB,
consecutive repeated positions dropped, reversed for ``oneway=-1``) and measured in one
vectorised call per batch.  Ways with a node whose location is missing from the file, or
with fewer than two distinct positions, are skipped and counted.  Each road's ``source``
reads ``OpenStreetMap way <id> (© OpenStreetMap contributors, ODbL); file <name>``.
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import osmium
import osmium.filter
import osmium.geom
import shapely
from pyproj import Geod
from tqdm import tqdm

from tourroute.network.osm_tags import RoadTags, SkipReason, map_tags

__all__ = [
    "BATCH_ROWS",
    "KEY_PREFIX",
    "OsmExtract",
    "OsmImportError",
    "OsmRoad",
    "check_readable",
    "lengths_m",
    "progress_bar",
    "read_osm",
]

KEY_PREFIX = "osm:"
BATCH_ROWS = 2000  # ways per batch: one lookup query and one bulk insert each
_TAG_CACHE_SIZE = 20_000  # distinct tag sets remembered (most ways repeat a few)
_GEOD = Geod(ellps="WGS84")

TagItems = tuple[tuple[str, str], ...]


class OsmImportError(Exception):
    """The file cannot be imported (missing, unreadable, corrupt) or an option is invalid."""


@dataclass(frozen=True, slots=True)
class OsmRoad:
    """One kept way: its segment key, mapped tags, geometry, length and source text.

    ``wkb`` is a 2-D LINESTRING in EPSG:4326, in driving direction, as written to the
    database.
    """

    key: str
    way_id: int
    tags: RoadTags
    wkb: bytes
    length_m: float
    source: str

    def columns(self) -> dict[str, Any]:
        """The ``road_segment`` column values of this road, geometry and key aside.

        Returns
        -------
        dict[str, Any]
            The tag columns (:meth:`RoadTags.columns`) and ``source``.
        """
        return {**self.tags.columns(), "source": self.source}


def check_readable(path: Path) -> None:
    """Check that ``path`` is a file that can be opened and read.

    Parameters
    ----------
    path
        The file to import.

    Raises
    ------
    OsmImportError
        ``path`` does not exist, is not a file, or cannot be read.
    """
    if not path.exists():
        raise OsmImportError(f"{path}: no such file")
    if not path.is_file():
        raise OsmImportError(f"{path}: not a file")
    try:
        with path.open("rb") as f:
            f.read(1)
    except OSError as exc:
        raise OsmImportError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def progress_bar(enabled: bool, **kwargs: Any) -> tqdm[Any]:
    """A progress bar on standard error, shown only when asked for and stderr is a terminal.

    Parameters
    ----------
    enabled
        Whether the caller wants progress shown.
    **kwargs
        Passed on to :class:`tqdm.tqdm` (``desc``, ``unit``, ``total`` …).

    Returns
    -------
    tqdm.tqdm
        The bar; a disabled one still counts and can be closed or used as a context manager.
    """
    return tqdm(disable=not enabled or not sys.stderr.isatty(), file=sys.stderr, **kwargs)


def lengths_m(wkbs: Sequence[bytes]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Geodesic lengths (WGS84 ellipsoid, metres) of lon/lat lines, in one vectorised pass.

    Parameters
    ----------
    wkbs
        The lines as WKB; each has at least one position.

    Returns
    -------
    numpy.ndarray
        One length per line, in order: the sum of its pieces' geodesic lengths, as
        :func:`tourroute.routing.graph.line_length_m` measures them.

    Examples
    --------
    >>> from shapely import LineString, to_wkb
    >>> lines = [LineString([(105, 19), (105, 19.01)]), LineString([(105, 19), (105.01, 19)])]
    >>> [round(m) for m in lengths_m([to_wkb(line) for line in lines])]
    [1107, 1053]
    """
    if not wkbs:
        return np.zeros(0)
    coords, index = shapely.get_coordinates(shapely.from_wkb(wkbs), return_index=True)
    if len(coords) < 2:
        return np.zeros(len(wkbs))
    pieces = np.asarray(_GEOD.line_lengths(coords[:, 0], coords[:, 1]), dtype=np.float64)
    inside = index[1:] == index[:-1]  # a piece from one line's vertex to its next
    sums = np.bincount(index[1:][inside], weights=pieces[inside], minlength=len(wkbs))
    return sums.astype(np.float64)


def _tag_items(way: osmium.osm.Way) -> TagItems:
    """The way's tags as (key, value) pairs, in file order.

    Most ways carry ``highway`` alone: reading that one tag by key skips pyosmium's
    per-tag iterator, the costliest step of reading such a way.
    """
    if len(way.tags) == 1:
        highway = way.tags.get("highway")
        if highway is not None:
            return (("highway", highway),)
    return tuple((tag.k, tag.v) for tag in way.tags)


@dataclass
class OsmExtract:
    """One pass over a file's highways: iterate it for batches of roads to write.

    The counts fill as the file is read: ways read and skipped (by reason).  The roads
    themselves are never all held: each batch is dropped once written.
    """

    file: Path
    progress: bool = False
    batch_rows: int = BATCH_ROWS
    ways_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def __iter__(self) -> Iterator[list[OsmRoad]]:
        self.ways_read = 0
        self.skipped.clear()
        try:
            total, repeated = self._scan_ways()
            with progress_bar(
                self.progress, desc="importing highways", unit=" ways", total=total
            ) as bar:
                yield from self._batches(bar, repeated)
        except RuntimeError as exc:  # pyosmium reports open, format and parse errors this way
            raise OsmImportError(f"{self.file}: cannot read OSM data: {exc}") from exc

    def _processor(self, *, locations: bool) -> osmium.FileProcessor:
        entities = osmium.osm.NODE | osmium.osm.WAY if locations else osmium.osm.WAY
        processor = osmium.FileProcessor(str(self.file), entities)
        if locations:
            processor = processor.with_locations()
        return processor.with_filter(osmium.filter.EntityFilter(osmium.osm.WAY)).with_filter(
            osmium.filter.KeyFilter("highway")
        )

    def _scan_ways(self) -> tuple[int, dict[int, int]]:
        """The number of highway ways, and how often each repeated way id occurs.

        One pass over the ways alone: no node locations, no tags mapped; the ids are held
        as 8 bytes each, only for the duration of the scan.
        """
        ids = array("q")
        for way in self._processor(locations=False):
            ids.append(way.id)
        unique, counts = np.unique(np.frombuffer(ids, dtype=np.int64), return_counts=True)
        many = counts > 1
        return len(ids), dict(zip(unique[many].tolist(), counts[many].tolist(), strict=True))

    def _batches(self, bar: tqdm[Any], repeated: dict[int, int]) -> Iterator[list[OsmRoad]]:
        """The kept ways, in batches; ``repeated``: way id → copies still to come."""
        factory = osmium.geom.WKBFactory()
        mapped_tags: dict[TagItems, RoadTags | SkipReason] = {}
        pending: list[tuple[int, RoadTags, str]] = []
        for way in self._processor(locations=True):
            if not isinstance(way, osmium.osm.Way):
                continue
            if not self.ways_read:  # the nodes are read: time the ways from here
                bar.reset(total=bar.total)
            bar.update()
            self.ways_read += 1
            if repeated and repeated.get(way.id, 1) > 1:  # a later copy of it follows
                repeated[way.id] -= 1
                self.skipped[SkipReason.superseded.value] += 1
                continue
            items = _tag_items(way)
            mapped = mapped_tags.get(items)
            if mapped is None:
                if len(mapped_tags) >= _TAG_CACHE_SIZE:
                    mapped_tags.clear()
                mapped = mapped_tags[items] = map_tags(dict(items))
            if isinstance(mapped, SkipReason):
                self.skipped[mapped.value] += 1
                continue
            direction = osmium.geom.BACKWARD if mapped.reverse else osmium.geom.FORWARD
            try:
                wkb = factory.create_linestring(way, osmium.geom.UNIQUE, direction)
            except osmium.InvalidLocationError:
                self.skipped[SkipReason.missing_nodes.value] += 1
                continue
            except RuntimeError:  # libosmium: fewer than two distinct positions
                self.skipped[SkipReason.degenerate.value] += 1
                continue
            pending.append((way.id, mapped, wkb))
            if len(pending) >= self.batch_rows:
                yield self._roads(pending)
                pending = []
        if pending:
            yield self._roads(pending)

    def _roads(self, pending: Sequence[tuple[int, RoadTags, str]]) -> list[OsmRoad]:
        wkbs = [bytes.fromhex(wkb) for _, _, wkb in pending]
        lengths = lengths_m(wkbs)
        name = self.file.name
        return [
            OsmRoad(
                f"{KEY_PREFIX}w{way_id}",
                way_id,
                tags,
                wkb,
                float(length),
                f"OpenStreetMap way {way_id} (© OpenStreetMap contributors, ODbL); file {name}",
            )
            for (way_id, tags, _), wkb, length in zip(pending, wkbs, lengths, strict=True)
        ]


def read_osm(path: Path, *, progress: bool = False, batch_rows: int | None = None) -> OsmExtract:
    """Check ``path`` and return the stream of its ``highway=*`` ways, mapped to roads.

    Nothing is read until the result is iterated; every iteration reads the file again.

    Parameters
    ----------
    path
        The ``.osm`` or ``.osm.pbf`` file.
    progress
        Show a progress bar on standard error (when it is a terminal) while iterating.
    batch_rows
        Roads per batch; :data:`BATCH_ROWS` by default.

    Returns
    -------
    OsmExtract
        Iterate it for lists of :class:`OsmRoad` (keyed ``osm:w<way id>``); its counts
        (ways read, skipped by reason) fill as it is read.

    Raises
    ------
    OsmImportError
        The file is missing or unreadable now, or (while iterating) pyosmium cannot parse
        it.
    """
    check_readable(path)
    return OsmExtract(path, progress=progress, batch_rows=batch_rows or BATCH_ROWS)
